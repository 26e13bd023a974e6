//! Casework: the onboarding steps that involve the other services, and the
//! rules of dispositions and decisions.
//!
//! Every change to a case goes through [`Casework::change`]: read the
//! customer, apply the change, re-rate the risk with what screening found,
//! and write the record with its audit event, conditional on the version read
//! (a concurrent change makes it read again and re-apply).
//!
//! Steps that need another service (screening the parties, the
//! request-for-information letter, the decision letter) are first recorded
//! as pending on the case, in the same write as the change that calls for
//! them, and then attempted. If the service is down the step stays pending
//! and the [`worker`] finishes it when the service is back: nothing accepted
//! is lost, and the case shows what it is waiting for. A decision cannot be
//! taken while screening is pending.

pub mod decision;
pub mod letters;
pub mod monitoring;
pub mod parties;
pub mod requirements;
pub mod screening;
pub mod submission;
pub mod worker;

use std::sync::Arc;

use cdd_platform::auth::{Caller, Role};
use cdd_platform::problem::{self, Problem};
use time::OffsetDateTime;

use crate::dependencies::{DependencyError, Documents, Letters, Screening};
use crate::domain::audit::AuditEvent;
use crate::domain::casefile::Step;
use crate::domain::record::{CaseStatus, Customer, CustomerId};
use crate::domain::risk::{
    CddLevel, Findings, RequiredDocument, RiskAssessment, RiskFactor, RiskRater, next_review,
};
use crate::store::{CustomerStore, StoreError};

/// How often a change is re-applied when other writers keep winning.
const MAX_ATTEMPTS: usize = 8;

/// What a PEP relationship requires beyond a standard case (FATF R.12).
const PEP_MEASURES: &[&str] = &[
    "enhanced_due_diligence",
    "source_of_wealth",
    "source_of_funds",
    "senior_management_approval",
];

/// The factors that require enhanced due diligence.
fn enhanced_reasons(risk: &RiskAssessment) -> Vec<&RiskFactor> {
    risk.factors
        .iter()
        .filter(|f| f.requires_enhanced)
        .collect()
}

/// Seconds a caller is told to wait when a service intake needs is down.
pub const RETRY_AFTER_SECS: u64 = 5;

/// A change to record: its audit action and details.
pub struct Change {
    pub action: &'static str,
    pub details: serde_json::Value,
}

impl Change {
    pub fn new(action: &'static str, details: serde_json::Value) -> Self {
        Self { action, details }
    }
}

/// The actor of steps intake takes on its own (retries, monitoring).
pub fn intake_actor() -> Caller {
    Caller::new(crate::dependencies::token::SUBJECT, Role::Service)
}

/// A dependency failure as the caller sees it.
pub fn unavailable(err: &DependencyError) -> Problem {
    match err {
        DependencyError::Unavailable { service, .. } => Problem::unavailable(
            format!("the {service} service is unavailable; retry shortly"),
            RETRY_AFTER_SECS,
            err,
        ),
        // Refused for intake's standing (its token, a rate limit, a
        // conflict), not for what it asked: an operator's fix, after which
        // the same request succeeds, so steps stay pending.
        DependencyError::Refused {
            service,
            status: 401 | 403 | 409 | 429,
            ..
        } => Problem::unavailable(
            format!("the {service} service refused intake for now; retry shortly"),
            RETRY_AFTER_SECS,
            err,
        ),
        // Refused for what was asked: asking again gets the same answer,
        // so a step stops (see `run_pending_from`); the detail says why.
        DependencyError::Refused {
            service, detail, ..
        } => {
            let mut p = Problem::new(
                problem::DEPENDENCY_REFUSED,
                format!("the {service} service refused intake's request: {detail}"),
            );
            p.internal = Some(err.to_string());
            p
        }
    }
}

/// The onboarding casework, shared by the API handlers and the worker.
pub struct Casework {
    pub store: Arc<dyn CustomerStore>,
    pub rater: Arc<RiskRater>,
    pub screening: Arc<dyn Screening>,
    pub documents: Arc<dyn Documents>,
    pub letters: Arc<dyn Letters>,
}

impl Casework {
    pub async fn customer(&self, id: &CustomerId) -> Result<Customer, Problem> {
        Ok(self.store.get(id).await?.ok_or(StoreError::NotFound)?)
    }

    /// Applies `decide` to the customer and records it with its audit event.
    /// `decide` returns `None` for "nothing to change" (then nothing is
    /// written); it may run more than once if another writer gets in first.
    pub async fn change<F>(
        &self,
        id: &CustomerId,
        actor: &Caller,
        decide: F,
    ) -> Result<Customer, Problem>
    where
        F: FnMut(&mut Customer) -> Result<Option<Change>, Problem>,
    {
        self.change_from(id, None, actor, decide).await
    }

    /// [`Self::change`] starting from a record the caller has just read or
    /// written (saving a read); if it is stale, the write is refused and
    /// the change re-applied to a fresh read.
    pub async fn change_from<F>(
        &self,
        id: &CustomerId,
        mut known: Option<Customer>,
        actor: &Caller,
        mut decide: F,
    ) -> Result<Customer, Problem>
    where
        F: FnMut(&mut Customer) -> Result<Option<Change>, Problem>,
    {
        for _ in 0..MAX_ATTEMPTS {
            let current = match known.take() {
                Some(customer) => customer,
                None => self.customer(id).await?,
            };
            let mut next = current.clone();
            let Some(change) = decide(&mut next)? else {
                return Ok(current);
            };
            let now = OffsetDateTime::now_utc();
            let mut details = change.details;
            next.case.risk = self.rater.rate(&next.application, next.case.findings());
            let (before, after) = (&current.case.risk, &next.case.risk);
            if let Some(map) = details.as_object_mut() {
                if before.level != after.level {
                    map.insert(
                        "risk_level".into(),
                        serde_json::json!({"from": before.level, "to": after.level}),
                    );
                }
                if before.cdd_level != after.cdd_level {
                    map.insert(
                        "cdd_level".into(),
                        serde_json::json!({"from": before.cdd_level, "to": after.cdd_level}),
                    );
                }
                if before.cdd_level != CddLevel::Enhanced && after.cdd_level == CddLevel::Enhanced {
                    map.insert(
                        "enhanced_due_diligence".into(),
                        serde_json::json!({"required": true, "because": enhanced_reasons(after)}),
                    );
                }
                if before.politically_exposed != after.politically_exposed {
                    map.insert(
                        "pep_relationship".into(),
                        serde_json::json!({
                            "from": before.politically_exposed,
                            "to": after.politically_exposed,
                            "requires": if after.politically_exposed { PEP_MEASURES } else { &[] },
                            "because": enhanced_reasons(after)
                                .into_iter()
                                .filter(|f| f.code.starts_with("pep."))
                                .map(|f| &f.reason)
                                .collect::<Vec<_>>(),
                        }),
                    );
                }
                if before.required_documents != after.required_documents {
                    map.insert(
                        "required_documents".into(),
                        serde_json::json!(after.required_documents),
                    );
                }
            }
            // Newly required documents (not only because of an undisposed
            // potential match) are asked for in a further letter.
            if next.case.status == CaseStatus::Open
                && current.case.screening.is_some()
                && !next.case.screening_outstanding()
            {
                let asked = self.documents_to_request(&current);
                if self
                    .documents_to_request(&next)
                    .iter()
                    .any(|r| !asked.contains(r))
                {
                    next.case.add_pending(Step::RequestInformation, now);
                }
            }
            next.case.next_review_at = review_date(&next);
            let event = AuditEvent::next(
                id,
                Some(&current.audit_head),
                now,
                actor,
                change.action,
                details,
            );
            next.version = current.version + 1;
            next.updated_at = now;
            next.audit_head = event.head();
            match self
                .store
                .update(next.clone(), current.version, event)
                .await
            {
                Ok(()) => {
                    tracing::info!(customer_id = %id, action = change.action, version = next.version, "case changed");
                    return Ok(next);
                }
                Err(StoreError::VersionConflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Problem::new(
            problem::CONFLICT,
            "the case is changing too often to apply this now; retry",
        ))
    }

    /// The documents a request for information asks for: those the case
    /// requires, leaving out what only an undisposed potential match adds
    /// (most are false positives, and asking for more evidence because of
    /// one would tell the customer they are under suspicion).
    pub fn documents_to_request(&self, customer: &Customer) -> Vec<RequiredDocument> {
        let findings = Findings {
            open_alerts: 0,
            ..customer.case.findings()
        };
        self.rater
            .rate(&customer.application, findings)
            .required_documents
    }

    /// Tries every pending step of the case, in order; a step whose service
    /// is down stays pending (and so do the steps after it that depend on
    /// it). Returns the customer as it then is.
    pub async fn run_pending(&self, id: &CustomerId) -> Result<Customer, Problem> {
        let customer = self.customer(id).await?;
        Ok(self.run_pending_from(customer).await)
    }

    /// Takes `step` off the pending steps for good, with the refusal as
    /// its reason, in the audit trail too.
    async fn fail_step(
        &self,
        customer: Customer,
        step: Step,
        reason: &str,
    ) -> Result<Customer, Problem> {
        let id = customer.id.clone();
        self.change_from(&id, Some(customer), &intake_actor(), |c| {
            if !c.case.is_pending(step) {
                return Ok(None);
            }
            c.case
                .fail(step, reason.to_string(), OffsetDateTime::now_utc());
            Ok(Some(Change::new(
                "step.failed",
                serde_json::json!({"step": step.as_str(), "reason": reason}),
            )))
        })
        .await
    }

    /// [`Self::run_pending`] for a customer just read or written.
    pub async fn run_pending_from(&self, mut customer: Customer) -> Customer {
        let id = customer.id.clone();
        for pending in customer.case.pending.clone() {
            let outcome = match pending.step {
                Step::Screening => self.screen_parties(customer.clone()).await,
                Step::RequestInformation => self.request_information(customer.clone()).await,
                Step::DecisionLetter => self.send_decision_letter(customer.clone()).await,
            };
            match outcome {
                Ok(next) => customer = next,
                // Asked again, the service would refuse again: the step
                // stops here and the case says why.
                Err(e) if e.kind == problem::DEPENDENCY_REFUSED => {
                    // The reason goes on the case, not in the log: it may
                    // quote the customer's name.
                    tracing::warn!(customer_id = %id, step = pending.step.as_str(), "step refused; not retried (the case says why)");
                    match self
                        .fail_step(customer.clone(), pending.step, &e.detail)
                        .await
                    {
                        Ok(next) => customer = next,
                        Err(e) => {
                            tracing::warn!(customer_id = %id, step = pending.step.as_str(), problem = e.kind.slug, "could not record the refused step; left pending");
                        }
                    }
                    if pending.step == Step::Screening {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(customer_id = %id, step = pending.step.as_str(), error = %e, "step left pending");
                    // Later steps wait for screening (the CDD level, and so
                    // the documents to ask for, depend on it).
                    if pending.step == Step::Screening {
                        break;
                    }
                }
            }
        }
        customer
    }
}

/// The next periodic review: from the approval once approved, else from
/// when the case was opened, at the interval the risk sets.
pub fn review_date(customer: &Customer) -> crate::domain::customer::CalendarDate {
    let months = customer.case.risk.review_interval_months;
    let from = match (&customer.case.status, &customer.case.decision) {
        (CaseStatus::Approved, Some(d)) => d.taken.as_ref().map(|t| t.at.date()),
        _ => None,
    }
    .unwrap_or(customer.created_at.date());
    next_review(from, months)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_down_is_503_with_retry_after_and_a_refusal_is_502() {
        let down = unavailable(&DependencyError::Unavailable {
            service: "screening".into(),
            detail: "connection refused".into(),
        });
        assert_eq!(down.status(), http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(down.retry_after, Some(RETRY_AFTER_SECS));
        assert!(down.detail.contains("screening"));

        let refused = unavailable(&DependencyError::Refused {
            service: "letters".into(),
            status: 422,
            detail: "issuing a letter: data.documents is required".into(),
        });
        assert_eq!(refused.status(), http::StatusCode::BAD_GATEWAY);
        assert!(refused.detail.contains("letters"), "{}", refused.detail);
        assert!(
            refused.detail.contains("data.documents"),
            "{}",
            refused.detail
        );
    }
}
