//! The one entity model every list is parsed into: sanctions, politically
//! exposed persons (PEPs), criminal watchlists and the bank's own lists.
//!
//! OFAC, the UN, BIS, the EU, the UK, the US Congress data, OpenSanctions'
//! FollowTheMoney files and the bank's CSV publish very different shapes; the
//! matcher, the diff and the HTTP layer only ever see [`ListedEntity`], so a
//! new list is a new parser and nothing else.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which published list an entity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceList {
    /// OFAC Specially Designated Nationals (`sdn.csv`).
    OfacSdn,
    /// OFAC consolidated non-SDN lists (`cons_prim.csv`).
    OfacNonSdn,
    /// United Nations Security Council Consolidated List (XML).
    UnConsolidated,
    /// US Commerce BIS Denied Persons List (`dpl.txt`).
    BisDenied,
    /// EU consolidated list of persons, groups and entities subject to
    /// financial sanctions (the FSF XML export).
    EuFinancialSanctions,
    /// UK Sanctions List (FCDO).
    UkSanctions,
    /// US Congress members, presidents and vice presidents
    /// (`unitedstates/congress-legislators` YAML): PEPs.
    UsCongressLegislators,
    /// FollowTheMoney entities as OpenSanctions publishes them
    /// (`entities.ftm.json`); each entity's category comes from its topics.
    FollowTheMoney,
    /// The bank's own lists (exited customers, fraud, blocklist) as CSV.
    Internal,
}

impl SourceList {
    /// Prefix of the entity ids of this list, e.g. `ofac-sdn:12345`.
    pub fn id_prefix(self) -> &'static str {
        match self {
            SourceList::OfacSdn => "ofac-sdn",
            SourceList::OfacNonSdn => "ofac-cons",
            SourceList::UnConsolidated => "un",
            SourceList::BisDenied => "bis-dpl",
            SourceList::EuFinancialSanctions => "eu-fsf",
            SourceList::UkSanctions => "uk-sanctions",
            SourceList::UsCongressLegislators => "us-congress",
            SourceList::FollowTheMoney => "ftm",
            SourceList::Internal => "internal",
        }
    }

    /// The category of this list's entries unless an entry says otherwise
    /// (FollowTheMoney entities carry their own topics).
    pub fn default_category(self) -> ListCategory {
        match self {
            SourceList::UsCongressLegislators => ListCategory::Pep,
            SourceList::Internal => ListCategory::Internal,
            _ => ListCategory::Sanction,
        }
    }

    pub fn all() -> [SourceList; 9] {
        [
            SourceList::OfacSdn,
            SourceList::OfacNonSdn,
            SourceList::UnConsolidated,
            SourceList::BisDenied,
            SourceList::EuFinancialSanctions,
            SourceList::UkSanctions,
            SourceList::UsCongressLegislators,
            SourceList::FollowTheMoney,
            SourceList::Internal,
        ]
    }
}

impl fmt::Display for SourceList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id_prefix())
    }
}

pub use cdd_contracts::screening::ListCategory;

/// A prominent public function a PEP holds or held.
///
/// Dates are ISO 8601 as precise as the source gives them (`2021-01-03`,
/// `2019-05`, `2019`); a missing end means the source says it is still held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// E.g. `United States Senator for Massachusetts`.
    pub title: String,
    /// ISO 3166-1 alpha-2 of the country the function is exercised for.
    pub country: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
}

impl Position {
    /// Whether the position is held on `today` (an ISO date, `YYYY-MM-DD`):
    /// started (or no start given) and not yet ended. A date given only as
    /// a year or month counts from its first day and to its last.
    pub fn held_on(&self, today: &str) -> bool {
        let started = self
            .start
            .as_deref()
            .is_none_or(|s| pad_date(s, "-01-01").as_str() <= today);
        let not_ended = self
            .end
            .as_deref()
            .is_none_or(|e| pad_date(e, "-12-31").as_str() >= today);
        started && not_ended
    }

    /// The last day of the position when it has ended by `today`.
    pub fn ended_by(&self, today: &str) -> Option<String> {
        let end = pad_date(self.end.as_deref()?, "-12-31");
        (end.as_str() < today).then_some(end)
    }
}

/// Completes a partial ISO date with `tail` (`-01-01` or `-12-31`).
fn pad_date(date: &str, tail: &str) -> String {
    match date.len() {
        4 => format!("{date}{tail}"),
        7 => format!("{date}{}", &tail[3..]),
        _ => date.to_string(),
    }
}

/// What sort of party a listed entry (or a screened subject) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organisation,
    Vessel,
    Aircraft,
}

impl EntityKind {
    pub fn all() -> [EntityKind; 4] {
        [
            EntityKind::Person,
            EntityKind::Organisation,
            EntityKind::Vessel,
            EntityKind::Aircraft,
        ]
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntityKind::Person => "person",
            EntityKind::Organisation => "organisation",
            EntityKind::Vessel => "vessel",
            EntityKind::Aircraft => "aircraft",
        })
    }
}

/// Stable entity id, prefixed by its source list (`ofac-sdn:36`, `un:QDi.001`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntityId(pub String);

impl EntityId {
    pub fn new(list: SourceList, local: &str) -> Self {
        EntityId(format!("{}:{}", list.id_prefix(), local))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How much an alias can be relied on. OFAC and the UN both flag "low
/// quality" aliases: they are too generic to alert on by themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasStrength {
    Strong,
    Weak,
}

/// Another name an entity is, or was, known by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub strength: AliasStrength,
    /// `aka`, `fka`, `nka`, `original_script`, ... as the list says.
    pub alias_type: String,
}

/// A date of birth as precise as the list gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "precision", rename_all = "snake_case")]
pub enum BirthDate {
    /// Day, month and year are known.
    Exact { year: i32, month: u8, day: u8 },
    /// Month and year only (`DOB Dec 1962`).
    Month { year: i32, month: u8 },
    /// Year only (`DOB 1946`).
    Year { year: i32 },
    /// "circa 1970" / UN `APPROXIMATELY`.
    Approximate { year: i32 },
    /// "1960 to 1962" / UN `BETWEEN`.
    Range { from_year: i32, to_year: i32 },
}

impl BirthDate {
    /// The inclusive year span this date allows; approximate years allow ±1.
    pub fn year_span(&self) -> (i32, i32) {
        match *self {
            BirthDate::Exact { year, .. }
            | BirthDate::Month { year, .. }
            | BirthDate::Year { year } => (year, year),
            BirthDate::Approximate { year } => (year - 1, year + 1),
            BirthDate::Range { from_year, to_year } => (from_year, to_year),
        }
    }
}

/// Why a country is attached to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryRole {
    Nationality,
    Citizenship,
    Address,
    PlaceOfBirth,
    Registration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryLink {
    pub country: String,
    pub role: CountryRole,
}

/// Kind of an official identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    Passport,
    NationalId,
    TaxId,
    Registration,
    ImoNumber,
    Mmsi,
    AircraftTail,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    pub kind: IdentifierKind,
    /// The list's own label, e.g. `Cedula No.` or `C.U.R.P.`.
    pub label: String,
    pub value: String,
    pub country: Option<String>,
}

impl Identifier {
    /// Comparison form: upper-case ASCII letters and digits only, so that
    /// `AB 12-345` and `ab12345` are the same document number.
    pub fn normalised_value(value: &str) -> String {
        value
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// Vessel particulars from the OFAC SDN columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VesselDetails {
    pub call_sign: Option<String>,
    pub vessel_type: Option<String>,
    pub tonnage: Option<String>,
    pub gross_tonnage: Option<String>,
    pub flag: Option<String>,
    pub owner: Option<String>,
}

/// One listed person, organisation, vessel or aircraft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedEntity {
    pub id: EntityId,
    pub list: SourceList,
    /// Why the entry is listed; older stored entities were all sanctions.
    #[serde(default)]
    pub category: ListCategory,
    pub programs: Vec<String>,
    pub kind: EntityKind,
    pub primary_name: String,
    pub aliases: Vec<Alias>,
    pub birth_dates: Vec<BirthDate>,
    pub places_of_birth: Vec<String>,
    pub countries: Vec<CountryLink>,
    pub identifiers: Vec<Identifier>,
    pub addresses: Vec<Address>,
    pub title: Option<String>,
    pub vessel: Option<VesselDetails>,
    pub remarks: Option<String>,
    /// The public functions of a PEP (empty for other categories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<Position>,
}

impl ListedEntity {
    pub fn new(id: EntityId, list: SourceList, kind: EntityKind, primary_name: String) -> Self {
        ListedEntity {
            id,
            list,
            category: list.default_category(),
            programs: Vec::new(),
            kind,
            primary_name,
            aliases: Vec::new(),
            birth_dates: Vec::new(),
            places_of_birth: Vec::new(),
            countries: Vec::new(),
            identifiers: Vec::new(),
            addresses: Vec::new(),
            title: None,
            vessel: None,
            remarks: None,
            positions: Vec::new(),
        }
    }

    /// Adds a country unless the same country with the same role is there.
    pub fn add_country(&mut self, country: &str, role: CountryRole) {
        let country = country.trim().trim_end_matches('.').trim();
        if country.is_empty() {
            return;
        }
        if !self
            .countries
            .iter()
            .any(|c| c.role == role && c.country.eq_ignore_ascii_case(country))
        {
            self.countries.push(CountryLink {
                country: country.to_string(),
                role,
            });
        }
    }

    /// Adds an alias unless it repeats the primary name or another alias.
    pub fn add_alias(&mut self, name: &str, strength: AliasStrength, alias_type: &str) {
        let name = name.trim();
        if name.is_empty()
            || name.eq_ignore_ascii_case(&self.primary_name)
            || self
                .aliases
                .iter()
                .any(|a| a.name.eq_ignore_ascii_case(name))
        {
            return;
        }
        self.aliases.push(Alias {
            name: name.to_string(),
            strength,
            alias_type: alias_type.to_string(),
        });
    }

    /// Primary name then aliases, each with its strength.
    pub fn names(&self) -> impl Iterator<Item = (&str, AliasStrength)> {
        std::iter::once((self.primary_name.as_str(), AliasStrength::Strong))
            .chain(self.aliases.iter().map(|a| (a.name.as_str(), a.strength)))
    }
}
