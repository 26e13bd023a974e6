//! Letters to the customer: the request for information listing what is
//! missing, and the decision letter.

use cdd_contracts::letters::{self, DecisionReference, Letter, LetterRequest, templates};
use cdd_platform::problem::Problem;

use super::requirements::{self, RequirementStatus};
use super::{Casework, Change, intake_actor, unavailable};
use crate::domain::casefile::{CaseLetter, DecisionOutcome, LetterPurpose, Step};
use crate::domain::customer::{Address, CustomerProfile};
use crate::domain::record::Customer;

fn address_lines(address: &Address) -> Vec<String> {
    let mut lines = vec![address.line1.clone()];
    lines.extend(address.line2.clone());
    lines.push(match &address.postal_code {
        Some(code) => format!("{code} {}", address.city),
        None => address.city.clone(),
    });
    lines.push(address.country.to_string());
    lines
}

/// The fields every letter takes.
fn standard_data(customer: &Customer) -> serde_json::Map<String, serde_json::Value> {
    let address = match &customer.application.profile {
        CustomerProfile::Individual(p) => &p.address,
        CustomerProfile::Organisation(o) => &o.address,
    };
    let mut data = serde_json::Map::new();
    data.insert(
        "customer_name".into(),
        customer.application.display_name().into(),
    );
    data.insert("reference".into(), customer.id.to_string().into());
    data.insert("address".into(), address_lines(address).into());
    data
}

fn count(customer: &Customer, purpose: LetterPurpose) -> usize {
    customer
        .case
        .letters
        .iter()
        .filter(|l| l.purpose == purpose)
        .count()
}

/// Adds the issued letter to the case; the details of its audit event.
fn file_letter(c: &mut Customer, letter: &Letter, purpose: LetterPurpose) -> serde_json::Value {
    c.case.letters.push(CaseLetter {
        letter_id: letter.id.clone(),
        purpose,
        template: letter.template.clone(),
        key: letter.key.clone(),
        sha256: letter.sha256.clone(),
        issued_at: time::OffsetDateTime::now_utc(),
    });
    serde_json::json!({
        "letter_id": letter.id,
        "purpose": purpose,
        "template": letter.template,
        "key": letter.key,
        "sha256": letter.sha256,
    })
}

impl Casework {
    /// Asks letters for the request-for-information letter listing the
    /// documents still missing (or rejected); none if nothing is missing.
    pub async fn request_information(&self, customer: Customer) -> Result<Customer, Problem> {
        let id = &customer.id.clone();
        if !customer.case.is_pending(Step::RequestInformation)
            || customer.case.screening_outstanding()
        {
            return Ok(customer);
        }
        let documents = self
            .documents
            .customer_documents(id.as_str())
            .await
            .map_err(|e| unavailable(&e))?;
        let states = requirements::assess(&self.documents_to_request(&customer), &documents);
        let wanted: Vec<String> = states
            .iter()
            .filter(|s| {
                matches!(
                    s.status,
                    RequirementStatus::Missing | RequirementStatus::Rejected
                )
            })
            .map(|s| s.description())
            .collect();
        let letter = if wanted.is_empty() {
            None
        } else {
            let mut data = standard_data(&customer);
            data.insert("documents".into(), wanted.clone().into());
            let request = LetterRequest {
                template: templates::RFI.to_string(),
                version: None,
                customer_id: id.to_string(),
                data: data.into(),
                format: "pdf".into(),
                decision: None,
            };
            // Numbered, so a retry reuses the key and a later request is new.
            let n = count(&customer, LetterPurpose::RequestForInformation) + 1;
            let key = format!("rfi:{id}:{n}");
            Some(
                self.letters
                    .issue(&key, &request)
                    .await
                    .map_err(|e| unavailable(&e))?,
            )
        };
        self.change_from(id, Some(customer), &intake_actor(), |c| {
            if !c.case.is_pending(Step::RequestInformation) {
                return Ok(None);
            }
            c.case.finish(Step::RequestInformation);
            Ok(Some(match &letter {
                None => Change::new(
                    "information.complete",
                    serde_json::json!({"reason": "every required document is already received"}),
                ),
                Some(letter) => {
                    let mut details = file_letter(c, letter, LetterPurpose::RequestForInformation);
                    details["documents_requested"] = serde_json::json!(wanted);
                    Change::new("letter.issued", details)
                }
            }))
        })
        .await
    }

    /// Sends the letter that tells the customer the decision taken.
    pub async fn send_decision_letter(&self, customer: Customer) -> Result<Customer, Problem> {
        let id = &customer.id.clone();
        let taken = customer
            .case
            .decision
            .as_ref()
            .and_then(|d| d.taken.clone());
        let Some(taken) = taken.filter(|_| customer.case.is_pending(Step::DecisionLetter)) else {
            return Ok(customer);
        };
        let (template, purpose, outcome) = match taken.outcome {
            DecisionOutcome::Approve => (
                templates::ONBOARDING_APPROVAL,
                LetterPurpose::Approval,
                letters::DecisionOutcome::Approve,
            ),
            DecisionOutcome::Reject => (
                templates::REJECTION,
                LetterPurpose::Rejection,
                letters::DecisionOutcome::Reject,
            ),
        };
        let reference = taken.reference(id);
        let request = LetterRequest {
            template: template.to_string(),
            version: None,
            customer_id: id.to_string(),
            data: standard_data(&customer).into(),
            format: "pdf".into(),
            decision: Some(DecisionReference {
                reference: reference.clone(),
                outcome,
            }),
        };
        let key = format!("decision:{id}:{}", taken.at.unix_timestamp_nanos());
        let letter = self
            .letters
            .issue(&key, &request)
            .await
            .map_err(|e| unavailable(&e))?;
        self.change_from(id, Some(customer), &intake_actor(), |c| {
            if !c.case.is_pending(Step::DecisionLetter) {
                return Ok(None);
            }
            c.case.finish(Step::DecisionLetter);
            let mut details = file_letter(c, &letter, purpose);
            details["decision_reference"] = reference.clone().into();
            Ok(Some(Change::new("letter.issued", details)))
        })
        .await
    }
}
