//! Name scoring: how well a screened name matches one listed name, and why.
//!
//! Both names are normalised into tokens (see `normalize.rs`). Each pair of
//! tokens may match:
//!
//! | method          | when                                                   | similarity |
//! |-----------------|--------------------------------------------------------|------------|
//! | exact           | same token                                             | 1.0        |
//! | variant         | same group in the variant table (Mohammed/Muhammad, al/el) | 0.95   |
//! | nickname        | one is a nickname of the other (Bob/Robert, Sasha/Aleksandr) | 0.9  |
//! | inflection      | one is the other, or its spelling variant, plus a nominative ending (Putinas/Putin, Aliaksandras/Alyaksandr) | 0.9 |
//! | fuzzy           | one edit apart, both ≥ 4 letters (typo, transposition) | 1 − 1.2/len |
//! | two_edits       | two edits apart, distinctive words of 8–24 letters     | 1 − 2.4/len |
//! | phonetic        | same phonetic key (or its Slavic reading: j as zh, w as v), 3+ consonant classes (2 in a person's words of 6+ letters), ≤ 2 edits (3 in a person's long words) | 0.85 (0.8) |
//! | transliteration | a word from a script that loses distinctions (`transliterate.rs`): loose keys equal, one class apart, or a Han word's classes a subsequence | 0.85–0.95 |
//! | initial         | a single letter against a token it starts              | 0.9        |
//! | merged          | one query token = two adjacent listed tokens (Abubakr/Abu Bakr) | inner × 0.97 |
//! | split           | two adjacent query tokens = one listed token           | inner × 0.97 |
//!
//! Merged and split pairs accept only exact, variant and one-edit fuzzy
//! inner matches, and a transliteration (not from Han) whose loose keys
//! are equal with three classes or more (`njyb allh`/`Najibullah`): a phonetic key, or a
//! loose key one class apart, over a joined string is far too loose.
//!
//! Pairs are assigned greedily, best first, each token used once, so token
//! order does not matter. Each token has a weight (1.0; particles such as
//! `al`/`bin` 0.4; generic business words, short numbers, patronymics and
//! initials 0.5) and
//!
//! ```text
//! score = Σ sim·w̄ / (Σ w̄ + 0.35·(unmatched query + unmatched listed weight)
//!                         + 2·(0.8 − 0.35)·substituted weight)
//! ```
//!
//! where w̄ is the mean weight of the two sides of a pair. An unmatched
//! token costs a third of a matched one: lists carry middle names and
//! patronymics that customers leave out, and customers carry second given
//! names that lists leave out. But where *each* side has a word the other
//! lacks (`Al-Rawi` against `Al-Janabi`, `Mining` against `Trading`,
//! `Kenya` against `Uganda`), that much weight (the smaller side's,
//! particles and patronymics left out) is a substitution and costs 0.8 a
//! side: the word that tells two entities apart weighs more than the words
//! they share. Then two qualifiers: numbers on both sides that differ
//! (`No. 2`/`No. 5`, `III`/`VII`) multiply the score by 0.7; legal forms on
//! both sides with none in common take 0.03 off (a hint, never decisive).
//!
//! A name needs at least one *anchor* (a non-initial pair involving a
//! full-weight token): `Al X` never matches `Al Y` on `al` alone. Anchors
//! are exactly what the candidate index retrieves, which is why the index
//! cannot lose a match (see `index.rs`).

use crate::entity::EntityKind;
use crate::matching::legal_forms;
use crate::matching::normalize::{
    NameRule, NormalisedName, is_number, is_patronymic, token_weight,
};
use crate::matching::phonetic::{loose_key, phonetic_key, slavic_key};
use crate::matching::similarity::{
    is_subsequence, levenshtein_within, one_edit_similarity, two_edit_similarity, within_one_edit,
};
use crate::matching::transliterate::Script;
use crate::matching::variants::{canonical, nicknames, patronymic_of};
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
/// Weight of the part of the unmatched tokens that stands against each
/// other (a word on each side that found no partner: `Al-Rawi` against
/// `Al-Janabi`, `Mining` against `Trading`, `Kenya` against `Uganda`). A
/// word one side leaves out is the omission above; a word each side has in
/// its place is evidence of two different entities, and costs more.
const SUBSTITUTION_PENALTY: f32 = 0.8;
/// Factor on a name whose numbers differ from the other's (`No. 2`
/// against `No. 5`, `III` against `VII`): a numbered SPV, vessel or fund
/// is another entity than its sibling.
pub const NUMBER_MISMATCH_FACTOR: f32 = 0.7;
/// Taken off a name whose legal forms differ from the other's (`AG`
/// against `Inc`): a hint of two companies, never enough to break a match.
pub const LEGAL_FORM_MISMATCH_PENALTY: f32 = 0.03;
/// Similarity of a phonetic pair.
const PHONETIC_SIMILARITY: f32 = 0.85;
/// Similarity of a phonetic pair with two consonant classes.
const PHONETIC_SHORT_SIMILARITY: f32 = 0.8;
/// Similarity of a word and the same word with a case ending.
const INFLECTION_SIMILARITY: f32 = 0.9;
/// Similarity of a nickname pair (`Bob`/`Robert`).
const NICKNAME_SIMILARITY: f32 = 0.9;
/// Similarities of a word romanised from a script that loses distinctions
/// against another, by loose consonant key: equal with three or more
/// classes, equal with two, one class apart (four or more), or a Han
/// rendering whose classes are a subsequence of the other's.
///
/// They are high because a romanisation from such a script is never
/// spelt like the Latin form: agreeing consonants are all the evidence
/// there can be.
const SCRIPT_EQUAL_SIMILARITY: f32 = 0.95;
const SCRIPT_SHORT_SIMILARITY: f32 = 0.9;
const SCRIPT_ONE_CLASS_SIMILARITY: f32 = 0.85;
const SCRIPT_NEAR_SIMILARITY: f32 = 0.85;
const SCRIPT_HAN_SIMILARITY: f32 = 0.88;
/// Fewest loose classes for a transliteration pair inside a merged or
/// split pair.
pub(crate) const SCRIPT_JOIN_MIN_CLASSES: usize = 3;
/// Longest words compared on a one-class loose key.
pub(crate) const SCRIPT_ONE_CLASS_MAX_LEN: usize = 4;
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
    /// Two edits apart, both distinctive words of eight letters or more
    /// (never joined).
    TwoEdits,
    /// One is a nickname of the other (`data/nicknames.txt`).
    Nickname,
    /// One is the other with a nominative ending (`Putinas`, `Putins`:
    /// Lithuanian and Latvian add one to every foreign name).
    Inflection,
    /// Compared by loose consonant key: one word came from a script that
    /// writes no vowels or merges letters a Latin spelling keeps apart.
    Transliteration,
}

/// One token after normalisation, with what comparisons need.
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub text: Box<str>,
    pub script: Script,
    pub canonical: Option<&'static str>,
    /// The names this one is a nickname of, or that are nicknames of it.
    pub nicknames: &'static [&'static str],
    /// The given name a patronymic is formed from (`variants.rs`).
    pub patronymic_of: Option<&'static str>,
    pub phonetic: Box<str>,
    /// The phonetic key with j as zh and w as v, if the token has either.
    pub slavic: Box<str>,
    pub loose: Box<str>,
    pub weight: f32,
    pub number: bool,
    pub patronymic: bool,
    /// A word of a person's name (set on queries: a query and the names
    /// it is compared with are always of one kind).
    pub person: bool,
}

impl TokenInfo {
    pub fn new(text: &str, script: Script) -> Self {
        TokenInfo {
            text: text.into(),
            script,
            canonical: canonical(text),
            nicknames: nicknames(text),
            patronymic_of: if is_patronymic(text) {
                patronymic_of(text)
            } else {
                None
            },
            phonetic: phonetic_key(text).into(),
            slavic: slavic_key(text).into(),
            loose: loose_key(text).into(),
            weight: token_weight(text),
            number: is_number(text),
            patronymic: is_patronymic(text),
            person: false,
        }
    }

    pub fn is_initial(&self) -> bool {
        self.text.len() == 1 && !self.number
    }
}

/// A pair's similarity: the best of every method, and the best of those a
/// merged or split pair may rest on (see [`joinable`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PairSim {
    pub best: (f32, MatchMethod),
    pub join: Option<(f32, MatchMethod)>,
}

impl PairSim {
    fn both(sim: f32, method: MatchMethod) -> Self {
        PairSim {
            best: (sim, method),
            join: Some((sim, method)),
        }
    }
}

/// Similarity of two whole tokens (not initials), or `None`.
///
/// Every method here has a key the index looks up (`index.rs`), so a pair
/// this function accepts is always a candidate.
pub(crate) fn token_similarity(a: &TokenInfo, b: &TokenInfo) -> Option<PairSim> {
    if a.text == b.text {
        return Some(PairSim::both(1.0, MatchMethod::Exact));
    }
    if a.is_initial() || b.is_initial() || a.number || b.number {
        return None;
    }
    if (a.canonical.is_some() && a.canonical == b.canonical)
        || (a.patronymic_of.is_some() && a.patronymic_of == b.patronymic_of)
    {
        return Some(PairSim::both(0.95, MatchMethod::Variant));
    }
    let mut best: Option<(f32, MatchMethod)> = None;
    let mut join: Option<(f32, MatchMethod)> = None;
    let mut offer = |sim: f32, method: MatchMethod| {
        if best.is_none_or(|(s, _)| sim > s) {
            best = Some((sim, method));
        }
        // A loose key over a joined string is trusted only when equal with
        // three classes or more, and never for Han, which squeezes any
        // name into a few syllables (`abdal rhmn` and `Abdul Rahman`, `njyb
        // allh` and `Najibullah`; not `卢卡申科` and `Alex Cheng`).
        let strong_script = method == MatchMethod::Transliteration
            && sim >= SCRIPT_EQUAL_SIMILARITY
            && a.loose.len() >= SCRIPT_JOIN_MIN_CLASSES
            && a.script != Script::Han
            && b.script != Script::Han;
        if (joinable(method) || strong_script) && join.is_none_or(|(s, _)| sim > s) {
            join = Some((sim, method));
        }
    };
    if !a.nicknames.is_empty() && a.nicknames.contains(&b.canonical.unwrap_or(&b.text)) {
        offer(NICKNAME_SIMILARITY, MatchMethod::Nickname);
    }
    let (la, lb) = (a.text.len(), b.text.len());
    let one_edit = la.min(lb) >= 4 && within_one_edit(a.text.as_bytes(), b.text.as_bytes());
    if one_edit {
        offer(one_edit_similarity(&a.text, &b.text), MatchMethod::Fuzzy);
    } else if a.weight >= 1.0
        && b.weight >= 1.0
        && la.min(lb) >= TWO_EDIT_MIN_LEN
        && la.max(lb) <= TWO_EDIT_MAX_LEN
        && levenshtein_within(a.text.as_bytes(), b.text.as_bytes(), 2).is_some()
    {
        offer(two_edit_similarity(&a.text, &b.text), MatchMethod::TwoEdits);
    }
    // The key ignores vowels, so it is only trusted with three consonant
    // classes (two in words of six letters or more) and when the spellings
    // are close: Qaddafi/Qadhafi/Gaddafi, Lukaschenko/Loukachenko and
    // Shoigu/Choigou yes, Canon/Jonhon and Apple/Yupel no.
    //
    // A person's name is a transliteration far more often than a
    // company's, whose words are coined (`Cemex`/`Zomex`,
    // `Petrobras`/`Petropars` are other companies): for other kinds the
    // key needs six letters and at most two edits.
    let min_len = if a.person { 3 } else { 6 };
    // Either key of one against either key of the other: the plain key and
    // the one that reads j as zh and w as v (`phonetic::slavic_key`).
    let shared_key = [&a.phonetic, &a.slavic]
        .into_iter()
        .filter(|k| !k.is_empty())
        .find(|k| **k == b.phonetic || **k == b.slavic);
    if la.min(lb) >= min_len
        && let Some(shared) = shared_key
    {
        let classes = shared.bytes().filter(|&c| c != b'A').count();
        let max_edits = if a.person && classes >= 4 && la.min(lb) >= 9 {
            3
        } else {
            2
        };
        // Close spellings, or the same shape once vowels are folded: the
        // vowels are where languages' spellings of one name differ most
        // (`Loekasjenko`/`Lukashenka`, `Miedwiediew`/`Medvedev`).
        let close = levenshtein_within(a.text.as_bytes(), b.text.as_bytes(), max_edits).is_some()
            || within_one_edit(&vowel_shape(&a.text), &vowel_shape(&b.text));
        if close && classes >= 3 {
            offer(PHONETIC_SIMILARITY, MatchMethod::Phonetic);
        } else if close && a.person && classes == 2 && la.min(lb) >= 6 {
            offer(PHONETIC_SHORT_SIMILARITY, MatchMethod::Phonetic);
        }
    }
    if let Some(sim) = inflection_similarity(a, b) {
        offer(sim, MatchMethod::Inflection);
    }
    if let Some(sim) = script_similarity(a, b) {
        offer(sim, MatchMethod::Transliteration);
    }
    best.map(|best| PairSim { best, join })
}

/// A word's shape for comparing spellings of one name across languages:
/// each run of vowels one `a`, `w` as `v` (German and Polish write v as
/// w), `q` as `k`, doubled letters once, and an `h` after a consonant
/// left out (`gh`, `kh`, `dh`: `Ghassem`/`Qasem`).
fn vowel_shape(text: &str) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    for c in text.bytes() {
        let c = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => b'a',
            b'w' => b'v',
            b'q' => b'k',
            c => c,
        };
        let last = out.last().copied();
        if last == Some(c) || (c == b'h' && last.is_some_and(|l| l != b'a')) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Nominative endings Lithuanian and Latvian add to names (and the plural
/// `s` of business words: `Holdings`/`Holding`).
pub(crate) const INFLECTION_ENDINGS: &[&str] = &["as", "is", "ys", "us", "s"];
/// Shortest stem an ending is taken off.
pub(crate) const INFLECTION_MIN_STEM: usize = 4;

/// The stems of a word: the word less each ending it has.
pub(crate) fn inflection_stems(text: &str) -> impl Iterator<Item = &str> {
    INFLECTION_ENDINGS.iter().filter_map(move |e| {
        text.strip_suffix(e)
            .filter(|stem| stem.len() >= INFLECTION_MIN_STEM)
    })
}

/// One word is the other with a nominative ending, or a spelling variant
/// of it with one (`Aliaksandras` against `Alyaksandr`).
fn inflection_similarity(a: &TokenInfo, b: &TokenInfo) -> Option<f32> {
    let (short, long) = if a.text.len() < b.text.len() {
        (a, b)
    } else {
        (b, a)
    };
    if let Some(ending) = long.text.strip_prefix(&*short.text)
        && short.text.len() >= INFLECTION_MIN_STEM
        && INFLECTION_ENDINGS.contains(&ending)
    {
        return Some(INFLECTION_SIMILARITY);
    }
    let variant_of = |inflected: &TokenInfo, other: &TokenInfo| {
        other.canonical.is_some()
            && inflection_stems(&inflected.text).any(|stem| canonical(stem) == other.canonical)
    };
    (variant_of(a, b) || variant_of(b, a)).then_some(INFLECTION_SIMILARITY)
}

/// Shortest tokens compared at two edits (shorter ones turn into other
/// names: `maria`/`marta`/`mario`).
pub(crate) const TWO_EDIT_MIN_LEN: usize = 8;
/// Longest tokens compared at two edits (a name's words are far shorter;
/// the index keeps every two-letter deletion of each, so this bounds it).
pub(crate) const TWO_EDIT_MAX_LEN: usize = 24;
/// Longest loose keys compared other than by equality, likewise.
pub(crate) const SCRIPT_MAX_CLASSES: usize = 16;
/// Fewest loose classes for a one-class-apart or subsequence pair.
pub(crate) const SCRIPT_NEAR_MIN_CLASSES: usize = 4;
pub(crate) const SCRIPT_HAN_MIN_CLASSES: usize = 3;

/// Loose-key similarity, when either word came from a script that loses
/// distinctions (`transliterate.rs`); `None` for two alphabetic words.
pub(crate) fn script_similarity(a: &TokenInfo, b: &TokenInfo) -> Option<f32> {
    if a.script == Script::Alphabetic && b.script == Script::Alphabetic {
        return None;
    }
    let (ka, kb) = (a.loose.as_bytes(), b.loose.as_bytes());
    if ka.is_empty() || kb.is_empty() {
        return None;
    }
    // Every script here writes a word's initial vowel (Arabic and Hebrew
    // with alef or ain), so a word starting with a vowel is not one
    // starting with a consonant; Han is the exception (`Ya` for `A`).
    let starts_with_vowel = |t: &str| t.starts_with(['a', 'e', 'i', 'o', 'u']);
    if a.script != Script::Han
        && b.script != Script::Han
        && starts_with_vowel(&a.text) != starts_with_vowel(&b.text)
    {
        return None;
    }
    if ka == kb {
        return match ka.len() {
            // One consonant: short words only, and never a name word
            // against a particle (`aly` is `Ali`, not `al`).
            1 if a.text.len().max(b.text.len()) <= SCRIPT_ONE_CLASS_MAX_LEN
                && (a.weight >= 1.0) == (b.weight >= 1.0) =>
            {
                Some(SCRIPT_ONE_CLASS_SIMILARITY)
            }
            1 => None,
            2 => Some(SCRIPT_SHORT_SIMILARITY),
            _ => Some(SCRIPT_EQUAL_SIMILARITY),
        };
    }
    if ka.len().max(kb.len()) > SCRIPT_MAX_CLASSES {
        return None;
    }
    if ka.len().min(kb.len()) >= SCRIPT_NEAR_MIN_CLASSES
        && ka[0] == kb[0]
        && within_one_edit(ka, kb)
    {
        return Some(SCRIPT_NEAR_SIMILARITY);
    }
    // Han squeezes a foreign name into syllables and drops consonants of
    // its clusters: its classes are a subsequence of the other's.
    let han = |h: &[u8], other: &[u8]| {
        h.len() >= SCRIPT_HAN_MIN_CLASSES && other.len() <= h.len() + 2 && is_subsequence(h, other)
    };
    if (a.script == Script::Han && han(ka, kb)) || (b.script == Script::Han && han(kb, ka)) {
        return Some(SCRIPT_HAN_SIMILARITY);
    }
    None
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
    /// What normalisation did to the query (titles and legal forms
    /// dropped, abbreviations, numbers and patronymics rewritten, words
    /// from scripts compared by loose key).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_rules: Vec<NameRule>,
    /// The same for the listed name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed_rules: Vec<NameRule>,
    /// Both names carry numbers and they differ (score × 0.7).
    #[serde(default)]
    pub numbers_differ: bool,
    /// Both names carry legal forms and none is shared (score − 0.03).
    #[serde(default)]
    pub legal_forms_differ: bool,
    pub score: f32,
}

/// A normalised query (a customer's name) ready to be scored.
#[derive(Debug, Clone)]
pub(crate) struct QueryName {
    pub tokens: Vec<TokenInfo>,
    /// Adjacent tokens written as one, for split pairs: every two, every
    /// three whose middle one is the Arabic article (`slah al dyn` as
    /// `Salahuddin`, `nasir ud din` as `Nasiruddin`), and the article
    /// assimilated to a sun letter (`al sbar` as `Essabar`).
    pub joined: Vec<TokenInfo>,
    /// The query tokens each join covers, as a bit mask.
    pub join_masks: Vec<u64>,
    pub legal_forms: u64,
    pub rules: Vec<NameRule>,
}

impl QueryName {
    pub fn new(name: NormalisedName) -> Self {
        let (mut tokens, mut joined) = token_infos(&name);
        let n = name.tokens.len().min(MAX_TOKENS);
        joined.truncate(n.saturating_sub(1));
        let mut join_masks: Vec<u64> = (0..joined.len()).map(|p| 0b11 << p).collect();
        for (p, w) in name.tokens[..n].windows(3).enumerate() {
            if ARTICLE_FORMS.contains(&w[1].text.as_str())
                && token_weight(&w[0].text) >= 1.0
                && token_weight(&w[2].text) >= 1.0
            {
                joined.push(TokenInfo::new(
                    &format!("{}{}{}", w[0].text, w[1].text, w[2].text),
                    w[0].script.max(w[1].script).max(w[2].script),
                ));
                join_masks.push(0b111 << p);
            }
        }
        // The article before a sun letter is said, and often written, as
        // that letter doubled (`al-Sabbar` as `Essabar`, `al-Shibh` as
        // `Ash-Shibh`): that reading of each `al` + word too.
        for (p, w) in name.tokens[..n].windows(2).enumerate() {
            let sun = w[1].text.starts_with(['t', 'd', 'r', 'z', 's', 'n']);
            if (w[0].text == "al" || w[0].text == "el") && sun && token_weight(&w[1].text) >= 1.0 {
                let doubled = &w[1].text[..1];
                joined.push(TokenInfo::new(
                    &format!("a{doubled}{}", w[1].text),
                    w[0].script.max(w[1].script),
                ));
                join_masks.push(0b11 << p);
            }
        }
        let person = name.kind == EntityKind::Person;
        for t in tokens.iter_mut().chain(joined.iter_mut()) {
            t.person = person;
        }
        QueryName {
            tokens,
            joined,
            join_masks,
            legal_forms: legal_forms::mask(&name.legal_forms),
            rules: name.rules,
        }
    }
}

/// The Arabic article as Latin forms write it inside a compound name,
/// assimilated or not (`ud-Din`, `ur-Rahman`, `as-Salam`).
const ARTICLE_FORMS: &[&str] = &[
    "al", "el", "ul", "ud", "ad", "ed", "ur", "ar", "er", "us", "as", "es", "ush", "ash", "un",
    "an", "ut", "at", "uz", "az",
];

/// A name's tokens and the joins of adjacent tokens, ready to compare.
pub(crate) fn token_infos(name: &NormalisedName) -> (Vec<TokenInfo>, Vec<TokenInfo>) {
    let t = &name.tokens;
    (
        t.iter()
            .map(|t| TokenInfo::new(&t.text, t.script))
            .collect(),
        t.windows(2)
            .map(|w| {
                TokenInfo::new(
                    &format!("{}{}", w[0].text, w[1].text),
                    w[0].script.max(w[1].script),
                )
            })
            .collect(),
    )
}

/// A listed name as the scorer sees it: ids of its tokens and adjacent
/// joins in a vocabulary (the index's, or a small one made for `compare`).
#[derive(Clone, Copy)]
pub(crate) struct ListedName<'a> {
    pub tokens: &'a [u32],
    pub joined: &'a [u32],
    pub vocab: &'a [TokenInfo],
    pub legal_forms: u64,
    /// Normalisation rules, for explanations (empty while screening).
    pub rules: &'a [NameRule],
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
    fn token(&self, query: &QueryName, i: usize, id: u32, listed: &TokenInfo) -> Option<PairSim>;
    /// Joined query tokens `p, p+1` against listed token `id`.
    fn joined(&self, query: &QueryName, p: usize, id: u32, listed: &TokenInfo) -> Option<PairSim>;
}

/// Computes every similarity directly (used by `compare` and brute force).
pub(crate) struct Direct;

impl PairSimilarity for Direct {
    fn token(&self, q: &QueryName, i: usize, _: u32, listed: &TokenInfo) -> Option<PairSim> {
        token_similarity(&q.tokens[i], listed)
    }
    fn joined(&self, q: &QueryName, p: usize, _: u32, listed: &TokenInfo) -> Option<PairSim> {
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

/// The summed weight of the query tokens in `mask`.
pub(crate) fn mask_weight(mask: u64, tokens: &[TokenInfo]) -> f32 {
    tokens
        .iter()
        .take(MAX_TOKENS)
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, t)| t.weight)
        .sum()
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
                sims.token(query, i, id, c).map(|p| p.best)
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
            if let Some((sim, _)) = sims.token(query, i, id, joined).and_then(|p| p.join) {
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
    for (p, &q_mask) in query.join_masks.iter().enumerate() {
        let q_weight = mask_weight(q_mask, q_tokens);
        for j in 0..n_listed {
            let (id, c) = listed.token(j);
            if c.is_initial() {
                continue;
            }
            if let Some((sim, _)) = sims.joined(query, p, id, c).and_then(|p| p.join) {
                edges.push(Edge {
                    q_mask,
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
    // The unmatched weight that stands against each other (patronymics and
    // particles excluded: customers and lists write them too differently
    // to count a mismatch as a different person).
    let substitutable = |w: f32, t: &TokenInfo| if t.patronymic || w < 0.5 { 0.0 } else { w };
    let (mut sub_q, mut sub_c) = (0.0f32, 0.0f32);
    let (mut numbers_q, mut numbers_c) = (false, false);
    for (i, t) in q_tokens.iter().enumerate().take(MAX_TOKENS) {
        if (all_q & !q_used) & (1 << i) != 0 {
            sub_q += substitutable(t.weight, t);
            numbers_q |= t.number;
        }
    }
    for j in 0..n_listed {
        if (all_c & !c_used) & (1 << j) != 0 {
            let t = listed.token(j).1;
            sub_c += substitutable(t.weight, t);
            numbers_c |= t.number;
        }
    }
    // Two different patronymics written in Latin letters are two fathers:
    // that much is a substitution too (`Mikhail Nikolaevich` against
    // `Mikhail Vladimirovich`). From other scripts the patronymic is
    // rarely comparable, and is left out as before.
    let unmatched_patronymic = |t: &TokenInfo| t.patronymic && t.script == Script::Alphabetic;
    let patronymic_q: f32 = q_tokens
        .iter()
        .take(MAX_TOKENS)
        .enumerate()
        .filter(|(i, t)| (all_q & !q_used) & (1 << i) != 0 && unmatched_patronymic(t))
        .map(|(_, t)| t.weight)
        .sum();
    let patronymic_c: f32 = (0..n_listed)
        .filter(|j| (all_c & !c_used) & (1 << j) != 0)
        .map(|j| listed.token(j).1)
        .filter(|t| unmatched_patronymic(t))
        .map(|t| t.weight)
        .sum();
    let substituted = sub_q.min(sub_c) + patronymic_q.min(patronymic_c);
    let mut score = matched
        / (matched_weight
            + UNMATCHED_QUERY_PENALTY * unmatched_q
            + UNMATCHED_LISTED_PENALTY * unmatched_c
            + 2.0 * (SUBSTITUTION_PENALTY - UNMATCHED_QUERY_PENALTY) * substituted);
    let numbers_differ = numbers_q && numbers_c;
    if numbers_differ {
        score *= NUMBER_MISMATCH_FACTOR;
    }
    let legal_forms_differ = query.legal_forms != 0
        && listed.legal_forms != 0
        && query.legal_forms & listed.legal_forms == 0;
    if legal_forms_differ {
        score = (score - LEGAL_FORM_MISMATCH_PENALTY).max(0.0);
    }
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
            query_rules: query.rules.clone(),
            listed_rules: listed.rules.to_vec(),
            numbers_differ,
            legal_forms_differ,
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
