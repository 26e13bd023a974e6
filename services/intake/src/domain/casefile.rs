//! What a case collects on its way to a decision: screening alerts and
//! their dispositions, the letters sent, the decision (proposed by one
//! person, taken by another) and the steps still to finish.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Where an alert came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSource {
    /// Screening the customer and its parties when the case was opened.
    Onboarding,
    /// Ongoing monitoring: a new list version matched a party.
    Monitoring,
}

/// An analyst's finding on an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DispositionOutcome {
    TrueMatch,
    FalsePositive,
}

impl DispositionOutcome {
    pub const NAMES: &[&str] = &["true_match", "false_positive"];

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "true_match" => Some(Self::TrueMatch),
            "false_positive" => Some(Self::FalsePositive),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disposition {
    pub outcome: DispositionOutcome,
    pub reason: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A potential sanctions match of one of the case's parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// `alt_` and 32 hex digits.
    pub id: String,
    pub source: AlertSource,
    /// Which party matched: its screening reference and name.
    pub subject_ref: String,
    pub party: String,
    pub entity_id: String,
    pub list: String,
    pub primary_name: String,
    pub matched_name: String,
    pub score: f64,
    pub list_version: String,
    /// Screening's explanation of the score, kept as evidence.
    pub explanation: serde_json::Value,
    /// The monitoring alert this came from, so a re-read feed adds nothing twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening_alert_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub raised_at: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<Disposition>,
}

impl Alert {
    pub fn new_id() -> String {
        format!("alt_{}", uuid::Uuid::now_v7().simple())
    }

    pub fn is_open(&self) -> bool {
        self.disposition.is_none()
    }

    pub fn is_true_match(&self) -> bool {
        matches!(
            self.disposition,
            Some(Disposition {
                outcome: DispositionOutcome::TrueMatch,
                ..
            })
        )
    }
}

/// The last screening of the case's parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreeningRecord {
    pub list_version: String,
    /// Screened against the fictional demo list (local runs only).
    pub demo: bool,
    pub parties_screened: usize,
    pub potential_matches: usize,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// What the customer should be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Approve,
    Reject,
}

impl DecisionOutcome {
    pub const NAMES: &[&str] = &["approve", "reject"];

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "approve" => Some(Self::Approve),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
        }
    }
}

/// One person's part in a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionStep {
    pub outcome: DecisionOutcome,
    pub reason: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl DecisionStep {
    /// The reference of this decision once taken: the decision letter
    /// carries it, and the audit trail names it on the decision and on the
    /// letter.
    pub fn reference(&self, customer: &impl std::fmt::Display) -> String {
        cdd_contracts::letters::decision_reference(
            &customer.to_string(),
            self.at.unix_timestamp_nanos(),
        )
    }
}

/// A decision: proposed by an analyst, taken by an approver who is not the
/// proposer (four eyes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub proposed: DecisionStep,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<DecisionStep>,
}

/// Why a letter was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterPurpose {
    RequestForInformation,
    Approval,
    Rejection,
}

/// A letter issued by the letters service for this case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLetter {
    pub letter_id: String,
    pub purpose: LetterPurpose,
    pub template: String,
    /// The object key in the outbound bucket.
    pub key: String,
    pub sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
}

/// A step of the case that needs another service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Screen the customer and every related party (and enrol them for monitoring).
    Screening,
    /// Send the request-for-information letter listing the documents missing.
    RequestInformation,
    /// Send the letter that tells the customer the decision.
    DecisionLetter,
}

impl Step {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Screening => "screening",
            Self::RequestInformation => "request_information",
            Self::DecisionLetter => "decision_letter",
        }
    }
}

/// A step that can never succeed as asked: the service it needs answered
/// and refused it (it was not down). It is not retried; the case shows why,
/// in the other service's words, until the step is called for again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedStep {
    pub step: Step,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub reason: String,
}

/// A step accepted but not finished yet: the service it needs was
/// unavailable. The casework worker finishes it when the service is back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingStep {
    pub step: Step,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}
