//! The documents a case requires, against what the documents service holds.

use cdd_contracts::documents::{Document, VerificationStatus};
use serde::Serialize;

use crate::domain::risk::RequiredDocument;

/// Where one required document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementStatus {
    /// Nothing uploaded that would satisfy it.
    Missing,
    /// Uploaded, waiting for an analyst to verify it.
    Received,
    /// Uploaded and verified.
    Verified,
    /// Only rejected documents: a new one is needed.
    Rejected,
}

/// One requirement of the case and the documents that answer it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementState {
    #[serde(flatten)]
    pub required: RequiredDocument,
    pub status: RequirementStatus,
    /// The documents of an accepted type for this party, oldest first.
    pub documents: Vec<String>,
}

impl RequirementState {
    /// What to ask the customer for, in a letter's words.
    pub fn description(&self) -> String {
        let what = match self.required.requirement.as_str() {
            "identity_document" => "Passport or national identity card".to_string(),
            "proof_of_address" => {
                "Proof of address dated within the last three months (utility bill or bank statement)"
                    .to_string()
            }
            "company_registry_extract" => {
                "Extract from the company registry, dated within the last three months".to_string()
            }
            "ownership_chart" => {
                "Ownership chart showing every beneficial owner with 25% or more".to_string()
            }
            "source_of_funds" => "Evidence of the source of funds".to_string(),
            "source_of_wealth" => "Evidence of the source of wealth".to_string(),
            other => other.replace('_', " "),
        };
        match &self.required.party {
            Some(party) => format!("{what} of {party}"),
            None => what,
        }
    }
}

fn same_party(required: Option<&str>, document: Option<&str>) -> bool {
    match (required, document) {
        (None, None) => true,
        (Some(a), Some(b)) => a.trim().to_lowercase() == b.trim().to_lowercase(),
        _ => false,
    }
}

/// Each requirement with its status, from the customer's documents.
pub fn assess(required: &[RequiredDocument], documents: &[Document]) -> Vec<RequirementState> {
    required
        .iter()
        .map(|req| {
            let answering: Vec<&Document> = documents
                .iter()
                .filter(|d| d.erased_at.is_none())
                .filter(|d| req.accepted_types.contains(&d.document_type))
                .filter(|d| same_party(req.party.as_deref(), d.party.as_deref()))
                .collect();
            let has = |s: VerificationStatus| answering.iter().any(|d| d.verification.status == s);
            let status = if has(VerificationStatus::Verified) {
                RequirementStatus::Verified
            } else if has(VerificationStatus::Pending) {
                RequirementStatus::Received
            } else if has(VerificationStatus::Rejected) {
                RequirementStatus::Rejected
            } else {
                RequirementStatus::Missing
            };
            RequirementState {
                required: req.clone(),
                status,
                documents: answering.iter().map(|d| d.id.clone()).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdd_contracts::documents::Verification;

    fn doc(kind: &str, party: Option<&str>, status: VerificationStatus) -> Document {
        Document {
            id: format!("doc_{kind}"),
            customer_id: "cus_1".into(),
            document_type: kind.into(),
            party: party.map(str::to_string),
            sha256: "00".into(),
            size: 1,
            uploaded_at: "2026-01-01T00:00:00Z".into(),
            verification: Verification {
                status,
                reason: None,
                by: None,
            },
            erased_at: None,
            version: 1,
        }
    }

    fn req(requirement: &str, types: &[&str], party: Option<&str>) -> RequiredDocument {
        RequiredDocument {
            requirement: requirement.into(),
            accepted_types: types.iter().map(|t| t.to_string()).collect(),
            party: party.map(str::to_string),
        }
    }

    #[test]
    fn documents_answer_requirements_by_type_party_and_verification() {
        let required = vec![
            req(
                "identity_document",
                &["passport", "national_identity_card"],
                None,
            ),
            req("proof_of_address", &["proof_of_address"], None),
            req("identity_document", &["passport"], Some("Ann Owner")),
            req("source_of_funds", &["source_of_funds_evidence"], None),
        ];
        let docs = vec![
            doc("national_identity_card", None, VerificationStatus::Verified),
            doc("proof_of_address", None, VerificationStatus::Pending),
            // The owner's passport carries her name in another case.
            doc("passport", Some(" ann owner"), VerificationStatus::Rejected),
        ];
        let states = assess(&required, &docs);
        let statuses: Vec<RequirementStatus> = states.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            vec![
                RequirementStatus::Verified,
                RequirementStatus::Received,
                RequirementStatus::Rejected,
                RequirementStatus::Missing
            ]
        );
        assert_eq!(
            states[2].description(),
            "Passport or national identity card of Ann Owner"
        );
    }

    #[test]
    fn a_partys_document_does_not_answer_the_customers_requirement() {
        let required = vec![req("identity_document", &["passport"], None)];
        let docs = vec![doc(
            "passport",
            Some("Ann Owner"),
            VerificationStatus::Verified,
        )];
        assert_eq!(
            assess(&required, &docs)[0].status,
            RequirementStatus::Missing
        );
    }
}
