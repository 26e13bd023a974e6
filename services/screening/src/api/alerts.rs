//! `GET /v1/alerts?since=<cursor>&limit=<n>`: new potential matches of
//! monitored subjects, oldest first. `next` is the cursor to pass as
//! `since` next time; it is returned even when the page is empty, so a
//! poller just keeps passing back what it got.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use cdd_platform::auth::{Caller, Role};
use cdd_platform::problem::{self, FieldError, Problem};

use super::AppState;
use super::error::bad_query;

const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1_000;

pub async fn feed(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Analyst, Role::Approver, Role::Service])?;
    let unknown: Vec<FieldError> = query
        .keys()
        .filter(|k| !["since", "limit"].contains(&k.as_str()))
        .map(|k| {
            FieldError::new(
                k.clone(),
                "unknown query parameter; expected one of: since, limit",
            )
        })
        .collect();
    if !unknown.is_empty() {
        let mut p = Problem::new(problem::INVALID_REQUEST, "unknown query parameters");
        p.errors = unknown;
        return Err(p);
    }
    let since = match query.get("since").map(|s| s.trim()) {
        None | Some("") => 0,
        Some(raw) => raw.parse::<u64>().map_err(|_| {
            bad_query(
                "since",
                "must be a cursor returned as `next` by this endpoint",
            )
        })?,
    };
    let limit = match query.get("limit") {
        None => DEFAULT_PAGE,
        Some(raw) => match raw.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                return Err(bad_query(
                    "limit",
                    format!("must be a whole number from 1 to {MAX_PAGE}"),
                ));
            }
        },
    };
    let alerts = state.monitor.store().alerts(since, limit).await?;
    let next = alerts.last().map_or(since, |a| a.seq);
    Ok(Json(json!({
        "alerts": alerts,
        "next": next.to_string(),
    }))
    .into_response())
}
