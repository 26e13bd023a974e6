//! Documents: `GET /v1/customers/{id}/documents`.

use serde::{Deserialize, Serialize};

/// The document types whose wire names intake relies on for a rule of its
/// own (the documents service's `DocumentType` spells them with these).
pub mod types {
    /// Evidence of where the money in the relationship comes from.
    pub const SOURCE_OF_FUNDS_EVIDENCE: &str = "source_of_funds_evidence";
    /// Evidence of how the person came by their wealth as a whole (FATF
    /// Recommendation 12 asks for it of a politically exposed person).
    pub const SOURCE_OF_WEALTH_EVIDENCE: &str = "source_of_wealth_evidence";
}

/// Where a document's check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Pending,
    Verified,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub status: VerificationStatus,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub by: Option<String>,
}

/// A stored document's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub customer_id: String,
    /// `passport`, `proof_of_address`, ... as the documents service names them.
    #[serde(rename = "type")]
    pub document_type: String,
    /// The related party the document belongs to; absent for the customer's own.
    #[serde(default)]
    pub party: Option<String>,
    pub sha256: String,
    pub size: u64,
    /// RFC 3339.
    pub uploaded_at: String,
    pub verification: Verification,
    /// Set once the content is erased at the end of its retention.
    #[serde(default)]
    pub erased_at: Option<String>,
    pub version: u64,
}

/// The answer to `GET /v1/customers/{id}/documents`, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDocuments {
    pub customer_id: String,
    pub documents: Vec<Document>,
}
