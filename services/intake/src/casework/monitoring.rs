//! Ongoing monitoring: new alerts from screening's feed join their cases,
//! and a case already decided (or waiting for approval) is reopened.

use cdd_contracts::screening::MonitoringAlert;
use cdd_platform::problem::Problem;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Casework, Change, intake_actor, parties, unavailable};
use crate::domain::casefile::{Alert, AlertSource};
use crate::domain::record::{CaseStatus, CustomerId};

/// The stored cursor of screening's alert feed.
pub const FEED: &str = "screening-alerts";
const PAGE: usize = 200;

impl Casework {
    /// Reads screening's alert feed from the saved cursor to its end, adding
    /// each alert to its case. Returns how many alerts were read.
    pub async fn collect_monitoring_alerts(&self) -> Result<usize, Problem> {
        let mut since = self.store.cursor(FEED).await?;
        let mut read = 0;
        loop {
            let page = self
                .screening
                .alerts(since.as_deref(), PAGE)
                .await
                .map_err(|e| unavailable(&e))?;
            for alert in &page.alerts {
                self.take_alert(alert).await?;
            }
            read += page.alerts.len();
            // Saved after the alerts are on their cases: a crash in between
            // re-reads them, and a re-read alert is recognised and skipped.
            if since.as_deref() != Some(page.next.as_str()) {
                self.store.save_cursor(FEED, &page.next).await?;
            }
            let done = page.alerts.len() < PAGE;
            since = Some(page.next);
            if done {
                return Ok(read);
            }
        }
    }

    async fn take_alert(&self, alert: &MonitoringAlert) -> Result<(), Problem> {
        let Ok(id) = CustomerId::parse(parties::customer_of(&alert.subject_ref)) else {
            tracing::warn!(subject_ref = %alert.subject_ref, "a monitoring alert names no customer of intake; skipped");
            return Ok(());
        };
        let raised_at = OffsetDateTime::parse(&alert.raised_at, &Rfc3339)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let outcome = self
            .change(&id, &intake_actor(), |c| {
                if c.case
                    .alerts
                    .iter()
                    .any(|a| a.screening_alert_id.as_deref() == Some(alert.id.as_str()))
                {
                    return Ok(None);
                }
                let party = parties::of(c)
                    .into_iter()
                    .find(|p| p.subject_ref == alert.subject_ref)
                    .map(|p| p.name)
                    .unwrap_or_else(|| "(a party no longer on the case)".to_string());
                let case_alert = Alert {
                    id: Alert::new_id(),
                    source: AlertSource::Monitoring,
                    subject_ref: alert.subject_ref.clone(),
                    party,
                    entity_id: alert.entity_id.clone(),
                    list: alert.list.clone(),
                    category: alert.category,
                    primary_name: alert.matched_name.clone(),
                    matched_name: alert.matched_name.clone(),
                    score: alert.score,
                    list_version: alert.list_version.clone(),
                    positions: alert.positions.clone(),
                    pep: alert.pep.clone(),
                    explanation: alert.explanation.clone(),
                    screening_alert_id: Some(alert.id.clone()),
                    raised_at,
                    disposition: None,
                };
                let previous = c.case.status;
                let reopened = previous != CaseStatus::Open;
                if reopened {
                    // A decision taken or proposed did not know this match.
                    c.case.status = CaseStatus::Open;
                    c.case.decision = None;
                }
                let details = serde_json::json!({
                    "alert_id": case_alert.id,
                    "screening_alert_id": alert.id,
                    "party": case_alert.party,
                    "entity_id": alert.entity_id,
                    "list": alert.list,
                    "category": alert.category,
                    "list_version": alert.list_version,
                    "score": alert.score,
                    "reopened_from": reopened.then_some(previous),
                });
                c.case.alerts.push(case_alert);
                Ok(Some(Change::new("monitoring.alert_raised", details)))
            })
            .await;
        match outcome {
            Ok(_) => Ok(()),
            Err(p) if p.status() == http::StatusCode::NOT_FOUND => {
                tracing::warn!(subject_ref = %alert.subject_ref, "a monitoring alert names an unknown customer; skipped");
                Ok(())
            }
            Err(p) => Err(p),
        }
    }
}
