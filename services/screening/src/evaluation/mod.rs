//! A labelled evaluation set built from the loaded lists, and the report
//! (precision, recall, F1, false-positive rate, by kind and by variation)
//! that justifies [`MATCH_THRESHOLD`](crate::MATCH_THRESHOLD).
//!
//! Positives are listed names altered the way clerks, OCR and other
//! transliterations alter them; negatives are real, common names that are
//! not listed (`negatives.rs`). Generation is deterministic (fixed seed).

pub mod negatives;
pub mod pairs;

use crate::entity::{EntityId, EntityKind, ListedEntity};
use crate::matching::normalize::normalize_name;
use crate::screen::Screener;
use crate::subject::Subject;
use crate::version::ListVersion;
use serde::Serialize;
use std::collections::BTreeMap;

pub use negatives::{
    ORGANISATIONS as NEGATIVE_ORGANISATIONS, PEOPLE as NEGATIVE_PEOPLE, VESSELS as NEGATIVE_VESSELS,
};

/// How a positive case was derived from a listed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    Exact,
    Typo,
    Transposition,
    DroppedToken,
    AddedToken,
    Reordered,
    Initial,
    Transliteration,
    MergedTokens,
    SplitToken,
    /// Not listed.
    Negative,
}

/// One labelled subject.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationCase {
    pub subject: Subject,
    /// The entity that must be matched; `None` for a negative.
    pub expected: Option<EntityId>,
    pub variation: Variation,
}

/// SplitMix64: a tiny deterministic generator, enough to pick variations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Extra words a clerk might add (a second given name, a suffix).
const EXTRA_WORDS: &[&str] = &[
    "maria", "john", "lee", "anne", "jose", "james", "ali", "marie",
];

/// Transliteration rewrites, applied to one token (first that applies).
const TRANSLITERATIONS: &[(&str, &str)] = &[
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("kh", "h"),
    ("ph", "f"),
    ("dh", "d"),
    ("sh", "ch"),
    ("q", "k"),
    ("y", "i"),
    ("u", "ou"),
    ("i", "y"),
    ("j", "dj"),
    ("v", "w"),
    ("w", "v"),
    ("c", "k"),
    ("k", "c"),
];

fn vary(rng: &mut Rng, tokens: &[String], variation: Variation) -> Option<Vec<String>> {
    let mut t = tokens.to_vec();
    let long: Vec<usize> = (0..t.len())
        .filter(|&i| t[i].len() >= 5 && t[i].bytes().all(|b| b.is_ascii_lowercase()))
        .collect();
    let pick_long = |rng: &mut Rng| -> Option<usize> {
        (!long.is_empty()).then(|| long[rng.below(long.len())])
    };
    match variation {
        Variation::Exact => {}
        Variation::Typo => {
            let i = pick_long(rng)?;
            let mut b = t[i].clone().into_bytes();
            let pos = 1 + rng.below(b.len() - 1);
            match rng.below(3) {
                0 => b[pos] = b'a' + (b[pos] - b'a' + 1 + rng.below(24) as u8) % 26,
                1 => {
                    b.remove(pos);
                }
                _ => b.insert(pos, b'a' + rng.below(26) as u8),
            }
            t[i] = String::from_utf8(b).ok()?;
        }
        Variation::Transposition => {
            let i = pick_long(rng)?;
            let mut b = t[i].clone().into_bytes();
            let pos = 1 + rng.below(b.len() - 2);
            if b[pos] == b[pos + 1] {
                return None;
            }
            b.swap(pos, pos + 1);
            t[i] = String::from_utf8(b).ok()?;
        }
        Variation::DroppedToken => {
            // Only from names of 3+ full tokens: dropping one of two leaves
            // a single word, which no bank would screen on.
            let full: Vec<usize> = (0..t.len()).filter(|&i| t[i].len() >= 3).collect();
            if full.len() < 3 {
                return None;
            }
            t.remove(full[1 + rng.below(full.len() - 1)]);
        }
        Variation::AddedToken => {
            let at = rng.below(t.len() + 1);
            t.insert(at, EXTRA_WORDS[rng.below(EXTRA_WORDS.len())].to_string());
        }
        Variation::Reordered => {
            if t.len() < 2 {
                return None;
            }
            let by = 1 + rng.below(t.len() - 1);
            t.rotate_left(by);
        }
        Variation::Initial => {
            let full: Vec<usize> = (0..t.len()).filter(|&i| t[i].len() >= 3).collect();
            if full.len() < 3 {
                return None;
            }
            let i = full[rng.below(full.len() - 1)];
            t[i].truncate(1);
        }
        Variation::Transliteration => {
            let start = rng.below(t.len());
            let found = (0..t.len()).map(|k| (start + k) % t.len()).find_map(|i| {
                if t[i].len() < 4 {
                    return None;
                }
                if let Some(c) = crate::matching::variants::canonical(&t[i])
                    && c != t[i]
                {
                    return Some((i, c.to_string()));
                }
                TRANSLITERATIONS
                    .iter()
                    .find(|(from, _)| t[i][1..].contains(from))
                    .map(|(from, to)| {
                        (
                            i,
                            format!("{}{}", &t[i][..1], t[i][1..].replacen(from, to, 1)),
                        )
                    })
            })?;
            t[found.0] = found.1;
        }
        Variation::MergedTokens => {
            if t.len() < 2 {
                return None;
            }
            let i = rng.below(t.len() - 1);
            let joined = format!("{}{}", t[i], t[i + 1]);
            t.splice(i..i + 2, [joined]);
        }
        Variation::SplitToken => {
            let i = t.iter().position(|x| x.len() >= 8 && x.is_ascii())?;
            let at = 3 + rng.below(t[i].len() - 5);
            let (a, b) = t[i].split_at(at);
            let (a, b) = (a.to_string(), b.to_string());
            t.splice(i..=i, [a, b]);
        }
        Variation::Negative => return None,
    }
    (t != tokens || variation == Variation::Exact).then_some(t)
}

const POSITIVE_VARIATIONS: [Variation; 10] = [
    Variation::Exact,
    Variation::Typo,
    Variation::Transposition,
    Variation::DroppedToken,
    Variation::AddedToken,
    Variation::Reordered,
    Variation::Initial,
    Variation::Transliteration,
    Variation::MergedTokens,
    Variation::SplitToken,
];

/// Builds the set: for each variation, up to `per_variation` positives from
/// randomly chosen listed names (primary or strong alias, 2+ tokens), then
/// every negative.
pub fn build_evaluation_set(
    version: &ListVersion,
    per_variation: usize,
    seed: u64,
) -> Vec<EvaluationCase> {
    let mut rng = Rng(seed);
    let entities: Vec<&ListedEntity> = version.entities().iter().collect();
    let mut cases = Vec::new();
    if entities.is_empty() {
        return cases;
    }
    // Kinds are drawn 4:4:1:1 (person, organisation, vessel, aircraft) so
    // that the small kinds have enough cases to measure.
    let by_kind: Vec<Vec<&ListedEntity>> = [
        EntityKind::Person,
        EntityKind::Organisation,
        EntityKind::Vessel,
        EntityKind::Aircraft,
    ]
    .iter()
    .map(|k| entities.iter().copied().filter(|e| e.kind == *k).collect())
    .collect();
    const KIND_DRAW: [usize; 10] = [0, 0, 0, 0, 1, 1, 1, 1, 2, 3];
    for variation in POSITIVE_VARIATIONS {
        let mut made = 0;
        let mut attempts = 0;
        while made < per_variation && attempts < per_variation * 50 {
            attempts += 1;
            let pool = &by_kind[KIND_DRAW[attempts % KIND_DRAW.len()]];
            if pool.is_empty() {
                continue;
            }
            let e = pool[rng.below(pool.len())];
            let names: Vec<&str> = e
                .names()
                .filter(|(_, s)| *s == crate::entity::AliasStrength::Strong)
                .map(|(n, _)| n)
                .filter(|n| n.is_ascii())
                .collect();
            if names.is_empty() {
                continue;
            }
            let name = names[rng.below(names.len())];
            let tokens = normalize_name(e.kind, name);
            if tokens.len() < 2 || tokens.len() > 8 {
                continue;
            }
            // A name left with no full-weight word ("E International
            // Company" from an initial) cannot be told from noise by anyone.
            let anchored = |t: &[String]| {
                t.iter()
                    .any(|x| x.len() >= 3 && crate::matching::normalize::token_weight(x) >= 1.0)
            };
            if let Some(varied) = vary(&mut rng, &tokens, variation).filter(|v| anchored(v)) {
                cases.push(EvaluationCase {
                    subject: Subject::new(e.kind, varied.join(" ")),
                    expected: Some(e.id.clone()),
                    variation,
                });
                made += 1;
            }
        }
    }
    let negatives = [
        (EntityKind::Person, negatives::PEOPLE),
        (EntityKind::Organisation, negatives::ORGANISATIONS),
        (EntityKind::Vessel, negatives::VESSELS),
    ];
    for (kind, names) in negatives {
        for name in names {
            cases.push(EvaluationCase {
                subject: Subject::new(kind, *name),
                expected: None,
                variation: Variation::Negative,
            });
        }
    }
    cases
}

/// Confusion counts and the rates derived from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub true_positives: usize,
    pub false_negatives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub false_positive_rate: f64,
}

impl Metrics {
    fn add(&mut self, expected_positive: bool, hit: bool, any_match: bool) {
        match (expected_positive, hit, any_match) {
            (true, true, _) => self.true_positives += 1,
            (true, false, _) => self.false_negatives += 1,
            (false, _, true) => self.false_positives += 1,
            (false, _, false) => self.true_negatives += 1,
        }
    }

    fn finish(mut self) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        self.precision = ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        );
        self.recall = ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        );
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
        self.false_positive_rate = if self.false_positives + self.true_negatives == 0 {
            0.0
        } else {
            self.false_positives as f64 / (self.false_positives + self.true_negatives) as f64
        };
        self
    }
}

/// What an evaluation run measured.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationReport {
    pub threshold: f32,
    pub cases: usize,
    pub overall: Metrics,
    pub by_kind: BTreeMap<EntityKind, Metrics>,
    pub by_variation: BTreeMap<Variation, Metrics>,
    /// Up to 20 missed positives and false positives, for tuning.
    pub misses: Vec<String>,
}

/// Screens every case. A positive counts as found when its entity is among
/// the matches at or above the threshold; a negative is a false positive
/// when anything matches. Precision here is per case.
pub fn evaluate(screener: &Screener, cases: &[EvaluationCase]) -> EvaluationReport {
    let subjects: Vec<Subject> = cases.iter().map(|c| c.subject.clone()).collect();
    let results = screener.screen_batch(&subjects);
    let mut overall = Metrics::default();
    let mut by_kind: BTreeMap<EntityKind, Metrics> = BTreeMap::new();
    let mut by_variation: BTreeMap<Variation, Metrics> = BTreeMap::new();
    let mut misses = Vec::new();
    for (case, result) in cases.iter().zip(results) {
        let matches = result.unwrap_or_default();
        let hits: Vec<_> = matches.iter().filter(|m| m.is_match).collect();
        let hit = case
            .expected
            .as_ref()
            .is_some_and(|id| hits.iter().any(|m| &m.entity_id == id));
        let positive = case.expected.is_some();
        for m in [
            &mut overall,
            by_kind.entry(case.subject.kind).or_default(),
            by_variation.entry(case.variation).or_default(),
        ] {
            m.add(positive, hit, !hits.is_empty());
        }
        if misses.len() < 20 && ((positive && !hit) || (!positive && !hits.is_empty())) {
            let best = matches
                .first()
                .map(|m| format!("{} {:.3} {}", m.entity_id, m.score, m.matched_name))
                .unwrap_or_default();
            misses.push(format!(
                "{:?} {:?} {:?} -> best: {best}",
                case.variation, case.subject.name, case.expected
            ));
        }
    }
    EvaluationReport {
        threshold: crate::MATCH_THRESHOLD,
        cases: cases.len(),
        overall: overall.finish(),
        by_kind: by_kind.into_iter().map(|(k, m)| (k, m.finish())).collect(),
        by_variation: by_variation
            .into_iter()
            .map(|(k, m)| (k, m.finish()))
            .collect(),
        misses,
    }
}
