//! UN Security Council Consolidated List XML (`sc-sanctions.xsd`).
//!
//! `CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`. The
//! stable id is the `REFERENCE_NUMBER` (`QDi.001`): it is what the Security
//! Council cites, and it survives re-publication unlike `DATAID` ordering.

use super::dates::iso;
use super::text::non_empty;
use super::{ListError, Parsed, SourceFile, check_mostly_parsed, xml};
use crate::entity::{
    Address, AliasStrength, BirthDate, CountryRole, EntityId, EntityKind, Identifier,
    IdentifierKind, ListedEntity, SourceList,
};
use roxmltree::Node;

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|c| c.has_tag_name(name))
}

fn text(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).and_then(|c| c.text()).and_then(non_empty)
}

fn children<'a>(node: Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    node.children().filter(move |c| c.has_tag_name(name))
}

/// `<NATIONALITY><VALUE>..</VALUE></NATIONALITY>` style lists.
fn values(node: Node<'_, '_>, name: &str) -> Vec<String> {
    child(node, name)
        .map(|n| {
            n.children()
                .filter(|c| c.has_tag_name("VALUE"))
                .filter_map(|c| c.text().and_then(non_empty))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let doc = xml::document(file)?;
    xml::expect_root(file, &doc, "CONSOLIDATED_LIST", None)?;
    let root = doc.root_element();
    let lines = xml::Lines::new(&doc);
    let mut parsed = Parsed::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for section in root.children().filter(Node::is_element) {
        let (kind, tag) = match section.tag_name().name() {
            "INDIVIDUALS" => (EntityKind::Person, "INDIVIDUAL"),
            "ENTITIES" => (EntityKind::Organisation, "ENTITY"),
            _ => continue,
        };
        for node in section.children().filter(Node::is_element) {
            let line = || lines.line(node);
            if !node.has_tag_name(tag) {
                parsed.reject(
                    &file.name,
                    line(),
                    format!("unexpected <{}>", node.tag_name().name()),
                );
                continue;
            }
            match entry(node, kind) {
                Ok(e) if seen.insert(e.id.clone()) => parsed.entities.push(e),
                Ok(e) => parsed.reject(&file.name, line(), format!("duplicate reference {}", e.id)),
                Err(reason) => parsed.reject(&file.name, line(), reason),
            }
        }
    }
    check_mostly_parsed(&file.name, parsed.entities.len(), &parsed.rejected)?;
    Ok(parsed)
}

fn entry(node: Node<'_, '_>, kind: EntityKind) -> Result<ListedEntity, String> {
    let reference = text(node, "REFERENCE_NUMBER")
        .or_else(|| text(node, "DATAID"))
        .ok_or("no REFERENCE_NUMBER or DATAID")?;
    let name = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|t| text(node, t))
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        return Err(format!("{reference}: no name"));
    }
    let list = SourceList::UnConsolidated;
    let mut e = ListedEntity::new(EntityId::new(list, &reference), list, kind, name);
    e.programs = text(node, "UN_LIST_TYPE").into_iter().collect();
    let titles = values(node, "TITLE");
    if !titles.is_empty() {
        e.title = Some(titles.join("; "));
    }
    e.remarks = text(node, "COMMENTS1");
    let prefix = if kind == EntityKind::Person {
        "INDIVIDUAL"
    } else {
        "ENTITY"
    };

    for alias in children(
        node,
        if kind == EntityKind::Person {
            "INDIVIDUAL_ALIAS"
        } else {
            "ENTITY_ALIAS"
        },
    ) {
        let Some(alias_name) = text(alias, "ALIAS_NAME") else {
            continue;
        };
        let quality = text(alias, "QUALITY")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let strength = if quality == "low" {
            AliasStrength::Weak
        } else {
            AliasStrength::Strong
        };
        let alias_type = if quality == "f.k.a." { "fka" } else { "aka" };
        e.add_alias(&alias_name, strength, alias_type);
    }
    if let Some(original) = text(node, "NAME_ORIGINAL_SCRIPT") {
        e.add_alias(&original, AliasStrength::Strong, "original_script");
    }
    for n in values(node, "NATIONALITY") {
        e.add_country(&n, CountryRole::Nationality);
    }
    for dob in children(node, "INDIVIDUAL_DATE_OF_BIRTH") {
        if let Some(d) = birth_date(dob)
            && !e.birth_dates.contains(&d)
        {
            e.birth_dates.push(d);
        }
    }
    for pob in children(node, "INDIVIDUAL_PLACE_OF_BIRTH") {
        let parts: Vec<String> = ["CITY", "STATE_PROVINCE", "COUNTRY"]
            .iter()
            .filter_map(|t| text(pob, t))
            .collect();
        if !parts.is_empty() {
            e.places_of_birth.push(parts.join(", "));
        }
        if let Some(c) = text(pob, "COUNTRY") {
            e.add_country(&c, CountryRole::PlaceOfBirth);
        }
    }
    for doc in children(node, "INDIVIDUAL_DOCUMENT") {
        let Some(number) = text(doc, "NUMBER") else {
            continue;
        };
        let label = text(doc, "TYPE_OF_DOCUMENT").unwrap_or_else(|| "Document".into());
        let lower = label.to_lowercase();
        let kind = if lower.contains("pas") {
            IdentifierKind::Passport
        } else if lower.contains("national") {
            IdentifierKind::NationalId
        } else {
            IdentifierKind::Other
        };
        e.identifiers.push(Identifier {
            kind,
            label,
            value: number,
            country: text(doc, "ISSUING_COUNTRY").or_else(|| text(doc, "COUNTRY_OF_ISSUE")),
        });
    }
    for addr in children(node, &format!("{prefix}_ADDRESS")) {
        let a = Address {
            street: text(addr, "STREET"),
            city: text(addr, "CITY"),
            region: text(addr, "STATE_PROVINCE"),
            postal_code: text(addr, "ZIP_CODE"),
            country: text(addr, "COUNTRY"),
        };
        if let Some(c) = &a.country {
            e.add_country(c, CountryRole::Address);
        }
        if a != Address::default() {
            e.addresses.push(a);
        }
    }
    Ok(e)
}

fn year(node: Node<'_, '_>, tag: &str) -> Option<i32> {
    text(node, tag)?.parse().ok()
}

fn birth_date(node: Node<'_, '_>) -> Option<BirthDate> {
    let kind = text(node, "TYPE_OF_DATE")
        .unwrap_or_default()
        .to_ascii_uppercase();
    let date = text(node, "DATE").as_deref().and_then(iso);
    let y = year(node, "YEAR").or(match date {
        Some(BirthDate::Exact { year, .. }) => Some(year),
        _ => None,
    });
    match kind.as_str() {
        "BETWEEN" => {
            let (from_year, to_year) = (year(node, "FROM_YEAR")?, year(node, "TO_YEAR")?);
            Some(BirthDate::Range { from_year, to_year })
        }
        "APPROXIMATELY" => y.map(|year| BirthDate::Approximate { year }),
        _ => date.or_else(|| y.map(|year| BirthDate::Year { year })),
    }
}
