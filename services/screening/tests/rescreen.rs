//! Diff-driven rescreening gives exactly the full screening's matches that
//! fall among the added and changed entities.

mod common;

use cdd_screening::evaluation::build_evaluation_set;
use cdd_screening::{Screener, Subject, diff, rescreen_changed};
use common::vintage;
use std::collections::HashSet;

#[test]
fn rescreen_changed_equals_full_screening_restricted_to_the_diff() {
    let old = vintage("ofac_sdn_2024-04-02");
    let new = vintage("ofac_sdn_2024-05-03");
    let d = diff(&old, &new);
    assert!(d.added.len() + d.changed.len() > 100);
    let changed: HashSet<&str> = d
        .added
        .iter()
        .chain(&d.changed)
        .map(|id| id.as_str())
        .collect();
    let s = Screener::new(new.clone());
    // Names of changed entities (varied), plus everyone else's.
    let mut subjects: Vec<Subject> = new
        .entities()
        .iter()
        .filter(|e| changed.contains(e.id.as_str()))
        .take(150)
        .map(|e| Subject::new(e.kind, e.primary_name.clone()))
        .collect();
    subjects.extend(
        build_evaluation_set(&new, 20, 3)
            .into_iter()
            .map(|c| c.subject),
    );
    let fast = rescreen_changed(&s, &d, &subjects);
    let mut compared = 0;
    let mut hits = 0;
    for (subject, fast) in subjects.iter().zip(fast) {
        let full = s.screen(subject).unwrap();
        if full.len() >= 50 {
            continue; // the full answer was capped; nothing to compare with
        }
        let expected: Vec<_> = full
            .into_iter()
            .filter(|m| changed.contains(m.entity_id.as_str()))
            .collect();
        let fast = fast.unwrap();
        hits += usize::from(fast.iter().any(|m| m.is_match));
        assert_eq!(fast, expected, "{:?}", subject.name);
        compared += 1;
    }
    assert!(compared >= 300, "{compared} compared");
    assert!(
        hits >= 100,
        "{hits} subjects with a match among the changes"
    );
}
