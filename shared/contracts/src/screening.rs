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
    /// `ofac_sdn`, `ofac_non_sdn`, `un_consolidated` or `bis_denied`.
    pub list: String,
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
    pub matched_name: String,
    pub list_version: String,
    pub score: f64,
    #[serde(default)]
    pub explanation: serde_json::Value,
    /// RFC 3339.
    pub raised_at: String,
}

/// `GET /v1/alerts?since=`: pass `next` as the following `since`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertPage {
    pub alerts: Vec<MonitoringAlert>,
    pub next: String,
}
