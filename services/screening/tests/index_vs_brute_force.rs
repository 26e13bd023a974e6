//! The candidate index must lose nothing: for a few hundred queries built
//! from listed names with variations (plus negatives), every match that
//! scoring against every listed name finds is also found through the index,
//! with the same score.

mod common;

use cdd_screening::evaluation::build_evaluation_set;
use common::screener;
use rayon::prelude::*;

#[test]
fn indexed_screening_finds_every_brute_force_match() {
    let s = screener();
    let mut cases = build_evaluation_set(s.version(), 25, 7);
    // Every 4th negative keeps the run short while covering them.
    let mut n = 0;
    cases.retain(|c| {
        n += 1;
        c.expected.is_some() || n % 4 == 0
    });
    assert!(cases.len() >= 300, "{} queries", cases.len());
    let failures: Vec<String> = cases
        .par_iter()
        .filter_map(|c| {
            let brute = s.screen_brute_force(&c.subject).unwrap();
            let indexed = s.screen(&c.subject).unwrap();
            let missing: Vec<String> = brute
                .iter()
                .filter(|b| b.is_match)
                .filter(|b| {
                    !indexed
                        .iter()
                        .any(|i| i.entity_id == b.entity_id && (i.score - b.score).abs() < 1e-6)
                })
                .map(|b| format!("{} {:.3}", b.entity_id, b.score))
                .collect();
            (!missing.is_empty()).then(|| format!("{:?}: {missing:?}", c.subject.name))
        })
        .collect();
    let brute_matches: usize = cases
        .iter()
        .take(50)
        .map(|c| {
            s.screen_brute_force(&c.subject)
                .unwrap()
                .iter()
                .filter(|m| m.is_match)
                .count()
        })
        .sum();
    assert!(
        brute_matches >= 40,
        "the check must compare real matches ({brute_matches})"
    );
    assert!(failures.is_empty(), "index lost matches: {failures:?}");
}
