//! The PDF is a real PDF: poppler reads it back.

use cdd_letters::LetterFormat;

use crate::helpers::{page_count, pdftotext, poppler, render, rfi_data};

/// pdftotext lays text out in columns; compare on single spaces.
fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn pdftotext_reads_back_the_name_and_the_reference() {
    let letter = render(
        "rfi",
        rfi_data("José Müller-Łukasiewicz", &["Passport", "Proof of address"]),
        LetterFormat::Pdf,
    );
    assert!(letter.bytes.starts_with(b"%PDF-"));
    assert_eq!(letter.content_type, "application/pdf");
    let text = normalised(&pdftotext(&letter.bytes));
    assert!(
        text.contains("José Müller-Łukasiewicz"),
        "name not found in:\n{text}"
    );
    assert!(text.contains("Dear José Müller-Łukasiewicz,"), "{text}");
    assert!(
        text.contains("CDD-2026-000123"),
        "reference not found in:\n{text}"
    );
    assert!(text.contains("Northbridge Savings Bank"), "{text}");
    assert!(text.contains("5 March 2026"), "{text}");
    assert!(text.contains("Proof of address"), "{text}");
    assert!(text.contains("Yours sincerely, Helen Carter"), "{text}");
    assert_eq!(page_count(&letter.bytes), 1);
}

#[test]
fn greek_and_cyrillic_names_come_back_too() {
    let name = "Αθηνά Παπαδοπούλου / Ёлка Щукина-Ďurčeková";
    let letter = render(
        "onboarding-approval",
        rfi_data_without_documents(name),
        LetterFormat::Pdf,
    );
    let text = normalised(&pdftotext(&letter.bytes));
    assert!(text.contains(name), "{text}");
}

fn rfi_data_without_documents(name: &str) -> serde_json::Value {
    let mut data = rfi_data(name, &[]);
    data.as_object_mut().unwrap().remove("documents");
    data
}

#[test]
fn a_long_document_list_breaks_across_pages_and_keeps_every_item() {
    let documents: Vec<String> = (1..=60)
        .map(|i| {
            format!(
                "Document {i:02}: certified copy of the register of beneficial owners, \
                 showing every person with more than 25 per cent of the shares"
            )
        })
        .collect();
    let refs: Vec<&str> = documents.iter().map(String::as_str).collect();
    let letter = render("rfi", rfi_data("Ana Silva", &refs), LetterFormat::Pdf);
    let pages = page_count(&letter.bytes);
    assert!(
        pages >= 4,
        "60 two-line items should need several pages, got {pages}"
    );
    let raw = pdftotext(&letter.bytes);
    let text = normalised(&raw);
    for i in 1..=60 {
        assert!(
            text.contains(&format!("Document {i:02}:")),
            "item {i} missing"
        );
    }
    // pdftotext ends each page with a form feed.
    let page_texts: Vec<String> = raw
        .split('\x0c')
        .map(normalised)
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(page_texts.len(), pages);
    for (index, page) in page_texts.iter().enumerate() {
        let footer = format!("Page {} of {pages}", index + 1);
        assert!(
            page.contains(&footer),
            "page {} has no footer: {page}",
            index + 1
        );
        assert!(page.contains("Our reference: CDD-2026-000123"), "{page}");
    }
    // The signature block is whole on the last page.
    let last = page_texts.last().unwrap();
    assert!(
        last.contains("Yours sincerely, Helen Carter Head of Customer Due Diligence"),
        "{last}"
    );
}

#[test]
fn long_lines_wrap_inside_the_page() {
    let long_name =
        "Maximiliane Josefine Wilhelmina von Hohenzollern-Sigmaringen-Württemberg ".repeat(3);
    let letter = render(
        "rfi",
        rfi_data(long_name.trim(), &["Passport"]),
        LetterFormat::Pdf,
    );
    // -bbox would give coordinates; simpler: the raw layout keeps each line
    // shorter than the page, so no text line is absurdly long.
    let text = poppler("pdftotext", &["-layout", "{pdf}", "-"], &letter.bytes);
    let widest = text
        .lines()
        .map(|l| l.trim_end().chars().count())
        .max()
        .unwrap();
    assert!(
        widest < 120,
        "a line of {widest} characters did not wrap:\n{text}"
    );
    assert!(normalised(&pdftotext(&letter.bytes)).contains("Sigmaringen-Württemberg"));
}

#[test]
fn characters_no_font_has_are_refused_by_code_point_for_pdf_only() {
    let library = cdd_letters::TemplateLibrary::with_builtins();
    let render_pdf = |name: &str, settings: &cdd_letters::LetterSettings| {
        let request =
            crate::helpers::request("rfi", rfi_data(name, &["Passport"]), LetterFormat::Pdf);
        library.render(&request, crate::helpers::LETTER_DATE, settings)
    };
    // Noto Sans alone (no fonts directory loaded) has no Han.
    let builtin_only = crate::helpers::settings().with_fonts(cdd_letters::Fonts::builtin());
    let message = render_pdf("王小明", &builtin_only).unwrap_err().to_string();
    assert!(message.contains("U+738B, U+5C0F, U+660E"), "{message}");
    // With the fallback fonts it is a letter.
    let letter = render_pdf("王小明", &crate::helpers::settings()).unwrap();
    assert!(normalised(&pdftotext(&letter.bytes)).contains("Dear 王小明,"));
    // An unassigned code point has no glyph anywhere.
    let message = render_pdf("Ana \u{0378}", &crate::helpers::settings())
        .unwrap_err()
        .to_string();
    assert!(message.contains("U+0378"), "{message}");
    let html = render("rfi", rfi_data("Ana \u{0378}", &[]), LetterFormat::Html);
    assert!(
        String::from_utf8(html.bytes)
            .unwrap()
            .contains("Ana \u{0378}")
    );
}

#[test]
fn a_long_line_without_spaces_wraps_between_clusters() {
    // Chinese and Thai write an address without spaces between words: the
    // line is cut between characters (Thai: never before a vowel or tone
    // mark) and every character is still there.
    let chinese =
        "北京市朝阳区建国门外大街一号国际贸易中心三期写字楼第八十八层八八零八室".repeat(2);
    let thai = "อาคารสาทรซิตี้ทาวเวอร์ชั้นยี่สิบห้าถนนสาทรใต้แขวงทุ่งมหาเมฆเขตสาทรกรุงเทพมหานคร";
    let data = serde_json::json!({
        "customer_name": "王小明",
        "reference": "CDD-2026-000123",
        "address": [chinese, thai],
        "documents": ["Passport"],
    });
    let letter = render("rfi", data, LetterFormat::Pdf);
    let text = pdftotext(&letter.bytes);
    let joined: String = text.split_whitespace().collect();
    assert!(joined.contains(&chinese), "{text}");
    assert!(joined.contains(thai), "{text}");
    // It did wrap: no line holds the whole address line.
    assert!(text.lines().all(|l| !l.contains(&chinese)), "{text}");
    assert_eq!(page_count(&letter.bytes), 1);
}
