//! Labelled name pairs by family of difficulty, for measuring the matcher
//! (and the reference engine, side by side) with precision, recall and F1.
//!
//! Two sources:
//! - **written** (`evaluation/written.tsv`): forms of listed people and
//!   companies as other languages and scripts write them, titles, legal
//!   forms, typos, numbers, abbreviations and nicknames, and hard
//!   negatives, written for this project from public knowledge;
//! - **lists** (generated here, deterministically, from the real list
//!   files): the UN list's original-script names against their Latin names
//!   (`scripts`), OFAC aliases against primary names (`aliases`), different
//!   listed entities that share given names, family names or distinctive
//!   words (`near_neighbours`), and one- or two-letter typos in a
//!   company's most distinctive word (`cliffs`).
//!
//! Every pair falls in the **tune** or the **test** half by a hash of its
//! text, so a rule can be tuned on one half and reported on the other.

use crate::entity::{AliasStrength, EntityKind, ListedEntity, SourceList};
use crate::matching::normalize::{normalize_name, token_weight};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::BTreeMap;

/// The pairs written for this project (see the file's header).
pub const WRITTEN_PAIRS: &str = include_str!("../../evaluation/written.tsv");

/// Which half of the set a pair is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Tune,
    Test,
}

/// One labelled pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelledPair {
    pub family: String,
    pub kind: EntityKind,
    pub query: String,
    pub listed: String,
    /// The same entity.
    pub expected: bool,
    /// `written` or `lists`.
    pub source: &'static str,
}

impl LabelledPair {
    /// Tune or test, by an FNV-1a hash of the pair's text.
    pub fn split(&self) -> Split {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.query.bytes().chain([0]).chain(self.listed.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        if (h >> 7).is_multiple_of(2) {
            Split::Tune
        } else {
            Split::Test
        }
    }
}

fn parse_kind(s: &str) -> Option<EntityKind> {
    Some(match s {
        "person" => EntityKind::Person,
        "organisation" => EntityKind::Organisation,
        "vessel" => EntityKind::Vessel,
        "aircraft" => EntityKind::Aircraft,
        _ => return None,
    })
}

/// Reads the written pairs: tab-separated `family, kind, query, listed,
/// expected`, `#` comments. A bad line is an error naming it.
pub fn written_pairs(text: &str) -> Result<Vec<LabelledPair>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let bad = |why: &str| format!("written pairs, line {}: {why}", n + 1);
        if cols.len() != 5 {
            return Err(bad("expected 5 tab-separated columns"));
        }
        let kind = parse_kind(cols[1]).ok_or_else(|| bad("unknown kind"))?;
        let expected = match cols[4] {
            "1" => true,
            "0" => false,
            _ => return Err(bad("expected must be 1 or 0")),
        };
        out.push(LabelledPair {
            family: cols[0].to_string(),
            kind,
            query: cols[2].to_string(),
            listed: cols[3].to_string(),
            expected,
            source: "written",
        });
    }
    Ok(out)
}

/// Most pairs of one generated family and label.
const MAX_PER_FAMILY: usize = 250;

/// Keeps every n-th of `v` so at most `max` remain, in order.
fn thin<T>(v: Vec<T>, max: usize) -> Vec<T> {
    if v.len() <= max {
        return v;
    }
    let step = v.len().div_ceil(max);
    v.into_iter().step_by(step).collect()
}

fn pair(family: &str, kind: EntityKind, query: &str, listed: &str, expected: bool) -> LabelledPair {
    LabelledPair {
        family: family.to_string(),
        kind,
        query: query.to_string(),
        listed: listed.to_string(),
        expected,
        source: "lists",
    }
}

/// Distinctive normalised tokens of a name (weight 1, two letters or more).
fn distinctive(kind: EntityKind, name: &str) -> Vec<String> {
    normalize_name(kind, name)
        .into_iter()
        .filter(|t| t.len() >= 3 && token_weight(t) >= 1.0)
        .collect()
}

/// For each entity, another of the same kind and list that shares a
/// distinctive token with its primary name but is not written the same:
/// the hard negative for a positive built from it.
fn neighbours<'a>(entities: &[&'a ListedEntity]) -> FxHashMap<usize, &'a ListedEntity> {
    let mut by_token: BTreeMap<(EntityKind, String), Vec<usize>> = BTreeMap::new();
    for (i, e) in entities.iter().enumerate() {
        for t in distinctive(e.kind, &e.primary_name) {
            by_token.entry((e.kind, t)).or_default().push(i);
        }
    }
    let mut out = FxHashMap::default();
    for (i, e) in entities.iter().enumerate() {
        let own = normalize_name(e.kind, &e.primary_name);
        let found = distinctive(e.kind, &e.primary_name)
            .into_iter()
            .filter_map(|t| by_token.get(&(e.kind, t)))
            .flat_map(|v| v.iter().copied())
            .find(|&j| j != i && normalize_name(e.kind, &entities[j].primary_name) != own);
        if let Some(j) = found {
            out.insert(i, entities[j]);
        }
    }
    out
}

/// Original-script names of the UN list against their Latin names, and
/// against another entity's Latin name sharing a word (negatives).
fn script_pairs(entities: &[ListedEntity]) -> Vec<LabelledPair> {
    let un: Vec<&ListedEntity> = entities
        .iter()
        .filter(|e| e.list == SourceList::UnConsolidated)
        .collect();
    let near = neighbours(&un);
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for (i, e) in un.iter().enumerate() {
        for a in e
            .aliases
            .iter()
            .filter(|a| a.alias_type == "original_script")
        {
            pos.push(pair("scripts", e.kind, &a.name, &e.primary_name, true));
            if let Some(other) = near.get(&i) {
                neg.push(pair("scripts", e.kind, &a.name, &other.primary_name, false));
            }
        }
    }
    let mut out = thin(pos, MAX_PER_FAMILY * 2);
    out.extend(thin(neg, MAX_PER_FAMILY * 2));
    out
}

/// Strong OFAC aliases against the primary name, and against another
/// entity's primary name sharing a word (negatives).
fn alias_pairs(entities: &[ListedEntity]) -> Vec<LabelledPair> {
    let ofac: Vec<&ListedEntity> = entities
        .iter()
        .filter(|e| e.list == SourceList::OfacSdn)
        .collect();
    let near = neighbours(&ofac);
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for (i, e) in ofac.iter().enumerate() {
        let Some(a) = e
            .aliases
            .iter()
            .find(|a| a.strength == AliasStrength::Strong && a.alias_type == "aka")
        else {
            continue;
        };
        pos.push(pair("aliases", e.kind, &a.name, &e.primary_name, true));
        if let Some(other) = near.get(&i) {
            neg.push(pair("aliases", e.kind, &a.name, &other.primary_name, false));
        }
    }
    let mut out = thin(pos, MAX_PER_FAMILY);
    out.extend(thin(neg, MAX_PER_FAMILY));
    out
}

/// Different listed entities whose names differ in one word: a person's
/// family name or given name, a company's distinctive word or number.
fn near_neighbour_pairs(entities: &[ListedEntity]) -> Vec<LabelledPair> {
    let mut family_names: BTreeMap<(String, String), Vec<&ListedEntity>> = BTreeMap::new();
    let mut given_names: BTreeMap<String, Vec<&ListedEntity>> = BTreeMap::new();
    let mut org_stems: BTreeMap<(EntityKind, String), Vec<&ListedEntity>> = BTreeMap::new();
    for e in entities {
        let t = normalize_name(e.kind, &e.primary_name);
        if t.len() < 2 {
            continue;
        }
        if e.kind == EntityKind::Person {
            let (given, family) = t.split_at(t.len() - 1);
            given_names.entry(given.join(" ")).or_default().push(e);
            family_names
                .entry((family[0].clone(), given[0].clone()))
                .or_default()
                .push(e);
        } else if t.len() >= 2 {
            // All words but one: siblings share the stem.
            for skip in 0..t.len() {
                let stem: Vec<&str> = t
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != skip)
                    .map(|(_, w)| w.as_str())
                    .collect();
                if stem.iter().filter(|w| token_weight(w) >= 1.0).count() >= 1 {
                    org_stems
                        .entry((e.kind, format!("{skip}|{}", stem.join(" "))))
                        .or_default()
                        .push(e);
                }
            }
        }
    }
    let mut seen: FxHashSet<(String, String)> = FxHashSet::default();
    let mut take = |groups: Vec<Vec<&ListedEntity>>, out: &mut Vec<LabelledPair>| {
        for g in groups {
            for w in g.windows(2) {
                let (a, b) = (w[0], w[1]);
                // Two lists may list one person: only one list's entries
                // are surely two entities.
                if a.id == b.id || a.list != b.list {
                    continue;
                }
                let (na, nb) = (
                    normalize_name(a.kind, &a.primary_name),
                    normalize_name(b.kind, &b.primary_name),
                );
                // A name inside the other is a potential match, not a near
                // neighbour: each must have a word the other lacks.
                let a_only = na.iter().any(|t| !nb.contains(t));
                let b_only = nb.iter().any(|t| !na.contains(t));
                if na == nb || !a_only || !b_only {
                    continue;
                }
                let key = (a.primary_name.clone(), b.primary_name.clone());
                if seen.insert(key) {
                    out.push(pair(
                        "near_neighbours",
                        a.kind,
                        &a.primary_name,
                        &b.primary_name,
                        false,
                    ));
                }
            }
        }
    };
    // Same given names, another family name.
    let mut other_family = Vec::new();
    take(
        given_names
            .into_values()
            .filter(|g| g.len() >= 2 && g[0].primary_name.split_whitespace().count() >= 3)
            .collect(),
        &mut other_family,
    );
    // Same family name and first given name, other given names (relatives).
    let mut other_given = Vec::new();
    take(
        family_names
            .into_values()
            .filter(|g| g.len() >= 2)
            .collect(),
        &mut other_given,
    );
    let mut siblings = Vec::new();
    take(
        org_stems.into_values().filter(|g| g.len() >= 2).collect(),
        &mut siblings,
    );
    let mut out = thin(other_family, MAX_PER_FAMILY / 2);
    out.extend(thin(other_given, MAX_PER_FAMILY / 2));
    out.extend(thin(siblings, MAX_PER_FAMILY));
    out
}

/// A one- or two-letter typo in the most distinctive word of a company's
/// name: a letter doubled, dropped, or swapped for a neighbour.
fn cliff_pairs(entities: &[ListedEntity]) -> Vec<LabelledPair> {
    let mut out = Vec::new();
    for (n, e) in entities
        .iter()
        .filter(|e| e.kind == EntityKind::Organisation)
        .enumerate()
    {
        let words: Vec<&str> = e.primary_name.split_whitespace().collect();
        let Some((at, word)) = words
            .iter()
            .enumerate()
            .filter(|(_, w)| w.len() >= 6 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .filter(|(_, w)| token_weight(&w.to_ascii_lowercase()) >= 1.0)
            .max_by_key(|(_, w)| w.len())
        else {
            continue;
        };
        let b: Vec<char> = word.chars().collect();
        let mid = b.len() / 2;
        let mut typo: Vec<char> = b.clone();
        match n % 4 {
            0 => typo.insert(mid, b[mid]),
            1 => {
                typo.remove(mid);
            }
            2 => typo.swap(mid - 1, mid),
            _ => {
                // Two edits: a dropped letter and a doubled one.
                typo.remove(1);
                let last = typo.len() - 1;
                typo.insert(last, typo[last]);
            }
        }
        let typo: String = typo.into_iter().collect();
        if typo.eq_ignore_ascii_case(word) {
            continue;
        }
        let mut q = words.clone();
        q[at] = &typo;
        out.push(pair("cliffs", e.kind, &q.join(" "), &e.primary_name, true));
    }
    thin(out, MAX_PER_FAMILY)
}

/// Pairs generated from the lists: `current` (the newest vintages) for
/// scripts, near neighbours and typos, `with_aliases` (an OFAC vintage
/// with its alias file) for aliases.
pub fn list_pairs(current: &[ListedEntity], with_aliases: &[ListedEntity]) -> Vec<LabelledPair> {
    let mut out = script_pairs(current);
    out.extend(alias_pairs(with_aliases));
    out.extend(near_neighbour_pairs(current));
    out.extend(cliff_pairs(current));
    out
}

/// Every labelled pair: the written ones, then those generated from the
/// bundled lists in `dir` (its newest vintages, and OFAC 2021 with its
/// alias file). What the accuracy bench, the family floors and the tune
/// loop all score.
pub fn all_pairs(dir: &std::path::Path) -> Result<Vec<LabelledPair>, String> {
    let current = crate::load_lists_dir(dir)
        .map_err(|e| format!("lists in {}: {e}", dir.display()))?
        .version;
    let with_aliases = crate::load_vintage_dir(dir.join("ofac_sdn_2021-07"))
        .map_err(|e| format!("OFAC 2021 in {}: {e}", dir.display()))?
        .version;
    let mut pairs = written_pairs(WRITTEN_PAIRS)?;
    pairs.extend(list_pairs(current.entities(), with_aliases.entities()));
    Ok(pairs)
}

/// Counts and rates of one family at one threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PairMetrics {
    pub pairs: usize,
    pub positives: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl PairMetrics {
    pub fn add(&mut self, expected: bool, matched: bool) {
        self.pairs += 1;
        self.positives += usize::from(expected);
        match (expected, matched) {
            (true, true) => self.true_positives += 1,
            (false, true) => self.false_positives += 1,
            (true, false) => self.false_negatives += 1,
            (false, false) => {}
        }
    }
    pub fn precision(&self) -> f64 {
        let found = self.true_positives + self.false_positives;
        if found == 0 {
            1.0
        } else {
            self.true_positives as f64 / found as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.positives == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.positives as f64
        }
    }
    /// Share of the negatives matched.
    pub fn false_positive_rate(&self) -> f64 {
        let negatives = self.pairs - self.positives;
        if negatives == 0 {
            0.0
        } else {
            self.false_positives as f64 / negatives as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Metrics per family (and `all`) for pairs scored against a threshold.
pub fn pair_metrics<'a>(
    scored: impl IntoIterator<Item = (&'a LabelledPair, f32)>,
    threshold: f32,
) -> BTreeMap<String, PairMetrics> {
    let mut out: BTreeMap<String, PairMetrics> = BTreeMap::new();
    for (p, score) in scored {
        let matched = score >= threshold;
        out.entry(p.family.clone())
            .or_default()
            .add(p.expected, matched);
        out.entry("all".into())
            .or_default()
            .add(p.expected, matched);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_pairs_parse_and_split() {
        let pairs = written_pairs(WRITTEN_PAIRS).unwrap();
        assert!(pairs.len() > 300, "{}", pairs.len());
        let test = pairs.iter().filter(|p| p.split() == Split::Test).count();
        assert!(
            test > pairs.len() / 3 && test < pairs.len() * 2 / 3,
            "{test}"
        );
        assert!(written_pairs("a\tperson\tb\tc\t2").is_err());
        assert!(written_pairs("a\tplanet\tb\tc\t1").is_err());
    }
}
