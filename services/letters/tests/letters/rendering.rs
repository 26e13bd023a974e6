//! Rendering rules shared by the formats: data checks, escaping, output
//! metadata, reproducibility.

use cdd_letters::{
    CustomerId, FieldProblem, FieldType, LetterError, LetterFormat, RenderError, Sha256Digest,
    Template, TemplateName, TemplateSource, TemplateVersion, render_letter,
};
use serde_json::json;

use crate::helpers::{LETTER_DATE, render, request, rfi_data, settings};

#[test]
fn every_missing_or_mistyped_field_is_named() {
    let library = cdd_letters::TemplateLibrary::with_builtins();
    let data = json!({
        "customer_name": 42,
        "address": [],
        "documents": "Passport",
        "respond_by": "next week",
        "documnets": ["typo"],
    });
    let error = library
        .render(
            &request("rfi", data, LetterFormat::Html),
            LETTER_DATE,
            &settings(),
        )
        .unwrap_err();
    let LetterError::Render(RenderError::InvalidData(errors)) = error else {
        panic!("expected invalid data, got {error:?}");
    };
    let mut named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    named.sort_unstable();
    assert_eq!(
        named,
        [
            "address",
            "customer_name",
            "documents",
            "documnets",
            "reference",
            "respond_by"
        ]
    );
    let problem = |field: &str| &errors.iter().find(|e| e.field == field).unwrap().problem;
    assert_eq!(
        problem("reference"),
        &FieldProblem::Missing {
            expected: FieldType::String
        }
    );
    assert_eq!(
        problem("customer_name"),
        &FieldProblem::WrongType {
            expected: FieldType::String,
            found: "an integer"
        }
    );
    assert_eq!(problem("documnets"), &FieldProblem::Unexpected);
    // The HTTP layer serialises the list as it is.
    let body = serde_json::to_value(&errors).unwrap();
    assert_eq!(body[0]["field"], "customer_name");
    assert_eq!(body[0]["problem"], "wrong_type");
    assert_eq!(body[0]["expected"], "string");
}

#[test]
fn html_escapes_values_so_data_cannot_inject_markup() {
    let name = "<script>alert('x')</script> & Co";
    let letter = render(
        "rfi",
        rfi_data(name, &["<b>Passport</b>"]),
        LetterFormat::Html,
    );
    let html = String::from_utf8(letter.bytes).unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"),
        "{html}"
    );
    assert!(
        html.contains("<li>&lt;b&gt;Passport&lt;/b&gt;</li>"),
        "{html}"
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(letter.content_type, "text/html; charset=utf-8");
    assert_eq!(letter.file_extension, "html");
}

#[test]
fn html_escapes_template_text_too() {
    let source = TemplateSource {
        description: String::new(),
        subject: "<i>Hello</i>".into(),
        fields: vec![],
        body: "Dear {{ customer_name }},\n\n<img src=x onerror=alert(1)>".into(),
        decision: None,
    };
    let template = Template::compile(
        TemplateName::parse("custom").unwrap(),
        TemplateVersion::FIRST,
        source,
    )
    .unwrap();
    let data = rfi_data("Ana", &[]);
    let mut data = data.as_object().unwrap().clone();
    data.remove("documents");
    let letter = render_letter(
        &template,
        &CustomerId::parse("cus_63310000000000000000000000000000").unwrap(),
        &data,
        LetterFormat::Html,
        LETTER_DATE,
        &settings(),
    )
    .unwrap();
    let html = String::from_utf8(letter.bytes).unwrap();
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<i>"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
}

#[test]
fn text_letters_have_the_letter_frame() {
    let letter = render(
        "rfi",
        rfi_data("José Müller-Łukasiewicz", &["Passport", "Bank statement"]),
        LetterFormat::Text,
    );
    assert_eq!(letter.content_type, "text/plain; charset=utf-8");
    assert_eq!(letter.file_extension, "txt");
    let text = String::from_utf8(letter.bytes).unwrap();
    let expected_in_order = [
        "NORTHBRIDGE SAVINGS BANK",
        "1 Harbour Street",
        "José Müller-Łukasiewicz\nFlat 4\n12 Rue des Fleurs\n75011 Paris\nFrance\n",
        "5 March 2026\nOur reference: CDD-2026-000123\n",
        "Request for information about your application",
        "Dear José Müller-Łukasiewicz,",
        "  - Passport\n  - Bank statement\n",
        "within 30 days",
        "Yours sincerely,",
        "Helen Carter\nHead of Customer Due Diligence\nNorthbridge Savings Bank\n",
    ];
    let mut from = 0;
    for part in expected_in_order {
        let at = text[from..]
            .find(part)
            .unwrap_or_else(|| panic!("{part:?} missing or out of order in:\n{text}"));
        from += at + part.len();
    }
    assert!(text.lines().all(|l| l.chars().count() <= 72), "{text}");
}

#[test]
fn optional_dates_are_written_out() {
    let mut data = rfi_data("Ana", &["Passport"]);
    data["respond_by"] = json!("2026-04-30");
    let text = String::from_utf8(render("rfi", data, LetterFormat::Text).bytes).unwrap();
    assert!(text.contains("by 30 April 2026."), "{text}");
    assert!(!text.contains("within 30 days"), "{text}");
}

#[test]
fn the_same_input_gives_the_same_bytes_and_digest() {
    for format in [LetterFormat::Pdf, LetterFormat::Html, LetterFormat::Text] {
        let first = render("rfi", rfi_data("Ana", &["Passport"]), format);
        let second = render("rfi", rfi_data("Ana", &["Passport"]), format);
        assert_eq!(first.bytes, second.bytes, "{format} is not reproducible");
        assert_eq!(first.sha256, Sha256Digest::of(&first.bytes));
        assert_eq!(first.size, first.bytes.len());
        let other = render("rfi", rfi_data("Anna", &["Passport"]), format);
        assert_ne!(first.sha256, other.sha256);
    }
}

#[test]
fn rendered_letter_metadata_serialises_without_the_bytes() {
    let letter = render("rejection", rfi_data_no_documents(), LetterFormat::Pdf);
    let json = serde_json::to_value(&letter).unwrap();
    assert_eq!(json["template"], "rejection");
    assert_eq!(json["version"], 1);
    assert_eq!(json["customer_id"], "cus_30303031000000000000000000000000");
    assert_eq!(json["format"], "pdf");
    assert_eq!(json["file_extension"], "pdf");
    assert_eq!(json["sha256"].as_str().unwrap().len(), 64);
    assert!(json.get("bytes").is_none());
}

fn rfi_data_no_documents() -> serde_json::Value {
    let mut data = rfi_data("Ana", &[]);
    data.as_object_mut().unwrap().remove("documents");
    data
}

#[test]
fn a_render_request_parses_from_json() {
    let body = r#"{"template":"rfi","version":1,"customer_id":"cus_39000000000000000000000000000000","format":"text",
        "data":{"customer_name":"Ana","reference":"R1","address":["Lisbon"],"documents":["Passport"]}}"#;
    let request: cdd_letters::RenderRequest = serde_json::from_str(body).unwrap();
    assert_eq!(request.version, Some(TemplateVersion::FIRST));
    let bad = r#"{"template":"RFI","customer_id":"cus_39000000000000000000000000000000","format":"docx","data":{}}"#;
    assert!(serde_json::from_str::<cdd_letters::RenderRequest>(bad).is_err());
}

#[test]
fn a_runaway_template_fails_instead_of_hanging() {
    let source = TemplateSource {
        description: String::new(),
        subject: "Loop".into(),
        fields: vec![],
        body: "{% for a in range(9999) %}{% for b in range(9999) %}{{ customer_name }}{% endfor %}{% endfor %}".into(),
        decision: None,
    };
    let template = Template::compile(
        TemplateName::parse("loop").unwrap(),
        TemplateVersion::FIRST,
        source,
    )
    .unwrap();
    let mut data = rfi_data_no_documents().as_object().unwrap().clone();
    data.remove("documents");
    let error = render_letter(
        &template,
        &CustomerId::parse("cus_63310000000000000000000000000000").unwrap(),
        &data,
        LetterFormat::Text,
        LETTER_DATE,
        &settings(),
    )
    .unwrap_err();
    assert!(matches!(error, RenderError::Template(_)), "{error:?}");
    assert!(error.to_string().contains("fuel"), "{error}");
}
