//! UK Sanctions List (FCDO), XML (`UK-Sanctions-List.xml`). Since
//! 28 January 2026 it is the only UK list: OFSI's Consolidated List closed.
//!
//! Root `<Designations>` (with a `<DateGenerated>`), one `<Designation>` per
//! person, entity or ship: `UniqueID` (`RUS0001`, the stable id),
//! `OFSIGroupID`, `UNReferenceNumber`, `Names/Name` (`Name1`..`Name6`, with
//! `Name6` the family or whole name, a `NameType` of Primary name, Primary
//! name variation or Alias, and for some aliases an `AliasStrength` such as
//! `Low quality a.k.a`), `NonLatinNames/NonLatinName/NameNonLatinScript`,
//! `RegimeName`, `IndividualEntityShip`, `OtherInformation`,
//! `UKStatementofReasons`, `Addresses/Address` (`AddressLine1`..`6`,
//! `AddressPostalCode`, `AddressCountry`), `IndividualDetails/Individual`
//! (`DOBs/DOB` as `dd/mm/yyyy` with `00` or `dd`/`mm` for an unknown part,
//! `Nationalities`, `PassportDetails`, `NationalIdentifierDetails`,
//! `BirthDetails/Location`, `Titles`), `EntityDetails/Entity`
//! (`BusinessRegistrationNumbers`) and `ShipDetails/Ship` (`IMONumbers`,
//! `CurrentBelievedFlagOfShips`, `TypeOfShipDetails`, ...).
//!
//! The publisher's spelling of `NameType` varies in case (`Primary name`,
//! `ALias`): it is compared case-insensitively. The CSV form of the same
//! list is read by `uk_csv.rs` through the [`Designation`] builder here.

use super::dates::uk_day_month_year;
use super::text::non_empty;
use super::{ListError, Parsed, SourceFile, check_mostly_parsed, xml};
use crate::entity::{
    Address, AliasStrength, CountryRole, EntityId, EntityKind, Identifier, IdentifierKind,
    ListedEntity, SourceList, VesselDetails,
};
use roxmltree::Node;

/// Whether a file is the UK Sanctions List XML, whatever its name.
pub(crate) fn looks_like_uk_xml(bytes: &[u8]) -> bool {
    let head = xml::head(bytes);
    head.contains("<Designations")
        && (head.contains("<Designation>") || head.contains("<DateGenerated"))
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let doc = xml::document(file)?;
    xml::expect_root(file, &doc, "Designations", None)?;
    let lines = xml::Lines::new(&doc);
    let mut parsed = Parsed::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for node in doc.root_element().children().filter(Node::is_element) {
        if !node.has_tag_name("Designation") {
            continue;
        }
        match designation(node).and_then(Designation::build) {
            Ok(e) if seen.insert(e.id.clone()) => parsed.entities.push(e),
            Ok(e) => parsed.reject(
                &file.name,
                lines.line(node),
                format!("duplicate UniqueID {}", e.id),
            ),
            Err(reason) => parsed.reject(&file.name, lines.line(node), reason),
        }
    }
    check_mostly_parsed(&file.name, parsed.entities.len(), &parsed.rejected)?;
    Ok(parsed)
}

fn text(node: Node<'_, '_>, name: &str) -> Option<String> {
    node.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
        .and_then(non_empty)
}

/// Every non-empty `<name>` below `node`, at any depth (the list nests
/// `DOBs/DOB` inside `IndividualDetails/Individual`, but the depth is not
/// what identifies the field).
fn all(node: Node<'_, '_>, name: &str) -> Vec<String> {
    node.descendants()
        .filter(|c| c.has_tag_name(name))
        .filter_map(|c| c.text().and_then(non_empty))
        .collect()
}

fn designation(node: Node<'_, '_>) -> Result<Designation, String> {
    let mut d = Designation {
        unique_id: text(node, "UniqueID").ok_or("Designation without UniqueID")?,
        ..Designation::default()
    };
    d.kind = text(node, "IndividualEntityShip").unwrap_or_default();
    for name in node.descendants().filter(|n| n.has_tag_name("Name")) {
        let full: Vec<String> = (1..=6)
            .filter_map(|i| text(name, &format!("Name{i}")))
            .collect();
        d.names.push(UkName {
            name: full.join(" "),
            name_type: text(name, "NameType").unwrap_or_default(),
            alias_strength: text(name, "AliasStrength").unwrap_or_default(),
        });
    }
    d.non_latin = all(node, "NameNonLatinScript");
    d.regimes = all(node, "RegimeName");
    d.titles = all(node, "Title");
    d.dobs = all(node, "DOB");
    for loc in node.descendants().filter(|n| n.has_tag_name("Location")) {
        d.birth_places
            .push((text(loc, "TownOfBirth"), text(loc, "CountryOfBirth")));
    }
    d.nationalities = all(node, "Nationality");
    for p in node.descendants().filter(|n| n.has_tag_name("Passport")) {
        if let Some(n) = text(p, "PassportNumber") {
            d.passports
                .push((n, text(p, "PassportAdditionalInformation")));
        }
    }
    for p in node
        .descendants()
        .filter(|n| n.has_tag_name("NationalIdentifier"))
    {
        if let Some(n) = text(p, "NationalIdentifierNumber") {
            d.national_ids
                .push((n, text(p, "NationalIdentifierAdditionalInformation")));
        }
    }
    d.registrations = all(node, "BusinessRegistrationNumber");
    d.imo_numbers = all(node, "IMONumber");
    for a in node.descendants().filter(|n| n.has_tag_name("Address")) {
        d.addresses.push(UkAddress {
            lines: (1..=6)
                .map(|i| text(a, &format!("AddressLine{i}")))
                .collect(),
            postal_code: text(a, "AddressPostalCode"),
            country: text(a, "AddressCountry"),
        });
    }
    d.vessel = VesselDetails {
        vessel_type: all(node, "TypeOfShip").into_iter().next(),
        tonnage: all(node, "TonnageOfShip").into_iter().next(),
        flag: all(node, "CurrentBelievedFlagOfShip").into_iter().next(),
        owner: all(node, "CurrentOwnerOperator").into_iter().next(),
        ..VesselDetails::default()
    };
    d.other_information = all(node, "OtherInformation");
    d.un_reference = text(node, "UNReferenceNumber");
    d.ofsi_group_id = text(node, "OFSIGroupID");
    Ok(d)
}

/// One `Name` of a designation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct UkName {
    /// Name1..Name6 joined by spaces.
    pub name: String,
    pub name_type: String,
    pub alias_strength: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct UkAddress {
    /// AddressLine1..AddressLine6 (line 6 is the town).
    pub lines: Vec<Option<String>>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// What the XML and the CSV both say about one designation, before it
/// becomes a [`ListedEntity`].
#[derive(Debug, Default)]
pub(crate) struct Designation {
    pub unique_id: String,
    /// `Individual`, `Entity` or `Ship`.
    pub kind: String,
    pub names: Vec<UkName>,
    pub non_latin: Vec<String>,
    pub regimes: Vec<String>,
    pub titles: Vec<String>,
    pub dobs: Vec<String>,
    /// (town, country) of birth.
    pub birth_places: Vec<(Option<String>, Option<String>)>,
    pub nationalities: Vec<String>,
    /// (number, additional information).
    pub passports: Vec<(String, Option<String>)>,
    pub national_ids: Vec<(String, Option<String>)>,
    pub registrations: Vec<String>,
    pub imo_numbers: Vec<String>,
    pub addresses: Vec<UkAddress>,
    pub vessel: VesselDetails,
    pub other_information: Vec<String>,
    pub un_reference: Option<String>,
    pub ofsi_group_id: Option<String>,
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

impl Designation {
    /// Folds another row of the same designation in (the CSV has one row
    /// per name, each repeating the other fields).
    pub(crate) fn merge(&mut self, other: Designation) {
        if self.kind.is_empty() {
            self.kind = other.kind;
        }
        for n in other.names {
            push_unique(&mut self.names, n);
        }
        macro_rules! union {
            ($($field:ident),*) => {$(
                for v in other.$field {
                    push_unique(&mut self.$field, v);
                }
            )*};
        }
        union!(
            non_latin,
            regimes,
            titles,
            dobs,
            birth_places,
            nationalities,
            passports,
            national_ids,
            registrations,
            imo_numbers,
            addresses,
            other_information
        );
        let v = &mut self.vessel;
        let o = other.vessel;
        v.vessel_type = v.vessel_type.take().or(o.vessel_type);
        v.tonnage = v.tonnage.take().or(o.tonnage);
        v.flag = v.flag.take().or(o.flag);
        v.owner = v.owner.take().or(o.owner);
        self.un_reference = self.un_reference.take().or(other.un_reference);
        self.ofsi_group_id = self.ofsi_group_id.take().or(other.ofsi_group_id);
    }

    pub(crate) fn build(self) -> Result<ListedEntity, String> {
        let id = &self.unique_id;
        let kind = match self.kind.trim().to_ascii_lowercase().as_str() {
            "individual" => EntityKind::Person,
            "entity" => EntityKind::Organisation,
            "ship" => EntityKind::Vessel,
            "" => return Err(format!("{id}: no IndividualEntityShip")),
            other => return Err(format!("{id}: unknown IndividualEntityShip {other:?}")),
        };
        let names: Vec<&UkName> = self.names.iter().filter(|n| !n.name.is_empty()).collect();
        let is_primary = |n: &&&UkName| n.name_type.trim().eq_ignore_ascii_case("primary name");
        let is_weak = |n: &UkName| {
            n.alias_strength
                .trim()
                .to_ascii_lowercase()
                .starts_with("low")
        };
        // A designation whose primary name is missing still has a name to
        // screen: its first name that is not a low-quality alias.
        let primary = names
            .iter()
            .find(is_primary)
            .or_else(|| names.iter().find(|n| !is_weak(n)))
            .or(names.first())
            .ok_or_else(|| format!("{id}: no name in Name1..Name6"))?;
        let list = SourceList::UkSanctions;
        let mut e = ListedEntity::new(EntityId::new(list, id), list, kind, primary.name.clone());
        for n in &names {
            let name_type = n.name_type.trim().to_ascii_lowercase();
            let alias_type = match name_type.as_str() {
                "primary name" => "aka",
                "primary name variation" => "variation",
                _ => "aka",
            };
            let strength = if n
                .alias_strength
                .trim()
                .to_ascii_lowercase()
                .starts_with("low")
            {
                AliasStrength::Weak
            } else {
                AliasStrength::Strong
            };
            e.add_alias(&n.name, strength, alias_type);
        }
        for n in &self.non_latin {
            e.add_alias(n, AliasStrength::Strong, "original_script");
        }
        e.programs = self.regimes;
        if !self.titles.is_empty() {
            e.title = Some(self.titles.join("; "));
        }
        // A date of birth in no known spelling is kept for the analyst, in
        // the remarks, rather than dropped.
        let mut unread_dobs = Vec::new();
        for dob in &self.dobs {
            match uk_day_month_year(dob) {
                Some(d) => push_unique(&mut e.birth_dates, d),
                None => unread_dobs.push(format!("DOB as published: {dob}")),
            }
        }
        for (town, country) in &self.birth_places {
            let place: Vec<&str> = [town, country]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if !place.is_empty() {
                push_unique(&mut e.places_of_birth, place.join(", "));
            }
            if let Some(c) = country {
                e.add_country(c, CountryRole::PlaceOfBirth);
            }
        }
        for n in &self.nationalities {
            e.add_country(n, CountryRole::Nationality);
        }
        let mut ids: Vec<Identifier> = Vec::new();
        let identifier = |kind, label: &str, value: &str| Identifier {
            kind,
            label: label.to_string(),
            value: value.to_string(),
            country: None,
        };
        for (n, _) in &self.passports {
            push_unique(
                &mut ids,
                identifier(IdentifierKind::Passport, "Passport number", n),
            );
        }
        for (n, _) in &self.national_ids {
            push_unique(
                &mut ids,
                identifier(IdentifierKind::NationalId, "National Identifier number", n),
            );
        }
        for n in &self.registrations {
            push_unique(
                &mut ids,
                identifier(
                    IdentifierKind::Registration,
                    "Business registration number",
                    n,
                ),
            );
        }
        for n in &self.imo_numbers {
            push_unique(
                &mut ids,
                identifier(IdentifierKind::ImoNumber, "IMO number", n),
            );
        }
        e.identifiers = ids;
        for a in &self.addresses {
            let line = |i: usize| a.lines.get(i).cloned().flatten();
            let street: Vec<String> = (0..4).filter_map(line).collect();
            let address = Address {
                street: (!street.is_empty()).then(|| street.join(", ")),
                city: line(5),
                region: line(4),
                postal_code: a.postal_code.clone(),
                country: a.country.clone(),
            };
            if let Some(c) = &a.country {
                e.add_country(c, CountryRole::Address);
            }
            if address != Address::default() {
                push_unique(&mut e.addresses, address);
            }
        }
        if kind == EntityKind::Vessel || self.vessel != VesselDetails::default() {
            if let Some(flag) = &self.vessel.flag {
                e.add_country(flag, CountryRole::Registration);
            }
            e.vessel = Some(self.vessel);
        }
        let mut remarks = self.other_information;
        remarks.append(&mut unread_dobs);
        if let Some(un) = self.un_reference {
            remarks.push(format!("UN reference: {un}"));
        }
        if let Some(group) = self.ofsi_group_id {
            remarks.push(format!("OFSI group: {group}"));
        }
        for (n, info) in self.passports.iter().chain(&self.national_ids) {
            if let Some(info) = info {
                remarks.push(format!("{n}: {info}"));
            }
        }
        if !remarks.is_empty() {
            e.remarks = Some(remarks.join("; "));
        }
        Ok(e)
    }
}
