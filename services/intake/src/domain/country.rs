//! Countries as ISO 3166-1 alpha-2 codes, checked against the assigned list.

use serde::{Deserialize, Serialize};

/// Every officially assigned ISO 3166-1 alpha-2 code, plus XK (Kosovo),
/// which banks and the EU use although ISO has not assigned it.
const ASSIGNED: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK \
FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM \
JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS \
MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM \
US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 2 && ASSIGNED.split_ascii_whitespace().any(|c| c == code) {
            Ok(Self(code))
        } else {
            Err("must be an ISO 3166-1 alpha-2 country code such as ES or GB".to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assigned_list_is_complete_and_unique() {
        let codes: Vec<&str> = ASSIGNED.split_ascii_whitespace().collect();
        let unique: std::collections::BTreeSet<&str> = codes.iter().copied().collect();
        // 249 assigned codes plus XK.
        assert_eq!(codes.len(), 250);
        assert_eq!(unique.len(), codes.len());
        let sorted: Vec<&str> = unique.into_iter().collect();
        assert_eq!(sorted, codes, "keep the list sorted");
    }

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(CountryCode::parse(" es ").unwrap().as_str(), "ES");
        assert!(CountryCode::parse("ZZ").is_err());
        assert!(CountryCode::parse("ESP").is_err());
    }
}
