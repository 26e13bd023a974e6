//! Screening: `POST /v1/screenings/batch` and the monitoring feed `GET /v1/alerts`.

use serde::{Deserialize, Serialize};

/// What kind of party is screened (screening's `Kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Person,
    Organisation,
    Vessel,
    Aircraft,
}

/// Why a listed entry is listed, carried on every match: each category has
/// its own procedure (a sanctions hit is frozen and reported, a PEP gets
/// enhanced due diligence and senior-management approval, an internal-list
/// hit goes to the team that listed it).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ListCategory {
    /// Subject to sanctions or an export denial. Matches recorded before
    /// categories existed were all sanctions.
    #[default]
    Sanction,
    /// A politically exposed person (FATF Recommendation 12).
    Pep,
    /// On a criminal or law-enforcement watchlist (wanted, convicted).
    Crime,
    /// On one of the bank's own lists.
    Internal,
}

impl ListCategory {
    pub fn all() -> [ListCategory; 4] {
        [
            ListCategory::Sanction,
            ListCategory::Pep,
            ListCategory::Crime,
            ListCategory::Internal,
        ]
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ListCategory::Sanction => "sanction",
            ListCategory::Pep => "pep",
            ListCategory::Crime => "crime",
            ListCategory::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ListCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of a PEP's public functions as a match reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedPosition {
    /// E.g. `United States Senator for Massachusetts`.
    pub title: String,
    /// ISO 3166-1 alpha-2 of the country the function is exercised for.
    #[serde(default)]
    pub country: Option<String>,
    /// ISO 8601, as precise as the list gives it (`2021-01-03`, `2019`).
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    /// Held on the day of screening.
    pub held_now: bool,
}

/// Whether a PEP is current or former under the bank's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepStatus {
    /// Holds a function now, or left the last one within the bank's period.
    Current,
    /// Left the last function longer ago than the bank's period.
    Former,
}

/// Current or former, and why, in words an analyst can put in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PepStanding {
    pub status: PepStatus,
    pub reason: String,
}

/// The party to screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub name: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Names or ISO alpha-2 codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
}

/// One subject of a screening request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreeningRequest {
    pub subject: Subject,
    /// The caller's id for the party; required with `monitor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_ref: Option<String>,
    /// Keep the subject and raise alerts when a new list version matches it.
    #[serde(default)]
    pub monitor: bool,
}

/// `POST /v1/screenings/batch` (up to 1,000 subjects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRequest {
    pub subjects: Vec<ScreeningRequest>,
}

/// A listed entity that may be the subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub entity_id: String,
    /// The source list: `ofac_sdn`, `ofac_non_sdn`, `un_consolidated`,
    /// `bis_denied`, `eu_financial_sanctions`, `uk_sanctions`,
    /// `us_congress_legislators`, `follow_the_money` or `internal`.
    pub list: String,
    /// Why the entity is listed.
    #[serde(default)]
    pub category: ListCategory,
    #[serde(default)]
    pub programs: Vec<String>,
    pub primary_name: String,
    pub matched_name: String,
    pub score: f64,
    /// The score reached the threshold: a potential match to dispose.
    pub is_match: bool,
    /// Token-by-token comparison and qualifier effects, kept as evidence.
    #[serde(default)]
    pub explanation: serde_json::Value,
    /// A PEP's public functions (empty for other categories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<MatchedPosition>,
    /// A PEP's standing on the day of screening under the bank's policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep: Option<PepStanding>,
}

/// One subject's result, in request order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchResult {
    #[serde(default)]
    pub subject_ref: Option<String>,
    #[serde(default)]
    pub monitored: bool,
    pub matches: Vec<Match>,
}

/// The answer to a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchScreening {
    pub list_version: String,
    /// Screened against the fictional demo list (local runs only).
    #[serde(default)]
    pub demo: bool,
    pub results: Vec<BatchResult>,
}

/// A new potential match of a monitored subject, raised by a list change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringAlert {
    pub id: String,
    pub seq: u64,
    pub subject_ref: String,
    pub entity_id: String,
    pub list: String,
    /// Why the entity is listed.
    #[serde(default)]
    pub category: ListCategory,
    pub matched_name: String,
    pub list_version: String,
    pub score: f64,
    #[serde(default)]
    pub explanation: serde_json::Value,
    /// A PEP's public functions on the day the alert was raised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<MatchedPosition>,
    /// A PEP's standing on that day under the bank's period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep: Option<PepStanding>,
    /// RFC 3339.
    pub raised_at: String,
}

/// `GET /v1/alerts?since=`: pass `next` as the following `since`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertPage {
    pub alerts: Vec<MonitoringAlert>,
    pub next: String,
}
