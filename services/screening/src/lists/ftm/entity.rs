//! One FollowTheMoney record as a [`ListedEntity`]: kind from the schema,
//! category from the topics, names, dates, countries, identifiers, vessel
//! particulars, positions, programs and remarks from the properties.

use super::record::{Properties, Text, Values, all, first};
use crate::entity::{
    Address, AliasStrength, CountryRole, EntityId, EntityKind, Identifier, IdentifierKind,
    ListCategory, ListedEntity, Position, SourceList, VesselDetails,
};
use crate::lists::dates::iso_partial;

/// FtM country codes are lower-case ISO 3166-1 alpha-2 (`ru`), plus a few
/// of its own for places without one (`suhh` Soviet Union, `ua-cri`
/// Crimea), which are kept upper-cased. `zz` ("global") names no country.
pub(super) fn country_code(code: &str) -> Option<String> {
    let code = code.trim();
    (!code.is_empty() && !code.eq_ignore_ascii_case("zz")).then(|| code.to_ascii_uppercase())
}

/// The entity's category from its topics, most serious first: any
/// `sanction*` topic makes a sanction; else `role.pep*`, `role.rca` (close
/// associates) and `gov*` (government roles, state-owned enterprises) a
/// PEP; else `crime*` and `wanted` a criminal listing. No recognised topic
/// (or none at all) is a sanction: see the module documentation.
pub(super) fn category(topics: &[Text<'_>]) -> ListCategory {
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

pub(super) fn kind(schema: &str) -> Option<EntityKind> {
    Some(match schema {
        "Person" => EntityKind::Person,
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => EntityKind::Organisation,
        "Vessel" => EntityKind::Vessel,
        "Airplane" => EntityKind::Aircraft,
        _ => return None,
    })
}

/// The one country the given properties name together, if they name
/// exactly one.
pub(super) fn single_country(props: &[&Values<'_>]) -> Option<String> {
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
pub(super) fn entity(
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

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
}
