//! `/v1/customers`: submit, read, list and amend customers.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use time::OffsetDateTime;

use cdd_platform::auth::{Caller, Role};
use cdd_platform::http::{IdempotencyKey, IfMatch, etag};
use cdd_platform::json::{FieldErrors, JsonBody};
use cdd_platform::problem::{self, FieldError, Problem};

use super::AppState;
use super::params;
use crate::casework::submission::Submitted;
use crate::casework::{Change, parties};
use crate::domain::casefile::Step;
use crate::domain::customer::Application;
use crate::domain::record::{CaseStatus, Customer};
use crate::store::ListCursor;

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 200;

/// The answer to a create: the first answer given for its key, byte for
/// byte, whether this request gave it or replays it.
fn answered(submitted: Submitted) -> Response {
    let Submitted {
        customer_id,
        answer,
    } = submitted;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::CREATED);
    let mut res = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        answer.body,
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/customers/{customer_id}")) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    res.headers_mut().insert(header::ETAG, etag(answer.version));
    res
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    key: Result<IdempotencyKey, Problem>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(&[Role::Clerk, Role::Service])?;
    let key = key?;
    Ok(answered(
        state.casework.submit(&caller, key.as_str(), &body).await?,
    ))
}

pub fn with_etag(customer: &Customer) -> Response {
    let mut res = Json(customer.view()).into_response();
    res.headers_mut()
        .insert(header::ETAG, etag(customer.version));
    res
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Clerk, Role::Analyst, Role::Approver, Role::Service])?;
    let id = params::customer_id(&id)?;
    Ok(with_etag(&state.casework.customer(&id).await?))
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Clerk, Role::Analyst, Role::Approver, Role::Service])?;
    params::only_known(&query, &["status", "cursor", "limit"])?;
    let mut errors = Vec::new();
    let status = match query.get("status") {
        Some(raw) => match CaseStatus::parse(raw) {
            Some(s) => Some(s),
            None => {
                let names: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.as_str()).collect();
                errors.push(FieldError::new(
                    "status",
                    format!("must be one of: {}", names.join(", ")),
                ));
                None
            }
        },
        None => None,
    };
    let cursor = match query.get("cursor") {
        Some(raw) => match ListCursor::decode(raw) {
            Some(c) => Some(c),
            None => {
                errors.push(FieldError::new(
                    "cursor",
                    "is not a cursor returned by this endpoint",
                ));
                None
            }
        },
        None => None,
    };
    let limit = match query.get("limit").map(|raw| raw.parse::<usize>()) {
        None => DEFAULT_PAGE,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => {
            errors.push(FieldError::new(
                "limit",
                format!("must be a whole number from 1 to {MAX_PAGE}"),
            ));
            DEFAULT_PAGE
        }
    };
    if !errors.is_empty() {
        let mut p = Problem::new(problem::INVALID_REQUEST, "invalid query parameters");
        p.errors = errors;
        return Err(p);
    }
    let page = state.store.list(status, cursor, limit).await?;
    Ok(Json(serde_json::json!({
        "customers": page.customers.iter().map(Customer::view).collect::<Vec<_>>(),
        "next_cursor": page.next.map(|c| c.encode()),
    }))
    .into_response())
}

pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    if_match: Result<IfMatch, Problem>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(&[Role::Clerk, Role::Analyst])?;
    let id = params::customer_id(&id)?;
    let expected = if_match?.version();
    // What the request asks comes before whether it is current: a body that
    // is no merge patch, names fields that cannot change or leaves the
    // customer invalid is 422 whatever the version (not 412, which would
    // invite a retry that fails again).
    let Some(changes) = body.as_object() else {
        return Err(Problem::validation(vec![FieldError::new(
            "(body)",
            "must be an object of the fields to change",
        )]));
    };
    let current = state.casework.customer(&id).await?;
    let allowed = current.application.patchable_fields();
    let refused: Vec<FieldError> = changes
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| {
            let why = if k == "kind" {
                "cannot be changed; submit a new customer instead".to_string()
            } else {
                format!(
                    "cannot be changed here; changeable fields: {}",
                    allowed.join(", ")
                )
            };
            FieldError::new(k.clone(), why)
        })
        .collect();
    if !refused.is_empty() {
        return Err(Problem::validation(refused));
    }
    // A merge patch (RFC 7396) at the top level: null removes an optional field.
    let mut merged = serde_json::to_value(&current.application).map_err(Problem::internal)?;
    let target = merged
        .as_object_mut()
        .ok_or_else(|| Problem::internal("stored application is not an object"))?;
    let mut changed = Vec::new();
    for (k, v) in changes {
        // Setting a value it already has, or removing what is absent, is no change.
        let is_change = if v.is_null() {
            target.contains_key(k)
        } else {
            target.get(k) != Some(v)
        };
        if is_change {
            changed.push(k.clone());
        }
        if v.is_null() {
            target.remove(k);
        } else {
            target.insert(k.clone(), v.clone());
        }
    }
    let mut errors = FieldErrors::new();
    let application = Application::parse(&merged, &mut errors);
    let application = errors.finish(application)?;
    if current.version != expected {
        return Err(Problem::new(
            problem::PRECONDITION_FAILED,
            format!(
                "the customer is at version {}, not {expected}; read it again and retry",
                current.version
            ),
        ));
    }
    if changed.is_empty() || application == current.application {
        return Ok(with_etag(&current));
    }
    changed.sort();
    // Through the casework, so the risk is re-rated and its changes audited
    // as for every other change; If-Match still holds on a retry.
    let updated = state
        .casework
        .change_from(&id, Some(current), &caller, |c| {
            if c.version != expected {
                return Err(Problem::new(
                    problem::PRECONDITION_FAILED,
                    format!(
                        "the customer is at version {}, not {expected}; read it again and retry",
                        c.version
                    ),
                ));
            }
            let before = parties::of(c);
            c.application = application.clone();
            // New or changed parties are screened again before any decision.
            let rescreen = parties::of(c) != before;
            if rescreen {
                c.case
                    .add_pending(Step::Screening, OffsetDateTime::now_utc());
            }
            Ok(Some(Change::new(
                "customer.updated",
                serde_json::json!({"changed": changed, "rescreening": rescreen}),
            )))
        })
        .await?;
    let updated = if updated.case.is_pending(Step::Screening) {
        state.casework.run_pending_from(updated).await
    } else {
        updated
    };
    Ok(with_etag(&updated))
}
