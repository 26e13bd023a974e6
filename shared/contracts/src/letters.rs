//! Letters: `POST /v1/letters` (with an `Idempotency-Key`).

use serde::{Deserialize, Serialize};

/// The built-in templates intake uses.
pub mod templates {
    /// Request for information: takes `documents` (a list of strings).
    pub const RFI: &str = "rfi";
    pub const ONBOARDING_APPROVAL: &str = "onboarding-approval";
    pub const REJECTION: &str = "rejection";
}

/// The outcome a decision letter reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Approve,
    Reject,
}

impl DecisionOutcome {
    /// The outcome named `approve` or `reject` on the wire.
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

/// The recorded decision a decision letter reports. Letters issues a letter
/// from a decision template only to the `service` role (intake, after it has
/// recorded the decision) and only with this reference, whose outcome must
/// be the one the template reports: no person can send a decision letter
/// for a case that was never decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionReference {
    /// Intake's reference of the decision ([`decision_reference`]).
    pub reference: String,
    pub outcome: DecisionOutcome,
}

/// Longest decision reference.
pub const MAX_DECISION_REFERENCE_CHARS: usize = 128;

/// The reference intake gives a taken decision: the customer and the
/// moment it was taken, so one case's decisions are told apart and the
/// audit trail's `decision.approved`/`decision.rejected` event names it.
pub fn decision_reference(customer_id: &str, taken_at_unix_nanos: i128) -> String {
    format!("{customer_id}:decision:{taken_at_unix_nanos}")
}

/// Whether `reference` has the form every decision reference has: 1 to
/// [`MAX_DECISION_REFERENCE_CHARS`] characters of `A-Z a-z 0-9 _ - : .`.
pub fn is_decision_reference(reference: &str) -> bool {
    !reference.is_empty()
        && reference.len() <= MAX_DECISION_REFERENCE_CHARS
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-:.".contains(&b))
}

/// What to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterRequest {
    pub template: String,
    /// The latest version when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub customer_id: String,
    /// `customer_name`, `reference`, `address` (1 to 8 lines) and the
    /// template's own fields.
    pub data: serde_json::Value,
    /// `pdf`, `html` or `text`.
    pub format: String,
    /// Required for (and only for) a template that reports a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionReference>,
}

/// An issued letter, kept in the outbound bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Letter {
    pub id: String,
    pub customer_id: String,
    pub template: String,
    pub version: u32,
    pub format: String,
    pub content_type: String,
    /// The object key in the outbound bucket.
    pub key: String,
    /// Hex SHA-256 of the rendered letter.
    pub sha256: String,
    pub size: u64,
    /// RFC 3339.
    pub created_at: String,
    /// The decision the letter reports, for a decision letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionReference>,
}
