//! The case's working endpoints: alert dispositions, the four-eyes decision,
//! the documents' state, and the periodic reviews due.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use cdd_platform::auth::{Caller, Role};
use cdd_platform::json::{FieldErrors, JsonBody, JsonObject};
use cdd_platform::problem::{self, FieldError, Problem};

use super::AppState;
use super::customers::with_etag;
use super::params;
use crate::casework::{requirements, unavailable};
use crate::domain::casefile::{DecisionOutcome, DispositionOutcome};
use crate::domain::customer::CalendarDate;
use crate::domain::record::CaseStatus;

/// The longest reason kept with a disposition or decision.
const MAX_REASON: usize = 2_000;

/// `{"outcome": ..., "reason": ...}` with `outcome` one of `names`.
fn outcome_and_reason<T>(
    body: &serde_json::Value,
    names: &[&str],
    parse: fn(&str) -> Option<T>,
) -> Result<(T, String), Problem> {
    let mut errors = FieldErrors::new();
    let obj = JsonObject::of("", body, &mut errors);
    let (outcome, reason) = match &obj {
        Some(obj) => {
            obj.deny_unknown(&["outcome", "reason"], &mut errors);
            let outcome = match obj.required_string("outcome", &mut errors) {
                Some(raw) => match parse(raw) {
                    Some(o) => Some(o),
                    None => {
                        errors.add("outcome", format!("must be one of: {}", names.join(", ")));
                        None
                    }
                },
                None => None,
            };
            let reason = match obj.required_string("reason", &mut errors) {
                Some(r) if r.trim().is_empty() => {
                    errors.add("reason", "must say why (it is kept in the audit trail)");
                    None
                }
                Some(r) if r.chars().count() > MAX_REASON => {
                    errors.add("reason", format!("must be at most {MAX_REASON} characters"));
                    None
                }
                Some(r) => Some(r.trim().to_string()),
                None => None,
            };
            (outcome, reason)
        }
        None => (None, None),
    };
    errors.finish(outcome.zip(reason))
}

/// `PUT /v1/customers/{id}/alerts/{alert_id}/disposition` (analyst).
pub async fn dispose(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, alert_id)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(&[Role::Analyst])?;
    let id = params::customer_id(&id)?;
    let (outcome, reason) =
        outcome_and_reason(&body, DispositionOutcome::NAMES, DispositionOutcome::parse)?;
    let customer = state
        .casework
        .dispose(&id, &alert_id, &caller, outcome, reason)
        .await?;
    Ok(with_etag(&customer))
}

/// `POST /v1/customers/{id}/decision` (analyst proposes).
pub async fn propose(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(&[Role::Analyst])?;
    let id = params::customer_id(&id)?;
    let (outcome, reason) =
        outcome_and_reason(&body, DecisionOutcome::NAMES, DecisionOutcome::parse)?;
    let customer = state
        .casework
        .propose(&id, &caller, outcome, reason)
        .await?;
    Ok(with_etag(&customer))
}

fn reason_only(body: &serde_json::Value) -> Result<String, Problem> {
    let mut errors = FieldErrors::new();
    let reason = JsonObject::of("", body, &mut errors).and_then(|obj| {
        obj.deny_unknown(&["reason"], &mut errors);
        match obj.required_string("reason", &mut errors) {
            Some(r) if r.trim().is_empty() || r.chars().count() > MAX_REASON => {
                errors.add(
                    "reason",
                    format!("must say why, in 1 to {MAX_REASON} characters"),
                );
                None
            }
            other => other.map(|r| r.trim().to_string()),
        }
    });
    errors.finish(reason)
}

async fn take(
    state: AppState,
    caller: Caller,
    id: String,
    body: serde_json::Value,
    outcome: DecisionOutcome,
) -> Result<Response, Problem> {
    caller.require(&[Role::Approver])?;
    let id = params::customer_id(&id)?;
    let reason = reason_only(&body)?;
    let customer = state
        .casework
        .take_decision(&id, &caller, outcome, reason)
        .await?;
    Ok(with_etag(&customer))
}

/// `POST /v1/customers/{id}/decision/approve` (approver, not the proposer).
pub async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    take(state, caller, id, body, DecisionOutcome::Approve).await
}

/// `POST /v1/customers/{id}/decision/reject` (approver, not the proposer).
pub async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    take(state, caller, id, body, DecisionOutcome::Reject).await
}

/// `GET /v1/customers/{id}/requirements`: each required document and where
/// it stands, read from the documents service.
pub async fn requirements(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Clerk, Role::Analyst, Role::Approver, Role::Service])?;
    let id = params::customer_id(&id)?;
    let customer = state.casework.customer(&id).await?;
    let documents = state
        .casework
        .documents
        .customer_documents(id.as_str())
        .await
        .map_err(|e| unavailable(&e))?;
    let states = requirements::assess(&customer.case.risk.required_documents, &documents);
    let complete = states
        .iter()
        .all(|s| s.status == requirements::RequirementStatus::Verified);
    Ok(Json(serde_json::json!({
        "customer_id": id,
        "cdd_level": customer.case.risk.cdd_level,
        "all_verified": complete,
        "requirements": states,
    }))
    .into_response())
}

/// `GET /v1/reviews/due[?on=YYYY-MM-DD]`: approved customers whose periodic
/// review falls on or before the date (today by default), earliest first.
pub async fn reviews_due(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Analyst, Role::Approver, Role::Service])?;
    params::only_known(&query, &["on"])?;
    let on = match query.get("on") {
        None => CalendarDate(OffsetDateTime::now_utc().date()),
        Some(raw) => CalendarDate::parse(raw).map_err(|why| {
            let mut p = Problem::new(problem::INVALID_REQUEST, "invalid query parameters");
            p.errors = vec![FieldError::new("on", why)];
            p
        })?,
    };
    let mut due = Vec::new();
    let mut cursor = None;
    loop {
        let page = state
            .store
            .list(Some(CaseStatus::Approved), cursor, 200)
            .await?;
        due.extend(
            page.customers
                .into_iter()
                .filter(|c| c.case.next_review_at.0 <= on.0),
        );
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    due.sort_by(|a, b| {
        (a.case.next_review_at.0, a.id.as_str()).cmp(&(b.case.next_review_at.0, b.id.as_str()))
    });
    Ok(Json(serde_json::json!({
        "on": on,
        "reviews": due.iter().map(|c| serde_json::json!({
            "customer_id": c.id,
            "name": c.application.display_name(),
            "risk_level": c.case.risk.level,
            "next_review_at": c.case.next_review_at,
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}
