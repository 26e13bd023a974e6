//! The customer record as stored: the application, its case and where its
//! audit trail ends.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::audit::AuditHead;
use super::casefile::{
    Alert, CaseLetter, Decision, FailedStep, PendingStep, ScreeningRecord, Step,
};
use super::customer::{Application, CalendarDate};
use super::risk::{ConfirmedPep, Findings, RiskAssessment};

/// A customer id: `cus_` and a UUIDv7 (time-ordered) in hex; the one rule
/// every service reads it by.
pub use cdd_contracts::CustomerId;

/// Where the case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Collecting documents and clearing alerts.
    Open,
    /// An analyst proposed a decision; an approver must take it.
    PendingApproval,
    Approved,
    Rejected,
}

impl CaseStatus {
    /// Every status, in the order lists walk them.
    pub const ALL: [CaseStatus; 4] = [
        Self::Open,
        Self::PendingApproval,
        Self::Approved,
        Self::Rejected,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::PendingApproval => "pending_approval",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn index(&self) -> usize {
        Self::ALL.iter().position(|s| s == self).unwrap_or(0)
    }
}

/// The case the bank runs on the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub status: CaseStatus,
    pub risk: RiskAssessment,
    pub next_review_at: CalendarDate,
    /// The last screening of the customer and its parties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<ScreeningRecord>,
    /// Potential screening matches, open or disposed, oldest first.
    #[serde(default)]
    pub alerts: Vec<Alert>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub letters: Vec<CaseLetter>,
    /// Steps accepted but waiting for a service that was unavailable.
    #[serde(default)]
    pub pending: Vec<PendingStep>,
    /// Steps a service refused: not retried, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_steps: Vec<FailedStep>,
}

impl Case {
    /// A new case, with the steps every onboarding goes through still to do.
    pub fn open(risk: RiskAssessment, next_review_at: CalendarDate, now: OffsetDateTime) -> Self {
        Self {
            status: CaseStatus::Open,
            risk,
            next_review_at,
            screening: None,
            alerts: Vec::new(),
            decision: None,
            letters: Vec::new(),
            pending: vec![
                PendingStep {
                    step: Step::Screening,
                    since: now,
                },
                PendingStep {
                    step: Step::RequestInformation,
                    since: now,
                },
            ],
            failed_steps: Vec::new(),
        }
    }

    /// What screening found so far, for the risk rating.
    pub fn findings(&self) -> Findings {
        Findings {
            open_alerts: self.alerts.iter().filter(|a| a.is_open()).count(),
            confirmed_matches: self.alerts.iter().filter(|a| a.is_true_match()).count(),
            confirmed_peps: self
                .alerts
                .iter()
                .filter(|a| a.is_confirmed_pep())
                .map(|a| ConfirmedPep {
                    party: a.party.clone(),
                    is_customer: a.concerns_customer(),
                    status: a.pep_status(),
                    position: a.pep_position(),
                    standing: a.pep.as_ref().map(|p| p.reason.clone()),
                })
                .collect(),
        }
    }

    pub fn open_alerts(&self) -> usize {
        self.findings().open_alerts
    }

    pub fn is_pending(&self, step: Step) -> bool {
        self.pending.iter().any(|p| p.step == step)
    }

    /// Screening has not given its result: still pending, or refused.
    pub fn screening_outstanding(&self) -> bool {
        self.is_pending(Step::Screening) || self.has_failed(Step::Screening)
    }

    pub fn has_failed(&self, step: Step) -> bool {
        self.failed_steps.iter().any(|f| f.step == step)
    }

    /// Takes `step` off the pending steps for good: it was refused.
    pub fn fail(&mut self, step: Step, reason: String, now: OffsetDateTime) {
        self.finish(step);
        self.failed_steps.retain(|f| f.step != step);
        self.failed_steps.push(FailedStep {
            step,
            at: now,
            reason,
        });
    }

    /// Adds `step` to the pending steps unless it is there already (a
    /// step called for again is tried again, even if it was refused).
    pub fn add_pending(&mut self, step: Step, now: OffsetDateTime) {
        self.failed_steps.retain(|f| f.step != step);
        if !self.is_pending(step) {
            self.pending.push(PendingStep { step, since: now });
        }
    }

    pub fn finish(&mut self, step: Step) {
        self.pending.retain(|p| p.step != step);
    }
}

/// A stored customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    /// Starts at 1; every update is conditional on it and increments it.
    pub version: u64,
    pub application: Application,
    pub case: Case,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub audit_head: AuditHead,
}

impl Customer {
    /// The API representation.
    pub fn view(&self) -> serde_json::Value {
        let mut application = serde_json::to_value(&self.application).unwrap_or_default();
        let kind = application
            .as_object_mut()
            .and_then(|m| m.remove("kind"))
            .unwrap_or_default();
        serde_json::json!({
            "id": self.id,
            "version": self.version,
            "kind": kind,
            "customer": application,
            "case": self.case,
            "created_at": self.created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "updated_at": self.updated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        })
    }
}
