//! Scores name pairs read from standard input with the matcher screening
//! uses, one line each: `kind<TAB>query<TAB>listed` (kind: person,
//! organisation, vessel, aircraft). Prints the score, whether it is a
//! match, and how the words paired up. For looking at the matcher's
//! decisions by hand while working on it:
//!
//! `printf 'person\tВладимир Путин\tPUTIN, Vladimir\n' | cargo run -p cdd-screening --example compare`
//!
//! With `--tune`, it scores the tune half of the labelled pairs instead
//! (`cdd_screening::evaluation::pairs`) and prints each mistake and the F1
//! per family: the quick loop for working on a rule, never on the test half.

use cdd_screening::evaluation::pairs::{Split, all_pairs, pair_metrics};
use cdd_screening::{EntityKind, MATCH_THRESHOLD, compare, sanctions_data_dir};
use std::io::BufRead;

fn tune_half() {
    let mut pairs = all_pairs(&sanctions_data_dir()).expect("labelled pairs");
    pairs.retain(|p| p.split() == Split::Tune);
    let mut scores = Vec::with_capacity(pairs.len());
    for p in &pairs {
        let score = compare(p.kind, &p.query, &p.listed).map_or(0.0, |c| c.score);
        if (score >= MATCH_THRESHOLD) != p.expected {
            println!(
                "miss\t{}\t{}\t{score:.3}\t{}\t{}",
                p.family,
                u8::from(p.expected),
                p.query,
                p.listed
            );
        }
        scores.push(score);
    }
    for (family, m) in pair_metrics(pairs.iter().zip(scores), MATCH_THRESHOLD) {
        println!(
            "{family}\tP {:.3} R {:.3} F1 {:.3} FPR {:.3} ({} pairs)",
            m.precision(),
            m.recall(),
            m.f1(),
            m.false_positive_rate(),
            m.pairs
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--tune") {
        tune_half();
        return;
    }
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("standard input is readable");
        let mut cols = line.split('\t');
        let (Some(kind), Some(query), Some(listed)) = (cols.next(), cols.next(), cols.next())
        else {
            eprintln!("skipped (want kind<TAB>query<TAB>listed): {line}");
            continue;
        };
        let kind = match kind {
            "person" => EntityKind::Person,
            "organisation" => EntityKind::Organisation,
            "vessel" => EntityKind::Vessel,
            "aircraft" => EntityKind::Aircraft,
            other => {
                eprintln!("skipped (unknown kind {other}): {line}");
                continue;
            }
        };
        match compare(kind, query, listed) {
            Ok(c) => {
                let pairs = c.explanation.as_ref().map_or_else(String::new, |e| {
                    let matched: Vec<String> = e
                        .matched
                        .iter()
                        .map(|m| {
                            format!(
                                "{}={}:{:?}:{:.2}",
                                m.query, m.listed, m.method, m.similarity
                            )
                        })
                        .collect();
                    format!(
                        "{} | q-only {:?} | l-only {:?} | q {:?} l {:?}",
                        matched.join(" "),
                        e.unmatched_query,
                        e.unmatched_listed,
                        e.query_tokens,
                        e.listed_tokens
                    )
                });
                println!(
                    "{:.3}\t{}\t{query}\t{listed}\t{pairs}",
                    c.score,
                    if c.is_match { "MATCH" } else { "-" }
                );
            }
            Err(e) => println!("error\t{e}\t{query}\t{listed}"),
        }
    }
}
