//! What a case collects on its way to a decision: screening alerts and
//! their dispositions, the letters sent, the decision (proposed by one
//! person, taken by another) and the steps still to finish.

use cdd_contracts::screening::{ListCategory, MatchedPosition, PepStanding, PepStatus};
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
    /// The party is the listed sanctioned, wanted or internally listed entity.
    TrueMatch,
    /// The party is the politically exposed person listed.
    ConfirmedPep,
    FalsePositive,
}

impl DispositionOutcome {
    pub const ALL: [DispositionOutcome; 3] =
        [Self::TrueMatch, Self::ConfirmedPep, Self::FalsePositive];
    pub const NAMES: &[&str] = &["true_match", "confirmed_pep", "false_positive"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TrueMatch => "true_match",
            Self::ConfirmedPep => "confirmed_pep",
            Self::FalsePositive => "false_positive",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw)
    }

    /// The findings an analyst may record on an alert of `category`:
    /// confirming a PEP starts enhanced due diligence, confirming a true
    /// match starts the freeze-and-report procedure, so neither may be
    /// recorded on the other's alerts.
    pub fn allowed_for(category: ListCategory) -> &'static [DispositionOutcome] {
        match category {
            ListCategory::Pep => &[Self::ConfirmedPep, Self::FalsePositive],
            ListCategory::Sanction | ListCategory::Crime | ListCategory::Internal => {
                &[Self::TrueMatch, Self::FalsePositive]
            }
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

/// A potential match of one of the case's parties on a sanctions, PEP,
/// crime or internal list.
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
    /// Why the entity is listed; alerts stored before categories existed
    /// were all sanctions alerts.
    #[serde(default)]
    pub category: ListCategory,
    pub primary_name: String,
    pub matched_name: String,
    pub score: f64,
    pub list_version: String,
    /// A PEP's public functions as screening reported them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<MatchedPosition>,
    /// A PEP's standing (current or former, and why) on the day screened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pep: Option<PepStanding>,
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
        self.outcome() == Some(DispositionOutcome::TrueMatch)
    }

    /// The alert is on the customer itself: a related party's screening
    /// reference is the customer's id, a dot and a digest of its name.
    pub fn concerns_customer(&self) -> bool {
        !self.subject_ref.contains('.')
    }

    pub fn is_confirmed_pep(&self) -> bool {
        self.outcome() == Some(DispositionOutcome::ConfirmedPep)
    }

    fn outcome(&self) -> Option<DispositionOutcome> {
        self.disposition.as_ref().map(|d| d.outcome)
    }

    /// Current unless screening said former: a PEP list that gives no
    /// functions, or a monitoring alert (which carries no standing), says
    /// nothing of the person having left office.
    pub fn pep_status(&self) -> PepStatus {
        self.pep
            .as_ref()
            .map(|p| p.status)
            .unwrap_or(PepStatus::Current)
    }

    /// The function that makes the party a PEP, in words: one held now if
    /// any, else the one that ended last.
    pub fn pep_position(&self) -> Option<String> {
        let held = self.positions.iter().find(|p| p.held_now);
        let latest = || self.positions.iter().max_by(|a, b| a.end.cmp(&b.end));
        held.or_else(latest).map(|p| {
            let mut out = p.title.clone();
            if let Some(c) = &p.country {
                out.push_str(&format!(" ({c})"));
            }
            match (&p.start, &p.end, p.held_now) {
                (Some(s), _, true) => out.push_str(&format!(", since {s}")),
                (_, Some(e), false) => out.push_str(&format!(", until {e}")),
                _ => {}
            }
            out
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_category_has_its_findings() {
        let pep = DispositionOutcome::allowed_for(ListCategory::Pep);
        assert!(pep.contains(&DispositionOutcome::ConfirmedPep));
        assert!(!pep.contains(&DispositionOutcome::TrueMatch));
        for category in [
            ListCategory::Sanction,
            ListCategory::Crime,
            ListCategory::Internal,
        ] {
            let allowed = DispositionOutcome::allowed_for(category);
            assert!(allowed.contains(&DispositionOutcome::TrueMatch));
            assert!(!allowed.contains(&DispositionOutcome::ConfirmedPep));
        }
        for category in ListCategory::all() {
            assert!(
                DispositionOutcome::allowed_for(category)
                    .contains(&DispositionOutcome::FalsePositive)
            );
        }
        for o in DispositionOutcome::ALL {
            assert_eq!(DispositionOutcome::parse(o.as_str()), Some(o));
            assert_eq!(serde_json::json!(o), o.as_str());
        }
    }

    #[test]
    fn an_alert_stored_before_categories_reads_as_a_sanctions_alert() {
        let stored = serde_json::json!({
            "id": "alt_1", "source": "onboarding", "subject_ref": "cus_1", "party": "Maria Lopez",
            "entity_id": "ofac-sdn:1", "list": "ofac-sdn", "primary_name": "MARIA LOPEZ",
            "matched_name": "MARIA LOPEZ", "score": 0.97, "list_version": "v1", "explanation": null,
            "raised_at": "2026-01-01T00:00:00Z",
            "disposition": {"outcome": "true_match", "reason": "same person", "by": "a", "at": "2026-01-02T00:00:00Z"}
        });
        let alert: Alert = serde_json::from_value(stored).unwrap();
        assert_eq!(alert.category, ListCategory::Sanction);
        assert!(alert.positions.is_empty() && alert.pep.is_none());
        assert!(alert.is_true_match() && alert.concerns_customer());
    }

    #[test]
    fn the_function_named_is_the_one_held_else_the_last_one() {
        let position = |title: &str, end: Option<&str>, held_now| MatchedPosition {
            title: title.into(),
            country: Some("US".into()),
            start: Some("2019-01-03".into()),
            end: end.map(str::to_string),
            held_now,
        };
        let stored = serde_json::json!({
            "id": "alt_1", "source": "onboarding", "subject_ref": "cus_1.pabc", "party": "Ann Lee",
            "entity_id": "us-congress:X1", "list": "us-congress", "category": "pep",
            "primary_name": "Ann Lee", "matched_name": "Ann Lee", "score": 1.0,
            "list_version": "v1", "explanation": null, "raised_at": "2026-01-01T00:00:00Z"
        });
        let mut alert: Alert = serde_json::from_value(stored).unwrap();
        assert_eq!(alert.pep_status(), PepStatus::Current);
        assert!(!alert.concerns_customer());
        alert.positions = vec![
            position("Representative", Some("2021-01-03"), false),
            position("Senator", Some("2023-01-03"), false),
        ];
        assert_eq!(
            alert.pep_position().unwrap(),
            "Senator (US), until 2023-01-03"
        );
        alert.positions.push(position("Governor", None, true));
        assert_eq!(
            alert.pep_position().unwrap(),
            "Governor (US), since 2019-01-03"
        );
    }
}
