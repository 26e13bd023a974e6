//! Dispositions and decisions: the analyst disposes every alert and
//! proposes; an approver who is not the proposer takes the decision.
//!
//! A decision needs screening finished and no alert open. Approving also
//! needs every required document verified. Rejecting does not: a bank must
//! be able to decline an applicant who never sends the documents, or one
//! confirmed as a sanctions match, without waiting for paperwork.
//!
//! An alert is disposed by its category's procedure: `confirmed_pep` only
//! on a PEP alert, `true_match` only on a sanctions, crime or internal one,
//! `false_positive` on any.
//!
//! Approving a PEP relationship (see `domain::risk`) is reserved for senior
//! management (FATF R.12: "obtain senior management approval for
//! establishing such business relationships"); four eyes still hold, so
//! the senior manager is never the proposer. Rejecting one is not: declining
//! a relationship needs no higher authority than any other rejection.

use cdd_contracts::screening::ListCategory;
use cdd_platform::auth::{Caller, Role};
use cdd_platform::problem::{self, FieldError, Problem};
use time::OffsetDateTime;

use super::requirements::{self, RequirementStatus};
use super::{Casework, Change, unavailable};
use crate::domain::casefile::{
    Decision, DecisionOutcome, DecisionStep, Disposition, DispositionOutcome, Step,
};
use crate::domain::record::{CaseStatus, Customer, CustomerId};

fn conflict(detail: impl Into<String>) -> Problem {
    Problem::new(problem::CONFLICT, detail)
}

/// 422 for a finding that belongs to another category's procedure.
fn not_for_category(
    outcome: DispositionOutcome,
    category: ListCategory,
    allowed: &[DispositionOutcome],
) -> Problem {
    let names: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
    let why = format!(
        "{} is not a finding on a {category} alert; must be one of: {}",
        outcome.as_str(),
        names.join(", ")
    );
    let mut p = Problem::new(problem::VALIDATION, why.clone());
    p.errors = vec![FieldError::new("outcome", why)];
    p
}

/// Approving a PEP relationship is for senior management.
fn senior_management_required(customer: &Customer, outcome: DecisionOutcome) -> bool {
    outcome == DecisionOutcome::Approve && customer.case.risk.politically_exposed
}

/// Why the case is a PEP relationship: the rating's `pep.*` reasons.
fn pep_reasons(customer: &Customer) -> Vec<&str> {
    customer
        .case
        .risk
        .factors
        .iter()
        .filter(|f| f.code.starts_with("pep.") && f.requires_enhanced)
        .map(|f| f.reason.as_str())
        .collect()
}

/// 403 when the caller may not take this decision on this case.
fn check_authority(
    customer: &Customer,
    caller: &Caller,
    outcome: DecisionOutcome,
) -> Result<(), Problem> {
    if !senior_management_required(customer, outcome) || caller.has(Role::SeniorManager) {
        return Ok(());
    }
    let held: Vec<&str> = caller.roles().map(|r| r.as_str()).collect();
    Err(Problem::new(
        problem::FORBIDDEN,
        format!(
            "approving a politically exposed person's relationship needs senior management (role senior_manager, FATF R.12), and you hold {}: {}",
            held.join(", "),
            pep_reasons(customer).join("; ")
        ),
    ))
}

/// What stops a decision now, in words an analyst can act on.
fn blockers(customer: &Customer) -> Vec<String> {
    let mut out = Vec::new();
    if customer.case.is_pending(Step::Screening) {
        out.push("screening of the parties has not finished (the screening service was unavailable; intake retries it)".to_string());
    }
    if let Some(failed) = customer
        .case
        .failed_steps
        .iter()
        .find(|f| f.step == Step::Screening)
    {
        out.push(format!(
            "screening of the parties was refused ({}); amend the customer to screen again",
            failed.reason
        ));
    }
    let open: Vec<&str> = customer
        .case
        .alerts
        .iter()
        .filter(|a| a.is_open())
        .map(|a| a.id.as_str())
        .collect();
    if !open.is_empty() {
        out.push(format!(
            "{} alert{} not disposed: {}",
            open.len(),
            if open.len() == 1 { " is" } else { "s are" },
            open.join(", ")
        ));
    }
    out
}

impl Casework {
    /// Records an analyst's disposition of an alert. The same disposition
    /// again changes nothing; another one replaces it while the case is open.
    pub async fn dispose(
        &self,
        id: &CustomerId,
        alert_id: &str,
        caller: &Caller,
        outcome: DispositionOutcome,
        reason: String,
    ) -> Result<Customer, Problem> {
        self.change(id, caller, |c| {
            let status = c.case.status;
            let Some(alert) = c.case.alerts.iter_mut().find(|a| a.id == alert_id) else {
                return Err(Problem::new(
                    problem::NOT_FOUND,
                    "the case has no alert with that id",
                ));
            };
            let allowed = DispositionOutcome::allowed_for(alert.category);
            if !allowed.contains(&outcome) {
                return Err(not_for_category(outcome, alert.category, allowed));
            }
            if let Some(d) = &alert.disposition
                && d.outcome == outcome
                && d.reason == reason
            {
                return Ok(None);
            }
            if status != CaseStatus::Open {
                return Err(conflict(format!(
                    "the case is {}; alerts can be disposed only while it is open",
                    status.as_str()
                )));
            }
            let previous = alert.disposition.as_ref().map(|d| d.outcome);
            alert.disposition = Some(Disposition {
                outcome,
                reason: reason.clone(),
                by: caller.subject.clone(),
                at: OffsetDateTime::now_utc(),
            });
            let mut details = serde_json::json!({
                "alert_id": alert_id,
                "party": alert.party,
                "entity_id": alert.entity_id,
                "category": alert.category,
                "outcome": outcome,
                "previous_outcome": previous,
                "reason": reason,
            });
            if outcome == DispositionOutcome::ConfirmedPep
                && let Some(map) = details.as_object_mut()
            {
                map.insert("pep_status".into(), serde_json::json!(alert.pep_status()));
                map.insert("position".into(), serde_json::json!(alert.pep_position()));
            }
            Ok(Some(Change::new("alert.disposed", details)))
        })
        .await
    }

    /// The required documents as the documents service holds them now.
    async fn document_states(
        &self,
        customer: &Customer,
    ) -> Result<Vec<requirements::RequirementState>, Problem> {
        let documents = self
            .documents
            .customer_documents(customer.id.as_str())
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(requirements::assess(
            &customer.case.risk.required_documents,
            &documents,
        ))
    }

    /// Refuses the decision while anything blocks it; for an approval,
    /// returns the documents it rests on (kept in the audit trail as evidence).
    async fn check_decidable(
        &self,
        customer: &Customer,
        outcome: DecisionOutcome,
    ) -> Result<serde_json::Value, Problem> {
        let mut blocking = blockers(customer);
        let mut evidence = serde_json::Value::Null;
        if outcome == DecisionOutcome::Approve && blocking.is_empty() {
            let states = self.document_states(customer).await?;
            let unverified: Vec<String> = states
                .iter()
                .filter(|s| s.status != RequirementStatus::Verified)
                .map(|s| {
                    let status = match s.status {
                        RequirementStatus::Missing => "missing",
                        RequirementStatus::Received => "not verified yet",
                        RequirementStatus::Rejected => "rejected",
                        RequirementStatus::Verified => "verified",
                    };
                    format!("{} ({status})", s.description())
                })
                .collect();
            if !unverified.is_empty() {
                blocking.push(format!(
                    "required documents are not all verified: {}",
                    unverified.join("; ")
                ));
            }
            evidence = serde_json::json!(
                states
                    .iter()
                    .map(|s| serde_json::json!({
                        "requirement": s.required.requirement,
                        "party": s.required.party,
                        "documents": s.documents,
                    }))
                    .collect::<Vec<_>>()
            );
        }
        if blocking.is_empty() {
            Ok(evidence)
        } else {
            Err(conflict(format!(
                "the case cannot be decided yet: {}",
                blocking.join("; ")
            )))
        }
    }

    /// An analyst proposes approving or rejecting the customer.
    pub async fn propose(
        &self,
        id: &CustomerId,
        caller: &Caller,
        outcome: DecisionOutcome,
        reason: String,
    ) -> Result<Customer, Problem> {
        let customer = self.customer(id).await?;
        if customer.case.status != CaseStatus::Open {
            return Err(conflict(format!(
                "the case is {}; a decision can be proposed only while it is open",
                customer.case.status.as_str()
            )));
        }
        let evidence = self.check_decidable(&customer, outcome).await?;
        self.change(id, caller, |c| {
            // Changed while the documents were checked (an alert arrived, or
            // another analyst proposed first): decide on what it is now.
            if c.case.status != CaseStatus::Open || !blockers(c).is_empty() {
                return Err(conflict(
                    "the case changed while the proposal was checked; read it and propose again",
                ));
            }
            c.case.status = CaseStatus::PendingApproval;
            c.case.decision = Some(Decision {
                proposed: DecisionStep {
                    outcome,
                    reason: reason.clone(),
                    by: caller.subject.clone(),
                    at: OffsetDateTime::now_utc(),
                },
                taken: None,
            });
            Ok(Some(Change::new(
                "decision.proposed",
                serde_json::json!({
                    "outcome": outcome,
                    "reason": reason,
                    "verified_documents": evidence,
                    "senior_management_approval_required": senior_management_required(c, outcome),
                }),
            )))
        })
        .await
    }

    /// An approver takes the decision; never the person who proposed it,
    /// and a senior manager when it approves a PEP relationship.
    pub async fn take_decision(
        &self,
        id: &CustomerId,
        caller: &Caller,
        outcome: DecisionOutcome,
        reason: String,
    ) -> Result<Customer, Problem> {
        let customer = self.customer(id).await?;
        let proposed = match (&customer.case.status, &customer.case.decision) {
            (CaseStatus::PendingApproval, Some(d)) => d.proposed.clone(),
            (status, _) => {
                return Err(conflict(format!(
                    "the case is {}; there is no proposed decision to take",
                    status.as_str()
                )));
            }
        };
        if proposed.by == caller.subject {
            let who = if senior_management_required(&customer, outcome) {
                "another senior manager must approve it"
            } else {
                "another approver must take it"
            };
            return Err(Problem::new(
                problem::FORBIDDEN,
                format!("four eyes: you proposed this decision, so {who}"),
            ));
        }
        check_authority(&customer, caller, outcome)?;
        let evidence = self.check_decidable(&customer, outcome).await?;
        let taken_at = OffsetDateTime::now_utc();
        let decided = self
            .change(id, caller, |c| {
                if c.case.status != CaseStatus::PendingApproval || !blockers(c).is_empty() {
                    return Err(conflict(
                        "the case changed while the decision was checked; read it and decide again",
                    ));
                }
                // A PEP confirmed since the first read needs senior management too.
                check_authority(c, caller, outcome)?;
                let senior = senior_management_required(c, outcome).then(|| {
                    serde_json::json!({
                        "by": caller.subject,
                        "role": Role::SeniorManager,
                        "because": pep_reasons(c),
                    })
                });
                c.case.status = match outcome {
                    DecisionOutcome::Approve => CaseStatus::Approved,
                    DecisionOutcome::Reject => CaseStatus::Rejected,
                };
                let taken = DecisionStep {
                    outcome,
                    reason: reason.clone(),
                    by: caller.subject.clone(),
                    at: taken_at,
                };
                let reference = taken.reference(&c.id);
                if let Some(d) = c.case.decision.as_mut() {
                    d.taken = Some(taken);
                }
                c.case.add_pending(Step::DecisionLetter, taken_at);
                Ok(Some(Change::new(
                    match outcome {
                        DecisionOutcome::Approve => "decision.approved",
                        DecisionOutcome::Reject => "decision.rejected",
                    },
                    serde_json::json!({
                        "outcome": outcome,
                        "reason": reason,
                        "decision_reference": reference,
                        "proposed_by": proposed.by,
                        "proposed_outcome": proposed.outcome,
                        "follows_proposal": proposed.outcome == outcome,
                        "verified_documents": evidence,
                        "senior_management_approval": senior,
                    }),
                )))
            })
            .await?;
        // The letter follows now, or from the worker if letters is down.
        match self.send_decision_letter(decided.clone()).await {
            Ok(sent) => Ok(sent),
            Err(e) => {
                tracing::warn!(customer_id = %id, error = %e.detail, "decision letter left pending");
                Ok(decided)
            }
        }
    }
}
