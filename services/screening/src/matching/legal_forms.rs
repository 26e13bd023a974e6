//! Legal forms of organisations, canonicalised across languages.
//!
//! The facts (which written forms are the same legal form) follow the ISO
//! 20275 Entity Legal Forms code list that GLEIF publishes: each entry
//! there is a jurisdiction's form with its local names and abbreviations
//! (for example `Aktiengesellschaft` / `AG`, `Акционерное общество` / `АО`,
//! `Societatea cu răspundere limitată` / `SRL`, `株式会社` / `K.K.`). Here
//! forms of the same kind across jurisdictions share one canonical
//! abbreviation, since a list and a customer often write one company's form
//! in two languages (`OAO Rosneft` / `Open Joint Stock Company Rosneft`).
//!
//! Words are as `normalize.rs` romanises them: dots and apostrophes deleted
//! (`S.A.` → `sa`, `Sp. z o.o.` → `sp z oo`), Cyrillic transliterated
//! (`ООО` → `ooo`), Han in Pinyin syllables (`株式会社` → `zhushihuishe`).
//!
//! A legal form is weak evidence: it is removed from the words that are
//! scored, so it neither makes nor breaks a match; two names whose forms
//! differ get a small penalty (`scoring.rs`), since `Bayer AG` and
//! `Bayer Inc` are more often two companies than one.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// Canonical form, then every way of writing it (space-separated words).
const FORMS: &[(&str, &[&str])] = &[
    ("ag", &["ag", "aktiengesellschaft", "aktiengesellschaft ag"]),
    (
        "gmbh",
        &[
            "gmbh",
            "mbh",
            "gesmbh",
            "ges mbh",
            "gesellschaft mit beschrankter haftung",
            "gesellschaft mbh",
        ],
    ),
    (
        "gmbh co kg",
        &["gmbh co kg", "gmbh und co kg", "gmbh and co kg"],
    ),
    ("kg", &["kg", "kommanditgesellschaft", "kgaa"]),
    (
        "llc",
        &[
            "llc",
            "l l c",
            "limited liability company",
            "ltd liability co",
            "ooo",
            "obshchestvo s ogranichennoy otvetstvennostyu",
            "obshchestvo s ogranichennoi otvetstvennostiu",
            "obshchestvo s ogranichennoj otvetstvennostju",
            "obshchestvo s ogranichennoy otvetstvennost",
            "tov",
            "tovarystvo z obmezhenoyu vidpovidalnistyu",
            "tovarystvo z obmezhenoiu vidpovidalnistiu",
            "too",
            "tovarishchestvo s ogranichennoy otvetstvennostyu",
            "sp z oo",
            "spolka z ograniczona odpowiedzialnoscia",
            "spolka z ograniczona odpowiedzialnoshcia",
            "sro",
            "spol s ro",
            "spolecnost s rucenim omezenym",
            "spolechnost s ruchenim omezenym",
            "doo",
            "dooel",
            "drushtvo so ogranichena odgovornost",
            "drustvo s ogranicenom odgovornoscu",
            "kft",
            "korlatolt felelossegu tarsasag",
            "eood",
            "ood",
            "mchj",
            "xk",
        ],
    ),
    (
        "jsc",
        &[
            "jsc",
            "joint stock company",
            "joint stock co",
            "js co",
            "ao",
            "aktsionernoe obshchestvo",
            "aktsionernoye obshchestvo",
            "aktsionernoe obshestvo",
            "at",
            "aktsionerne tovarystvo",
            "ad",
            "aktsionerno druzhestvo",
            "ak",
            "as",
            "asa",
            "aksjeselskap",
            "allmennaksjeselskap",
            "aktieselskab",
            "ab",
            "aktiebolag",
            "oy",
            "osakeyhtio",
            "oyj",
            "julkinen osakeyhtio",
            "gufenyouxiangongsi",
            "gufen youxian gongsi",
            "company limited by shares",
        ],
    ),
    (
        "ojsc",
        &[
            "ojsc",
            "oao",
            "open joint stock company",
            "open joint stock co",
            "open jsc",
            "otkrytoe aktsionernoe obshchestvo",
            "otkrytoye aktsionernoye obshchestvo",
            "otkrytoe aktsionernoe obshestvo",
            "vat",
            "vidkryte aktsionerne tovarystvo",
        ],
    ),
    (
        "pjsc",
        &[
            "pjsc",
            "pao",
            "public joint stock company",
            "public joint stock co",
            "public jsc",
            "publichnoe aktsionernoe obshchestvo",
            "publichnoye aktsionernoye obshchestvo",
            "pat",
            "publichne aktsionerne tovarystvo",
        ],
    ),
    (
        "cjsc",
        &[
            "cjsc",
            "zao",
            "closed joint stock company",
            "closed joint stock co",
            "closed jsc",
            "zakrytoe aktsionernoe obshchestvo",
            "zakrytoye aktsionernoye obshchestvo",
            "prat",
            "pryvatne aktsionerne tovarystvo",
            "private joint stock company",
            "zat",
        ],
    ),
    (
        "srl",
        &[
            "srl",
            "societatea cu raspundere limitata",
            "societa a responsabilita limitata",
            "sociedad de responsabilidad limitada",
            "s de rl",
            "s de rl de cv",
        ],
    ),
    (
        "sarl",
        &[
            "sarl",
            "societe a responsabilite limitee",
            "eurl",
            "entreprise unipersonnelle a responsabilite limitee",
        ],
    ),
    (
        "sa",
        &[
            "sa",
            "sociedad anonima",
            "societe anonyme",
            "sociedade anonima",
            "societa anonima",
            "anonim sirketi",
            "anonim shirketi",
            "ash",
            "ae",
            "anonymi etaireia",
            "spa",
            "societa per azioni",
            "saic",
            "sae",
            "sal",
            "sak",
            "saa",
            "sacv",
        ],
    ),
    (
        "sa de cv",
        &[
            "sa de cv",
            "sociedad anonima de capital variable",
            "sapi de cv",
            "sab de cv",
            "sapi",
        ],
    ),
    ("sas", &["sas", "societe par actions simplifiee", "sasu"]),
    ("sl", &["sl", "sociedad limitada", "slu"]),
    (
        "ltd",
        &[
            "ltd",
            "limited",
            "co ltd",
            "company limited",
            "co limited",
            "ltda",
            "limitada",
            "lda",
            "youxiangongsi",
            "youxian gongsi",
            "yugen kaisha",
            "yugengaisha",
            "youxianhuishe",
            "yk",
            "ulc",
            "unlimited company",
        ],
    ),
    ("plc", &["plc", "public limited company", "public ltd co"]),
    (
        "pvt ltd",
        &[
            "pvt ltd",
            "pvt",
            "private limited",
            "private ltd",
            "private limited company",
            "pte ltd",
            "pte",
            "pty ltd",
            "pty",
            "proprietary limited",
            "sdn bhd",
            "sendirian berhad",
        ],
    ),
    ("bhd", &["bhd", "berhad"]),
    ("inc", &["inc", "incorporated"]),
    ("corp", &["corp", "corporation"]),
    ("llp", &["llp", "limited liability partnership"]),
    ("lp", &["lp", "limited partnership"]),
    (
        "kk",
        &[
            "kk",
            "kabushiki kaisha",
            "kabushikigaisha",
            "kabushiki gaisha",
            "zhushihuishe",
            "zhushi huishe",
            "gk",
            "godo kaisha",
            "godogaisha",
        ],
    ),
    ("bv", &["bv", "besloten vennootschap"]),
    ("nv", &["nv", "naamloze vennootschap"]),
    ("aps", &["aps", "anpartsselskab"]),
    ("pt", &["pt", "perseroan terbatas", "tbk", "pt tbk"]),
    (
        "fze",
        &[
            "fze",
            "fzco",
            "fzc",
            "fzllc",
            "fz llc",
            "free zone establishment",
        ],
    ),
    ("wll", &["wll", "with limited liability"]),
    ("cv", &["cv", "commanditaire vennootschap"]),
    ("eireli", &["eireli"]),
    ("zrt", &["zrt", "nyrt", "rt"]),
    (
        "chp",
        &[
            "chp",
            "pp",
            "chastnoe predpriyatie",
            "pryvatne pidpryiemstvo",
        ],
    ),
    (
        "co",
        &[
            "co",
            "company",
            "compagnie",
            "cie",
            "compania",
            "cia",
            "companhia",
        ],
    ),
];

/// A written form's words and its canonical form.
type Written = (Vec<&'static str>, &'static str);

/// Forms by their first word, longest first.
static BY_FIRST: LazyLock<FxHashMap<&'static str, Vec<Written>>> = LazyLock::new(|| {
    let mut m: FxHashMap<&'static str, Vec<Written>> = FxHashMap::default();
    for (canonical, written) in FORMS {
        for w in *written {
            let words: Vec<&'static str> = w.split(' ').collect();
            m.entry(words[0]).or_default().push((words, canonical));
        }
    }
    for v in m.values_mut() {
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }
    m
});

/// Single-word forms of three letters or more, which may be written glued
/// to the name (`BAYERGMBH`); shorter ones are too likely to be an ending.
static GLUED: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    let mut v: Vec<(&'static str, &'static str)> = FORMS
        .iter()
        .flat_map(|(c, ws)| ws.iter().map(move |w| (*w, *c)))
        .filter(|(w, _)| !w.contains(' ') && w.len() >= 3 && *w != "ash" && *w != "sal")
        .collect();
    v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    v
});

/// The legal form written at `words[at..]`: how many words it takes, its
/// canonical abbreviation.
pub(crate) fn form_at(words: &[&str], at: usize) -> Option<(usize, &'static str)> {
    let candidates = BY_FIRST.get(words[at])?;
    candidates.iter().find_map(|(form, canonical)| {
        (words.len() - at >= form.len() && words[at..at + form.len()] == form[..])
            .then_some((form.len(), *canonical))
    })
}

/// A word that is a name with a legal form glued to its end
/// (`rosneftgmbh` → `rosneft`, `gmbh`): the stem and the canonical form.
pub(crate) fn glued_form(word: &str) -> Option<(&str, &'static str, &'static str)> {
    GLUED.iter().find_map(|(form, canonical)| {
        let stem = word.strip_suffix(form)?;
        (stem.len() >= 4).then_some((stem, *form, *canonical))
    })
}

/// Whether a word can be (or start) a legal form.
pub(crate) fn is_form_word(word: &str) -> bool {
    BY_FIRST.contains_key(word)
}

/// Canonical legal forms of every written form, for splitting camel-case
/// glued forms in the original text (`BayerAG`).
pub(crate) fn is_single_word_form(word: &str) -> bool {
    BY_FIRST
        .get(word)
        .is_some_and(|v| v.iter().any(|(w, _)| w.len() == 1))
}

/// The forms as a bit set, for comparing two names' forms cheaply; the
/// bare `Co`/`Company` is left out (it says nothing of the form).
pub(crate) fn mask(forms: &[&str]) -> u64 {
    forms
        .iter()
        .filter(|f| **f != "co")
        .filter_map(|f| FORMS.iter().position(|(c, _)| c == f))
        .fold(0, |m, i| m | (1u64 << i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_across_languages_share_a_canonical() {
        let w = ["open", "joint", "stock", "company", "rosneft"];
        assert_eq!(form_at(&w, 0), Some((4, "ojsc")));
        assert_eq!(form_at(&["oao"], 0), Some((1, "ojsc")));
        assert_eq!(form_at(&["aktiengesellschaft"], 0), Some((1, "ag")));
        assert_eq!(form_at(&["sp", "z", "oo"], 0), Some((3, "llc")));
        assert_eq!(form_at(&["sa", "de", "cv"], 0), Some((3, "sa de cv")));
        assert_eq!(form_at(&["rosneft"], 0), None);
        assert_eq!(glued_form("bayergmbh"), Some(("bayer", "gmbh", "gmbh")));
        assert_eq!(glued_form("ltd"), None);
        assert!(FORMS.len() <= 64, "a form's bit must fit the mask");
        assert_eq!(mask(&["co"]), 0);
        assert_ne!(mask(&["ag"]) & mask(&["ag", "co"]), 0);
    }
}
