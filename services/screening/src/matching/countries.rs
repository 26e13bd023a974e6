//! Country names as the lists and customers spell them, folded onto one
//! short English name so that `RU`, `Russian Federation` and `Russia` agree.
//! The table covers ISO 3166 alpha-2 codes of the countries that appear in
//! sanctions programmes and common customer domiciles; an unknown spelling
//! compares as itself.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// (canonical name, other spellings...) in normalised form (lower-case words).
const COUNTRIES: &[&[&str]] = &[
    &["afghanistan", "af"],
    &["albania", "al"],
    &["algeria", "dz"],
    &["angola", "ao"],
    &["argentina", "ar"],
    &["armenia", "am"],
    &["australia", "au"],
    &["austria", "at"],
    &["azerbaijan", "az"],
    &["bahrain", "bh"],
    &["bangladesh", "bd"],
    &["belarus", "by"],
    &["belgium", "be"],
    &["belize", "bz"],
    &["bolivia", "bo"],
    &["bosnia and herzegovina", "ba"],
    &["brazil", "br"],
    &["bulgaria", "bg"],
    &["burma", "mm", "myanmar"],
    &["burundi", "bi"],
    &["cambodia", "kh"],
    &["canada", "ca"],
    &["central african republic", "cf"],
    &["chile", "cl"],
    &[
        "china",
        "cn",
        "people s republic of china",
        "peoples republic of china",
        "prc",
    ],
    &["colombia", "co"],
    &[
        "congo democratic republic",
        "cd",
        "democratic republic of the congo",
        "drc",
        "congo democratic republic of the",
    ],
    &["cuba", "cu"],
    &["cyprus", "cy"],
    &["czech republic", "cz", "czechia"],
    &["denmark", "dk"],
    &["ecuador", "ec"],
    &["egypt", "eg"],
    &["eritrea", "er"],
    &["estonia", "ee"],
    &["ethiopia", "et"],
    &["finland", "fi"],
    &["france", "fr"],
    &["georgia", "ge"],
    &["germany", "de"],
    &["ghana", "gh"],
    &["greece", "gr"],
    &["guatemala", "gt"],
    &["haiti", "ht"],
    &["honduras", "hn"],
    &["hong kong", "hk"],
    &["hungary", "hu"],
    &["india", "in"],
    &["indonesia", "id"],
    &[
        "iran",
        "ir",
        "iran islamic republic of",
        "islamic republic of iran",
    ],
    &["iraq", "iq"],
    &["ireland", "ie"],
    &["israel", "il"],
    &["italy", "it"],
    &["japan", "jp"],
    &["jordan", "jo"],
    &["kazakhstan", "kz"],
    &["kenya", "ke"],
    &[
        "north korea",
        "kp",
        "korea north",
        "democratic people s republic of korea",
        "korea democratic people s republic of",
        "dprk",
    ],
    &[
        "south korea",
        "kr",
        "korea south",
        "republic of korea",
        "korea republic of",
    ],
    &["kuwait", "kw"],
    &["kyrgyzstan", "kg"],
    &["laos", "la"],
    &["latvia", "lv"],
    &["lebanon", "lb"],
    &["libya", "ly"],
    &["liechtenstein", "li"],
    &["lithuania", "lt"],
    &["luxembourg", "lu"],
    &["malaysia", "my"],
    &["mali", "ml"],
    &["malta", "mt"],
    &["marshall islands", "mh"],
    &["mexico", "mx"],
    &["moldova", "md"],
    &["monaco", "mc"],
    &["mongolia", "mn"],
    &["montenegro", "me"],
    &["morocco", "ma"],
    &["netherlands", "nl"],
    &["new zealand", "nz"],
    &["nicaragua", "ni"],
    &["niger", "ne"],
    &["nigeria", "ng"],
    &["north macedonia", "mk"],
    &["norway", "no"],
    &["oman", "om"],
    &["pakistan", "pk"],
    &["palestinian", "ps", "west bank", "gaza"],
    &["panama", "pa"],
    &["paraguay", "py"],
    &["peru", "pe"],
    &["philippines", "ph"],
    &["poland", "pl"],
    &["portugal", "pt"],
    &["qatar", "qa"],
    &["romania", "ro"],
    &["russia", "ru", "russian federation"],
    &["rwanda", "rw"],
    &["saudi arabia", "sa"],
    &["serbia", "rs"],
    &["seychelles", "sc"],
    &["singapore", "sg"],
    &["slovakia", "sk"],
    &["slovenia", "si"],
    &["somalia", "so"],
    &["south africa", "za"],
    &["south sudan", "ss"],
    &["spain", "es"],
    &["sri lanka", "lk"],
    &["sudan", "sd"],
    &["sweden", "se"],
    &["switzerland", "ch"],
    &["syria", "sy", "syrian arab republic"],
    &["taiwan", "tw"],
    &["tajikistan", "tj"],
    &["tanzania", "tz"],
    &["thailand", "th"],
    &["tunisia", "tn"],
    &["turkey", "tr", "turkiye"],
    &["turkmenistan", "tm"],
    &["uganda", "ug"],
    &["ukraine", "ua"],
    &["united arab emirates", "ae", "uae"],
    &["united kingdom", "gb", "uk", "great britain"],
    &["united states", "us", "usa", "united states of america"],
    &["uruguay", "uy"],
    &["uzbekistan", "uz"],
    &["venezuela", "ve"],
    &["vietnam", "vn", "viet nam"],
    &["yemen", "ye"],
    &["zimbabwe", "zw"],
];

static LOOKUP: LazyLock<FxHashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut m = FxHashMap::default();
    for group in COUNTRIES {
        for spelling in *group {
            m.insert(*spelling, group[0]);
        }
    }
    m
});

/// The canonical name of a normalised country spelling, if known.
pub(crate) fn canonical_country(normalised: &str) -> Option<String> {
    LOOKUP.get(normalised).map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use crate::matching::normalize::normalize_country;

    #[test]
    fn spellings_meet() {
        assert_eq!(
            normalize_country("RU"),
            normalize_country("Russian Federation")
        );
        assert_eq!(normalize_country("Korea, North"), "north korea");
        assert_eq!(normalize_country("Iran (Islamic Republic of)"), "iran");
        assert_eq!(normalize_country("Atlantis"), "atlantis");
    }
}
