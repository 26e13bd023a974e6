//! One line of a FollowTheMoney file as read: the typed, borrowing serde
//! structs (only the fields the loader uses; serde skips the rest without
//! building them) and the first-line check that recognises an FtM file by
//! its content.

use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;

/// One property value. The newtype lets serde borrow the string from the
/// file when it has no escapes, instead of allocating every value.
#[derive(Deserialize)]
pub(super) struct Text<'a>(#[serde(borrow)] pub(super) Cow<'a, str>);

impl Text<'_> {
    pub(super) fn trimmed(&self) -> Option<&str> {
        let t = self.0.trim();
        (!t.is_empty()).then_some(t)
    }
}

pub(super) type Values<'a> = Vec<Text<'a>>;

/// The fields of a line the loader reads; others are skipped.
#[derive(Deserialize)]
pub(super) struct Record<'a> {
    #[serde(borrow, default)]
    pub(super) id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(super) schema: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(super) properties: Option<Properties<'a>>,
    #[serde(borrow, default)]
    pub(super) datasets: Values<'a>,
}

/// The FtM properties used, by their FtM names.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct Properties<'a> {
    // Names.
    #[serde(borrow)]
    pub(super) name: Values<'a>,
    #[serde(borrow)]
    pub(super) alias: Values<'a>,
    #[serde(borrow)]
    pub(super) weak_alias: Values<'a>,
    #[serde(borrow)]
    pub(super) previous_name: Values<'a>,
    #[serde(borrow)]
    pub(super) abbreviation: Values<'a>,
    #[serde(borrow)]
    pub(super) first_name: Values<'a>,
    #[serde(borrow)]
    pub(super) middle_name: Values<'a>,
    #[serde(borrow)]
    pub(super) last_name: Values<'a>,
    #[serde(borrow)]
    pub(super) title: Values<'a>,
    // Birth.
    #[serde(borrow)]
    pub(super) birth_date: Values<'a>,
    #[serde(borrow)]
    pub(super) birth_place: Values<'a>,
    #[serde(borrow)]
    pub(super) birth_country: Values<'a>,
    // Countries.
    #[serde(borrow)]
    pub(super) nationality: Values<'a>,
    #[serde(borrow)]
    pub(super) citizenship: Values<'a>,
    #[serde(borrow)]
    pub(super) country: Values<'a>,
    #[serde(borrow)]
    pub(super) jurisdiction: Values<'a>,
    #[serde(borrow)]
    pub(super) main_country: Values<'a>,
    #[serde(borrow)]
    pub(super) address: Values<'a>,
    // Why listed.
    #[serde(borrow)]
    pub(super) position: Values<'a>,
    #[serde(borrow)]
    pub(super) topics: Values<'a>,
    #[serde(borrow)]
    pub(super) program: Values<'a>,
    #[serde(borrow)]
    pub(super) program_id: Values<'a>,
    #[serde(borrow)]
    pub(super) notes: Values<'a>,
    #[serde(borrow)]
    pub(super) gender: Values<'a>,
    // Identifiers.
    #[serde(borrow)]
    pub(super) passport_number: Values<'a>,
    #[serde(borrow)]
    pub(super) id_number: Values<'a>,
    #[serde(borrow)]
    pub(super) social_security_number: Values<'a>,
    #[serde(borrow)]
    pub(super) tax_number: Values<'a>,
    #[serde(borrow)]
    pub(super) inn_code: Values<'a>,
    #[serde(borrow)]
    pub(super) vat_code: Values<'a>,
    #[serde(borrow)]
    pub(super) registration_number: Values<'a>,
    #[serde(borrow)]
    pub(super) ogrn_code: Values<'a>,
    #[serde(borrow)]
    pub(super) okpo_code: Values<'a>,
    #[serde(borrow)]
    pub(super) lei_code: Values<'a>,
    #[serde(borrow)]
    pub(super) usc_code: Values<'a>,
    #[serde(borrow)]
    pub(super) duns_code: Values<'a>,
    #[serde(borrow)]
    pub(super) swift_bic: Values<'a>,
    #[serde(borrow)]
    pub(super) imo_number: Values<'a>,
    #[serde(borrow)]
    pub(super) mmsi: Values<'a>,
    // Vessels.
    #[serde(borrow)]
    pub(super) call_sign: Values<'a>,
    #[serde(borrow)]
    pub(super) flag: Values<'a>,
    #[serde(borrow, rename = "type")]
    pub(super) vessel_type: Values<'a>,
    #[serde(borrow)]
    pub(super) tonnage: Values<'a>,
    #[serde(borrow)]
    pub(super) gross_registered_tonnage: Values<'a>,
    // `Occupancy` records.
    #[serde(borrow)]
    pub(super) holder: Values<'a>,
    #[serde(borrow)]
    pub(super) post: Values<'a>,
    #[serde(borrow)]
    pub(super) start_date: Values<'a>,
    #[serde(borrow)]
    pub(super) end_date: Values<'a>,
}

pub(super) fn first<'v>(values: &'v [Text<'_>]) -> Option<&'v str> {
    values.iter().find_map(Text::trimmed)
}

pub(super) fn all<'v>(values: &'v [Text<'_>]) -> impl Iterator<Item = &'v str> {
    values.iter().filter_map(Text::trimmed)
}

/// Whether a file's first non-blank line is an FtM entity: a JSON object
/// with `schema` and `properties` (content sniffing for files not named
/// `*.ftm.json`).
pub(crate) fn looks_like_ftm(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Head {
        schema: Option<IgnoredAny>,
        properties: Option<IgnoredAny>,
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    if rest.first() != Some(&b'{') {
        return false;
    }
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    matches!(
        serde_json::from_slice::<Head>(&rest[..end]),
        Ok(Head {
            schema: Some(_),
            properties: Some(_)
        })
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_decides_whether_a_file_is_ftm() {
        assert!(looks_like_ftm(
            b"\n{\"id\": \"x\", \"schema\": \"Person\", \"properties\": {}}\nnot json"
        ));
        assert!(!looks_like_ftm(
            b"{\"id\": \"x\", \"schema\": \"Person\"}\n"
        ));
        assert!(!looks_like_ftm(
            b"[{\"schema\": \"Person\", \"properties\": {}}]"
        ));
        assert!(!looks_like_ftm(b"id,kind,name\n"));
        assert!(!looks_like_ftm(b""));
    }

    #[test]
    fn escaped_and_plain_values_both_load() {
        let line = br#"{"id": "a", "schema": "Person", "properties": {"name": ["Jos\u00e9 \"Pepe\" Doe", "Plain Name"]}}"#;
        let r: Record = serde_json::from_slice(line).unwrap();
        let p = r.properties.unwrap();
        assert!(matches!(p.name[0].0, Cow::Owned(_)));
        assert!(matches!(p.name[1].0, Cow::Borrowed(_)));
        assert_eq!(p.name[0].0, "José \"Pepe\" Doe");
    }
}
