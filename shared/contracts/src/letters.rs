//! Letters: `POST /v1/letters` (with an `Idempotency-Key`).

use serde::{Deserialize, Serialize};

/// The built-in templates intake uses.
pub mod templates {
    /// Request for information: takes `documents` (a list of strings).
    pub const RFI: &str = "rfi";
    pub const ONBOARDING_APPROVAL: &str = "onboarding-approval";
    pub const REJECTION: &str = "rejection";
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
}
