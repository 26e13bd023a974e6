//! `GET /v1/lists` (what is loaded: each source with its category, vintage,
//! counts and age, and whether it is demo data),
//! `POST /v1/lists/reload` (load the configured source again and rescreen
//! the monitored subjects), `GET /v1/entities/{id}` (one listed entity).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use cdd_platform::auth::{Caller, Role};
use cdd_platform::problem::{self, Problem};

use super::AppState;
use super::screenings::SCREENERS;
use crate::monitoring::lists::DEMO_WARNING;

pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, Problem> {
    caller.require(SCREENERS)?;
    let lists = state.lists;
    let current = lists.current();
    let v = current.version();
    let mut body = json!({
        "demo": v.demo,
        "current": {
            "id": v.id,
            "loaded_at": v.loaded_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "demo": v.demo,
            "source": current.source,
            "source_files": v.source_files,
            "vintages": current.vintages,
            "skipped_vintages": current.skipped,
            "counts": v.counts,
            "sources": sources(v),
        },
        "versions": lists.history(),
        "last_reload": lists.last_reload(),
    });
    if v.demo {
        body["warning"] = json!(DEMO_WARNING);
    }
    Ok(Json(body).into_response())
}

/// Each loaded list with its category, vintage, counts and age in days, so
/// an operator sees at once that the PEP data is a year old.
fn sources(v: &crate::ListVersion) -> serde_json::Value {
    let today = crate::pep::today();
    v.sources
        .iter()
        .map(|s| {
            let mut one = json!(s);
            one["age_days"] = json!(s.age_days(&today));
            one
        })
        .collect()
}

pub async fn reload(State(state): State<AppState>, caller: Caller) -> Result<Response, Problem> {
    caller.require(&[Role::Service, Role::Approver])?;
    tracing::info!(caller = %caller.subject, "list reload requested");
    // The reload runs as its own task: if this request times out or the
    // caller goes away, the load and the rescreen still finish.
    let monitor = Arc::clone(&state.monitor);
    let outcome = tokio::spawn(async move { monitor.reload().await })
        .await
        .map_err(Problem::internal)??;
    Ok(Json(outcome).into_response())
}

pub async fn entity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(SCREENERS)?;
    let current = state.lists.current();
    match current.entity(&id) {
        Some(e) => Ok(Json(json!({
            "list_version": current.version().id,
            "entity": e,
        }))
        .into_response()),
        None => Err(Problem::new(
            problem::NOT_FOUND,
            "no listed entity with that id in the current list version",
        )),
    }
}
