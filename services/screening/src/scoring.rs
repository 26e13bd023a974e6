//! Name scoring: how well a screened name matches one listed name, and why.
//!
//! Both names are normalised into tokens (see `normalize.rs`). Each pair of
//! tokens may match:
//!
//! | method     | when                                              | similarity |
//! |------------|---------------------------------------------------|------------|
//! | exact      | same token                                        | 1.0        |
//! | variant    | same group in the variant table (Mohammed/Muhammad)| 0.95      |
//! | fuzzy      | one edit apart, both ≥ 4 letters (typo, transposition) | 1 − 1.2/len |
//! | phonetic   | same phonetic key with 3+ consonants, ≤ 2 edits (Qaddafi/Gaddafi) | 0.85 |
//! | initial    | a single letter against a token it starts        | 0.9        |
//! | merged     | one query token = two adjacent listed tokens (Abubakr/Abu Bakr) | inner × 0.97 |
//! | split      | two adjacent query tokens = one listed token      | inner × 0.97 |
//!
//! Merged and split pairs accept only exact, variant and fuzzy inner
//! matches: a phonetic key over a joined string is far too loose.
//!
//! Pairs are assigned greedily, best first, each token used once, so token
//! order does not matter. Each token has a weight (1.0; particles such as
//! `al`/`bin` 0.4; generic business words 0.5; initials 0.5) and
//!
//! ```text
//! score = Σ sim·w̄  /  (Σ w̄ + 0.35·(unmatched query weight + unmatched listed weight))
//! ```
//!
//! where w̄ is the mean weight of the two sides of a pair. An unmatched
//! token costs a third of a matched one: lists carry middle names and
//! patronymics that customers leave out, and customers carry second given
//! names that lists leave out; two names sharing one of two tokens
//! (`John Smith`/`Jane Smith`) still fall well short (≈0.6).
//!
//! A name needs at least one *anchor* (a non-initial pair involving a
//! full-weight token): `Al X` never matches `Al Y` on `al` alone. Anchors
//! are exactly what the candidate index retrieves, which is why the index
//! cannot lose a match (see `index.rs`).

use crate::normalize::token_weight;
use crate::phonetic::phonetic_key;
use crate::similarity::{levenshtein_within, one_edit_similarity, within_one_edit};
use crate::variants::canonical;
use serde::{Deserialize, Serialize};

/// A name's score at or above this is a potential match (an alert).
///
/// Chosen on the labelled evaluation set (`evaluation.rs`): at 0.80 a
/// one-letter typo in a two-token name (≈0.9), a dropped middle name or an
/// added given name (≈0.85) match, while two names sharing one of two
/// tokens (≈0.6) do not.
pub const MATCH_THRESHOLD: f32 = 0.80;

/// Weight of an unmatched query token in the denominator.
const UNMATCHED_QUERY_PENALTY: f32 = 0.35;
/// Weight of an unmatched listed token in the denominator (kept separate
/// so the two can be tuned apart).
const UNMATCHED_LISTED_PENALTY: f32 = 0.35;
/// Similarity of a phonetic pair.
const PHONETIC_SIMILARITY: f32 = 0.85;
/// Similarity factor applied to merged and split pairs.
const MERGE_FACTOR: f32 = 0.97;

/// How a query token matched a listed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    Exact,
    Variant,
    Fuzzy,
    Phonetic,
    Initial,
    Merged,
    Split,
}

/// One token after normalisation, with what comparisons need.
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub text: Box<str>,
    pub canonical: Option<&'static str>,
    pub phonetic: Box<str>,
    pub weight: f32,
}

impl TokenInfo {
    pub fn new(text: &str) -> Self {
        TokenInfo {
            text: text.into(),
            canonical: canonical(text),
            phonetic: phonetic_key(text).into(),
            weight: token_weight(text),
        }
    }

    pub fn is_initial(&self) -> bool {
        self.text.len() == 1
    }
}

/// Similarity of two whole tokens (not initials), or `None`.
pub(crate) fn token_similarity(a: &TokenInfo, b: &TokenInfo) -> Option<(f32, MatchMethod)> {
    if a.text == b.text {
        return Some((1.0, MatchMethod::Exact));
    }
    if a.is_initial() || b.is_initial() {
        return None;
    }
    if a.canonical.is_some() && a.canonical == b.canonical {
        return Some((0.95, MatchMethod::Variant));
    }
    let (la, lb) = (a.text.len(), b.text.len());
    let fuzzy = (la.min(lb) >= 4 && within_one_edit(a.text.as_bytes(), b.text.as_bytes()))
        .then(|| one_edit_similarity(&a.text, &b.text));
    // The key ignores vowels, so it is only trusted with three consonant
    // classes and when the spellings are at most two edits apart:
    // Qaddafi/Qadhafi/Gaddafi yes, Canon/Jonhon and Apple/Yupel no.
    let phonetic_ok = fuzzy.is_none()
        && la.min(lb) >= 3
        && !a.phonetic.is_empty()
        && a.phonetic == b.phonetic
        && a.phonetic.bytes().filter(|&c| c != b'A').count() >= 3
        && levenshtein_within(a.text.as_bytes(), b.text.as_bytes(), 2).is_some();
    let phonetic = phonetic_ok.then_some(PHONETIC_SIMILARITY);
    match (fuzzy, phonetic) {
        (Some(f), Some(p)) if p > f => Some((p, MatchMethod::Phonetic)),
        (Some(f), _) => Some((f, MatchMethod::Fuzzy)),
        (None, Some(p)) => Some((p, MatchMethod::Phonetic)),
        (None, None) => None,
    }
}

/// A single letter against a token that starts with it.
fn initial_similarity(a: &TokenInfo, b: &TokenInfo) -> Option<(f32, MatchMethod)> {
    let (initial, full) = match (a.is_initial(), b.is_initial()) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        (true, true) => return (a.text == b.text).then_some((1.0, MatchMethod::Exact)),
        (false, false) => return None,
    };
    full.text
        .starts_with(&*initial.text)
        .then_some((0.9, MatchMethod::Initial))
}

/// One assigned pair in an explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenMatch {
    /// Query token(s), space-separated when two were joined.
    pub query: String,
    /// Listed token(s), space-separated when two were joined.
    pub listed: String,
    pub method: MatchMethod,
    pub similarity: f32,
}

/// Why a name scored what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NameExplanation {
    pub query_tokens: Vec<String>,
    pub listed_tokens: Vec<String>,
    pub matched: Vec<TokenMatch>,
    pub unmatched_query: Vec<String>,
    pub unmatched_listed: Vec<String>,
    pub score: f32,
}

/// A normalised query (a customer's name) ready to be scored.
#[derive(Debug, Clone)]
pub(crate) struct QueryName {
    pub tokens: Vec<TokenInfo>,
    /// `tokens[i] + tokens[i + 1]`, for split pairs.
    pub joined: Vec<TokenInfo>,
}

impl QueryName {
    pub fn new(tokens: &[String]) -> Self {
        QueryName {
            tokens: tokens.iter().map(|t| TokenInfo::new(t)).collect(),
            joined: tokens
                .windows(2)
                .map(|w| TokenInfo::new(&format!("{}{}", w[0], w[1])))
                .collect(),
        }
    }
}

/// A listed name as the scorer sees it: ids of its tokens and adjacent
/// joins in a vocabulary (the index's, or a small one made for `compare`).
#[derive(Clone, Copy)]
pub(crate) struct ListedName<'a> {
    pub tokens: &'a [u32],
    pub joined: &'a [u32],
    pub vocab: &'a [TokenInfo],
}

impl<'a> ListedName<'a> {
    fn token(&self, j: usize) -> (u32, &'a TokenInfo) {
        let id = self.tokens[j];
        (id, &self.vocab[id as usize])
    }
    fn join(&self, k: usize) -> (u32, &'a TokenInfo) {
        let id = self.joined[k];
        (id, &self.vocab[id as usize])
    }
}

/// Where token similarities come from: computed directly, or looked up in
/// the per-query tables the index built. Both give identical numbers.
pub(crate) trait PairSimilarity {
    /// Query token `i` against listed vocabulary token `id`.
    fn token(
        &self,
        query: &QueryName,
        i: usize,
        id: u32,
        listed: &TokenInfo,
    ) -> Option<(f32, MatchMethod)>;
    /// Joined query tokens `p, p+1` against listed token `id`.
    fn joined(
        &self,
        query: &QueryName,
        p: usize,
        id: u32,
        listed: &TokenInfo,
    ) -> Option<(f32, MatchMethod)>;
}

/// Computes every similarity directly (used by `compare` and brute force).
pub(crate) struct Direct;

impl PairSimilarity for Direct {
    fn token(
        &self,
        q: &QueryName,
        i: usize,
        _: u32,
        listed: &TokenInfo,
    ) -> Option<(f32, MatchMethod)> {
        token_similarity(&q.tokens[i], listed)
    }
    fn joined(
        &self,
        q: &QueryName,
        p: usize,
        _: u32,
        listed: &TokenInfo,
    ) -> Option<(f32, MatchMethod)> {
        token_similarity(&q.joined[p], listed)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    q_mask: u64,
    c_mask: u64,
    sim: f32,
    weight: f32,
    method: MatchMethod,
    anchor: bool,
}

/// Inner methods a merged or split pair may rest on.
fn joinable(method: MatchMethod) -> bool {
    matches!(
        method,
        MatchMethod::Exact | MatchMethod::Variant | MatchMethod::Fuzzy
    )
}

/// Whether an edge with these side weights can anchor a match.
pub(crate) fn is_anchor_weight(q_weight: f32, c_weight: f32) -> bool {
    q_weight.max(c_weight) >= 1.0
}

/// Maximum tokens per side the scorer considers (bit masks).
pub(crate) const MAX_TOKENS: usize = 60;

/// Scores one listed name; `None` when nothing anchors a match.
pub(crate) fn score_name(
    query: &QueryName,
    listed: &ListedName<'_>,
    sims: &impl PairSimilarity,
    explain: bool,
) -> Option<(f32, Option<NameExplanation>)> {
    score_name_with(query, listed, sims, explain, &mut Vec::new())
}

/// [`score_name`] with a caller's edge buffer, so the hot loop of a
/// screening allocates nothing per candidate.
pub(crate) fn score_name_with(
    query: &QueryName,
    listed: &ListedName<'_>,
    sims: &impl PairSimilarity,
    explain: bool,
    edges: &mut Vec<Edge>,
) -> Option<(f32, Option<NameExplanation>)> {
    edges.clear();
    let q_tokens = &query.tokens;
    let n_listed = listed.tokens.len().min(MAX_TOKENS);
    let n_joined = listed.joined.len().min(MAX_TOKENS - 1);
    for (i, q) in q_tokens.iter().enumerate().take(MAX_TOKENS) {
        for j in 0..n_listed {
            let (id, c) = listed.token(j);
            let found = if q.is_initial() || c.is_initial() {
                initial_similarity(q, c)
            } else {
                sims.token(query, i, id, c)
            };
            if let Some((sim, method)) = found {
                let anchor = method != MatchMethod::Initial && is_anchor_weight(q.weight, c.weight);
                edges.push(Edge {
                    q_mask: 1 << i,
                    c_mask: 1 << j,
                    sim,
                    weight: (q.weight + c.weight) / 2.0,
                    method,
                    anchor,
                });
            }
        }
        if q.is_initial() {
            continue;
        }
        for k in 0..n_joined {
            let (id, joined) = listed.join(k);
            if let Some((sim, _)) = sims
                .token(query, i, id, joined)
                .filter(|(_, m)| joinable(*m))
            {
                let c_weight = listed.token(k).1.weight + listed.token(k + 1).1.weight;
                edges.push(Edge {
                    q_mask: 1 << i,
                    c_mask: 0b11 << k,
                    sim: sim * MERGE_FACTOR,
                    weight: (q.weight + c_weight) / 2.0,
                    method: MatchMethod::Merged,
                    anchor: is_anchor_weight(q.weight, c_weight),
                });
            }
        }
    }
    for p in 0..query.joined.len().min(MAX_TOKENS - 1) {
        let q_weight = q_tokens[p].weight + q_tokens[p + 1].weight;
        for j in 0..n_listed {
            let (id, c) = listed.token(j);
            if c.is_initial() {
                continue;
            }
            if let Some((sim, _)) = sims.joined(query, p, id, c).filter(|(_, m)| joinable(*m)) {
                edges.push(Edge {
                    q_mask: 0b11 << p,
                    c_mask: 1 << j,
                    sim: sim * MERGE_FACTOR,
                    weight: (q_weight + c.weight) / 2.0,
                    method: MatchMethod::Split,
                    anchor: is_anchor_weight(q_weight, c.weight),
                });
            }
        }
    }
    if !edges.iter().any(|e| e.anchor) {
        return None;
    }
    // Greedy assignment, most similar first (an exact pair must not lose
    // its token to a looser merged pair that merely covers more weight).
    edges.sort_by(|a, b| b.sim.total_cmp(&a.sim).then(b.weight.total_cmp(&a.weight)));
    let (mut q_used, mut c_used) = (0u64, 0u64);
    let mut chosen: Vec<Edge> = Vec::new();
    let mut anchored = false;
    let (mut matched, mut matched_weight) = (0.0f32, 0.0f32);
    for e in edges.iter() {
        if e.q_mask & q_used == 0 && e.c_mask & c_used == 0 {
            q_used |= e.q_mask;
            c_used |= e.c_mask;
            matched += e.sim * e.weight;
            matched_weight += e.weight;
            anchored |= e.anchor;
            if explain {
                chosen.push(*e);
            }
        }
    }
    if !anchored {
        return None;
    }
    let n_query = q_tokens.len().min(MAX_TOKENS);
    let all_q = if n_query >= 64 {
        u64::MAX
    } else {
        (1u64 << n_query) - 1
    };
    let all_c = if n_listed >= 64 {
        u64::MAX
    } else {
        (1u64 << n_listed) - 1
    };
    let unmatched_q: f32 = q_tokens
        .iter()
        .take(MAX_TOKENS)
        .enumerate()
        .filter(|(i, _)| (all_q & !q_used) & (1 << i) != 0)
        .map(|(_, t)| t.weight)
        .sum();
    let unmatched_c: f32 = (0..n_listed)
        .filter(|j| (all_c & !c_used) & (1 << j) != 0)
        .map(|j| listed.token(j).1.weight)
        .sum();
    let score = matched
        / (matched_weight
            + UNMATCHED_QUERY_PENALTY * unmatched_q
            + UNMATCHED_LISTED_PENALTY * unmatched_c);
    let explanation = explain.then(|| {
        let q_infos: Vec<&TokenInfo> = q_tokens.iter().take(MAX_TOKENS).collect();
        let c_infos: Vec<&TokenInfo> = (0..n_listed).map(|j| listed.token(j).1).collect();
        let texts = |mask: u64, infos: &[&TokenInfo]| -> Vec<String> {
            infos
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, t)| t.text.to_string())
                .collect()
        };
        NameExplanation {
            query_tokens: texts(all_q, &q_infos),
            listed_tokens: texts(all_c, &c_infos),
            matched: chosen
                .iter()
                .map(|e| TokenMatch {
                    query: texts(e.q_mask, &q_infos).join(" "),
                    listed: texts(e.c_mask, &c_infos).join(" "),
                    method: e.method,
                    similarity: e.sim,
                })
                .collect(),
            unmatched_query: texts(all_q & !q_used, &q_infos),
            unmatched_listed: texts(all_c & !c_used, &c_infos),
            score,
        }
    });
    Some((score, explanation))
}

/// The most a name can score given how much weight each side could have
/// matched at best (`matched_*` ≤ `total_*`): every matched pair at
/// similarity 1. The score grows with matched weight, so this bounds it.
pub(crate) fn score_upper_bound(
    matched_query: f32,
    total_query: f32,
    matched_listed: f32,
    total_listed: f32,
) -> f32 {
    let mq = matched_query.min(total_query);
    let mc = matched_listed.min(total_listed);
    let half = (mq + mc) / 2.0;
    if half <= 0.0 {
        return 0.0;
    }
    half / (half
        + UNMATCHED_QUERY_PENALTY * (total_query - mq)
        + UNMATCHED_LISTED_PENALTY * (total_listed - mc))
}
