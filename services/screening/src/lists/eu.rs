//! EU consolidated list of persons, groups and entities subject to EU
//! financial sanctions: the Financial Sanctions Files (FSF) XML export,
//! version 1.1 (`xmlFullSanctionsList_1_1`).
//!
//! Root `<export>` in the namespace `http://eu.europa.ec/fpi/fsd/export`;
//! one `<sanctionEntity>` per listed person or enterprise. Almost everything
//! is in attributes: `logicalId` (the stable id, kept across amendments),
//! `euReferenceNumber`, `unitedNationId`, `designationDetails`; children
//! `regulation` (`programme`), `subjectType` (`code` person / enterprise),
//! `nameAlias` (`wholeName`, `firstName`/`middleName`/`lastName`,
//! `nameLanguage`, `strong`, `title`, `function`), `citizenship`,
//! `birthdate` (`birthdate` or `year`/`monthOfYear`/`dayOfMonth`, `circa`,
//! place attributes), `identification` (`identificationTypeCode`, `number`),
//! `address` and `remark`. The code `00` / description `UNKNOWN` stands for
//! an unknown country.
//!
//! The EU writes a person's name in several languages and scripts; every
//! spelling is kept as a name (the matcher romanises scripts). The primary
//! name is the first strong Latin-script `nameAlias`.

use super::dates::{from_parts, iso};
use super::text::{is_latin_script, non_empty};
use super::{ListError, Parsed, SourceFile, check_mostly_parsed, xml};
use crate::entity::{
    Address, AliasStrength, BirthDate, CountryRole, EntityId, EntityKind, Identifier,
    IdentifierKind, ListedEntity, SourceList,
};
use roxmltree::Node;

/// The FSF export namespace; the root element in it identifies the file.
pub(crate) const NAMESPACE: &str = "http://eu.europa.ec/fpi/fsd/export";

/// Whether a file is an FSF export, whatever its name.
pub(crate) fn looks_like_eu_fsf(bytes: &[u8]) -> bool {
    let head = xml::head(bytes);
    head.contains("<export") && head.contains(NAMESPACE)
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let doc = xml::document(file)?;
    xml::expect_root(file, &doc, "export", Some(NAMESPACE))?;
    let lines = xml::Lines::new(&doc);
    let mut parsed = Parsed::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for node in doc.root_element().children().filter(Node::is_element) {
        if !node.has_tag_name("sanctionEntity") {
            continue;
        }
        match entry(node) {
            Ok(e) if seen.insert(e.id.clone()) => parsed.entities.push(e),
            Ok(e) => parsed.reject(
                &file.name,
                lines.line(node),
                format!("duplicate logicalId {}", e.id),
            ),
            Err(reason) => parsed.reject(&file.name, lines.line(node), reason),
        }
    }
    check_mostly_parsed(&file.name, parsed.entities.len(), &parsed.rejected)?;
    Ok(parsed)
}

fn attr(node: Node<'_, '_>, name: &str) -> Option<String> {
    node.attribute(name).and_then(non_empty)
}

fn children<'a>(node: Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    node.children().filter(move |c| c.has_tag_name(name))
}

/// `countryIso2Code`, unless it is the `00` "unknown" code.
fn country_code(node: Node<'_, '_>) -> Option<String> {
    attr(node, "countryIso2Code").filter(|c| c != "00")
}

/// `countryDescription`, unless it is `UNKNOWN`.
fn country_name(node: Node<'_, '_>) -> Option<String> {
    attr(node, "countryDescription").filter(|c| !c.eq_ignore_ascii_case("UNKNOWN"))
}

/// One spelling of the entry's name.
struct NameAlias {
    name: String,
    strong: bool,
    latin: bool,
}

fn name_alias(node: Node<'_, '_>) -> Option<NameAlias> {
    let name = attr(node, "wholeName").or_else(|| {
        let parts: Vec<String> = ["firstName", "middleName", "lastName"]
            .iter()
            .filter_map(|a| attr(node, a))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })?;
    // `strong="false"` marks a weak alias; older exports also wrote
    // "low quality" in the alias's remark.
    let low_quality = children(node, "remark")
        .filter_map(|r| r.text())
        .any(|t| t.to_lowercase().contains("low quality"));
    let strong =
        !attr(node, "strong").is_some_and(|s| s.eq_ignore_ascii_case("false")) && !low_quality;
    let latin = is_latin_script(&name);
    Some(NameAlias {
        name,
        strong,
        latin,
    })
}

fn entry(node: Node<'_, '_>) -> Result<ListedEntity, String> {
    let logical_id = attr(node, "logicalId").ok_or("sanctionEntity without logicalId")?;
    let code = children(node, "subjectType")
        .find_map(|s| attr(s, "code"))
        .ok_or_else(|| format!("{logical_id}: no subjectType code"))?;
    let kind = match code.to_ascii_lowercase().as_str() {
        "person" => EntityKind::Person,
        "enterprise" => EntityKind::Organisation,
        other => return Err(format!("{logical_id}: unknown subjectType code {other:?}")),
    };
    let names: Vec<NameAlias> = children(node, "nameAlias").filter_map(name_alias).collect();
    let primary = names
        .iter()
        .position(|n| n.strong && n.latin)
        .or_else(|| names.iter().position(|n| n.strong))
        .or(if names.is_empty() { None } else { Some(0) })
        .ok_or_else(|| format!("{logical_id}: no nameAlias with a name"))?;

    let list = SourceList::EuFinancialSanctions;
    let mut e = ListedEntity::new(
        EntityId::new(list, &logical_id),
        list,
        kind,
        names[primary].name.clone(),
    );
    for n in &names {
        let strength = if n.strong {
            AliasStrength::Strong
        } else {
            AliasStrength::Weak
        };
        let alias_type = if n.latin { "aka" } else { "original_script" };
        e.add_alias(&n.name, strength, alias_type);
    }

    for r in children(node, "regulation") {
        if let Some(p) = attr(r, "programme")
            && !e.programs.contains(&p)
        {
            e.programs.push(p);
        }
    }

    let mut titles: Vec<String> = Vec::new();
    let mut functions: Vec<String> = Vec::new();
    for n in children(node, "nameAlias") {
        for (values, a) in [(&mut titles, "title"), (&mut functions, "function")] {
            if let Some(v) = attr(n, a)
                && !values.contains(&v)
            {
                values.push(v);
            }
        }
    }
    if !titles.is_empty() {
        e.title = Some(titles.join("; "));
    }

    for c in children(node, "citizenship") {
        if let Some(code) = country_code(c).or_else(|| country_name(c)) {
            e.add_country(&code, CountryRole::Citizenship);
        }
    }
    for b in children(node, "birthdate") {
        if let Some(d) = birth_date(b)
            && !e.birth_dates.contains(&d)
        {
            e.birth_dates.push(d);
        }
        let place: Vec<String> = [
            attr(b, "place"),
            attr(b, "city"),
            attr(b, "region"),
            country_name(b),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !place.is_empty() {
            let place = place.join(", ");
            if !e.places_of_birth.contains(&place) {
                e.places_of_birth.push(place);
            }
        }
        if let Some(code) = country_code(b) {
            e.add_country(&code, CountryRole::PlaceOfBirth);
        }
    }
    for i in children(node, "identification") {
        let Some(number) = attr(i, "number").or_else(|| attr(i, "latinNumber")) else {
            continue;
        };
        let code = attr(i, "identificationTypeCode").unwrap_or_default();
        let id = Identifier {
            kind: identifier_kind(&code),
            label: attr(i, "identificationTypeDescription").unwrap_or(code),
            value: number,
            country: country_code(i),
        };
        if !e.identifiers.contains(&id) {
            e.identifiers.push(id);
        }
    }
    for a in children(node, "address") {
        let street: Vec<String> = [
            attr(a, "street"),
            attr(a, "poBox").map(|p| format!("PO Box {p}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let address = Address {
            street: (!street.is_empty()).then(|| street.join(", ")),
            city: attr(a, "city").or_else(|| attr(a, "place")),
            region: attr(a, "region"),
            postal_code: attr(a, "zipCode"),
            country: country_name(a).or_else(|| country_code(a)),
        };
        if let Some(code) = country_code(a) {
            e.add_country(&code, CountryRole::Address);
        }
        if address != Address::default() && !e.addresses.contains(&address) {
            e.addresses.push(address);
        }
    }

    let mut remarks: Vec<String> = Vec::new();
    if let Some(d) = attr(node, "designationDetails") {
        remarks.push(d);
    }
    remarks.extend(
        children(node, "remark")
            .filter_map(|r| r.text())
            .filter_map(non_empty),
    );
    if !functions.is_empty() {
        remarks.push(format!("Function: {}", functions.join("; ")));
    }
    for (label, a) in [
        ("EU reference", "euReferenceNumber"),
        ("UN id", "unitedNationId"),
    ] {
        if let Some(v) = attr(node, a) {
            remarks.push(format!("{label}: {v}"));
        }
    }
    if !remarks.is_empty() {
        e.remarks = Some(remarks.join("; "));
    }
    Ok(e)
}

/// `identificationTypeCode` values of the FSF export (`passport`, `id`,
/// `ssn`, `nationcert`, `NRN`, `regnumber`, `fiscalcode`, `tradelic`,
/// `imo`, `swiftbic`, `drivinglicence`, ...); the description the export
/// gives beside the code is kept as the label.
fn identifier_kind(code: &str) -> IdentifierKind {
    match code.to_ascii_lowercase().as_str() {
        "passport" => IdentifierKind::Passport,
        "id" | "ssn" | "nationcert" | "nrn" | "residentperm" | "drivinglicence" | "electionid"
        | "travelcardid" => IdentifierKind::NationalId,
        "fiscalcode" => IdentifierKind::TaxId,
        "regnumber" | "tradelic" => IdentifierKind::Registration,
        "imo" => IdentifierKind::ImoNumber,
        _ => IdentifierKind::Other,
    }
}

fn number<T: std::str::FromStr>(node: Node<'_, '_>, name: &str) -> Option<T> {
    attr(node, name)?.parse().ok()
}

/// The full `birthdate` attribute when there is one, else the parts; a
/// `circa` date is approximate; a `yearRangeFrom`/`yearRangeTo` pair is a range.
fn birth_date(node: Node<'_, '_>) -> Option<BirthDate> {
    let circa = attr(node, "circa").is_some_and(|c| c.eq_ignore_ascii_case("true"));
    let date = attr(node, "birthdate")
        .as_deref()
        .and_then(iso)
        .or_else(|| {
            from_parts(
                number(node, "year"),
                number(node, "monthOfYear"),
                number(node, "dayOfMonth"),
            )
        });
    match (
        date,
        number::<i32>(node, "yearRangeFrom"),
        number::<i32>(node, "yearRangeTo"),
    ) {
        (None, Some(from_year), Some(to_year)) if from_year <= to_year => {
            Some(BirthDate::Range { from_year, to_year })
        }
        (Some(d), _, _) if circa => Some(BirthDate::Approximate {
            year: d.year_span().0,
        }),
        (d, _, _) => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(body: &str) -> Result<ListedEntity, String> {
        let text = format!(
            "<export xmlns=\"{NAMESPACE}\"><sanctionEntity logicalId=\"7\">{body}</sanctionEntity></export>"
        );
        let doc = roxmltree::Document::parse(&text).unwrap();
        let node = doc.root_element().first_element_child().unwrap();
        entry(node)
    }

    #[test]
    fn ranges_circa_and_low_quality_remarks() {
        let e = one(
            r#"<subjectType code="person"/>
               <nameAlias wholeName="Ahmad Karimi" strong="true"/>
               <nameAlias wholeName="Abu Ahmad" strong="true"><remark>Low quality alias</remark></nameAlias>
               <birthdate circa="false" yearRangeFrom="1958" yearRangeTo="1960" countryIso2Code="00" countryDescription="UNKNOWN"/>
               <birthdate circa="true" birthdate="1962-05-01" dayOfMonth="1" monthOfYear="5" year="1962"/>"#,
        )
        .unwrap();
        assert_eq!(e.id.as_str(), "eu-fsf:7");
        assert_eq!(e.aliases[0].strength, AliasStrength::Weak);
        assert_eq!(
            e.birth_dates,
            vec![
                BirthDate::Range {
                    from_year: 1958,
                    to_year: 1960
                },
                BirthDate::Approximate { year: 1962 }
            ]
        );
        assert!(e.places_of_birth.is_empty() && e.countries.is_empty());
    }

    #[test]
    fn an_entry_needs_a_subject_type_and_a_name() {
        let err = one(r#"<subjectType code="vessel"/><nameAlias wholeName="X"/>"#).unwrap_err();
        assert!(err.contains("unknown subjectType code \"vessel\""), "{err}");
        let err = one(r#"<subjectType code="enterprise"/><nameAlias wholeName=" "/>"#).unwrap_err();
        assert!(err.contains("no nameAlias with a name"), "{err}");
    }

    #[test]
    fn recognised_by_namespace_not_name() {
        assert!(looks_like_eu_fsf(
            format!("<?xml version=\"1.0\"?>\n<export xmlns=\"{NAMESPACE}\" generationDate=\"x\">")
                .as_bytes()
        ));
        assert!(!looks_like_eu_fsf(b"<export><sanctionEntity/></export>"));
        assert!(!looks_like_eu_fsf(b"<CONSOLIDATED_LIST/>"));
    }
}
