//! Diff-driven rescreening: when a new list version loads, ongoing
//! monitoring only needs each customer screened against what was added or
//! changed, not against the whole list.
//!
//! [`ChangedEntities`] indexes just those entities (a few hundred, built in
//! milliseconds) and screens with the same scorer, qualifiers and
//! explanations as [`Screener::screen`]: a subject's result is exactly the
//! full screening's matches that fall among those entities (capped at
//! [`MAX_MATCHES`](crate::screen::MAX_MATCHES) like any screening).

use crate::diff::ListDiff;
use crate::entity::EntityId;
use crate::matching::index::ScreeningIndex;
use crate::screen::{Match, Screener};
use crate::subject::{Subject, SubjectError};
use rustc_hash::{FxHashMap, FxHashSet};

/// A screener restricted to some entities of its version.
#[derive(Debug)]
pub struct ChangedEntities<'a> {
    screener: &'a Screener,
    index: ScreeningIndex,
    entities: usize,
}

impl<'a> ChangedEntities<'a> {
    /// Indexes the entities of `screener`'s version with these ids; ids the
    /// version does not hold (removed entities) are ignored.
    pub fn new<'i>(screener: &'a Screener, ids: impl IntoIterator<Item = &'i EntityId>) -> Self {
        let wanted: FxHashSet<&str> = ids.into_iter().map(EntityId::as_str).collect();
        let positions: FxHashMap<&str, u32> = screener
            .version()
            .entities()
            .iter()
            .enumerate()
            .filter(|(_, e)| wanted.contains(e.id.as_str()))
            .map(|(i, e)| (e.id.as_str(), i as u32))
            .collect();
        let mut subset: Vec<u32> = positions.into_values().collect();
        subset.sort_unstable();
        let index = ScreeningIndex::build_for(screener.version().entities(), Some(&subset));
        ChangedEntities {
            screener,
            index,
            entities: subset.len(),
        }
    }

    /// The added and changed entities of `diff` (computed against the
    /// version `screener` holds).
    pub fn from_diff(screener: &'a Screener, diff: &ListDiff) -> Self {
        Self::new(screener, diff.added.iter().chain(&diff.changed))
    }

    /// How many entities are indexed.
    pub fn entity_count(&self) -> usize {
        self.entities
    }

    /// Screens one subject against these entities only.
    pub fn screen(&self, subject: &Subject) -> Result<Vec<Match>, SubjectError> {
        self.screener.run_on(&self.index, subject, false)
    }

    /// Screens many subjects in parallel; one result per subject, in order.
    pub fn screen_batch(&self, subjects: &[Subject]) -> Vec<Result<Vec<Match>, SubjectError>> {
        use rayon::prelude::*;
        subjects.par_iter().map(|s| self.screen(s)).collect()
    }
}

/// Rescreens `subjects` against only the added and changed entities of
/// `diff`, whose new version is the one `screener` holds. One result per
/// subject, in order.
pub fn rescreen_changed(
    screener: &Screener,
    diff: &ListDiff,
    subjects: &[Subject],
) -> Vec<Result<Vec<Match>, SubjectError>> {
    ChangedEntities::from_diff(screener, diff).screen_batch(subjects)
}
