//! Honorifics and office titles: words that stand before (or after) a
//! person's name in many languages and are never part of it.
//!
//! Two sets, because some titles are also family names (`King`, `Prince`,
//! `Major`, `Bishop`): an **honorific** is dropped wherever it stands; an
//! **office** only in the run of titles a name starts with (`His Excellency
//! President Dr. X`), where a family name never stands. Words are given as
//! `normalize.rs` romanises them (lower case, accents folded: `Präsident` →
//! `prasident`, `Señor` → `senor`).

use rustc_hash::FxHashSet;
use std::sync::LazyLock;

/// Dropped anywhere in a person's name.
const HONORIFICS: &[&str] = &[
    // English.
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "doctor",
    "prof",
    "professor",
    "sir",
    "dame",
    "hon",
    "honourable",
    "honorable",
    "excellency",
    "hrh",
    "rev",
    "reverend",
    "jr",
    "sr",
    "phd",
    "esq",
    "mister",
    "mistress",
    "madam",
    // German, Dutch, Scandinavian.
    "herr",
    "frau",
    "fraulein",
    "dhr",
    "mevr",
    "meneer",
    "mevrouw",
    "hr",
    "fru",
    // French, Spanish, Portuguese, Italian.
    "monsieur",
    "mme",
    "madame",
    "mlle",
    "mademoiselle",
    "senor",
    "senora",
    "senorita",
    "sr",
    "sra",
    "srta",
    "dona",
    "senhor",
    "senhora",
    "sig",
    "signor",
    "signora",
    "dott",
    "dottore",
    "ing",
    "avv",
    // Slavic, Hungarian, Greek, Turkish (romanised).
    "gospodin",
    "gospozha",
    "gospodyn",
    "kyrios",
    "kyria",
    // Arabic, Persian, Urdu, South and South-East Asian.
    "sheikh",
    "shaikh",
    "shaykh",
    "sheik",
    "shaik",
    "shykh",
    "haji",
    "hajji",
    "hadji",
    "alhaj",
    "alhajj",
    "alhaji",
    "hajj",
    "mullah",
    "mulla",
    "maulana",
    "maulvi",
    "mawlawi",
    "mawlavi",
    "moulavi",
    "molvi",
    "qari",
    "hafiz",
    "ustad",
    "ustadh",
    "ayatollah",
    "hojatoleslam",
    "hujjat",
    "sayed",
    "shri",
    "smt",
    "shrimati",
    "datuk",
    "dato",
    "datin",
    "tun",
    "tunku",
    "tengku",
    "khun",
    // Military and police ranks.
    "gen",
    "colonel",
    "col",
    "capt",
    "maj",
    "lieutenant",
    "lt",
    "brigadier",
    "admiral",
    "adm",
    "sgt",
    "sergeant",
    "cmdr",
    "commander",
    "marshal",
    "polkovnik",
    "general",
    "generalleutnant",
    "leytenant",
    "kapitan",
];

/// Dropped only in the run of titles a person's name starts with.
const OFFICES: &[&str] = &[
    // Heads of state and government, ministers, in many languages.
    "president",
    "presidente",
    "prasident",
    "praesident",
    "prezident",
    "prezydent",
    "presidenti",
    "proedros",
    "cumhurbaskani",
    "rais",
    "rys",
    "raees",
    "vice",
    "deputy",
    "prime",
    "minister",
    "ministre",
    "ministro",
    "ministr",
    "premier",
    "premyer",
    "chancellor",
    "kanzler",
    "bundeskanzler",
    "bundesprasident",
    "chairman",
    "chairwoman",
    "chair",
    "secretary",
    "ambassador",
    "senator",
    "governor",
    "mayor",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "sheikha",
    "his",
    "her",
    "majesty",
    "highness",
    "royal",
    "first",
    "lady",
    "lord",
    "former",
    "the",
    "supreme",
    "leader",
    "imam",
    "grand",
    "mufti",
    "bishop",
    "archbishop",
    "cardinal",
    "pope",
    "father",
    "brother",
    "sister",
    "saint",
    "major",
    "captain",
    "judge",
    "justice",
    "mp",
    "mep",
    "mr",
    "gospodin",
    "foreign",
    "defence",
    "defense",
    "interior",
    "finance",
    "economy",
    "senior",
    "chief",
    "acting",
    "state",
    "national",
    "security",
    "adviser",
    "advisor",
    "head",
    "staff",
    "general",
    "commander",
    "governing",
    "council",
    "member",
    "speaker",
    "seyyed",
    "seyed",
    "syd",
    "sayyed",
    "sayed",
];

static HONORIFIC_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| HONORIFICS.iter().copied().collect());
static OFFICE_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| OFFICES.iter().copied().collect());

/// Whether a word is a title wherever it stands.
pub(crate) fn is_honorific(word: &str) -> bool {
    HONORIFIC_SET.contains(word)
}

/// Whether a word is a title in the leading run of a name.
pub(crate) fn is_leading_title(word: &str) -> bool {
    HONORIFIC_SET.contains(word) || OFFICE_SET.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offices_only_lead() {
        assert!(is_honorific("sheikh"));
        assert!(is_leading_title("prasident"));
        assert!(!is_honorific("king"));
        assert!(is_leading_title("king"));
    }
}
