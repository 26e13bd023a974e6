//! Screening: a subject against a list version, giving explained matches.
//!
//! [`Screener`] owns a [`ListVersion`] and its [`ScreeningIndex`]; it is
//! immutable, so the service shares it in an `Arc` and swaps in a new one
//! when a new list version loads. [`compare`] scores two names with the same
//! scorer, for analysts and tests.

use crate::entity::{AliasStrength, EntityId, EntityKind, ListCategory, SourceList};
use crate::matching::index::ScreeningIndex;
use crate::matching::legal_forms;
use crate::matching::normalize::normalise;
use crate::matching::qualifiers::{self, IDENTIFIER_FLOOR, QualifierEffect};
use crate::matching::scoring::{
    Direct, ListedName, MATCH_THRESHOLD, NameExplanation, QueryName, score_name, score_name_with,
    token_infos,
};
use crate::pep::{MatchedPosition, PepPolicy, PepStanding};
use crate::subject::{Subject, SubjectError, validate_items, validated_name};
use crate::version::ListVersion;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Matches below this final score are not reported at all.
pub const REPORT_FLOOR: f32 = 0.70;
/// Name scores below this cannot reach the report floor with qualifiers.
const NAME_FLOOR: f32 =
    REPORT_FLOOR - qualifiers::DOB_EXACT_BONUS - qualifiers::COUNTRY_MATCH_BONUS;
/// Slack under the pruning floor, so float rounding in the score bound can
/// never prune a name that would be reported.
const PRUNE_MARGIN: f32 = 1e-3;
/// Most matches returned for one subject.
pub const MAX_MATCHES: usize = 50;
/// Factor applied to a name that is a weak (low quality) alias.
pub const WEAK_ALIAS_FACTOR: f32 = 0.9;

/// Everything behind a match's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchExplanation {
    /// Token by token; absent when only an identifier matched.
    pub name: Option<NameExplanation>,
    pub name_score: f32,
    /// Set when the matched name is a weak alias.
    pub weak_alias_factor: Option<f32>,
    pub birth_date: QualifierEffect,
    pub country: QualifierEffect,
    /// The listed identifier equal to the subject's.
    pub identifier: Option<String>,
    pub threshold: f32,
}

/// One listed entity that may be the subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub entity_id: EntityId,
    pub list: SourceList,
    /// Why the entity is listed: sanction, pep, crime or internal.
    #[serde(default)]
    pub category: ListCategory,
    pub programs: Vec<String>,
    pub kind: EntityKind,
    pub primary_name: String,
    pub matched_name: String,
    pub matched_name_strength: AliasStrength,
    pub score: f32,
    pub is_match: bool,
    pub explanation: MatchExplanation,
    /// A PEP's public functions, each saying whether it is held today.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<MatchedPosition>,
    /// A PEP's standing today under the bank's policy, with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep: Option<PepStanding>,
}

/// A name compared with another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NameComparison {
    pub score: f32,
    pub is_match: bool,
    pub explanation: Option<NameExplanation>,
}

/// Scores `listed` as a listed name of `kind` against `query`, with the
/// scorer `screen` uses (same normalisation, same pairs, same formula).
pub fn compare(
    kind: EntityKind,
    query: &str,
    listed: &str,
) -> Result<NameComparison, SubjectError> {
    let q = QueryName::new(validated_name(kind, query)?);
    let l = validated_name(kind, listed)?;
    // A small vocabulary: the tokens, then the joins of adjacent tokens.
    let (mut vocab, joins) = token_infos(&l);
    let n_tokens = vocab.len();
    vocab.extend(joins);
    let ids: Vec<u32> = (0..vocab.len() as u32).collect();
    let name = ListedName {
        tokens: &ids[..n_tokens],
        joined: &ids[n_tokens..],
        vocab: &vocab,
        legal_forms: legal_forms::mask(&l.legal_forms),
        rules: &l.rules,
    };
    Ok(match score_name(&q, &name, &Direct, true) {
        Some((score, explanation)) => NameComparison {
            score,
            is_match: score >= MATCH_THRESHOLD,
            explanation,
        },
        None => NameComparison {
            score: 0.0,
            is_match: false,
            explanation: None,
        },
    })
}

/// A list version with its index, ready to screen.
#[derive(Debug)]
pub struct Screener {
    version: ListVersion,
    index: ScreeningIndex,
    pep_policy: PepPolicy,
}

impl Screener {
    pub fn new(version: ListVersion) -> Self {
        Self::with_pep_policy(version, PepPolicy::default())
    }

    /// A screener whose PEP matches are judged current or former by the
    /// bank's `policy`.
    pub fn with_pep_policy(version: ListVersion, pep_policy: PepPolicy) -> Self {
        let index = ScreeningIndex::build(version.entities());
        Screener {
            version,
            index,
            pep_policy,
        }
    }

    pub fn pep_policy(&self) -> PepPolicy {
        self.pep_policy
    }

    pub fn version(&self) -> &ListVersion {
        &self.version
    }

    pub fn index(&self) -> &ScreeningIndex {
        &self.index
    }

    /// Screens one subject: matches sorted by score, best first.
    pub fn screen(&self, subject: &Subject) -> Result<Vec<Match>, SubjectError> {
        self.run(subject, false)
    }

    /// Screens many subjects in parallel; one result per subject, in order.
    pub fn screen_batch(&self, subjects: &[Subject]) -> Vec<Result<Vec<Match>, SubjectError>> {
        use rayon::prelude::*;
        subjects.par_iter().map(|s| self.screen(s)).collect()
    }

    /// Scores the subject against every listed name without the index.
    /// Slow; exists to prove the index loses nothing.
    #[doc(hidden)]
    pub fn screen_brute_force(&self, subject: &Subject) -> Result<Vec<Match>, SubjectError> {
        self.run(subject, true)
    }

    fn run(&self, subject: &Subject, brute_force: bool) -> Result<Vec<Match>, SubjectError> {
        self.run_on(&self.index, subject, brute_force)
    }

    /// Screens against `index`, which covers all or some of this version's
    /// entities (see [`crate::rescreen_changed`]).
    pub(crate) fn run_on(
        &self,
        index: &ScreeningIndex,
        subject: &Subject,
        brute_force: bool,
    ) -> Result<Vec<Match>, SubjectError> {
        let query = QueryName::new(validated_name(subject.kind, &subject.name)?);
        validate_items(subject)?;
        let entities = self.version.entities();
        let mut by_identifier: Vec<u32> = Vec::new();
        for given in &subject.identifiers {
            by_identifier.extend(
                index
                    .identifier_hits(given)
                    .iter()
                    .filter(|&&e| entities[e as usize].kind == subject.kind),
            );
        }
        by_identifier.sort_unstable();
        by_identifier.dedup();
        // Best name per entity: (score, name index).
        let mut best: FxHashMap<u32, (f32, u32)> = FxHashMap::default();
        let consider = |best: &mut FxHashMap<u32, (f32, u32)>, name_id: u32, s: Option<f32>| {
            let name = &index.names[name_id as usize];
            if let Some(mut s) = s {
                if name.strength == AliasStrength::Weak {
                    s *= WEAK_ALIAS_FACTOR;
                }
                let slot = best.entry(name.entity).or_insert((s, name_id));
                if s > slot.0 {
                    *slot = (s, name_id);
                }
            }
        };
        if brute_force {
            for (id, name) in index.names.iter().enumerate() {
                if name.kind == subject.kind {
                    let s = score_name(&query, &index.listed_name(name), &Direct, false);
                    consider(&mut best, id as u32, s.map(|r| r.0));
                }
            }
        } else {
            // Names that cannot reach the report floor even with every
            // qualifier bonus are pruned before scoring (index.rs).
            let floor =
                (REPORT_FLOOR - qualifiers::max_bonus(subject)).max(NAME_FLOOR) - PRUNE_MARGIN;
            index.with_scratch(|scratch| {
                let (tables, candidates) =
                    index.candidates(&query, subject.kind, floor, WEAK_ALIAS_FACTOR, scratch);
                let mut score = |id: u32| {
                    let name = index.listed_name(&index.names[id as usize]);
                    score_name_with(&query, &name, &tables, false, &mut scratch.edges).map(|r| r.0)
                };
                for &id in &candidates {
                    consider(&mut best, id, score(id));
                }
                // An identifier hit is reported whatever its name scored,
                // so its best name is found among all of its names.
                for &e in &by_identifier {
                    best.remove(&e);
                    for id in index.entity_names(subject.kind, e) {
                        consider(&mut best, id, score(id));
                    }
                }
            });
        }
        let mut entity_ids: Vec<u32> = best
            .iter()
            .filter(|(_, (s, _))| *s >= NAME_FLOOR)
            .map(|(&e, _)| e)
            .collect();
        entity_ids.extend(&by_identifier);
        entity_ids.sort_unstable();
        entity_ids.dedup();
        // Final scores first; names and explanations only for the reported.
        let mut reported = Vec::new();
        for e_no in entity_ids {
            let entity = &entities[e_no as usize];
            let (name_score, name_id) = best.get(&e_no).copied().unwrap_or((0.0, u32::MAX));
            let birth_date = qualifiers::birth_date(subject, entity);
            let country = qualifiers::countries(subject, entity);
            let identifier = qualifiers::identifier(subject, entity);
            let mut score =
                (name_score + birth_date.adjustment + country.adjustment).clamp(0.0, 1.0);
            if identifier.is_some() {
                score = score.max(IDENTIFIER_FLOOR);
            }
            if score < REPORT_FLOOR {
                continue;
            }
            reported.push((
                score, e_no, name_score, name_id, birth_date, country, identifier,
            ));
        }
        reported.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| entities[a.1 as usize].id.cmp(&entities[b.1 as usize].id))
        });
        reported.truncate(MAX_MATCHES);
        let mut matches = Vec::with_capacity(reported.len());
        // Only a PEP match needs the date: most screenings never read it.
        let today = std::cell::OnceCell::new();
        for (score, e_no, name_score, name_id, birth_date, country, identifier) in reported {
            let entity = &entities[e_no as usize];
            let (matched_name, strength, explanation) = match index.names.get(name_id as usize) {
                Some(n) => {
                    let (name, strength) = entity
                        .names()
                        .nth(n.name_no as usize)
                        .unwrap_or((&entity.primary_name, AliasStrength::Strong));
                    let explanation = Self::explain(index, &query, name_id, name, entity.kind);
                    (name.to_string(), strength, explanation)
                }
                None => (entity.primary_name.clone(), AliasStrength::Strong, None),
            };
            let (positions, pep) = if entity.category == ListCategory::Pep {
                let (positions, standing) = self
                    .pep_policy
                    .assess(&entity.positions, today.get_or_init(crate::pep::today));
                (positions, Some(standing))
            } else {
                (Vec::new(), None)
            };
            matches.push(Match {
                entity_id: entity.id.clone(),
                list: entity.list,
                category: entity.category,
                programs: entity.programs.clone(),
                kind: entity.kind,
                primary_name: entity.primary_name.clone(),
                matched_name,
                matched_name_strength: strength,
                score,
                is_match: score >= MATCH_THRESHOLD,
                explanation: MatchExplanation {
                    name: explanation,
                    name_score,
                    weak_alias_factor: (strength == AliasStrength::Weak)
                        .then_some(WEAK_ALIAS_FACTOR),
                    birth_date,
                    country,
                    identifier,
                    threshold: MATCH_THRESHOLD,
                },
                positions,
                pep,
            });
        }
        Ok(matches)
    }

    /// Explanations are only built for reported matches, so their pair
    /// similarities are computed directly (same numbers as the tables).
    fn explain(
        index: &ScreeningIndex,
        query: &QueryName,
        name_id: u32,
        written: &str,
        kind: EntityKind,
    ) -> Option<NameExplanation> {
        let rules = normalise(kind, written).rules;
        let mut name = index.listed_name(&index.names[name_id as usize]);
        name.rules = &rules;
        score_name(query, &name, &Direct, true).and_then(|r| r.1)
    }
}
