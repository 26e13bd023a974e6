//! The intake HTTP API: routes, and the one place errors become HTTP.

mod audit;
mod customers;
mod error;
mod params;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::domain::risk::RiskRater;
use crate::store::CustomerStore;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn CustomerStore>,
    pub rater: Arc<RiskRater>,
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
        .with_state(state)
}
