//! Render-time benchmark: p50/p99 for a one-page letter in each format, the
//! same PDF for a customer whose name is in Arabic and Han (fallback fonts,
//! shaping, bidi), and PDF letters per second on all cores. Prints figures;
//! asserts nothing.
//!
//! `cargo bench -p cdd-letters` (release build). Set `BENCH_ITERATIONS` to
//! change the sample size (default 2000). The fonts come from
//! `CDD_LETTERS_FONTS_DIR` or Debian's `/usr/share/fonts`.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use std::path::PathBuf;

use cdd_letters::{
    CustomerId, DEFAULT_FONTS_DIR, Fonts, LetterFormat, LetterSettings, RenderRequest,
    TemplateLibrary, TemplateName,
};
use serde_json::json;
use time::macros::date;

fn request(format: LetterFormat) -> RenderRequest {
    request_for("José Müller-Łukasiewicz", format)
}

fn request_for(name: &str, format: LetterFormat) -> RenderRequest {
    let serde_json::Value::Object(data) = json!({
        "customer_name": name,
        "reference": "CDD-2026-000123",
        "address": ["Flat 4", "12 Rue des Fleurs", "75011 Paris", "France"],
        "documents": ["Passport or national identity card", "Proof of address dated within the last three months",
                      "Evidence of the source of funds", "Certificate of incorporation"],
    }) else {
        unreachable!()
    };
    RenderRequest {
        template: TemplateName::parse("rfi").unwrap(),
        version: None,
        customer_id: CustomerId::parse("cus_30303031000000000000000000000000").unwrap(),
        data,
        format,
    }
}

fn fonts() -> Fonts {
    let dir = std::env::var_os("CDD_LETTERS_FONTS_DIR")
        .map_or_else(|| PathBuf::from(DEFAULT_FONTS_DIR), PathBuf::from);
    let start = Instant::now();
    let fonts = Fonts::load(&dir).unwrap_or_else(|problems| panic!("{}", problems.join("; ")));
    println!(
        "fonts: {} faces read from {} in {:.1?}",
        fonts.face_count(),
        dir.display(),
        start.elapsed()
    );
    fonts
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn main() {
    let iterations: usize = std::env::var("BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let library = TemplateLibrary::with_builtins();
    let settings = LetterSettings::new(
        "Northbridge Savings Bank",
        vec!["1 Harbour Street".into(), "London EC2A 4NE".into()],
        "Helen Carter",
        "Head of Customer Due Diligence",
    )
    .unwrap()
    .with_fonts(fonts());
    let letter_date = date!(2026 - 03 - 05);

    let cases = [
        ("pdf", request(LetterFormat::Pdf)),
        ("html", request(LetterFormat::Html)),
        ("text", request(LetterFormat::Text)),
        (
            "pdf, Arabic and Han name",
            request_for("محمد بن سلمان 习近平", LetterFormat::Pdf),
        ),
    ];
    for (label, request) in cases {
        // Warm up: fonts parsed, caches filled.
        for _ in 0..20 {
            black_box(library.render(&request, letter_date, &settings).unwrap());
        }
        let mut times: Vec<Duration> = (0..iterations)
            .map(|_| {
                let start = Instant::now();
                black_box(library.render(&request, letter_date, &settings).unwrap());
                start.elapsed()
            })
            .collect();
        times.sort_unstable();
        let size = library
            .render(&request, letter_date, &settings)
            .unwrap()
            .size;
        println!(
            "{label:>4} one-page rfi: p50 {:>8.1?}  p99 {:>8.1?}  ({iterations} renders, {size} bytes)",
            percentile(&times, 0.50),
            percentile(&times, 0.99),
        );
    }

    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let request = request(LetterFormat::Pdf);
    let per_thread = iterations;
    let start = Instant::now();
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per_thread {
                    black_box(library.render(&request, letter_date, &settings).unwrap());
                }
            });
        }
    });
    let elapsed = start.elapsed();
    let letters = (threads * per_thread) as f64;
    println!(
        " PDF throughput: {:.0} letters/s on {threads} threads ({} letters in {elapsed:.2?})",
        letters / elapsed.as_secs_f64(),
        threads * per_thread,
    );
}
