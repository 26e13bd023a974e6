//! Known spelling variants of frequent name tokens, folded onto one
//! canonical form; and nicknames (`Bob` is `Robert`, `Sasha` is
//! `Aleksandr`), which relate names without making them one. Phonetic keys catch most transliteration differences;
//! this table catches the ones they cannot (`Ahmet`/`Akhmed`,
//! `Joseph`/`Yusuf`, `Volodymyr`/`Vladimir`) and gives them a better score.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// First word of each group is the canonical form.
const GROUPS: &[&[&str]] = &[
    &[
        "muhammad",
        "mohammed",
        "mohammad",
        "mohamed",
        "mohamad",
        "muhammed",
        "mohammod",
        "muhamad",
        "mouhamed",
        "mohamud",
        "mehmet",
        "mahomed",
        "mohd",
        "muhamed",
        "mukhammad",
        "mukhammed",
    ],
    &["ahmad", "ahmed", "ahmet", "akhmed", "achmed", "akhmad"],
    &[
        "husayn", "hussein", "husain", "hussain", "hossein", "husein", "hosein", "huseyin",
        "hussien",
    ],
    &["hasan", "hassan", "hasen", "hassen"],
    &[
        "abdullah", "abdallah", "abdulla", "abdalla", "abdoulah", "abdollah",
    ],
    &["abdul", "abdel", "abdal", "abdoul", "abdol", "abdulah"],
    &[
        "yusuf", "yousef", "youssef", "yousuf", "yusef", "yosef", "joseph", "josef", "jozef",
        "youssouf",
    ],
    &["umar", "omar", "omer"],
    &["uthman", "usman", "osman", "othman", "osmane"],
    &["usama", "osama", "oussama"],
    &["ibrahim", "ebrahim", "ibragim", "ibraheem"],
    &["mustafa", "mustapha", "moustafa", "mostafa"],
    &["khalid", "khaled", "khaleed", "halid"],
    &[
        "said", "saeed", "sayed", "sayyid", "saied", "saeid", "sayid",
    ],
    &[
        "qaddafi",
        "gaddafi",
        "qadhafi",
        "kadhafi",
        "gadhafi",
        "qadhdhafi",
        "kaddafi",
        "gadafi",
        "kadafi",
    ],
    &[
        "aleksandr",
        "alexander",
        "aleksander",
        "alexandr",
        "alexandre",
        "aleksandar",
        "alyaksandr",
        "aliaksandr",
        "aljaksandr",
        "aljakszandr",
        "alekszandr",
        "oleksandr",
        "alexandros",
        "aleksandras",
        "aleksandrs",
        "alexandru",
        "alessandro",
        "alejandro",
    ],
    &[
        "sergei", "sergey", "serguei", "sergiy", "serhiy", "serhii", "sergej", "siergiej",
        "szergej", "sergejs", "sergejus", "sergiu",
    ],
    &[
        "dmitri",
        "dmitry",
        "dmitriy",
        "dimitri",
        "dmytro",
        "dmitrii",
        "dmitrij",
        "dzmitry",
        "dzmitryi",
        "dmitrijs",
        "dmitrijus",
        "dimitrij",
    ],
    &[
        "yevgeny",
        "evgeny",
        "evgeniy",
        "yevgeniy",
        "evgenii",
        "yevhen",
        "evgenij",
        "jewgeni",
        "jewgenij",
        "jewgienij",
        "evgueni",
        "evguenii",
        "evgeni",
        "ievgen",
        "jevgenij",
        "yevgeni",
        "eugen",
    ],
    &[
        "nikolai", "nikolay", "mykola", "nicolai", "nikolaj", "nikolaus", "mikalai",
    ],
    &[
        "andrei", "andrey", "andriy", "andrii", "andrej", "andrejs", "andrius", "andrzej",
    ],
    &[
        "aleksei", "alexey", "alexei", "aleksey", "oleksii", "oleksiy", "aleksej", "alexej",
        "aleksiej", "aliaksei", "alakszej",
    ],
    &[
        "mikhail", "michail", "mykhailo", "mikhael", "mihail", "mikhailo", "mikhal",
    ],
    &[
        "yuri", "yury", "yuriy", "iouri", "yurii", "jurij", "juri", "jurijs", "jurgis",
    ],
    &[
        "vladimir",
        "volodymyr",
        "wladimir",
        "vladimiras",
        "vladimirs",
        "uladzimir",
        "vlagyimir",
        "wladimirs",
        "vladymyr",
    ],
    &[
        "viktor", "victor", "wiktor", "viktar", "viktoras", "viktors",
    ],
    &[
        "pyotr", "petr", "piotr", "petro", "pjotr", "piotr", "petras", "pyatro",
    ],
    &[
        "grigory", "grigori", "grigoriy", "hryhoriy", "grigorij", "grigorii", "hryhorii", "ryhor",
        "hryhory", "gregori",
    ],
    &[
        "konstantin",
        "constantin",
        "kostiantyn",
        "kostyantyn",
        "konstantyn",
        "kanstantsin",
    ],
    &["igor", "ihor", "ihar", "igors", "igoris"],
    &["ivan", "iwan", "ivans", "ivanas", "ioann"],
    &[
        "anatoly", "anatoli", "anatoliy", "anatolii", "anatolij", "anatol",
    ],
    &["maksim", "maxim", "maksym", "maksimas", "maksims", "maxime"],
    &["leonid", "leanid", "leonids", "leonidas"],
    &[
        "vasily", "vasili", "vasiliy", "vasyl", "wassili", "vassili", "vasilij", "vasil",
    ],
    &["yakov", "jakow", "iakov", "yakiv"],
    &["gennady", "gennadi", "gennadiy", "hennadiy", "gennadij"],
    &[
        "valery", "valeri", "valeriy", "valerii", "valerij", "walerij",
    ],
    &["arkady", "arkadi", "arkadiy", "arkadij"],
    &[
        "bashar", "baschar", "bachar", "bassar", "baszar", "beshar", "bechar", "bashshar",
    ],
    &["ramzan", "ramsan", "ramazan", "ramadan", "ramdane"],
    &["nicolas", "nikolas", "nicolaas", "nicholas", "nikolaos"],
    &["oleg", "oleh"],
    &["jamal", "gamal", "djamal", "dzhamal", "jamaal"],
    &["jafar", "jaafar", "jaffar", "djafar"],
    &["faisal", "faysal", "feisal", "faycal"],
    &["hizballah", "hezbollah", "hizbollah", "hizbullah"],
    &["qaida", "qaeda", "kaida", "qaeda"],
    &["taliban", "taleban"],
    &["abu", "abou", "abo"],
    // The Arabic article and connectors as the lists write them.
    &["al", "el", "ul", "il"],
    &["bin", "ben", "ibn"],
    &["ould", "wuld", "walad", "wld", "uld"],
];

static CANONICAL: LazyLock<FxHashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut m = FxHashMap::default();
    for group in GROUPS {
        for v in *group {
            m.insert(*v, group[0]);
        }
    }
    m
});

/// Canonical form of a token that has known variants.
pub fn canonical(token: &str) -> Option<&'static str> {
    CANONICAL.get(token).copied()
}

/// The canonical given name a patronymic is formed from
/// (`grigoryevich`, `ryhorovich` → `grigory`), when the variant table knows
/// it: two spellings of one patronymic are one patronymic.
pub fn patronymic_of(token: &str) -> Option<&'static str> {
    let stem = ["ovich", "evich", "ovna", "evna"]
        .iter()
        .find_map(|e| token.strip_suffix(e))
        .filter(|s| s.len() >= 3)?;
    let trimmed = stem.trim_end_matches(['y', 'i', 'e', 'j']);
    [stem, trimmed]
        .into_iter()
        .chain(
            [
                format!("{stem}y"),
                format!("{stem}i"),
                format!("{trimmed}iy"),
            ]
            .iter()
            .map(String::as_str),
        )
        .find_map(canonical)
}

/// Nicknames, both ways, keyed and valued by canonical spelling
/// (`data/nicknames.txt` names its source).
static NICKNAMES: LazyLock<FxHashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut m: FxHashMap<&'static str, Vec<&'static str>> = FxHashMap::default();
    let data: &'static str = include_str!("../../data/nicknames.txt");
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let Some((name, nicks)) = line.split_once(':') else {
            continue;
        };
        let name = canonical(name.trim()).unwrap_or(name.trim());
        for nick in nicks.split_whitespace() {
            let nick = canonical(nick).unwrap_or(nick);
            if nick == name {
                continue;
            }
            for (a, b) in [(name, nick), (nick, name)] {
                let v = m.entry(a).or_default();
                if !v.contains(&b) {
                    v.push(b);
                }
            }
        }
    }
    m
});

/// The names a token is a nickname of, or that are nicknames of it, as
/// written in the nickname table (canonical spellings).
pub fn nicknames(token: &str) -> &'static [&'static str] {
    let key = canonical(token).unwrap_or(token);
    NICKNAMES.get(key).map_or(&[], Vec::as_slice)
}

/// Whether one of two tokens is a nickname of the other.
pub fn are_nicknames(a: &str, b: &str) -> bool {
    let b_key = canonical(b).unwrap_or(b);
    nicknames(a).contains(&b_key)
}

#[cfg(test)]
mod tests {
    use super::{are_nicknames, canonical};

    #[test]
    fn patronymics_fold_by_their_given_name() {
        use super::patronymic_of;
        assert_eq!(patronymic_of("grigoryevich"), Some("grigory"));
        assert_eq!(patronymic_of("ryhorovich"), Some("grigory"));
        assert_eq!(patronymic_of("grigorjevich"), Some("grigory"));
        assert_eq!(patronymic_of("vladimirovich"), Some("vladimir"));
        assert_eq!(patronymic_of("sergeyevich"), patronymic_of("sergeevich"));
        assert_eq!(patronymic_of("petrov"), None);
    }

    #[test]
    fn nicknames_relate_without_merging() {
        assert!(are_nicknames("bob", "robert"));
        assert!(are_nicknames("peggy", "margaret"));
        assert!(are_nicknames("sasha", "aleksandr"));
        assert!(are_nicknames("sasha", "alexander"));
        assert!(!are_nicknames("aaron", "ronald"));
        assert!(!are_nicknames("robert", "margaret"));
    }

    #[test]
    fn groups_fold() {
        assert_eq!(canonical("mohamad"), canonical("muhammad"));
        assert_eq!(canonical("volodymyr"), Some("vladimir"));
        assert_eq!(canonical("smith"), None);
    }
}
