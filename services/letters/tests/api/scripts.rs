//! Names and addresses in every script the platform accepts: the PDF letter
//! is issued, and its text layer gives the name back as written.
//!
//! pdftotext puts right-to-left words back into logical order and wraps
//! them in U+202B … U+202C (embedding marks); the comparisons drop those.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, field_names, pdftotext, problem, spawn_app, unique};

fn request(name: &str, address: &[&str]) -> Value {
    json!({
        "template": "rfi",
        "customer_id": "cus_73637269707473000000000000000000",
        "format": "pdf",
        "data": {
            "customer_name": name,
            "reference": "CDD-2026-000777",
            "address": address,
            "documents": ["Passport or national identity card"],
        }
    })
}

/// Issues the letter (201), reads its content back and extracts the text.
async fn letter_text(app: &TestApp, name: &str, address: &[&str]) -> String {
    let res = app
        .post_letter(&unique("key"), &request(name, address), Role::Service)
        .await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{name}: {body}");
    let id = body["id"].as_str().unwrap();
    let res = app
        .get(&format!("/v1/letters/{id}/content"), Role::Clerk)
        .await;
    assert_eq!(res.status(), 200);
    let pdf = res.bytes().await.unwrap();
    pdftotext(&pdf)
}

/// Without bidi embedding marks, on single spaces.
fn normalised(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

const ADDRESS: &[&str] = &["Flat 4", "12 Rue des Fleurs", "75011 Paris", "France"];

#[tokio::test]
async fn names_in_every_script_come_back_as_written() {
    let app = spawn_app().await;
    let names = [
        "محمد بن سلمان",          // Arabic
        "مریم میرزاخانی",         // Persian (ی, ژ-family letters)
        "شاہد آفریدی",            // Urdu (ہ, ی)
        "سلام عبد الله",           // Arabic lam-alef ligature
        "גולדה מאיר",             // Hebrew
        "习近平",                 // Han, Simplified
        "馬英九",                 // Han, Traditional
        "安倍晋三 やまだ ヤマダ", // Japanese kanji, hiragana, katakana
        "김정은",                 // Hangul
        "नरेन्द्र मोदी",             // Devanagari (conjunct, reordered vowel sign)
        "সত্যজিৎ রায়",              // Bengali
        "ராஜா கிருஷ்ணன்",             // Tamil
        "สมชาย ใจดี",              // Thai
        "Ελευθέριος Βενιζέλος",   // Greek
        "Владимир Зеленский",     // Cyrillic
        "Արամ Խաչատրյան",         // Armenian
        "ნიკოლოზ ბასილაშვილი",    // Georgian
    ];
    for name in names {
        let text = normalised(&letter_text(&app, name, ADDRESS).await);
        assert!(
            text.contains(&format!("Dear {name},")),
            "{name} not read back in:\n{text}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_hebrew_name_with_a_hyphen_keeps_every_word() {
    // pdftotext splits a right-to-left phrase at the hyphen and gives its
    // two halves back in visual order: each half comes back as written.
    let app = spawn_app().await;
    let text = normalised(&letter_text(&app, "דוד בן-גוריון", ADDRESS).await);
    let dear = text
        .split("Dear ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_default()
        .to_owned();
    assert!(dear.contains("דוד בן"), "{dear}");
    assert!(dear.contains("גוריון"), "{dear}");
    let mut got: Vec<char> = dear.chars().collect();
    let mut want: Vec<char> = "דוד בן-גוריון".chars().collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "{dear}");
    app.stop().await;
}

#[tokio::test]
async fn mixed_latin_and_arabic_and_thai_addresses_come_back() {
    let app = spawn_app().await;
    let address = [
        "Villa 7, شارع التحرير",
        "Garden City, القاهرة 11511",
        "123/45 ถนนสุขุมวิท แขวงคลองเตย",
        "Bangkok 10110",
    ];
    let text = normalised(&letter_text(&app, "Omar Al-Farouq عمر الفاروق", &address).await);
    // A line that starts in Latin is a left-to-right line: it comes back
    // exactly, its Arabic part in logical order.
    for line in [
        "Villa 7, شارع التحرير",
        "123/45 ถนนสุขุมวิท แขวงคลองเตย",
        "Bangkok 10110",
        "Omar Al-Farouq عمر الفاروق",
        "Dear Omar Al-Farouq عمر الفاروق,",
    ] {
        assert!(text.contains(line), "{line} not read back in:\n{text}");
    }
    // Digits after Arabic belong to the right-to-left run (Unicode bidi,
    // rule N1): the line shows "Garden City, 11511 القاهرة", and pdftotext
    // gives that order back; every word is intact.
    assert!(text.contains("Garden City, 11511 القاهرة"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn a_character_no_font_has_is_refused_by_code_point() {
    let app = spawn_app().await;
    for (name, code_point) in [("Ana \u{0378} Pop", "U+0378"), ("Ana \u{E000}", "U+E000")] {
        let res = app
            .post_letter(&unique("key"), &request(name, ADDRESS), Role::Service)
            .await;
        let body = problem(res, 422).await;
        assert_eq!(field_names(&body), ["format"], "{body}");
        let detail = body["errors"].to_string();
        assert!(detail.contains(code_point), "{body}");
        assert!(detail.contains("html or text"), "{body}");
    }
    app.stop().await;
}

#[test]
fn check_settings_names_a_missing_font_and_its_package() {
    let empty = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_letters"))
        .arg("--check-settings")
        .env_clear()
        .env("CDD_ENV", "local")
        .env("CDD_DATA_DIR", empty.path())
        .env("CDD_LETTERS_FONTS_DIR", empty.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CDD_LETTERS_FONTS_DIR"), "{stderr}");
    assert!(stderr.contains("NotoSansArabic-Regular.ttf"), "{stderr}");
    assert!(stderr.contains("wqy-microhei.ttc"), "{stderr}");
    assert!(stderr.contains("fonts-noto-core"), "{stderr}");
}
