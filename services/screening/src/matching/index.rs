//! Candidate generation: which listed names a query must be scored against.
//!
//! Every distinct token of every listed name (and every join of two
//! adjacent tokens, for merged/split names) is a vocabulary entry with a
//! posting list of the names containing it. For a query token the index
//! finds every vocabulary token the scorer could pair it with:
//!
//! - exact: a hash lookup;
//! - variant: the variant group's members; nickname: the related names'
//!   spellings and variant groups;
//! - inflection: tokens stored under each stem less a nominative ending;
//! - fuzzy (one edit): a deletion neighbourhood. Each vocabulary token of
//!   4+ letters is stored under the hash of itself and of each one-letter
//!   deletion; two tokens one substitution, insertion, deletion or adjacent
//!   transposition apart always share one of those keys (SymSpell's idea);
//! - two edits: the same one level deeper (every deletion of one or two
//!   letters), for distinctive words of 8–24 letters that stand as words
//!   of a name (two-edit pairs are never joined);
//! - phonetic: the hash of the phonetic key (and of its Slavic reading);
//! - transliteration: loose consonant keys with their deletions of one and
//!   two classes (never below three classes), in two tables: every token,
//!   for queries written in a loose script, and only the loose-script
//!   tokens, for alphabetic queries.
//!
//! Hash collisions only add candidates, and every candidate pair is then
//! confirmed by the same `token_similarity` the scorer uses. Since a name
//! can only match through an anchor pair (scoring.rs) and every anchor pair
//! is found here, the index loses no match that brute force would find;
//! `tests/index_vs_brute_force.rs` checks it on the real lists.
//!
//! Pruning: a very common token (Mohammed, Ali) reaches thousands of names,
//! nearly all of which share nothing else with the query. While walking the
//! postings, each reached name records which query tokens reached it and
//! the heaviest listed side each could pair with. That bounds the matched
//! weight on both sides, hence the score ([`score_upper_bound`]); a name
//! whose bound is below what the subject could still be reported at is
//! never scored. Pairs the postings do not see (initials, weak-weight
//! tokens) are counted as if they matched, so the bound is never too low.
//!
//! Layout for speed: names are numbered grouped by kind (a posting list is
//! cut to one kind with two binary searches), postings are one flat array,
//! hash keys sit in a table with a 16-bit directory (one cache miss per
//! lookup), and per-query state lives in a pooled, reusable [`Scratch`].

use crate::entity::{AliasStrength, EntityKind, Identifier, ListedEntity};
use crate::matching::legal_forms;
use crate::matching::normalize::{NameToken, normalise, token_weight};
use crate::matching::scoring::{
    Edge, ListedName, MAX_TOKENS, PairSim, PairSimilarity, QueryName, SCRIPT_HAN_MIN_CLASSES,
    SCRIPT_JOIN_MIN_CLASSES, SCRIPT_MAX_CLASSES, SCRIPT_NEAR_MIN_CLASSES, TWO_EDIT_MAX_LEN,
    TWO_EDIT_MIN_LEN, TokenInfo, inflection_stems, is_anchor_weight, mask_weight,
    score_upper_bound, token_similarity,
};
use crate::matching::transliterate::Script;
use crate::matching::variants::canonical;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::Mutex;

/// FNV-1a over a byte sequence given in pieces, so a deletion variant is
/// hashed without building the string, with a final mix so the top bits
/// (the directory bucket) are well spread.
fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Keys of a token's one-edit neighbourhood: itself and each deletion.
fn deletion_keys(token: &str) -> impl Iterator<Item = u64> + '_ {
    let b = token.as_bytes();
    std::iter::once(fnv(&[b])).chain((0..b.len()).map(move |i| fnv(&[&b[..i], &b[i + 1..]])))
}

/// Keys of a byte string's two-edit neighbourhood: itself, each deletion
/// and each pair of deletions. Two strings at most two edits apart always
/// share one (SymSpell's idea, one level deeper).
fn deletion_keys2(b: &[u8]) -> Vec<u64> {
    let mut keys = Vec::with_capacity(1 + b.len() * (b.len() + 1) / 2);
    keys.push(fnv(&[b]));
    for i in 0..b.len() {
        keys.push(fnv(&[&b[..i], &b[i + 1..]]));
        for j in i + 1..b.len() {
            keys.push(fnv(&[&b[..i], &b[i + 1..j], &b[j + 1..]]));
        }
    }
    keys
}

/// Keys of a loose consonant key for the loose tables: the key itself and
/// its deletions up to `depth` letters, never shorter than the fewest
/// classes a near or Han pair needs (shorter keys pair only when equal, and
/// an empty or one-class deletion would reach half the vocabulary).
fn loose_keys(key: &[u8], depth: usize) -> Vec<u64> {
    let floor = SCRIPT_HAN_MIN_CLASSES.min(SCRIPT_NEAR_MIN_CLASSES - 1);
    let mut keys = vec![fnv(&[key])];
    if depth >= 1 && key.len() > floor && key.len() <= SCRIPT_MAX_CLASSES {
        for i in 0..key.len() {
            keys.push(fnv(&[&key[..i], &key[i + 1..]]));
            if depth >= 2 && key.len() > floor + 1 {
                for j in i + 1..key.len() {
                    keys.push(fnv(&[&key[..i], &key[i + 1..j], &key[j + 1..]]));
                }
            }
        }
    }
    keys
}

/// The 32 bits of a hash a [`KeyTable`] keeps.
fn short_key(key: u64) -> u32 {
    (key >> 32) as u32
}

/// `(key hash, vocab id)` pairs sorted by key, with a directory on the top
/// bits of the key so a lookup is one bucket of a few entries. Keys keep 32
/// bits of the hash: a collision only adds a candidate, which the scorer's
/// own similarity then refuses.
#[derive(Debug, Default)]
struct KeyTable {
    pairs: Vec<(u32, u32)>,
    dir: Vec<u32>,
    /// Bits of the key that pick a directory bucket.
    bits: u32,
}

impl KeyTable {
    fn new(mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs.shrink_to_fit();
        // About two entries a bucket, so a lookup reads one or two.
        let bits = (usize::BITS - (pairs.len() / 2).max(1).leading_zeros()).clamp(8, 21);
        let mut dir = vec![0u32; (1 << bits) + 1];
        for &(k, _) in &pairs {
            dir[Self::bucket(k, bits) + 1] += 1;
        }
        for b in 1..dir.len() {
            dir[b] += dir[b - 1];
        }
        KeyTable { pairs, dir, bits }
    }

    fn bucket(key: u32, bits: u32) -> usize {
        (key >> (32 - bits)) as usize
    }

    fn get(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let key = short_key(key);
        let range = if self.dir.is_empty() {
            0..0
        } else {
            let b = Self::bucket(key, self.bits);
            self.dir[b] as usize..self.dir[b + 1] as usize
        };
        self.pairs[range]
            .iter()
            .filter(move |&&(k, _)| k == key)
            .map(|&(_, id)| id)
    }
}

/// One listed name in the index.
#[derive(Debug)]
pub(crate) struct IndexedName {
    /// Position of the entity in the version's entities.
    pub entity: u32,
    pub kind: EntityKind,
    pub strength: AliasStrength,
    /// Position among the entity's names (0 = primary).
    pub name_no: u16,
    /// Single-letter tokens (they pair as initials, outside the postings).
    initials: u8,
    /// Sum of the token weights.
    weight: f32,
    /// Canonical legal forms (`legal_forms::mask`).
    pub legal_forms: u64,
    pub tokens: Box<[u32]>,
    pub joined: Box<[u32]>,
}

/// The searchable form of a list version.
#[derive(Debug, Default)]
pub struct ScreeningIndex {
    pub(crate) vocab: Vec<TokenInfo>,
    /// Vocabulary ids by spelling (one per script it was written in).
    by_text: FxHashMap<Box<str>, Vec<u32>>,
    /// Posting lists, flat: names of vocab `v` are
    /// `post_names[post_start[v]..post_start[v + 1]]`, ascending.
    post_start: Vec<u32>,
    post_names: Vec<u32>,
    /// Largest weight a vocabulary entry carries as one side of a pair: its
    /// own weight, or the sum of its parts where it is a join.
    anchor_weight: Vec<f32>,
    /// Grouped by kind (in [`EntityKind::all`] order), then entity order.
    pub(crate) names: Vec<IndexedName>,
    /// First name of each kind; `kind_start[4]` is the end.
    kind_start: [u32; 5],
    deletions: KeyTable,
    /// Two-edit neighbourhoods of long tokens.
    deletions2: KeyTable,
    /// Tokens by their stems less a nominative ending (`putinas` under
    /// `putin`).
    stems: KeyTable,
    phonetics: KeyTable,
    /// Loose keys (and their one- and two-class deletions) of every token,
    /// for queries written in a script that loses distinctions.
    loose_all: KeyTable,
    /// Loose keys (and their one-class deletions) of listed tokens written
    /// in such a script, for alphabetic queries.
    loose_listed: KeyTable,
    variants: FxHashMap<&'static str, Vec<u32>>,
    /// Patronymics by the given name they are formed from.
    patronymics: FxHashMap<&'static str, Vec<u32>>,
    /// Normalised identifier value → entity indices.
    identifiers: FxHashMap<String, Vec<u32>>,
    /// Idle per-query buffers, as many as screenings ran at once (capped).
    scratch: Mutex<Vec<Scratch>>,
}

/// Most idle scratch buffers an index keeps (each is ~24 bytes a name).
const MAX_IDLE_SCRATCH: usize = 16;

/// Identifiers shorter than this are too likely to collide by chance.
pub(crate) const MIN_IDENTIFIER_LEN: usize = 5;

fn kind_slot(kind: EntityKind) -> usize {
    match kind {
        EntityKind::Person => 0,
        EntityKind::Organisation => 1,
        EntityKind::Vessel => 2,
        EntityKind::Aircraft => 3,
    }
}

/// One entity's names and identifiers, normalised (the parallel part).
struct Prepared {
    e_no: u32,
    kind: EntityKind,
    names: Vec<(u16, AliasStrength, Vec<NameToken>, u64)>,
    identifiers: Vec<String>,
}

/// Vocabulary being built: text → id, weights, and (vocab, name) postings.
#[derive(Default)]
struct VocabBuilder {
    by_text: FxHashMap<(Box<str>, Script), u32>,
    texts: Vec<(Box<str>, Script)>,
    weight: Vec<f32>,
    anchor_weight: Vec<f32>,
    /// Whether the entry is a word of some name (not only a join).
    plain: Vec<bool>,
    postings: Vec<(u32, u32)>,
}

impl VocabBuilder {
    fn intern(
        &mut self,
        token: &str,
        script: Script,
        name_id: u32,
        joined_weight: Option<f32>,
    ) -> u32 {
        let key: (Box<str>, Script) = (token.into(), script);
        let id = match self.by_text.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.texts.len() as u32;
                let w = token_weight(token);
                self.texts.push(key.clone());
                self.by_text.insert(key, id);
                self.weight.push(w);
                self.anchor_weight.push(w);
                self.plain.push(false);
                id
            }
        };
        if let Some(w) = joined_weight {
            let a = &mut self.anchor_weight[id as usize];
            *a = a.max(w);
        } else {
            self.plain[id as usize] = true;
        }
        self.postings.push((id, name_id));
        id
    }
}

impl ScreeningIndex {
    pub fn build(entities: &[ListedEntity]) -> Self {
        Self::build_for(entities, None)
    }

    /// Builds over `subset` (entity positions, ascending) or over all.
    /// Names keep the entities' positions in `entities`.
    pub(crate) fn build_for(entities: &[ListedEntity], subset: Option<&[u32]>) -> Self {
        let all: Vec<u32>;
        let selected = match subset {
            Some(s) => s,
            None => {
                all = (0..entities.len() as u32).collect();
                &all
            }
        };
        let prepared: Vec<Prepared> = selected
            .par_iter()
            .map(|&e_no| {
                let e = &entities[e_no as usize];
                let names = e
                    .names()
                    .enumerate()
                    .filter_map(|(name_no, (name, strength))| {
                        let normalised = normalise(e.kind, name);
                        let forms = legal_forms::mask(&normalised.legal_forms);
                        let mut tokens = normalised.tokens;
                        tokens.truncate(MAX_TOKENS);
                        (!tokens.is_empty()).then(|| {
                            (
                                name_no.min(u16::MAX as usize) as u16,
                                strength,
                                tokens,
                                forms,
                            )
                        })
                    })
                    .collect();
                let identifiers = e
                    .identifiers
                    .iter()
                    .map(|id| Identifier::normalised_value(&id.value))
                    .filter(|v| v.len() >= MIN_IDENTIFIER_LEN)
                    .collect();
                Prepared {
                    e_no,
                    kind: e.kind,
                    names,
                    identifiers,
                }
            })
            .collect();

        let mut ix = ScreeningIndex::default();
        let mut vb = VocabBuilder::default();
        let mut join = String::new();
        for kind in EntityKind::all() {
            ix.kind_start[kind_slot(kind)] = ix.names.len() as u32;
            for p in prepared.iter().filter(|p| p.kind == kind) {
                for (name_no, strength, tokens, forms) in &p.names {
                    let name_id = ix.names.len() as u32;
                    let ids: Box<[u32]> = tokens
                        .iter()
                        .map(|t| vb.intern(&t.text, t.script, name_id, None))
                        .collect();
                    let joined: Box<[u32]> = tokens
                        .windows(2)
                        .zip(ids.windows(2))
                        .map(|(w, i)| {
                            let parts = vb.weight[i[0] as usize] + vb.weight[i[1] as usize];
                            join.clear();
                            join.push_str(&w[0].text);
                            join.push_str(&w[1].text);
                            let script = w[0].script.max(w[1].script);
                            vb.intern(&join, script, name_id, Some(parts))
                        })
                        .collect();
                    let weight = ids.iter().map(|&id| vb.weight[id as usize]).sum();
                    let initials = ids
                        .iter()
                        .filter(|&&id| {
                            let t = &vb.texts[id as usize].0;
                            t.len() == 1 && !t.as_bytes()[0].is_ascii_digit()
                        })
                        .count();
                    ix.names.push(IndexedName {
                        entity: p.e_no,
                        kind,
                        strength: *strength,
                        name_no: *name_no,
                        initials: initials.min(u8::MAX as usize) as u8,
                        weight,
                        legal_forms: *forms,
                        tokens: ids,
                        joined,
                    });
                }
            }
        }
        ix.kind_start[4] = ix.names.len() as u32;
        for p in &prepared {
            for v in &p.identifiers {
                let list = ix.identifiers.entry(v.clone()).or_default();
                if list.last() != Some(&p.e_no) {
                    list.push(p.e_no);
                }
            }
        }
        drop(prepared);

        // Flat postings: a counting sort of the (vocab, name) pairs, which
        // were made in name order, so each list comes out ascending.
        let n_vocab = vb.texts.len();
        let mut last = vec![u32::MAX; n_vocab];
        let mut start = vec![0u32; n_vocab + 1];
        for &(v, n) in &vb.postings {
            if last[v as usize] != n {
                last[v as usize] = n;
                start[v as usize + 1] += 1;
            }
        }
        for v in 1..start.len() {
            start[v] += start[v - 1];
        }
        let mut fill = start.clone();
        let mut post_names = vec![0u32; start[n_vocab] as usize];
        last.fill(u32::MAX);
        for &(v, n) in &vb.postings {
            if last[v as usize] != n {
                last[v as usize] = n;
                post_names[fill[v as usize] as usize] = n;
                fill[v as usize] += 1;
            }
        }
        ix.post_start = start;
        ix.post_names = post_names;
        ix.anchor_weight = vb.anchor_weight;
        for ((text, _), &id) in &vb.by_text {
            ix.by_text.entry(text.clone()).or_default().push(id);
        }
        ix.vocab = vb
            .texts
            .par_iter()
            .map(|(t, script)| TokenInfo::new(t, *script))
            .collect();

        let deletions: Vec<(u32, u32)> = ix
            .vocab
            .par_iter()
            .enumerate()
            .filter(|(_, t)| t.text.len() >= 4)
            .flat_map_iter(|(id, t)| {
                deletion_keys(&t.text)
                    .map(move |k| (short_key(k), id as u32))
                    .collect::<Vec<_>>()
            })
            .collect();
        ix.deletions = KeyTable::new(deletions);
        let deletions2: Vec<(u32, u32)> = ix
            .vocab
            .par_iter()
            .enumerate()
            // Two-edit pairs are never joined (scoring.rs), so joins need
            // no two-edit keys.
            .filter(|(id, t)| {
                vb.plain[*id]
                    && t.weight >= 1.0
                    && (TWO_EDIT_MIN_LEN..=TWO_EDIT_MAX_LEN).contains(&t.text.len())
                    && !t.number
            })
            .flat_map_iter(|(id, t)| {
                deletion_keys2(t.text.as_bytes())
                    .into_iter()
                    .map(move |k| (short_key(k), id as u32))
            })
            .collect();
        ix.deletions2 = KeyTable::new(deletions2);
        let stems: Vec<(u32, u32)> = ix
            .vocab
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.number)
            .flat_map(|(id, t)| {
                // Each stem, and its variant group's canonical spelling.
                inflection_stems(&t.text).flat_map(move |stem| {
                    std::iter::once(stem)
                        .chain(canonical(stem))
                        .map(move |s| (short_key(fnv(&[s.as_bytes()])), id as u32))
                })
            })
            .collect();
        ix.stems = KeyTable::new(stems);
        let loose_all: Vec<(u32, u32)> = ix
            .vocab
            .par_iter()
            .enumerate()
            .filter(|(_, t)| !t.loose.is_empty())
            .flat_map_iter(|(id, t)| {
                loose_keys(t.loose.as_bytes(), 2)
                    .into_iter()
                    .map(move |k| (short_key(k), id as u32))
            })
            .collect();
        ix.loose_all = KeyTable::new(loose_all);
        let loose_listed: Vec<(u32, u32)> = ix
            .vocab
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.loose.is_empty() && t.script != Script::Alphabetic)
            .flat_map(|(id, t)| {
                loose_keys(t.loose.as_bytes(), 1)
                    .into_iter()
                    .map(move |k| (short_key(k), id as u32))
            })
            .collect();
        ix.loose_listed = KeyTable::new(loose_listed);
        let phonetics: Vec<(u32, u32)> = ix
            .vocab
            .iter()
            .enumerate()
            .flat_map(|(id, t)| {
                [&t.phonetic, &t.slavic]
                    .into_iter()
                    .filter(|k| !k.is_empty())
                    .map(move |k| (short_key(fnv(&[k.as_bytes()])), id as u32))
            })
            .collect();
        ix.phonetics = KeyTable::new(phonetics);
        for (id, t) in ix.vocab.iter().enumerate() {
            if let Some(c) = t.canonical {
                ix.variants.entry(c).or_default().push(id as u32);
            }
            if let Some(p) = t.patronymic_of {
                ix.patronymics.entry(p).or_default().push(id as u32);
            }
        }
        ix
    }

    fn postings(&self, id: u32) -> &[u32] {
        let v = id as usize;
        &self.post_names[self.post_start[v] as usize..self.post_start[v + 1] as usize]
    }

    fn kind_range(&self, kind: EntityKind) -> (u32, u32) {
        let k = kind_slot(kind);
        (self.kind_start[k], self.kind_start[k + 1])
    }

    /// Names of one entity (they are contiguous), in order.
    pub(crate) fn entity_names(&self, kind: EntityKind, entity: u32) -> std::ops::Range<u32> {
        let (lo, hi) = self.kind_range(kind);
        let names = &self.names[lo as usize..hi as usize];
        let a = names.partition_point(|n| n.entity < entity);
        let b = a + names[a..].partition_point(|n| n.entity == entity);
        lo + a as u32..lo + b as u32
    }

    /// Every vocabulary token `token_similarity` pairs with `q`, sorted by id.
    fn token_matches(
        &self,
        q: &TokenInfo,
        joined: bool,
        ids: &mut Vec<u32>,
    ) -> Vec<(u32, PairSim)> {
        if q.is_initial() {
            return Vec::new();
        }
        ids.clear();
        self.exact_ids(&q.text, ids);
        if let Some(c) = q.canonical
            && let Some(v) = self.variants.get(c)
        {
            ids.extend_from_slice(v);
        }
        if let Some(p) = q.patronymic_of
            && let Some(v) = self.patronymics.get(p)
        {
            ids.extend_from_slice(v);
        }
        // Numbers pair only exactly.
        if !q.number && q.text.len() >= 4 {
            for key in deletion_keys(&q.text) {
                ids.extend(self.deletions.get(key));
            }
        }
        // A join of two query words only pairs as exact, variant or one
        // edit (`scoring::joinable`), or by an equal loose key of three
        // classes or more (not Han): nothing else to look up.
        if q.number || joined {
            if joined && q.loose.len() >= SCRIPT_JOIN_MIN_CLASSES && q.script != Script::Han {
                let table = if q.script == Script::Alphabetic {
                    &self.loose_listed
                } else {
                    &self.loose_all
                };
                ids.extend(table.get(fnv(&[q.loose.as_bytes()])));
            }
            return self.confirmed(q, ids);
        }
        for related in q.nicknames {
            self.exact_ids(related, ids);
            if let Some(v) = self.variants.get(related) {
                ids.extend_from_slice(v);
            }
        }
        // Listed words that are ours with an ending, and ours less one.
        ids.extend(self.stems.get(fnv(&[q.text.as_bytes()])));
        if let Some(c) = q.canonical {
            ids.extend(self.stems.get(fnv(&[c.as_bytes()])));
        }
        for stem in inflection_stems(&q.text) {
            self.exact_ids(stem, ids);
            if let Some(v) = canonical(stem).and_then(|c| self.variants.get(c)) {
                ids.extend_from_slice(v);
            }
        }
        if q.weight >= 1.0 && (TWO_EDIT_MIN_LEN..=TWO_EDIT_MAX_LEN).contains(&q.text.len()) {
            for key in deletion_keys2(q.text.as_bytes()) {
                ids.extend(self.deletions2.get(key));
            }
        }
        for key in [&q.phonetic, &q.slavic] {
            if key.is_empty() {
                continue;
            }
            ids.extend(self.phonetics.get(fnv(&[key.as_bytes()])));
        }
        if !q.loose.is_empty() {
            // Equal keys, keys one class apart, or a Han word's classes a
            // subsequence of the other's (`script_similarity`): every such
            // pair shares one of these keys.
            let table = if q.script == Script::Alphabetic {
                &self.loose_listed
            } else {
                &self.loose_all
            };
            for k in loose_keys(q.loose.as_bytes(), 2) {
                ids.extend(table.get(k));
            }
        }
        self.confirmed(q, ids)
    }

    /// The candidate ids that `token_similarity` confirms, sorted by id.
    fn confirmed(&self, q: &TokenInfo, ids: &mut [u32]) -> Vec<(u32, PairSim)> {
        ids.sort_unstable();
        let mut last = None;
        ids.iter()
            .filter(|&&id| last.replace(id) != Some(id))
            .filter_map(|&id| token_similarity(q, &self.vocab[id as usize]).map(|p| (id, p)))
            .collect()
    }

    /// Vocabulary tokens spelt `text`, whatever their script.
    fn exact_ids(&self, text: &str, ids: &mut Vec<u32>) {
        if let Some(found) = self.by_text.get(text) {
            ids.extend_from_slice(found);
        }
    }

    /// Resolves a name's ids into the scorer's view.
    pub(crate) fn listed_name<'a>(&'a self, name: &'a IndexedName) -> ListedName<'a> {
        ListedName {
            tokens: &name.tokens,
            joined: &name.joined,
            vocab: &self.vocab,
            legal_forms: name.legal_forms,
            rules: &[],
        }
    }

    /// Looks up a query: per-token match tables, and the names of `kind`
    /// that an anchor pair reaches and whose score bound (weak aliases
    /// discounted by `weak_factor`) is at least `floor`, ascending.
    pub(crate) fn candidates(
        &self,
        query: &QueryName,
        kind: EntityKind,
        floor: f32,
        weak_factor: f32,
        scratch: &mut Scratch,
    ) -> (QueryTables, Vec<u32>) {
        let tables = QueryTables {
            tokens: query
                .tokens
                .iter()
                .map(|t| self.token_matches(t, false, &mut scratch.ids))
                .collect(),
            joined: query
                .joined
                .iter()
                .map(|t| self.token_matches(t, true, &mut scratch.ids))
                .collect(),
        };
        let (lo, hi) = self.kind_range(kind);
        scratch.begin(self.names.len());
        let n_q = query.tokens.len().min(MAX_TOKENS);
        let weights: Vec<f32> = query.tokens[..n_q].iter().map(|t| t.weight).collect();
        let total_q: f32 = weights.iter().sum();
        // Query tokens whose pairs are not all anchors: assumed matched,
        // to the heaviest listed side they could pair with.
        let mut untracked_mask = 0u64;
        let mut untracked_listed = 0.0f32;
        let heaviest = |m: &[(u32, PairSim)]| {
            m.iter()
                .map(|&(id, _)| self.anchor_weight[id as usize])
                .fold(0.0f32, f32::max)
        };
        let walk =
            |m: &[(u32, PairSim)], q_weight: f32, slot: u16, q_mask: u64, scratch: &mut Scratch| {
                let tracked = q_weight >= 1.0;
                for &(id, _) in m {
                    let c_weight = self.anchor_weight[id as usize];
                    if !is_anchor_weight(q_weight, c_weight) {
                        continue;
                    }
                    let p = self.postings(id);
                    let a = p.partition_point(|&n| n < lo);
                    let b = a + p[a..].partition_point(|&n| n < hi);
                    for &n in &p[a..b] {
                        let acc = scratch.touch(n);
                        if tracked {
                            acc.q_mask |= q_mask;
                            if acc.slot != slot {
                                acc.listed += acc.slot_max;
                                acc.slot = slot;
                                acc.slot_max = c_weight;
                            } else if c_weight > acc.slot_max {
                                acc.slot_max = c_weight;
                            }
                        }
                    }
                }
            };
        for (i, (t, m)) in query
            .tokens
            .iter()
            .zip(&tables.tokens)
            .enumerate()
            .take(n_q)
        {
            if t.weight < 1.0 {
                untracked_mask |= 1 << i;
                untracked_listed += if t.is_initial() { 1.0 } else { heaviest(m) };
            }
            walk(m, t.weight, i as u16, 1 << i, scratch);
        }
        for (p, (m, &q_mask)) in tables.joined.iter().zip(&query.join_masks).enumerate() {
            let q_weight = mask_weight(q_mask, &query.tokens);
            if q_weight < 1.0 {
                untracked_listed += heaviest(m);
            }
            walk(m, q_weight, (n_q + p) as u16, q_mask, scratch);
        }
        let mut out = Vec::new();
        for &n in &scratch.touched {
            let acc = &scratch.acc[n as usize];
            let name = &self.names[n as usize];
            let mut mask = acc.q_mask | untracked_mask;
            let mut matched_q = 0.0f32;
            while mask != 0 {
                matched_q += weights[mask.trailing_zeros() as usize];
                mask &= mask - 1;
            }
            // A listed initial pairs with any query token starting with it.
            let initials = f32::from(name.initials);
            matched_q += initials;
            let matched_c = acc.listed + acc.slot_max + untracked_listed + 0.5 * initials;
            let mut bound = score_upper_bound(matched_q, total_q, matched_c, name.weight);
            if name.strength == AliasStrength::Weak {
                bound *= weak_factor;
            }
            if bound >= floor {
                out.push(n);
            }
        }
        out.sort_unstable();
        (tables, out)
    }

    /// Runs `f` with per-query buffers sized for this index, taken from
    /// (and returned to) a pool, so the hot loop allocates nothing and a
    /// large blocking-thread pool does not mean as many buffers.
    pub(crate) fn with_scratch<R>(&self, f: impl FnOnce(&mut Scratch) -> R) -> R {
        let mut scratch = self
            .scratch
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop())
            .unwrap_or_default();
        let out = f(&mut scratch);
        if let Ok(mut pool) = self.scratch.lock()
            && pool.len() < MAX_IDLE_SCRATCH
        {
            pool.push(scratch);
        }
        out
    }

    /// Entities whose listed identifier equals this one.
    pub(crate) fn identifier_hits(&self, value: &str) -> &[u32] {
        let v = Identifier::normalised_value(value);
        self.identifiers.get(&v).map_or(&[], Vec::as_slice)
    }

    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    pub fn vocabulary_size(&self) -> usize {
        self.vocab.len()
    }

    /// Entries of each look-up table, for the benchmarks' memory account.
    #[doc(hidden)]
    pub fn table_entries(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("postings", self.post_names.len()),
            ("deletions", self.deletions.pairs.len()),
            ("deletions2", self.deletions2.pairs.len()),
            ("stems", self.stems.pairs.len()),
            ("phonetics", self.phonetics.pairs.len()),
            ("loose_all", self.loose_all.pairs.len()),
            ("loose_listed", self.loose_listed.pairs.len()),
        ]
    }
}

/// What the postings walk learnt about one reached name.
#[derive(Debug, Clone, Copy, Default)]
struct Reach {
    /// Query generation that last touched it (stale otherwise).
    generation: u32,
    /// The query slot (token, or join `n + p`) being accumulated.
    slot: u16,
    /// Query tokens that reached it through an anchor pair.
    q_mask: u64,
    /// Heaviest listed side per finished slot, summed.
    listed: f32,
    /// Heaviest listed side of the current slot.
    slot_max: f32,
}

/// Buffers reused across screenings.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    generation: u32,
    acc: Vec<Reach>,
    touched: Vec<u32>,
    ids: Vec<u32>,
    pub edges: Vec<Edge>,
}

impl Scratch {
    fn begin(&mut self, names: usize) {
        if self.acc.len() < names {
            self.acc.resize(names, Reach::default());
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.acc.iter_mut().for_each(|a| a.generation = 0);
            self.generation = 1;
        }
        self.touched.clear();
    }

    fn touch(&mut self, n: u32) -> &mut Reach {
        let generation = self.generation;
        let acc = &mut self.acc[n as usize];
        if acc.generation != generation {
            *acc = Reach {
                generation,
                slot: u16::MAX,
                ..Reach::default()
            };
            self.touched.push(n);
        }
        acc
    }
}

/// The per-query token match tables, used as the scorer's similarity source.
pub(crate) struct QueryTables {
    tokens: Vec<Vec<(u32, PairSim)>>,
    joined: Vec<Vec<(u32, PairSim)>>,
}

fn lookup(table: &[(u32, PairSim)], id: u32) -> Option<PairSim> {
    table
        .binary_search_by_key(&id, |&(i, _)| i)
        .ok()
        .map(|k| table[k].1)
}

impl PairSimilarity for QueryTables {
    fn token(&self, _: &QueryName, i: usize, id: u32, _: &TokenInfo) -> Option<PairSim> {
        lookup(&self.tokens[i], id)
    }
    fn joined(&self, _: &QueryName, p: usize, id: u32, _: &TokenInfo) -> Option<PairSim> {
        lookup(&self.joined[p], id)
    }
}
