use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use cdd_letters::{
    CustomerId, DEFAULT_FONTS_DIR, FONT_PACKAGES, Fonts, LetterFormat, LetterSettings,
    RenderRequest, RenderedLetter, TemplateLibrary, TemplateName,
};
use serde_json::{Value, json};
use time::Date;
use time::macros::date;

pub const LETTER_DATE: Date = date!(2026 - 03 - 05);

/// The fallback fonts, from `CDD_LETTERS_FONTS_DIR` or Debian's font
/// directory (scripts/test installs the packages), read once.
pub fn fonts() -> Fonts {
    static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
        let dir = std::env::var_os("CDD_LETTERS_FONTS_DIR")
            .map_or_else(|| PathBuf::from(DEFAULT_FONTS_DIR), PathBuf::from);
        Fonts::load(&dir).unwrap_or_else(|problems| {
            panic!(
                "the letters tests need the fonts ({FONT_PACKAGES}): {}",
                problems.join("; ")
            )
        })
    });
    FONTS.clone()
}

pub fn settings() -> LetterSettings {
    LetterSettings::new(
        "Northbridge Savings Bank",
        vec!["1 Harbour Street".into(), "London EC2A 4NE".into()],
        "Helen Carter",
        "Head of Customer Due Diligence",
    )
    .unwrap()
    .with_fonts(fonts())
}

pub fn request(template: &str, data: Value, format: LetterFormat) -> RenderRequest {
    let Value::Object(data) = data else {
        panic!("letter data must be a JSON object")
    };
    RenderRequest {
        template: TemplateName::parse(template).unwrap(),
        version: None,
        customer_id: CustomerId::parse("cus_30303031000000000000000000000000").unwrap(),
        data,
        format,
    }
}

pub fn rfi_data(name: &str, documents: &[&str]) -> Value {
    json!({
        "customer_name": name,
        "reference": "CDD-2026-000123",
        "address": ["Flat 4", "12 Rue des Fleurs", "75011 Paris", "France"],
        "documents": documents,
    })
}

/// Renders a built-in letter. With `CDD_LETTERS_KEEP=<dir>` set, the letter
/// is also saved there (named by its digest) for a person to look at.
pub fn render(template: &str, data: Value, format: LetterFormat) -> RenderedLetter {
    let letter = TemplateLibrary::with_builtins()
        .render(&request(template, data, format), LETTER_DATE, &settings())
        .unwrap_or_else(|e| panic!("rendering {template} failed: {e}"));
    if let Some(dir) = std::env::var_os("CDD_LETTERS_KEEP") {
        let name = format!("{template}-{}.{}", letter.sha256, letter.file_extension);
        std::fs::write(PathBuf::from(dir).join(name), &letter.bytes).unwrap();
    }
    letter
}

/// Runs a poppler tool with `args`, where `{pdf}` stands for a file holding
/// `pdf`, and returns its standard output. Fails the test, saying what to
/// install, when the tool is missing.
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let path: PathBuf = std::env::temp_dir().join(format!(
        "cdd-letters-{}-{}.pdf",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, pdf).unwrap();
    let args = args.iter().map(|a| {
        if *a == "{pdf}" {
            path.as_os_str()
        } else {
            a.as_ref()
        }
    });
    let output = Command::new(tool).args(args).output();
    let _ = std::fs::remove_file(&path);
    let output = output.unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install poppler-utils (apt-get install poppler-utils)")
    });
    assert!(
        output.status.success(),
        "{tool} failed on our PDF: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{tool} complained about our PDF: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("poppler writes UTF-8")
}

pub fn pdftotext(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8", "{pdf}", "-"], pdf)
}

/// The number of pages, from pdfinfo.
pub fn page_count(pdf: &[u8]) -> usize {
    let info = poppler("pdfinfo", &["{pdf}"], pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output:\n{info}"))
}
