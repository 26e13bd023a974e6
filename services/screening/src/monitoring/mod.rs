//! Ongoing monitoring: the lists the service screens against right now, and
//! the customers it keeps watching when those lists change.
//!
//! - [`lists`]: where list files come from (a folder, S3, the demo list),
//!   loading them off the async runtime, and [`LiveLists`]: the current
//!   [`Screener`](crate::Screener) behind an `ArcSwap`, replaced atomically
//!   while requests keep being answered;
//! - [`reload`]: [`Monitor`]: load a new version, swap it in, rescreen the
//!   monitored subjects against what changed, raise alerts;
//! - this file: the records ([`MonitoredSubject`], [`Alert`]) and the pure
//!   [`rescreen`] rule, which a command-line tool can call without a server.
//!
//! The rule: a subject is alerted on a listed entity at most once. The
//! entities a subject already matched when it was enrolled (the caller saw
//! them in the screening answer) and those already alerted are its *known*
//! matches; a rescreen reports only `is_match` results that are not known.

pub mod follow;
pub mod lists;
pub mod reload;

pub use lists::{LiveLists, LoadError, LoadedLists, load_from_source};
pub use reload::{Monitor, ReloadError, ReloadOutcome};

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{
    EntityId, ListCategory, MatchExplanation, MatchedPosition, PepStanding, Screener, SourceList,
    Subject,
};

/// Longest accepted `subject_ref` (the caller's id for the party).
pub const MAX_SUBJECT_REF_CHARS: usize = 128;

/// Checks a caller's subject reference: 1 to 128 visible ASCII characters.
pub fn valid_subject_ref(raw: &str) -> Result<(), String> {
    if raw.is_empty() || raw.len() > MAX_SUBJECT_REF_CHARS {
        return Err(format!("must be 1 to {MAX_SUBJECT_REF_CHARS} characters"));
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("must be visible ASCII characters (letters, digits, punctuation)".into());
    }
    Ok(())
}

/// A party screened with `monitor: true`, kept to be rescreened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoredSubject {
    pub subject_ref: String,
    pub subject: Subject,
    /// Entities already reported for this subject (see the module docs).
    #[serde(default)]
    pub known_matches: BTreeSet<EntityId>,
    /// The list version the subject was last screened against.
    pub list_version: String,
    #[serde(with = "time::serde::rfc3339")]
    pub enrolled_at: OffsetDateTime,
}

/// An alert about to be raised; the store gives it its id, place and time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAlert {
    pub subject_ref: String,
    pub entity_id: EntityId,
    pub list: SourceList,
    /// Why the entity is listed: a PEP alert goes to enhanced due
    /// diligence, a sanctions alert to a freeze.
    pub category: ListCategory,
    pub matched_name: String,
    pub list_version: String,
    pub score: f32,
    pub explanation: MatchExplanation,
    /// A PEP's public functions on the day the alert was raised.
    pub positions: Vec<MatchedPosition>,
    /// A PEP's standing on that day under the bank's period.
    pub pep: Option<PepStanding>,
}

/// A new potential match for a monitored subject, raised by a list change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub id: String,
    /// Position in the alert feed; the feed's cursor.
    pub seq: u64,
    pub subject_ref: String,
    pub entity_id: EntityId,
    pub list: SourceList,
    /// Alerts stored before categories existed were all sanctions.
    #[serde(default)]
    pub category: ListCategory,
    pub matched_name: String,
    pub list_version: String,
    pub score: f32,
    pub explanation: MatchExplanation,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<MatchedPosition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep: Option<PepStanding>,
    #[serde(with = "time::serde::rfc3339")]
    pub raised_at: OffsetDateTime,
}

impl Alert {
    pub fn raise(new: NewAlert, seq: u64, raised_at: OffsetDateTime) -> Self {
        Alert {
            id: uuid::Uuid::now_v7().to_string(),
            seq,
            subject_ref: new.subject_ref,
            entity_id: new.entity_id,
            list: new.list,
            category: new.category,
            matched_name: new.matched_name,
            list_version: new.list_version,
            score: new.score,
            explanation: new.explanation,
            positions: new.positions,
            pep: new.pep,
            raised_at,
        }
    }
}

/// Which listed entities a subject is rescreened against.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Only these (the added and changed entities of a diff).
    Changed(&'a HashSet<&'a str>),
    /// Every entity: the subject's last screening was against a version the
    /// service no longer has, so the change cannot be computed.
    Everything,
}

/// Rescreens `subjects` (each with its scope) against `screener` and returns
/// the new alerts, subject by subject, best score first. CPU-bound and
/// parallel (rayon): call it off the async runtime.
///
/// Subjects scoped to a change are screened against an index of just the
/// changed entities, not the whole list filtered afterwards: a filter after
/// the answer's cap on matches could miss a changed entity that ranks below
/// fifty others, and the small index is an order of magnitude faster.
pub fn rescreen(screener: &Screener, subjects: &[(&MonitoredSubject, Scope<'_>)]) -> Vec<NewAlert> {
    let version = &screener.version().id;
    let mut results: Vec<Option<Result<Vec<crate::Match>, crate::SubjectError>>> =
        (0..subjects.len()).map(|_| None).collect();
    // Subjects sharing one change set share one small index.
    let mut by_scope: Vec<(&HashSet<&str>, Vec<usize>)> = Vec::new();
    let mut everything: Vec<usize> = Vec::new();
    for (i, (_, scope)) in subjects.iter().enumerate() {
        match scope {
            Scope::Changed(ids) => {
                match by_scope.iter_mut().find(|(s, _)| std::ptr::eq(*s, *ids)) {
                    Some((_, members)) => members.push(i),
                    None => by_scope.push((ids, vec![i])),
                }
            }
            Scope::Everything => everything.push(i),
        }
    }
    for (ids, members) in by_scope {
        let entity_ids: Vec<crate::EntityId> = ids
            .iter()
            .map(|id| crate::EntityId(id.to_string()))
            .collect();
        let changed = crate::ChangedEntities::new(screener, entity_ids.iter());
        let batch: Vec<Subject> = members
            .iter()
            .map(|&i| subjects[i].0.subject.clone())
            .collect();
        for (i, result) in members.into_iter().zip(changed.screen_batch(&batch)) {
            results[i] = Some(result);
        }
    }
    let batch: Vec<Subject> = everything
        .iter()
        .map(|&i| subjects[i].0.subject.clone())
        .collect();
    for (i, result) in everything.into_iter().zip(screener.screen_batch(&batch)) {
        results[i] = Some(result);
    }
    let mut alerts = Vec::new();
    for ((monitored, _), result) in subjects.iter().zip(results) {
        // A stored subject was valid when enrolled; a stricter validator
        // later must not stop everyone else's rescreen.
        let Some(Ok(matches)) = result else { continue };
        for m in matches {
            if m.is_match && !monitored.known_matches.contains(&m.entity_id) {
                alerts.push(NewAlert {
                    subject_ref: monitored.subject_ref.clone(),
                    entity_id: m.entity_id,
                    list: m.list,
                    category: m.category,
                    matched_name: m.matched_name,
                    list_version: version.clone(),
                    score: m.score,
                    explanation: m.explanation,
                    positions: m.positions,
                    pep: m.pep,
                });
            }
        }
    }
    alerts
}
