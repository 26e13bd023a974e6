//! The intake HTTP API: routes, and the one place errors become HTTP.

mod audit;
mod casework;
mod customers;
mod error;
mod params;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post, put};

use crate::casework::Casework;
use crate::domain::risk::RiskRater;
use crate::store::CustomerStore;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn CustomerStore>,
    pub rater: Arc<RiskRater>,
    pub casework: Arc<Casework>,
}

/// The service's own routes (the platform adds health, OpenAPI and auth).
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route(
            "/v1/customers",
            get(customers::list).post(customers::create),
        )
        .route(
            "/v1/customers/{id}",
            get(customers::get).patch(customers::patch),
        )
        .route("/v1/customers/{id}/audit", get(audit::trail))
        .route(
            "/v1/customers/{id}/alerts/{alert_id}/disposition",
            put(casework::dispose),
        )
        .route("/v1/customers/{id}/decision", post(casework::propose))
        .route(
            "/v1/customers/{id}/decision/approve",
            post(casework::approve),
        )
        .route("/v1/customers/{id}/decision/reject", post(casework::reject))
        .route(
            "/v1/customers/{id}/requirements",
            get(casework::requirements),
        )
        .route("/v1/reviews/due", get(casework::reviews_due))
        .with_state(state)
}
