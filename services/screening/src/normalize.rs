//! Name normalisation: the same function turns list names and customer names
//! into comparable lower-case ASCII tokens.
//!
//! - `LAST, First` (OFAC individuals) becomes `first last`;
//! - any script is transliterated to ASCII (`any_ascii`: Arabic, Cyrillic,
//!   Greek, CJK, accents), so `Владимир` and `Vladimir` meet;
//! - apostrophes and dots are deleted (`Qa'ida` → `qaida`, `S.A.` → `sa`),
//!   other punctuation separates tokens (`AL-ZOMOR` → `al zomor`);
//! - honorifics (persons) and legal-form words (organisations) are dropped,
//!   unless nothing else would be left.

use crate::entity::EntityKind;
use std::sync::LazyLock;

use rustc_hash::FxHashSet;

const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "sheikh",
    "shaikh",
    "shaykh",
    "sheik",
    "shaik",
    "haji",
    "hajji",
    "hadji",
    "alhaj",
    "alhajj",
    "alhaji",
    "mullah",
    "mulla",
    "maulana",
    "maulvi",
    "mawlawi",
    "mawlavi",
    "moulavi",
    "qari",
    "general",
    "gen",
    "colonel",
    "col",
    "captain",
    "capt",
    "major",
    "maj",
    "lieutenant",
    "lt",
    "brigadier",
    "admiral",
    "rev",
    "reverend",
    "excellency",
    "hrh",
    "jr",
    "sr",
    "phd",
];

const LEGAL_FORMS: &[&str] = &[
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "cie",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "sl",
    "bv",
    "nv",
    "oy",
    "oyj",
    "ab",
    "as",
    "asa",
    "aps",
    "kft",
    "zrt",
    "sro",
    "doo",
    "dooel",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "ojs",
    "tov",
    "pat",
    "pp",
    "chp",
    "pte",
    "pty",
    "bhd",
    "sdn",
    "tbk",
    "pt",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "wll",
    "cv",
    "sapi",
    "saic",
    "ltda",
    "eireli",
    "lda",
    "kk",
    "gk",
    "yk",
    "ulc",
    "oyj",
    "sae",
    "sal",
    "sak",
    "obshchestvo",
    "ogranichennoy",
    "ogranichennoi",
    "otvetstvennostyu",
    "aktsionernoe",
    "aktsionernoye",
    "zakrytoe",
    "otkrytoe",
    "publichnoe",
    "publichnoye",
    "tovarystvo",
    "obmezhenoyu",
    "vidpovidalnistyu",
    "liability",
];

/// Words that are part of a name but carry little identity: they still
/// count, with a low weight (see [`token_weight`]).
const PARTICLES: &[&str] = &[
    "al", "el", "ul", "bin", "ben", "ibn", "bint", "abu", "abou", "abd", "de", "da", "do", "dos",
    "das", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "ter", "y", "e",
    "and", "of", "the", "for", "und", "et",
];

/// Generic business words: frequent in organisation names, weak evidence.
const GENERIC_ORG_WORDS: &[&str] = &[
    "company",
    "companies",
    "trading",
    "trade",
    "group",
    "international",
    "intl",
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
    "centre",
    "grupo",
    "groupe",
    "gruppe",
    "compania",
    "compagnie",
    "companhia",
    "empresa",
    "sociedad",
    "societe",
    "societa",
    "firma",
    "handels",
];

fn set(words: &[&'static str]) -> FxHashSet<&'static str> {
    words.iter().copied().collect()
}

static HONORIFIC_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(HONORIFICS));
static LEGAL_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(LEGAL_FORMS));
static PARTICLE_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(PARTICLES));
static GENERIC_SET: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(GENERIC_ORG_WORDS));

/// How much a token counts in a name score: particles, generic business
/// words and initials are weak evidence.
pub fn token_weight(token: &str) -> f32 {
    if token.len() <= 1 {
        0.5
    } else if PARTICLE_SET.contains(token) {
        0.4
    } else if GENERIC_SET.contains(token) {
        0.5
    } else {
        1.0
    }
}

/// Transliterates and splits into lower-case ASCII words.
pub fn raw_tokens(text: &str) -> Vec<String> {
    let ascii = any_ascii::any_ascii(text);
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '.' || c == '`' {
            // Deleted, not separating: Qa'ida, S.A., O'Brien.
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Normalised tokens of a name of the given kind.
pub fn normalize_name(kind: EntityKind, name: &str) -> Vec<String> {
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
    let tokens = raw_tokens(text);
    let drop: &FxHashSet<&'static str> = match kind {
        EntityKind::Person => &HONORIFIC_SET,
        _ => &LEGAL_SET,
    };
    let kept: Vec<String> = tokens
        .iter()
        .filter(|t| !drop.contains(t.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() { tokens } else { kept }
}

/// Whether a name carries a legal-form word (used to type BIS entries).
pub fn looks_like_organisation(name: &str) -> bool {
    raw_tokens(name)
        .iter()
        .any(|t| LEGAL_SET.contains(t.as_str()) && t != "as" && t != "e")
}

/// Normalised country name for comparisons, with common ISO codes and
/// official long forms folded onto the short English name.
pub fn normalize_country(country: &str) -> String {
    let joined = raw_tokens(country).join(" ");
    crate::countries::canonical_country(&joined).unwrap_or(joined)
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
}
