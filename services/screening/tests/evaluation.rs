//! Match quality on a labelled set built from the bundled lists: recall
//! ≥ 0.98 with a false-positive rate ≤ 1 %, overall and by kind.

mod common;

use cdd_screening::evaluation::{
    EvaluationReport, NEGATIVE_ORGANISATIONS, NEGATIVE_PEOPLE, build_evaluation_set, evaluate,
};
use cdd_screening::matching::normalize::normalize_name;
use cdd_screening::{EntityKind, MATCH_THRESHOLD};
use common::screener;
use std::collections::HashSet;

fn print(report: &EvaluationReport) {
    println!("threshold {} over {} cases", report.threshold, report.cases);
    let row = |label: String, m: &cdd_screening::evaluation::Metrics| {
        println!(
            "{label:<18} tp {:>5} fn {:>4} fp {:>3} tn {:>4}  precision {:.4} recall {:.4} f1 {:.4} fpr {:.4}",
            m.true_positives,
            m.false_negatives,
            m.false_positives,
            m.true_negatives,
            m.precision,
            m.recall,
            m.f1,
            m.false_positive_rate
        );
    };
    row("overall".into(), &report.overall);
    for (k, m) in &report.by_kind {
        row(format!("kind {k}"), m);
    }
    for (v, m) in &report.by_variation {
        row(format!("{v:?}"), m);
    }
    for miss in &report.misses {
        println!("  miss: {miss}");
    }
}

#[test]
fn recall_and_false_positive_rate_meet_the_targets() {
    let s = screener();
    let cases = build_evaluation_set(s.version(), 150, 42);
    let positives = cases.iter().filter(|c| c.expected.is_some()).count();
    let negatives = cases.len() - positives;
    assert!(
        positives >= 1200 && negatives >= 300,
        "{positives} positives, {negatives} negatives"
    );
    let report = evaluate(&s, &cases);
    print(&report);
    assert_eq!(report.threshold, MATCH_THRESHOLD);
    assert!(
        report.overall.recall >= 0.98,
        "recall {}",
        report.overall.recall
    );
    assert!(
        report.overall.false_positive_rate <= 0.01,
        "fpr {}",
        report.overall.false_positive_rate
    );
    for (kind, m) in &report.by_kind {
        assert!(m.recall >= 0.98, "{kind} recall {}", m.recall);
        assert!(
            m.false_positive_rate <= 0.01,
            "{kind} fpr {}",
            m.false_positive_rate
        );
    }
}

#[test]
fn negatives_are_not_listed_names() {
    let s = screener();
    let listed: HashSet<Vec<String>> = s
        .version()
        .entities()
        .iter()
        .flat_map(|e| {
            e.names().map(move |(n, _)| {
                let mut t = normalize_name(e.kind, n);
                t.sort();
                t
            })
        })
        .collect();
    let mut found = Vec::new();
    for (kind, names) in [
        (EntityKind::Person, NEGATIVE_PEOPLE),
        (EntityKind::Organisation, NEGATIVE_ORGANISATIONS),
    ] {
        assert!(names.len() >= 150);
        for n in names {
            let mut t = normalize_name(kind, n);
            t.sort();
            if listed.contains(&t) {
                found.push(*n);
            }
        }
    }
    assert!(found.is_empty(), "listed: {found:?}");
}
