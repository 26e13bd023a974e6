//! Known spelling variants of frequent name tokens, folded onto one
//! canonical form. Phonetic keys catch most transliteration differences;
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
        "alessandro",
        "alejandro",
    ],
    &["sergei", "sergey", "serguei", "sergiy", "serhiy", "serhii"],
    &[
        "dmitri", "dmitry", "dmitriy", "dimitri", "dmytro", "dmitrii",
    ],
    &[
        "yevgeny", "evgeny", "evgeniy", "yevgeniy", "evgenii", "yevhen", "evgenij",
    ],
    &["nikolai", "nikolay", "mykola", "nicolai", "nikolaj"],
    &["andrei", "andrey", "andriy", "andrii"],
    &[
        "aleksei", "alexey", "alexei", "aleksey", "oleksii", "oleksiy", "aleksej",
    ],
    &["mikhail", "michail", "mykhailo", "mikhael"],
    &["yuri", "yury", "yuriy", "iouri", "yurii", "jurij"],
    &["vladimir", "volodymyr", "wladimir"],
    &["viktor", "victor"],
    &["pyotr", "petr", "piotr", "petro"],
    &["grigory", "grigori", "grigoriy", "hryhoriy"],
    &["konstantin", "constantin", "kostiantyn", "kostyantyn"],
    &["igor", "ihor"],
    &["oleg", "oleh"],
    &["jamal", "gamal", "djamal", "dzhamal", "jamaal"],
    &["jafar", "jaafar", "jaffar", "djafar"],
    &["faisal", "faysal", "feisal", "faycal"],
    &["hizballah", "hezbollah", "hizbollah", "hizbullah"],
    &["qaida", "qaeda", "kaida", "qaeda"],
    &["taliban", "taleban"],
    &["abu", "abou", "abo"],
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

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn groups_fold() {
        assert_eq!(canonical("mohamad"), canonical("muhammad"));
        assert_eq!(canonical("volodymyr"), Some("vladimir"));
        assert_eq!(canonical("smith"), None);
    }
}
