//! The structured facts OFAC hides in free-text `Remarks`:
//! `DOB 14 Jun 1975; POB Leningrad, Russia; nationality Russia;
//! Passport 717637093 (Russia); a.k.a. 'X'; Linked To: Y.`
//!
//! Remarks are `;`-separated statements. Each statement is recognised by its
//! leading label; anything unrecognised stays only in `remarks`.

use super::dates::ofac_birth_date;
use crate::entity::{AliasStrength, CountryRole, Identifier, IdentifierKind, ListedEntity};

/// Labels of identifier statements, longest first where one is a prefix of
/// another, with the kind they map to.
const ID_LABELS: &[(&str, IdentifierKind)] = &[
    ("Passport", IdentifierKind::Passport),
    ("Diplomatic Passport", IdentifierKind::Passport),
    ("National ID No.", IdentifierKind::NationalId),
    ("National Foreign ID Number", IdentifierKind::NationalId),
    ("Cedula No.", IdentifierKind::NationalId),
    ("C.U.R.P.", IdentifierKind::NationalId),
    ("SSN", IdentifierKind::NationalId),
    ("Personal ID Card", IdentifierKind::NationalId),
    ("Identification Number IMO", IdentifierKind::ImoNumber),
    ("Identification Number", IdentifierKind::NationalId),
    ("Driver's License No.", IdentifierKind::NationalId),
    ("Residency Number", IdentifierKind::NationalId),
    ("Tax ID No.", IdentifierKind::TaxId),
    ("R.F.C.", IdentifierKind::TaxId),
    ("RUC #", IdentifierKind::TaxId),
    ("NIT #", IdentifierKind::TaxId),
    ("V.A.T. Number", IdentifierKind::TaxId),
    ("Registration Number", IdentifierKind::Registration),
    ("Business Registration Number", IdentifierKind::Registration),
    ("Registration ID", IdentifierKind::Registration),
    ("Company Number", IdentifierKind::Registration),
    ("Commercial Registry Number", IdentifierKind::Registration),
    ("Business Number", IdentifierKind::Registration),
    ("Legal Entity Number", IdentifierKind::Registration),
    ("Folio Mercantil No.", IdentifierKind::Registration),
    ("C.R. No.", IdentifierKind::Registration),
    ("Trade License No.", IdentifierKind::Registration),
    ("Government Gazette Number", IdentifierKind::Registration),
    (
        "Vessel Registration Identification IMO",
        IdentifierKind::ImoNumber,
    ),
    ("MMSI", IdentifierKind::Mmsi),
    ("Aircraft Tail Number", IdentifierKind::AircraftTail),
];

/// Applies every statement of `remarks` to `entity`.
pub(crate) fn apply_remarks(entity: &mut ListedEntity, remarks: &str) {
    for statement in split_statements(remarks) {
        apply_statement(entity, statement);
    }
}

/// Splits on `;` but not inside `'...'` quotes that follow `a.k.a.`, since
/// quoted aliases may themselves contain `;`.
fn split_statements(remarks: &str) -> impl Iterator<Item = &str> {
    remarks
        .split("; ")
        .map(|s| s.trim().trim_end_matches('.').trim())
        .filter(|s| !s.is_empty())
}

fn apply_statement(entity: &mut ListedEntity, s: &str) {
    let s_plain = s.strip_prefix("alt. ").unwrap_or(s);
    if let Some(rest) = s_plain.strip_prefix("DOB ") {
        if let Some(date) = ofac_birth_date(rest)
            && !entity.birth_dates.contains(&date)
        {
            entity.birth_dates.push(date);
        }
    } else if let Some(rest) = s_plain.strip_prefix("POB ") {
        let place = rest.trim();
        entity.places_of_birth.push(place.to_string());
        // Only "city, country" forms name a country reliably.
        if let Some((_, country)) = place.rsplit_once(',') {
            entity.add_country(country, CountryRole::PlaceOfBirth);
        }
    } else if let Some(rest) = s_plain.strip_prefix("nationality ") {
        entity.add_country(rest, CountryRole::Nationality);
    } else if let Some(rest) = s_plain.strip_prefix("citizen ") {
        entity.add_country(rest, CountryRole::Citizenship);
    } else if let Some((alias_type, name)) = quoted_alias(s_plain) {
        entity.add_alias(name, AliasStrength::Strong, alias_type);
    } else if let Some(id) = identifier(s_plain)
        && !entity.identifiers.contains(&id)
    {
        entity.identifiers.push(id);
    }
}

/// `a.k.a. 'NAME'` (also `f.k.a.`, `n.k.a.`). The closing quote is the
/// last one, because names like `ABU 'ABD AL-HAKIM` contain quotes.
fn quoted_alias(s: &str) -> Option<(&'static str, &str)> {
    let (alias_type, rest) = if let Some(r) = s.strip_prefix("a.k.a. ") {
        ("aka", r)
    } else if let Some(r) = s.strip_prefix("f.k.a. ") {
        ("fka", r)
    } else if let Some(r) = s.strip_prefix("n.k.a. ") {
        ("nka", r)
    } else {
        return None;
    };
    let rest = rest.trim().strip_prefix('\'')?;
    let end = rest.rfind('\'').unwrap_or(rest.len());
    let name = rest[..end].trim();
    (!name.is_empty()).then_some((alias_type, name))
}

/// `Passport 1084010 (Egypt)`, `Tax ID No. 7744001497 (Russia)`, ...
fn identifier(s: &str) -> Option<Identifier> {
    let (label, kind) = ID_LABELS
        .iter()
        .filter(|(label, _)| s.starts_with(label) && s[label.len()..].starts_with(' '))
        .max_by_key(|(label, _)| label.len())?;
    let rest = s[label.len()..].trim();
    let (value, country) = match rest.split_once(" (") {
        Some((v, tail)) => (
            v.trim(),
            tail.split_once(')').map(|(c, _)| c.trim().to_string()),
        ),
        None => (rest.split(" issued").next().unwrap_or(rest).trim(), None),
    };
    let value = value.trim_end_matches(',');
    if !value.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Identifier {
        kind: *kind,
        label: label.to_string(),
        value: value.to_string(),
        country,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{BirthDate, EntityId, EntityKind, SourceList};

    #[test]
    fn reads_the_usual_statements() {
        let mut e = ListedEntity::new(
            EntityId::new(SourceList::OfacSdn, "1"),
            SourceList::OfacSdn,
            EntityKind::Person,
            "X, Y".into(),
        );
        apply_remarks(
            &mut e,
            "DOB 14 Jun 1975; alt. DOB 1976; POB Leningrad, Russia; nationality Russia; citizen Cyprus; \
             Passport 717637093 (Russia); alt. Passport 19820215; Gender Male; a.k.a. 'ABU 'ABD AL-HAKIM'; \
             Tax ID No. 7744001497 (Russia); Linked To: LAZARUS GROUP.",
        );
        assert_eq!(e.birth_dates.len(), 2);
        assert_eq!(
            e.birth_dates[0],
            BirthDate::Exact {
                year: 1975,
                month: 6,
                day: 14
            }
        );
        assert_eq!(e.places_of_birth, vec!["Leningrad, Russia".to_string()]);
        assert_eq!(e.countries.len(), 3);
        assert_eq!(e.identifiers.len(), 3);
        assert_eq!(e.identifiers[0].value, "717637093");
        assert_eq!(e.identifiers[0].country.as_deref(), Some("Russia"));
        assert_eq!(e.identifiers[1].value, "19820215");
        assert_eq!(e.identifiers[2].kind, IdentifierKind::TaxId);
        assert_eq!(e.aliases[0].name, "ABU 'ABD AL-HAKIM");
    }
}
