//! Name normalisation: the same function turns list names and customer names
//! into comparable lower-case ASCII words, and says what it changed.
//!
//! In order:
//! 1. `LAST, First` (OFAC individuals) becomes `First LAST`;
//! 2. a legal form glued to a name in camel case is split off
//!    (`BayerAG` → `Bayer AG`);
//! 3. every script is romanised, word by word, remembering the script
//!    (`transliterate.rs`);
//! 4. persons: titles are dropped (`titles.rs`: honorifics anywhere, office
//!    titles in the leading run), patronymic endings are written one way
//!    (`-owitsch`, `-ovitch`, `-ovič`, `-ovics`, `-ovitj`, `-avich` →
//!    `-ovich`);
//! 5. organisations, vessels and aircraft: legal forms are dropped and
//!    remembered by their canonical form (`legal_forms.rs`), abbreviations
//!    are written out (`Intl` → `international`, `Mfg` → `manufacturing`);
//! 6. numbers are written as digits (`Second`, `2nd`, `II` → `2`;
//!    `Seventeen` → `17`), so that `No. 2` and `No. 5` can be told apart.
//!
//! A name made only of dropped words keeps them (`LLC` stays `llc`).

use crate::entity::EntityKind;
use crate::matching::legal_forms;
use crate::matching::titles;
use crate::matching::transliterate::{RawToken, Script, romanise};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// Words that are part of a name but carry little identity: they still
/// count, with a low weight (see [`token_weight`]).
const PARTICLES: &[&str] = &[
    "al", "el", "ul", "bin", "ben", "ibn", "bint", "abu", "abou", "abd", "de", "da", "do", "dos",
    "das", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "ter", "y", "e",
    "and", "of", "the", "for", "und", "et", "no", "nr", "number",
];

/// Generic business words: frequent in organisation names, weak evidence.
const GENERIC_ORG_WORDS: &[&str] = &[
    "companies",
    "trading",
    "trade",
    "group",
    "international",
    "global",
    "holding",
    "holdings",
    "enterprise",
    "enterprises",
    "industries",
    "industry",
    "industrial",
    "services",
    "service",
    "general",
    "bank",
    "shipping",
    "investment",
    "investments",
    "import",
    "export",
    "commercial",
    "partners",
    "national",
    "organization",
    "organisation",
    "foundation",
    "association",
    "management",
    "development",
    "products",
    "technology",
    "technologies",
    "engineering",
    "construction",
    "business",
    "center",
    "grupo",
    "groupe",
    "gruppe",
    "empresa",
    "sociedad",
    "societe",
    "societa",
    "firma",
    "handels",
    "manufacturing",
    "brothers",
];

/// Abbreviations in organisation names and the word they stand for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("intl", "international"),
    ("internat", "international"),
    ("mfg", "manufacturing"),
    ("mfrs", "manufacturers"),
    ("mfr", "manufacturer"),
    ("gebr", "gebruder"),
    ("gebrueder", "gebruder"),
    ("bros", "brothers"),
    ("natl", "national"),
    ("assn", "association"),
    ("assoc", "association"),
    ("dept", "department"),
    ("govt", "government"),
    ("univ", "university"),
    ("inst", "institute"),
    ("hldgs", "holdings"),
    ("hldg", "holding"),
    ("grp", "group"),
    ("svcs", "services"),
    ("svc", "service"),
    ("mgmt", "management"),
    ("mgt", "management"),
    ("engg", "engineering"),
    ("chem", "chemical"),
    ("pharma", "pharmaceutical"),
    ("pharmaceuticals", "pharmaceutical"),
    ("chemicals", "chemical"),
    ("ctr", "center"),
    ("centre", "center"),
    ("st", "saint"),
    ("ste", "sainte"),
    ("mt", "mount"),
    ("ft", "fort"),
    ("sys", "systems"),
    ("telecom", "telecommunications"),
    ("coop", "cooperative"),
    ("expt", "export"),
    ("impt", "import"),
    ("invest", "investment"),
    ("tech", "technology"),
    ("technologies", "technology"),
];

/// Number words (English, which the lists and most customers use) and the
/// value they stand for; ordinals too.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("hundred", 100),
    ("thousand", 1000),
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
    ("thirtieth", 30),
    ("fortieth", 40),
    ("fiftieth", 50),
];

/// Patronymic endings as other languages write them, and the one form
/// kept (Russian and Belarusian patronymics, romanised by English, French,
/// German, Czech, Hungarian, Polish and Scandinavian rules).
const PATRONYMIC_ENDINGS: &[(&str, &str)] = &[
    ("ovichius", "ovich"),
    ("evichius", "evich"),
    ("awitsch", "ovich"),
    ("ovitsch", "ovich"),
    ("owitsch", "ovich"),
    ("evitsch", "evich"),
    ("ewitsch", "evich"),
    ("ovitch", "ovich"),
    ("evitch", "evich"),
    ("ovitsj", "ovich"),
    ("evitsj", "evich"),
    ("ovitj", "ovich"),
    ("evitj", "evich"),
    ("ovics", "ovich"),
    ("evics", "evich"),
    ("owicz", "ovich"),
    ("ewicz", "evich"),
    ("ovici", "ovich"),
    ("evici", "evich"),
    ("ovichs", "ovich"),
    ("evichs", "evich"),
    ("ovych", "ovich"),
    ("evych", "evich"),
    ("avich", "ovich"),
    ("ovic", "ovich"),
    ("evic", "evich"),
    ("owna", "ovna"),
    ("ewna", "evna"),
    ("avna", "ovna"),
];

/// The same endings as scripts that lose distinctions romanise them
/// (Japanese `ヴィチ` vuichi, Korean `비치` bichi, Arabic `فيتش` fytsh,
/// Persian `ویچ` wych, Chinese `维奇` weiqi, Hebrew `ביץ'` byts, Greek
/// `βιτς` vits, Georgian `ვიჩი` vichi; and the feminine `-vna`). Only for
/// words from those scripts, where the ending is all the evidence there is.
const SCRIPT_PATRONYMIC_ENDINGS: &[(&str, &str)] = &[
    ("vuichi", "vich"),
    ("vichi", "vich"),
    ("bichi", "vich"),
    ("fytsh", "vich"),
    ("fitsh", "vich"),
    ("wych", "vich"),
    ("vych", "vich"),
    ("weiqi", "vich"),
    ("byts", "vich"),
    ("vits", "vich"),
    ("wich", "vich"),
    ("bich", "vich"),
    ("vich", "vich"),
    ("beuna", "vna"),
    ("vuna", "vna"),
    ("buna", "vna"),
    ("fna", "vna"),
    ("vna", "vna"),
];

fn set(words: &[&'static str]) -> FxHashSet<&'static str> {
    words.iter().copied().collect()
}

static PARTICLE_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(PARTICLES));
static GENERIC_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(GENERIC_ORG_WORDS));
static ABBREVIATION_MAP: LazyLock<FxHashMap<&'static str, &'static str>> =
    LazyLock::new(|| ABBREVIATIONS.iter().copied().collect());
static NUMBER_MAP: LazyLock<FxHashMap<&'static str, u32>> =
    LazyLock::new(|| NUMBER_WORDS.iter().copied().collect());

/// Whether a token is a patronymic (after its ending was canonicalised).
pub fn is_patronymic(token: &str) -> bool {
    token.len() >= 7
        && ["ovich", "evich", "ovna", "evna", "ichna"]
            .iter()
            .any(|e| token.ends_with(e))
}

/// Whether a token is a number written in digits.
pub fn is_number(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
}

/// How much a token counts in a name score: particles, generic business
/// words, numbers, patronymics and initials are weak evidence.
pub fn token_weight(token: &str) -> f32 {
    // A short number counts (and is compared) as such; a long one is a
    // code (`P-913`, `JSC 558`) and identifies like a word.
    if token.len() <= 1 || (is_number(token) && token.len() <= 2) {
        0.5
    } else if PARTICLE_SET.contains(token) {
        0.4
    } else if GENERIC_SET.contains(token) || is_patronymic(token) {
        0.5
    } else {
        1.0
    }
}

/// One normalised word of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameToken {
    pub text: String,
    pub script: Script,
}

/// What normalisation did to a word, for the match explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameRule {
    /// `title`, `legal_form`, `abbreviation`, `number`, `patronymic`,
    /// `script` (a word romanised from a script that loses distinctions).
    pub rule: String,
    /// The word(s) as romanised.
    pub written: String,
    /// What it became; for a title or legal form, its canonical form or
    /// nothing (dropped).
    pub became: Option<String>,
}

/// A name after normalisation.
#[derive(Debug, Clone)]
pub struct NormalisedName {
    pub kind: EntityKind,
    pub tokens: Vec<NameToken>,
    /// Canonical legal forms found (organisations, vessels, aircraft).
    pub legal_forms: Vec<&'static str>,
    pub rules: Vec<NameRule>,
}

fn rule(rules: &mut Vec<NameRule>, name: &str, written: &str, became: Option<&str>) {
    rules.push(NameRule {
        rule: name.into(),
        written: written.into(),
        became: became.map(str::to_string),
    });
}

/// Splits `BayerAG` into `Bayer AG`: a legal form in capitals glued after
/// a lower-case letter.
fn split_camel_forms(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let cut = chars
            .windows(2)
            .rposition(|w| w[0].1.is_lowercase() && w[1].1.is_uppercase())
            .map(|k| chars[k + 1].0);
        if let Some(cut) = cut {
            let (head, tail) = word.split_at(cut);
            let tail_norm: String = tail
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            if head.chars().count() >= 3 && legal_forms::is_single_word_form(&tail_norm) {
                out.push_str(head);
                out.push(' ');
                out.push_str(tail);
                changed = true;
                continue;
            }
        }
        out.push_str(word);
    }
    if changed { out.into() } else { text.into() }
}

/// The value of a Roman numeral of two to seven letters (`ii`..`xxxix`),
/// validated by writing it back.
fn roman(token: &str) -> Option<u32> {
    if !(2..=7).contains(&token.len()) || !token.bytes().all(|b| b"ivx".contains(&b)) {
        return None;
    }
    let v = |b: u8| match b {
        b'i' => 1,
        b'v' => 5,
        _ => 10,
    };
    let b = token.as_bytes();
    let mut total = 0i32;
    for k in 0..b.len() {
        let here = v(b[k]);
        if b.get(k + 1).is_some_and(|&n| v(n) > here) {
            total -= here;
        } else {
            total += here;
        }
    }
    let total = u32::try_from(total).ok()?;
    (to_roman(total) == token).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    let mut s = String::new();
    for (value, letters) in [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")] {
        while n >= value {
            s.push_str(letters);
            n -= value;
        }
    }
    s
}

/// `2nd`, `17th` → their digits.
fn ordinal_digits(token: &str) -> Option<&str> {
    let digits = token.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let suffix = &token[digits.len()..];
    (is_number(digits) && matches!(suffix, "st" | "nd" | "rd" | "th")).then_some(digits)
}

/// Writes numbers as digits: number words (with `twenty one` → `21`),
/// ordinals and, for non-persons or a person's last word, Roman numerals.
fn numbers(kind: EntityKind, tokens: &mut Vec<NameToken>, rules: &mut Vec<NameRule>) {
    let mut out: Vec<NameToken> = Vec::with_capacity(tokens.len());
    let n = tokens.len();
    let mut k = 0;
    while k < n {
        let t = &tokens[k];
        let text = t.text.as_str();
        let value = if let Some(&v) = NUMBER_MAP.get(text) {
            // Tens followed by a unit: one number.
            let unit = tokens
                .get(k + 1)
                .and_then(|u| NUMBER_MAP.get(u.text.as_str()).copied())
                .filter(|&u| (20..100).contains(&v) && v % 10 == 0 && (1..10).contains(&u));
            if let Some(u) = unit {
                let written = format!("{} {}", text, tokens[k + 1].text);
                rule(rules, "number", &written, Some(&(v + u).to_string()));
                out.push(NameToken {
                    text: (v + u).to_string(),
                    script: t.script,
                });
                k += 2;
                continue;
            }
            Some(v)
        } else if let Some(d) = ordinal_digits(text) {
            d.parse().ok()
        } else if kind != EntityKind::Person || (k + 1 == n && n > 1) {
            roman(text)
        } else {
            None
        };
        match value {
            // "First" and "Second" as words of a person's name are names.
            Some(v) if kind != EntityKind::Person || !NUMBER_MAP.contains_key(text) => {
                rule(rules, "number", text, Some(&v.to_string()));
                out.push(NameToken {
                    text: v.to_string(),
                    script: t.script,
                });
            }
            _ => out.push(t.clone()),
        }
        k += 1;
    }
    *tokens = out;
}

/// Normalised tokens of a name of the given kind, with what was changed.
pub fn normalise(kind: EntityKind, name: &str) -> NormalisedName {
    let reordered;
    let mut text = name;
    // "LAST, First Middle": exactly one comma, in a person's name.
    if kind == EntityKind::Person
        && let Some((last, first)) = name.split_once(',')
        && !first.contains(',')
        && !first.trim().is_empty()
    {
        reordered = format!("{} {}", first.trim(), last.trim());
        text = &reordered;
    }
    let text = if kind == EntityKind::Person {
        text.into()
    } else {
        split_camel_forms(text)
    };
    let raw: Vec<RawToken> = romanise(&text);
    let all: Vec<NameToken> = raw
        .into_iter()
        .map(|r| NameToken {
            text: r.text,
            script: r.script,
        })
        .collect();
    let mut out = NormalisedName {
        kind,
        tokens: Vec::new(),
        legal_forms: Vec::new(),
        rules: Vec::new(),
    };
    let mut kept: Vec<NameToken> = Vec::with_capacity(all.len());
    if kind == EntityKind::Person {
        let mut leading = true;
        for t in &all {
            let title = if leading {
                titles::is_leading_title(&t.text)
            } else {
                titles::is_honorific(&t.text)
            };
            if title {
                rule(&mut out.rules, "title", &t.text, None);
                continue;
            }
            leading = false;
            let mut t = t.clone();
            let script_ending = || {
                SCRIPT_PATRONYMIC_ENDINGS
                    .iter()
                    .find(|(e, _)| t.text.len() >= e.len() + 4 && t.text.ends_with(e))
                    .filter(|_| t.script != Script::Alphabetic)
                    .map(|(e, c)| {
                        // The vowel before the ending, if written, is kept.
                        let vowel = t.text[..t.text.len() - e.len()].ends_with(['e', 'o']);
                        let c: &'static str = match (*c, vowel) {
                            ("vich", true) => "vich",
                            ("vich", false) => "ovich",
                            (_, true) => "vna",
                            _ => "ovna",
                        };
                        (*e, c)
                    })
            };
            if let Some((ending, canonical)) = PATRONYMIC_ENDINGS
                .iter()
                .map(|(e, c)| (*e, *c))
                .find(|(e, _)| t.text.len() >= e.len() + 3 && t.text.ends_with(e))
                .or_else(script_ending)
            {
                let stem = &t.text[..t.text.len() - ending.len()];
                let became = format!("{stem}{canonical}");
                rule(&mut out.rules, "patronymic", &t.text, Some(&became));
                t.text = became;
            }
            kept.push(t);
        }
    } else {
        let words: Vec<&str> = all.iter().map(|t| t.text.as_str()).collect();
        let mut k = 0;
        while k < words.len() {
            if let Some((len, canonical)) = legal_forms::form_at(&words, k) {
                // A one- or two-letter form only at either end of the name
                // or next to another form: inside a name it is a word.
                let short = len == 1 && words[k].len() <= 2;
                let at_edge = k == 0
                    || k + len == words.len()
                    || legal_forms::is_form_word(words[k + len])
                    || (k > 0 && legal_forms::is_form_word(words[k - 1]));
                if !short || at_edge {
                    let written = words[k..k + len].join(" ");
                    rule(&mut out.rules, "legal_form", &written, Some(canonical));
                    if !out.legal_forms.contains(&canonical) {
                        out.legal_forms.push(canonical);
                    }
                    k += len;
                    continue;
                }
            }
            let mut t = all[k].clone();
            if let Some(&long) = ABBREVIATION_MAP.get(words[k]) {
                rule(&mut out.rules, "abbreviation", words[k], Some(long));
                t.text = long.to_string();
            } else if k + 1 == words.len()
                && let Some((stem, form, canonical)) = legal_forms::glued_form(words[k])
            {
                rule(&mut out.rules, "legal_form", form, Some(canonical));
                out.legal_forms.push(canonical);
                t.text = stem.to_string();
            }
            kept.push(t);
            k += 1;
        }
    }
    if kept.is_empty() {
        out.rules.clear();
        out.legal_forms.clear();
        kept = all;
    }
    numbers(kind, &mut kept, &mut out.rules);
    for t in &kept {
        if t.script != Script::Alphabetic {
            let how = if t.script == Script::Han {
                "han"
            } else {
                "loose"
            };
            rule(&mut out.rules, "script", &t.text, Some(how));
        }
    }
    out.tokens = kept;
    out
}

/// Normalised token texts of a name of the given kind.
pub fn normalize_name(kind: EntityKind, name: &str) -> Vec<String> {
    normalise(kind, name)
        .tokens
        .into_iter()
        .map(|t| t.text)
        .collect()
}

/// Transliterates and splits into lower-case ASCII words.
pub fn raw_tokens(text: &str) -> Vec<String> {
    romanise(text).into_iter().map(|t| t.text).collect()
}

/// Whether a name carries a legal-form word (used to type BIS entries).
pub fn looks_like_organisation(name: &str) -> bool {
    let n = normalise(EntityKind::Organisation, name);
    n.rules
        .iter()
        .any(|r| r.rule == "legal_form" && r.written != "as" && r.written != "e")
}

/// Normalised country name for comparisons, with common ISO codes and
/// official long forms folded onto the short English name.
pub fn normalize_country(country: &str) -> String {
    let joined = raw_tokens(country).join(" ");
    crate::matching::countries::canonical_country(&joined).unwrap_or(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_scripts_punctuation_and_titles() {
        assert_eq!(
            normalize_name(EntityKind::Person, "AL ZAWAHIRI, Dr. Ayman"),
            ["ayman", "al", "zawahiri"]
        );
        assert_eq!(
            normalize_name(EntityKind::Person, "Владимир Путин"),
            ["vladimir", "putin"]
        );
        assert_eq!(
            normalize_name(EntityKind::Person, "José Müller-Lüdenscheidt"),
            ["jose", "muller", "ludenscheidt"]
        );
        assert_eq!(
            normalize_name(EntityKind::Organisation, "CECOEX, S.A."),
            ["cecoex"]
        );
        assert_eq!(
            normalize_name(EntityKind::Organisation, "OOO Romashka"),
            ["romashka"]
        );
        assert_eq!(
            normalize_name(EntityKind::Organisation, "Anglo-Caribbean Co., Ltd."),
            ["anglo", "caribbean"]
        );
        assert_eq!(
            normalize_name(EntityKind::Person, "Sheikh Haji Qa'ida"),
            ["qaida"]
        );
        // Nothing but a legal form: keep it rather than lose the name.
        assert_eq!(normalize_name(EntityKind::Organisation, "LLC"), ["llc"]);
        assert!(!normalize_name(EntityKind::Person, "محمد").is_empty());
        assert!(looks_like_organisation("ACME TRADING GMBH"));
        assert!(!looks_like_organisation("AARON ABRAHAM VILLA"));
    }

    #[test]
    fn titles_forms_numbers_and_patronymics() {
        let p = EntityKind::Person;
        let o = EntityKind::Organisation;
        assert_eq!(
            normalize_name(p, "Präsident Lukaschenko"),
            normalize_name(p, "Lukaschenko")
        );
        assert_eq!(normalize_name(p, "Stephen King"), ["stephen", "king"]);
        assert_eq!(
            normalize_name(p, "Aleksandr Grigoryevitch"),
            ["aleksandr", "grigoryevich"]
        );
        assert_eq!(normalize_name(o, "BayerAG"), ["bayer"]);
        assert_eq!(normalize_name(o, "Bayer Aktiengesellschaft"), ["bayer"]);
        let rosneft = normalise(o, "Open Joint Stock Company Rosneft");
        assert_eq!(rosneft.legal_forms, ["ojsc"]);
        assert_eq!(normalise(o, "OAO Rosneft").legal_forms, ["ojsc"]);
        assert_eq!(
            normalize_name(o, "Orion Shipping No. 2"),
            normalize_name(o, "Orion Shipping No. II")
        );
        assert_eq!(
            normalize_name(o, "Second Seventeen Intl"),
            ["2", "17", "international"]
        );
        assert_eq!(normalize_name(o, "Twenty One Ltd"), ["21"]);
        assert_eq!(normalize_name(p, "Louis XIV"), ["louis", "14"]);
        assert_eq!(normalize_name(p, "I. V. Petrov"), ["i", "v", "petrov"]);
        assert_eq!(
            normalize_name(o, "Northfield SA de CV"),
            normalize_name(o, "Northfield Sociedad Anonima de Capital Variable")
        );
    }
}
