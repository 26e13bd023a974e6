//! FollowTheMoney (FtM) entities as OpenSanctions publishes them
//! (`entities.ftm.json`): one JSON object per line,
//! `{"id", "schema", "properties": {"name": [..], ...}, "datasets": [..]}`,
//! every property a list of strings.
//!
//! Screening targets are the schemata `Person`, `Organization`, `Company`,
//! `LegalEntity`, `PublicBody`, `Vessel` and `Airplane`. Other records
//! (`Sanction`, `Address`, `Identification`, relations) are not screened;
//! they are counted per schema in [`super::IgnoredRecords`], except that
//! `Occupancy` and `Position` records give a PEP's positions their dates
//! (an `Occupancy` links a `holder` to a `post` with `startDate`/`endDate`).
//!
//! The category comes from the entity's `topics` (see [`category`]). An
//! entity with no recognised topic is screened as a sanction: a bank loads
//! an FtM file to screen against it, so an untagged entry must alert like
//! the strictest list rather than be treated as harmless.
//!
//! Speed: one `serde_json` pass per line into borrowed, typed structs; the
//! properties the screening model has no use for are skipped unparsed.

use super::dates::iso_partial;
use super::{IgnoredRecords, ListError, Parsed, SourceFile, check_mostly_parsed};
use crate::entity::{
    Address, AliasStrength, CountryRole, EntityId, EntityKind, Identifier, IdentifierKind,
    ListCategory, ListedEntity, Position, SourceList, VesselDetails,
};
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One property value. The newtype lets serde borrow the string from the
/// file when it has no escapes, instead of allocating every value.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

impl Text<'_> {
    fn trimmed(&self) -> Option<&str> {
        let t = self.0.trim();
        (!t.is_empty()).then_some(t)
    }
}

type Values<'a> = Vec<Text<'a>>;

/// The fields of a line the loader reads; others are skipped.
#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
    #[serde(borrow, default)]
    schema: Option<Text<'a>>,
    #[serde(borrow, default)]
    properties: Option<Properties<'a>>,
    #[serde(borrow, default)]
    datasets: Values<'a>,
}

/// The FtM properties used, by their FtM names.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Properties<'a> {
    // Names.
    #[serde(borrow)]
    name: Values<'a>,
    #[serde(borrow)]
    alias: Values<'a>,
    #[serde(borrow)]
    weak_alias: Values<'a>,
    #[serde(borrow)]
    previous_name: Values<'a>,
    #[serde(borrow)]
    abbreviation: Values<'a>,
    #[serde(borrow)]
    first_name: Values<'a>,
    #[serde(borrow)]
    middle_name: Values<'a>,
    #[serde(borrow)]
    last_name: Values<'a>,
    #[serde(borrow)]
    title: Values<'a>,
    // Birth.
    #[serde(borrow)]
    birth_date: Values<'a>,
    #[serde(borrow)]
    birth_place: Values<'a>,
    #[serde(borrow)]
    birth_country: Values<'a>,
    // Countries.
    #[serde(borrow)]
    nationality: Values<'a>,
    #[serde(borrow)]
    citizenship: Values<'a>,
    #[serde(borrow)]
    country: Values<'a>,
    #[serde(borrow)]
    jurisdiction: Values<'a>,
    #[serde(borrow)]
    main_country: Values<'a>,
    #[serde(borrow)]
    address: Values<'a>,
    // Why listed.
    #[serde(borrow)]
    position: Values<'a>,
    #[serde(borrow)]
    topics: Values<'a>,
    #[serde(borrow)]
    program: Values<'a>,
    #[serde(borrow)]
    program_id: Values<'a>,
    #[serde(borrow)]
    notes: Values<'a>,
    #[serde(borrow)]
    gender: Values<'a>,
    // Identifiers.
    #[serde(borrow)]
    passport_number: Values<'a>,
    #[serde(borrow)]
    id_number: Values<'a>,
    #[serde(borrow)]
    social_security_number: Values<'a>,
    #[serde(borrow)]
    tax_number: Values<'a>,
    #[serde(borrow)]
    inn_code: Values<'a>,
    #[serde(borrow)]
    vat_code: Values<'a>,
    #[serde(borrow)]
    registration_number: Values<'a>,
    #[serde(borrow)]
    ogrn_code: Values<'a>,
    #[serde(borrow)]
    okpo_code: Values<'a>,
    #[serde(borrow)]
    lei_code: Values<'a>,
    #[serde(borrow)]
    usc_code: Values<'a>,
    #[serde(borrow)]
    duns_code: Values<'a>,
    #[serde(borrow)]
    swift_bic: Values<'a>,
    #[serde(borrow)]
    imo_number: Values<'a>,
    #[serde(borrow)]
    mmsi: Values<'a>,
    // Vessels.
    #[serde(borrow)]
    call_sign: Values<'a>,
    #[serde(borrow)]
    flag: Values<'a>,
    #[serde(borrow, rename = "type")]
    vessel_type: Values<'a>,
    #[serde(borrow)]
    tonnage: Values<'a>,
    #[serde(borrow)]
    gross_registered_tonnage: Values<'a>,
    // `Occupancy` records.
    #[serde(borrow)]
    holder: Values<'a>,
    #[serde(borrow)]
    post: Values<'a>,
    #[serde(borrow)]
    start_date: Values<'a>,
    #[serde(borrow)]
    end_date: Values<'a>,
}

fn first<'v>(values: &'v [Text<'_>]) -> Option<&'v str> {
    values.iter().find_map(Text::trimmed)
}

fn all<'v>(values: &'v [Text<'_>]) -> impl Iterator<Item = &'v str> {
    values.iter().filter_map(Text::trimmed)
}

/// FtM country codes are lower-case ISO 3166-1 alpha-2 (`ru`), plus a few
/// of its own for places without one (`suhh` Soviet Union, `ua-cri`
/// Crimea), which are kept upper-cased. `zz` ("global") names no country.
fn country_code(code: &str) -> Option<String> {
    let code = code.trim();
    (!code.is_empty() && !code.eq_ignore_ascii_case("zz")).then(|| code.to_ascii_uppercase())
}

/// The entity's category from its topics, most serious first: any
/// `sanction*` topic makes a sanction; else `role.pep*`, `role.rca` (close
/// associates) and `gov*` (government roles, state-owned enterprises) a
/// PEP; else `crime*` and `wanted` a criminal listing. No recognised topic
/// (or none at all) is a sanction: see the module documentation.
fn category(topics: &[Text<'_>]) -> ListCategory {
    let topics: Vec<&str> = all(topics).collect();
    let any = |pred: &dyn Fn(&str) -> bool| topics.iter().any(|t| pred(t));
    if any(&|t| t.starts_with("sanction")) {
        ListCategory::Sanction
    } else if any(&|t| t.starts_with("role.pep") || t == "role.rca" || is_family(t, "gov")) {
        ListCategory::Pep
    } else if any(&|t| is_family(t, "crime") || t == "wanted") {
        ListCategory::Crime
    } else {
        ListCategory::Sanction
    }
}

/// `gov` and `gov.head`, but not `government` (a topic family is dotted).
fn is_family(topic: &str, family: &str) -> bool {
    topic
        .strip_prefix(family)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn kind(schema: &str) -> Option<EntityKind> {
    Some(match schema {
        "Person" => EntityKind::Person,
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => EntityKind::Organisation,
        "Vessel" => EntityKind::Vessel,
        "Airplane" => EntityKind::Aircraft,
        _ => return None,
    })
}

/// A `Position` record: the post an `Occupancy` points to.
struct Post {
    title: String,
    country: Option<String>,
}

/// An `Occupancy` record: who held which post, and when.
struct Occupancy {
    holder: String,
    post: String,
    start: Option<String>,
    end: Option<String>,
}

/// An ISO date as precise as given, without a time part; `None` if it is
/// not a date.
fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    iso_partial(s).map(|_| s[..s.len().min(10)].to_string())
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let mut parsed = Parsed::default();
    let mut ignored: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_id: FxHashMap<String, (usize, u64)> = FxHashMap::default();
    let mut posts: FxHashMap<String, Post> = FxHashMap::default();
    let mut occupancies: Vec<Occupancy> = Vec::new();
    let mut usable = 0usize;
    for (no, raw) in file.bytes.split(|&b| b == b'\n').enumerate() {
        let line = no as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if no == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record: Record = match serde_json::from_slice(raw) {
            Ok(r) => r,
            Err(e) => {
                parsed.reject(&file.name, line, json_error(&e));
                continue;
            }
        };
        let Some(schema) = record.schema.as_ref().and_then(Text::trimmed) else {
            parsed.reject(&file.name, line, "no \"schema\"");
            continue;
        };
        let Some(id) = record.id.as_ref().and_then(Text::trimmed) else {
            parsed.reject(&file.name, line, format!("{schema} without an \"id\""));
            continue;
        };
        let props = record.properties.as_ref();
        let Some(kind) = kind(schema) else {
            usable += 1;
            *ignored.entry(schema.to_string()).or_default() += 1;
            match (schema, props) {
                ("Position", Some(p)) => {
                    if let Some(title) = first(&p.name) {
                        posts.insert(
                            id.to_string(),
                            Post {
                                title: title.to_string(),
                                country: single_country(&[&p.country]),
                            },
                        );
                    }
                }
                ("Occupancy", Some(p)) => {
                    if let (Some(holder), Some(post)) = (first(&p.holder), first(&p.post)) {
                        occupancies.push(Occupancy {
                            holder: holder.to_string(),
                            post: post.to_string(),
                            start: first(&p.start_date).and_then(iso_date),
                            end: first(&p.end_date).and_then(iso_date),
                        });
                    }
                }
                _ => {}
            }
            continue;
        };
        let Some(props) = props else {
            parsed.reject(
                &file.name,
                line,
                format!("{schema} {id} without \"properties\""),
            );
            continue;
        };
        let entity = match entity(id, kind, props, &record.datasets) {
            Ok(e) => e,
            Err(reason) => {
                parsed.reject(&file.name, line, format!("{schema} {id}: {reason}"));
                continue;
            }
        };
        if let Some(&(_, first_line)) = by_id.get(id) {
            parsed.reject(
                &file.name,
                line,
                format!("duplicate id {id} (first on line {first_line})"),
            );
            continue;
        }
        usable += 1;
        by_id.insert(id.to_string(), (parsed.entities.len(), line));
        parsed.entities.push(entity);
    }
    check_mostly_parsed(&file.name, usable, &parsed.rejected)?;
    if parsed.entities.is_empty() {
        return Err(ListError::Malformed {
            file: file.name.clone(),
            line: 1,
            reason: format!(
                "no Person, Organization, Company, LegalEntity, PublicBody, Vessel or Airplane \
                 entity, only {ignored:?}"
            ),
        });
    }
    for o in occupancies {
        if let (Some(&(idx, _)), Some(post)) = (by_id.get(&o.holder), posts.get(&o.post)) {
            add_dated_position(&mut parsed.entities[idx], post, o.start, o.end);
        }
    }
    parsed.ignored = ignored
        .into_iter()
        .map(|(record_type, count)| IgnoredRecords {
            file: file.name.clone(),
            record_type,
            count,
        })
        .collect();
    Ok(parsed)
}

/// serde_json's message without its "at line 1 column N" (every line is
/// parsed alone, so only the column means anything).
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    format!(
        "not a FollowTheMoney JSON object (column {}): {message}",
        e.column()
    )
}

/// An occupancy's dates replace the undated `position` string of the same
/// title; a post not in `position` is added.
fn add_dated_position(
    entity: &mut ListedEntity,
    post: &Post,
    start: Option<String>,
    end: Option<String>,
) {
    let dated = Position {
        title: post.title.clone(),
        country: post.country.clone().or_else(|| {
            entity
                .positions
                .iter()
                .find(|p| p.title.eq_ignore_ascii_case(&post.title))
                .and_then(|p| p.country.clone())
        }),
        start,
        end,
    };
    let undated = entity.positions.iter().position(|p| {
        p.start.is_none() && p.end.is_none() && p.title.eq_ignore_ascii_case(&dated.title)
    });
    match undated {
        Some(i) => entity.positions[i] = dated,
        None if !entity.positions.contains(&dated) => entity.positions.push(dated),
        None => {}
    }
}

/// The one country the given properties name together, if they name
/// exactly one.
fn single_country(props: &[&Values<'_>]) -> Option<String> {
    let mut found: Option<String> = None;
    for code in props.iter().flat_map(|v| all(v)).filter_map(country_code) {
        match &found {
            None => found = Some(code),
            Some(f) if *f == code => {}
            Some(_) => return None,
        }
    }
    found
}

/// The identifier properties with the kind and label each is loaded as.
fn identifier_properties<'p, 'a>(
    p: &'p Properties<'a>,
    kind: EntityKind,
) -> [(&'p Values<'a>, IdentifierKind, &'static str); 15] {
    let registration = if kind == EntityKind::Aircraft {
        (IdentifierKind::AircraftTail, "Aircraft registration")
    } else {
        (IdentifierKind::Registration, "Registration number")
    };
    [
        (&p.passport_number, IdentifierKind::Passport, "Passport"),
        (&p.id_number, IdentifierKind::NationalId, "ID number"),
        (&p.social_security_number, IdentifierKind::NationalId, "SSN"),
        (&p.tax_number, IdentifierKind::TaxId, "Tax number"),
        (&p.inn_code, IdentifierKind::TaxId, "INN"),
        (&p.vat_code, IdentifierKind::TaxId, "VAT"),
        (&p.registration_number, registration.0, registration.1),
        (&p.ogrn_code, IdentifierKind::Registration, "OGRN"),
        (&p.okpo_code, IdentifierKind::Registration, "OKPO"),
        (&p.lei_code, IdentifierKind::Registration, "LEI"),
        (&p.usc_code, IdentifierKind::Registration, "USCC"),
        (&p.duns_code, IdentifierKind::Registration, "DUNS"),
        (&p.swift_bic, IdentifierKind::Other, "SWIFT/BIC"),
        (&p.imo_number, IdentifierKind::ImoNumber, "IMO"),
        (&p.mmsi, IdentifierKind::Mmsi, "MMSI"),
    ]
}

/// One screening target; `Err` says why the record cannot be one.
fn entity(
    id: &str,
    kind: EntityKind,
    p: &Properties<'_>,
    datasets: &[Text<'_>],
) -> Result<ListedEntity, String> {
    let list = SourceList::FollowTheMoney;
    // FtM requires `name`; a person given only by its parts is still usable.
    let primary = match first(&p.name) {
        Some(n) => n.to_string(),
        None => [&p.first_name, &p.middle_name, &p.last_name]
            .iter()
            .filter_map(|v| first(v))
            .collect::<Vec<_>>()
            .join(" "),
    };
    if primary.is_empty() {
        return Err("no name".to_string());
    }
    let mut e = ListedEntity::new(EntityId::new(list, id), list, kind, primary);
    e.category = category(&p.topics);
    for n in all(&p.name)
        .chain(all(&p.alias))
        .chain(all(&p.abbreviation))
    {
        e.add_alias(n, AliasStrength::Strong, "aka");
    }
    for n in all(&p.previous_name) {
        e.add_alias(n, AliasStrength::Strong, "fka");
    }
    for n in all(&p.weak_alias) {
        e.add_alias(n, AliasStrength::Weak, "weak");
    }
    e.title = first(&p.title).map(str::to_string);
    for d in all(&p.birth_date).filter_map(iso_partial) {
        if !e.birth_dates.contains(&d) {
            e.birth_dates.push(d);
        }
    }
    e.places_of_birth = all(&p.birth_place).map(str::to_string).collect();
    for (values, role) in [
        (&p.nationality, CountryRole::Nationality),
        (&p.citizenship, CountryRole::Citizenship),
        (&p.birth_country, CountryRole::PlaceOfBirth),
        (&p.jurisdiction, CountryRole::Registration),
        (&p.main_country, CountryRole::Registration),
        (&p.flag, CountryRole::Registration),
        (&p.country, CountryRole::Address),
    ] {
        for code in all(values).filter_map(country_code) {
            e.add_country(&code, role);
        }
    }
    for street in all(&p.address) {
        e.addresses.push(Address {
            street: Some(street.to_string()),
            ..Address::default()
        });
    }
    for (values, id_kind, label) in identifier_properties(p, kind) {
        for value in all(values) {
            let id = Identifier {
                kind: id_kind,
                label: label.to_string(),
                value: value.to_string(),
                country: None,
            };
            if !e.identifiers.contains(&id) {
                e.identifiers.push(id);
            }
        }
    }
    if kind == EntityKind::Vessel {
        e.vessel = Some(VesselDetails {
            call_sign: first(&p.call_sign).map(str::to_string),
            vessel_type: first(&p.vessel_type).map(str::to_string),
            tonnage: first(&p.tonnage).map(str::to_string),
            gross_tonnage: first(&p.gross_registered_tonnage).map(str::to_string),
            flag: first(&p.flag).and_then(country_code),
            owner: None,
        });
    }
    if kind == EntityKind::Person {
        let country = single_country(&[&p.country, &p.citizenship]);
        for title in all(&p.position) {
            if !e.positions.iter().any(|x| x.title == title) {
                e.positions.push(Position {
                    title: title.to_string(),
                    country: country.clone(),
                    start: None,
                    end: None,
                });
            }
        }
    }
    let mut programs: Vec<String> = Vec::new();
    for prog in all(&p.program).chain(all(&p.program_id)) {
        if !programs.iter().any(|x| x == prog) {
            programs.push(prog.to_string());
        }
    }
    if programs.is_empty() {
        programs = all(datasets).map(str::to_string).collect();
    }
    e.programs = programs;
    let mut remarks: Vec<String> = Vec::new();
    let topics: Vec<&str> = all(&p.topics).collect();
    if !topics.is_empty() {
        remarks.push(format!("Topics: {}", topics.join(", ")));
    }
    if let Some(g) = first(&p.gender) {
        remarks.push(format!("Gender: {g}"));
    }
    remarks.extend(all(&p.notes).map(str::to_string));
    if !remarks.is_empty() {
        e.remarks = Some(remarks.join("; "));
    }
    Ok(e)
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

    fn texts(values: &[&'static str]) -> Values<'static> {
        values.iter().map(|v| Text(Cow::Borrowed(v))).collect()
    }

    #[test]
    fn topics_decide_the_category_most_serious_first() {
        let cases: [(&[&str], ListCategory); 10] = [
            (&["sanction"], ListCategory::Sanction),
            (&["sanction.linked", "role.pep"], ListCategory::Sanction),
            (&["role.pep", "crime.fin"], ListCategory::Pep),
            (&["role.pep.frmr"], ListCategory::Pep),
            (&["role.rca"], ListCategory::Pep),
            (&["gov.soe"], ListCategory::Pep),
            (&["crime.traffick.drug"], ListCategory::Crime),
            (&["wanted"], ListCategory::Crime),
            (&["government", "criminal"], ListCategory::Sanction),
            (&[], ListCategory::Sanction),
        ];
        for (topics, want) in cases {
            assert_eq!(category(&texts(topics)), want, "{topics:?}");
        }
    }

    #[test]
    fn country_codes_are_upper_case_and_zz_is_none() {
        assert_eq!(country_code("ru").as_deref(), Some("RU"));
        assert_eq!(country_code("ua-cri").as_deref(), Some("UA-CRI"));
        assert_eq!(country_code("zz"), None);
        assert_eq!(country_code(" "), None);
        assert_eq!(
            single_country(&[&texts(&["us"]), &texts(&["us"])]).as_deref(),
            Some("US")
        );
        assert_eq!(single_country(&[&texts(&["us"]), &texts(&["ca"])]), None);
        assert_eq!(single_country(&[&texts(&[])]), None);
    }

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
