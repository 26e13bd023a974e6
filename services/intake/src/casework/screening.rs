//! Screening the case's parties: potential matches become alerts, each
//! with its list's category (a PEP alert also with the person's functions
//! and standing), so the analyst disposes it by the right procedure.

use cdd_contracts::screening::{BatchRequest, ListCategory};
use cdd_platform::problem::Problem;
use time::OffsetDateTime;

use super::{Casework, Change, intake_actor, parties, unavailable};
use crate::domain::casefile::{Alert, AlertSource, ScreeningRecord, Step};
use crate::domain::record::Customer;

impl Casework {
    /// Screens the customer and every related party (enrolling them for
    /// monitoring) and records the potential matches as alerts.
    pub async fn screen_parties(&self, customer: Customer) -> Result<Customer, Problem> {
        if !customer.case.is_pending(Step::Screening) {
            return Ok(customer);
        }
        let id = &customer.id.clone();
        let screened = parties::of(&customer);
        // The version in the key: a retry of this screening is the same
        // request; a screening after an amendment is a new one.
        let key = format!("screening:{id}:{}", customer.version);
        let batch = BatchRequest {
            subjects: parties::requests(&screened),
        };
        let result = self
            .screening
            .screen(&key, &batch)
            .await
            .map_err(|e| unavailable(&e))?;
        if result.results.len() != screened.len() {
            return Err(Problem::internal(format!(
                "screening answered {} results for {} subjects",
                result.results.len(),
                screened.len()
            )));
        }
        let now = OffsetDateTime::now_utc();
        self.change_from(id, Some(customer), &intake_actor(), |c| {
            // Amended since: this screening is of parties that may no longer
            // be the case's; the amendment left the step pending to redo.
            if !c.case.is_pending(Step::Screening) || parties::of(c) != screened {
                return Ok(None);
            }
            let mut raised = Vec::new();
            let mut potential = 0;
            for (party, found) in screened.iter().zip(&result.results) {
                for m in found.matches.iter().filter(|m| m.is_match) {
                    potential += 1;
                    let known =
                        c.case.alerts.iter().any(|a| {
                            a.subject_ref == party.subject_ref && a.entity_id == m.entity_id
                        });
                    if known {
                        continue;
                    }
                    let alert = Alert {
                        id: Alert::new_id(),
                        source: AlertSource::Onboarding,
                        subject_ref: party.subject_ref.clone(),
                        party: party.name.clone(),
                        entity_id: m.entity_id.clone(),
                        list: m.list.clone(),
                        category: m.category,
                        primary_name: m.primary_name.clone(),
                        matched_name: m.matched_name.clone(),
                        score: m.score,
                        list_version: result.list_version.clone(),
                        positions: m.positions.clone(),
                        pep: m.pep.clone(),
                        explanation: m.explanation.clone(),
                        screening_alert_id: None,
                        raised_at: now,
                        disposition: None,
                    };
                    raised.push(raised_details(&alert));
                    c.case.alerts.push(alert);
                }
            }
            c.case.screening = Some(ScreeningRecord {
                list_version: result.list_version.clone(),
                demo: result.demo,
                parties_screened: screened.len(),
                potential_matches: potential,
                at: now,
            });
            c.case.finish(Step::Screening);
            Ok(Some(Change::new(
                "screening.completed",
                serde_json::json!({
                    "list_version": result.list_version,
                    "demo": result.demo,
                    "parties_screened": screened.len(),
                    "alerts_raised": raised,
                }),
            )))
        })
        .await
    }
}

/// What the audit trail keeps of a raised alert: for a PEP alert also the
/// standing and the function, the evidence the disposition rests on.
fn raised_details(alert: &Alert) -> serde_json::Value {
    let mut details = serde_json::json!({
        "alert_id": alert.id,
        "party": alert.party,
        "entity_id": alert.entity_id,
        "list": alert.list,
        "category": alert.category,
        "score": alert.score,
    });
    if alert.category == ListCategory::Pep
        && let Some(map) = details.as_object_mut()
    {
        map.insert("pep".into(), serde_json::json!(alert.pep));
        map.insert("position".into(), serde_json::json!(alert.pep_position()));
    }
    details
}
