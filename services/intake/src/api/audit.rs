//! `GET /v1/customers/{id}/audit`: the trail with its verification.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use cdd_platform::auth::{Caller, Role};
use cdd_platform::problem::Problem;

use super::AppState;
use super::params;
use crate::domain::audit;

pub async fn trail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(&[Role::Analyst, Role::Approver, Role::Service])?;
    let id = params::customer_id(&id)?;
    let customer = state.casework.customer(&id).await?;
    let events = state.store.audit_trail(&id).await?;
    let verification = audit::verify(&events, &customer.audit_head);
    if !verification.valid {
        tracing::error!(customer_id = %id, problem = ?verification.problem, "audit trail verification failed");
    }
    Ok(Json(serde_json::json!({
        "customer_id": id,
        "events": events,
        "verification": verification,
    }))
    .into_response())
}
