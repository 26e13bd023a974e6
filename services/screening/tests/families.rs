//! Match quality by family on the labelled pairs (`evaluation/written.tsv`
//! and those generated from the bundled lists): a floor per family on the
//! test half, so a change that loses a family of forms fails here. The
//! figures, side by side with the reference engine, come from
//! `cargo bench -p cdd-screening --bench accuracy`.

use cdd_screening::evaluation::pairs::{LabelledPair, Split, all_pairs, pair_metrics};
use cdd_screening::{MATCH_THRESHOLD, compare, sanctions_data_dir};

/// F1 floors on the test half, a little under what the matcher reaches
/// (docs/benchmarks.md), and the highest false-positive rate allowed on
/// near neighbours (nearly all negatives, where F1 says little).
const FLOORS: &[(&str, f64)] = &[
    ("all", 0.80),
    ("cliffs", 0.92),
    ("languages", 0.88),
    ("legal_forms", 0.93),
    ("numbers_abbreviations_nicknames", 0.90),
    ("scripts", 0.78),
    ("titles", 0.90),
];
const NEAR_NEIGHBOUR_MAX_FPR: f64 = 0.02;

#[test]
fn every_family_keeps_its_floor_on_the_test_half() {
    let pairs: Vec<LabelledPair> = all_pairs(&sanctions_data_dir()).expect("labelled pairs");
    let scored: Vec<(&LabelledPair, f32)> = pairs
        .iter()
        .filter(|p| p.split() == Split::Test)
        .map(|p| {
            (
                p,
                compare(p.kind, &p.query, &p.listed).map_or(0.0, |c| c.score),
            )
        })
        .collect();
    let metrics = pair_metrics(scored.iter().copied(), MATCH_THRESHOLD);
    let mut failures = Vec::new();
    for (family, floor) in FLOORS {
        let m = metrics.get(*family).expect("family present");
        println!("{family}: F1 {:.3} over {} pairs", m.f1(), m.pairs);
        if m.f1() < *floor {
            failures.push(format!("{family}: F1 {:.3} < {floor}", m.f1()));
        }
    }
    let near = metrics.get("near_neighbours").expect("near neighbours");
    println!("near_neighbours: FPR {:.3}", near.false_positive_rate());
    if near.false_positive_rate() > NEAR_NEIGHBOUR_MAX_FPR {
        failures.push(format!(
            "near neighbours FPR {:.3}",
            near.false_positive_rate()
        ));
    }
    assert!(failures.is_empty(), "{failures:?}");
}
