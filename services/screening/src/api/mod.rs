//! The screening HTTP API: routes, and the one place errors become HTTP.
//!
//! - `screenings.rs`: `POST /v1/screenings` and `/v1/screenings/batch`
//!   (and enrolment in ongoing monitoring);
//! - `request.rs`: reading a subject from JSON, every bad field named;
//! - `compare.rs`: `POST /v1/compare`;
//! - `lists.rs`: `GET /v1/lists`, `POST /v1/lists/reload`, `GET /v1/entities/{id}`;
//! - `alerts.rs`: `GET /v1/alerts`;
//! - `metrics.rs`: screenings, matches and list age for `GET /metrics`;
//! - `error.rs`: domain and store errors as problems.

mod alerts;
mod compare;
mod error;
mod lists;
mod metrics;
mod request;
mod screenings;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::monitoring::{LiveLists, Monitor};

pub use metrics::ScreeningMetrics;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The list version in force: one-off screenings and comparisons read
    /// it directly.
    pub lists: Arc<LiveLists>,
    /// Monitored subjects and alerts (enrolment, reloads, the alert feed).
    pub monitor: Arc<Monitor>,
    /// Screenings and matches counted for `GET /metrics`.
    pub metrics: ScreeningMetrics,
}

/// The service's own routes (the platform adds health, OpenAPI and auth).
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/v1/screenings", post(screenings::screen))
        .route("/v1/screenings/batch", post(screenings::batch))
        .route("/v1/compare", post(compare::compare))
        .route("/v1/lists", get(lists::list))
        .route("/v1/lists/reload", post(lists::reload))
        .route("/v1/entities/{id}", get(lists::entity))
        .route("/v1/alerts", get(alerts::feed))
        .with_state(state)
}
