//! Versioned templates.

use cdd_letters::{
    LetterError, LetterFormat, LibraryError, Template, TemplateLibrary, TemplateName,
    TemplateSource, TemplateVersion,
};
use serde_json::json;

use crate::helpers::{LETTER_DATE, request, settings};

fn version(library: &TemplateLibrary, name: &TemplateName, greeting: &str) -> Template {
    let source: TemplateSource = serde_json::from_value(json!({
        "subject": "Notice",
        "fields": [{"name": "amount", "type": "integer"}],
        "body": format!("{greeting} {{{{ customer_name }}}}, you owe {{{{ amount }}}}."),
    }))
    .unwrap();
    Template::compile(name.clone(), library.next_version(name), source).unwrap()
}

#[test]
fn versions_are_kept_and_the_latest_is_the_default() {
    let mut library = TemplateLibrary::with_builtins();
    let name = TemplateName::parse("notice").unwrap();
    library.publish(version(&library, &name, "Hello")).unwrap();
    library.publish(version(&library, &name, "Dear")).unwrap();
    assert_eq!(library.get(&name, None).unwrap().version().get(), 2);

    let data =
        json!({"customer_name": "Ana", "reference": "R", "address": ["Lisbon"], "amount": 5});
    let mut old = request("notice", data.clone(), LetterFormat::Text);
    old.version = Some(TemplateVersion::FIRST);
    let text =
        |r| String::from_utf8(library.render(&r, LETTER_DATE, &settings()).unwrap().bytes).unwrap();
    assert!(text(old).contains("Hello Ana, you owe 5."));
    assert!(text(request("notice", data, LetterFormat::Text)).contains("Dear Ana, you owe 5."));
}

#[test]
fn a_published_version_is_never_replaced() {
    let mut library = TemplateLibrary::new();
    let name = TemplateName::parse("notice").unwrap();
    let first = version(&library, &name, "Hello");
    library.publish(first.clone()).unwrap();
    assert_eq!(
        library.publish(first).unwrap_err(),
        LibraryError::VersionExists {
            name,
            version: TemplateVersion::FIRST
        }
    );
}

#[test]
fn builtins_do_not_overwrite_an_existing_name() {
    let mut library = TemplateLibrary::new();
    let rfi = TemplateName::parse("rfi").unwrap();
    library.publish(version(&library, &rfi, "Custom")).unwrap();
    let added = library.install_builtins();
    assert_eq!(added.len(), 3);
    assert!(!added.contains(&rfi));
    assert_eq!(
        library
            .get(&rfi, None)
            .unwrap()
            .source()
            .body
            .split(' ')
            .next(),
        Some("Custom")
    );
    assert!(library.install_builtins().is_empty());
}

#[test]
fn an_unknown_template_or_version_is_not_found() {
    let library = TemplateLibrary::with_builtins();
    let data = json!({});
    let error = library
        .render(
            &request("nope", data.clone(), LetterFormat::Pdf),
            LETTER_DATE,
            &settings(),
        )
        .unwrap_err();
    assert!(matches!(
        error,
        LetterError::Library(LibraryError::NotFound { .. })
    ));
    let mut old = request("rfi", data, LetterFormat::Pdf);
    old.version = Some(TemplateVersion::new(7).unwrap());
    let error = library.render(&old, LETTER_DATE, &settings()).unwrap_err();
    assert_eq!(error.to_string(), "there is no template rfi version 7");
}
