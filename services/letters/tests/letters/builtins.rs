//! The four built-in letters.

use cdd_letters::{LetterFormat, TemplateLibrary, builtin};

use crate::helpers::{render, rfi_data};

#[test]
fn the_four_builtins_are_installed_as_version_one() {
    let library = TemplateLibrary::with_builtins();
    let names: Vec<&str> = library.names().map(|n| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "onboarding-approval",
            "periodic-review-reminder",
            "rejection",
            "rfi"
        ]
    );
    for name in library.names() {
        assert_eq!(library.get(name, None).unwrap().version().get(), 1);
    }
}

#[test]
fn rfi_requires_documents_and_declares_them() {
    let library = TemplateLibrary::with_builtins();
    let rfi = library
        .get(
            &cdd_letters::TemplateName::parse(builtin::RFI).unwrap(),
            None,
        )
        .unwrap();
    let fields: Vec<(&str, bool)> = rfi
        .fields()
        .iter()
        .map(|f| (f.name.as_str(), f.optional))
        .collect();
    assert_eq!(
        fields,
        [
            ("customer_name", false),
            ("reference", false),
            ("address", false),
            ("documents", false),
            ("respond_by", true)
        ]
    );
}

#[test]
fn every_builtin_renders_in_every_format_with_its_own_subject() {
    let subjects = [
        ("rfi", "Request for information about your application"),
        (
            "onboarding-approval",
            "Your account application has been approved",
        ),
        ("rejection", "Your account application"),
        (
            "periodic-review-reminder",
            "Periodic review of your account information",
        ),
    ];
    for (name, subject) in subjects {
        let mut data = rfi_data("Ana Silva", &["Passport"]);
        if name != "rfi" {
            data.as_object_mut().unwrap().remove("documents");
        }
        for format in [LetterFormat::Pdf, LetterFormat::Html, LetterFormat::Text] {
            let letter = render(name, data.clone(), format);
            assert!(!letter.bytes.is_empty());
            if format == LetterFormat::Text {
                let text = String::from_utf8(letter.bytes).unwrap();
                assert!(text.contains(subject), "{name}: {text}");
                assert!(text.contains("Dear Ana Silva,"), "{name}: {text}");
                assert!(
                    !text.contains("{{") && !text.contains("{%"),
                    "{name}: {text}"
                );
            }
        }
    }
}
