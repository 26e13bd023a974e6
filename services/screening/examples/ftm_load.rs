//! How long loading a FollowTheMoney file of 100,000 entities takes: the
//! file is generated here (synthetic people, companies and vessels with
//! aliases, dates, identifiers and topics, plus the `Sanction`,
//! `Occupancy` and `Position` records OpenSanctions interleaves), written
//! to a temporary folder and loaded the way the service loads a folder.
//! The target is 2 s in a release build.
//!
//! `cargo run --release -p cdd-screening --example ftm_load [ENTITIES]`

use std::fmt::Write as _;
use std::time::Instant;

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ra", "ve", "to", "san", "dor", "el", "bri", "gu", "nov", "sha", "tek", "ul",
    "zé", "an", "ber", "ch", "ko", "ly", "mé", "ost", "ri",
];

/// A small deterministic generator, so every run measures the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn word(&mut self) -> String {
        let n = 2 + self.next() % 3;
        let mut w: String = (0..n)
            .map(|_| SYLLABLES[self.next() % SYLLABLES.len()])
            .collect();
        if let Some(first) = w.get(..1) {
            w = first.to_uppercase() + &w[1..];
        }
        w
    }

    fn name(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| self.word())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn list(values: &[String]) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| serde_json::to_string(v).expect("a string serialises"))
        .collect();
    format!("[{}]", quoted.join(", "))
}

fn generate(entities: usize) -> String {
    let mut rng = Rng(15);
    let mut out = String::with_capacity(entities * 700);
    for i in 0..entities {
        let roll = rng.next() % 100;
        let aliases: Vec<String> = (0..rng.next() % 4).map(|_| rng.name(3)).collect();
        let countries = [["ru"], ["ir"], ["gb"], ["us"], ["cy"], ["ae"]];
        let country = list(&countries[rng.next() % 6].map(String::from));
        if roll < 60 {
            let pep = roll < 25;
            let topics = if pep { "role.pep" } else { "sanction" };
            let position = if pep {
                format!(", \"position\": [\"Minister of {}\"]", rng.word())
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{{\"id\": \"p-{i}\", \"schema\": \"Person\", \"properties\": {{\"name\": {}, \
                 \"alias\": {}, \"weakAlias\": [\"{}\"], \"firstName\": [\"{}\"], \"lastName\": [\"{}\"], \
                 \"birthDate\": [\"19{:02}-{:02}-{:02}\"], \"nationality\": {country}, \"country\": {country}, \
                 \"passportNumber\": [\"P{:08}\"], \"gender\": [\"male\"], \"topics\": [\"{topics}\"]{position}, \
                 \"notes\": [\"Synthetic entry number {i} for the load benchmark.\"]}}, \
                 \"datasets\": [\"bench_set\"], \"first_seen\": \"2024-01-01T00:00:00\", \
                 \"last_seen\": \"2026-12-01T00:00:00\", \"target\": true}}",
                list(&[rng.name(3)]),
                list(&aliases),
                rng.word(),
                rng.word(),
                rng.word(),
                rng.next() % 100,
                1 + rng.next() % 12,
                1 + rng.next() % 28,
                rng.next() % 100_000_000,
            );
            if pep {
                let _ = writeln!(
                    out,
                    "{{\"id\": \"occ-{i}\", \"schema\": \"Occupancy\", \"properties\": \
                     {{\"holder\": [\"p-{i}\"], \"post\": [\"pos-{}\"], \"startDate\": [\"2019-01-01\"]}}}}",
                    i % 500
                );
            }
        } else if roll < 95 {
            let _ = writeln!(
                out,
                "{{\"id\": \"c-{i}\", \"schema\": \"Company\", \"properties\": {{\"name\": {}, \
                 \"alias\": {}, \"jurisdiction\": {country}, \"registrationNumber\": [\"{}\"], \
                 \"innCode\": [\"77{:08}\"], \"topics\": [\"sanction\"], \"program\": [\"BENCH-PROG\"], \
                 \"address\": [\"{} Street 1, {}\"]}}, \"datasets\": [\"bench_set\"]}}",
                list(&[format!("{} Holdings Ltd", rng.name(2))]),
                list(&aliases),
                rng.next() % 10_000_000,
                rng.next() % 100_000_000,
                rng.word(),
                rng.word(),
            );
            let _ = writeln!(
                out,
                "{{\"id\": \"s-{i}\", \"schema\": \"Sanction\", \"properties\": {{\"entity\": [\"c-{i}\"], \
                 \"program\": [\"BENCH-PROG\"], \"authority\": [\"Bench Authority\"]}}}}"
            );
        } else {
            let _ = writeln!(
                out,
                "{{\"id\": \"v-{i}\", \"schema\": \"Vessel\", \"properties\": {{\"name\": {}, \
                 \"imoNumber\": [\"9{:06}\"], \"flag\": {country}, \"callSign\": [\"C{}\"], \
                 \"topics\": [\"sanction\"]}}, \"datasets\": [\"bench_set\"]}}",
                list(&[rng.name(2)]),
                rng.next() % 1_000_000,
                rng.next() % 10_000,
            );
        }
    }
    for p in 0..500 {
        let _ = writeln!(
            out,
            "{{\"id\": \"pos-{p}\", \"schema\": \"Position\", \"properties\": \
             {{\"name\": [\"Minister of {}\"], \"country\": [\"gb\"]}}}}",
            rng.word()
        );
    }
    out
}

fn main() {
    let entities: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("ENTITIES is a number"))
        .unwrap_or(100_000);
    let text = generate(entities);
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("entities.ftm.json"), &text).expect("the file is written");

    let started = Instant::now();
    let report = cdd_screening::load_vintage_dir(dir.path()).expect("the file loads");
    let elapsed = started.elapsed();

    let counts = &report.version.counts;
    let ignored: usize = report.ignored.iter().map(|i| i.count).sum();
    println!(
        "{} lines, {:.1} MB: {} entities ({} aliases), {} other records, {} rejected in {:.3} s",
        text.lines().count(),
        text.len() as f64 / 1e6,
        counts.entities,
        counts.aliases,
        ignored,
        counts.rejected_rows,
        elapsed.as_secs_f64()
    );
    assert_eq!(counts.entities, entities, "every generated entity loads");
    assert_eq!(counts.rejected_rows, 0);
}
