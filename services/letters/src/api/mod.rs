//! The letters HTTP API: routes, and the one place errors become HTTP
//! ([`error`]).
//!
//! | route | who |
//! |---|---|
//! | `GET /v1/templates`, `GET /v1/templates/{name}` | any role |
//! | `PUT /v1/templates/{name}` | template_author (what the bank writes to its customers is a controlled change, kept apart from deciding cases) |
//! | `POST /v1/letters` | any role; from a decision template (approval, rejection) only `service` (intake, after recording the decision), with the decision's reference |
//! | `GET /v1/letters/{id}`, `.../content`, `GET /v1/customers/{id}/letters` | any role |

// Handlers return the platform's `Problem` (about 130 bytes) once per
// request, as the platform's own extractors do; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

mod error;
mod letters;
mod params;
mod templates;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use cdd_platform::auth::Role;

use crate::catalogue::TemplateCatalogue;
use crate::issuing::LetterIssuer;

pub use error::STORED_CONTENT_CORRUPT;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub catalogue: Arc<TemplateCatalogue>,
    pub issuer: Arc<LetterIssuer>,
}

/// Every role may read templates and letters and ask for a letter.
const ANY_ROLE: &[Role] = &[
    Role::Clerk,
    Role::Analyst,
    Role::Approver,
    Role::TemplateAuthor,
    Role::Service,
];
/// Only template authors change what the bank writes to its customers.
const TEMPLATE_AUTHORS: &[Role] = &[Role::TemplateAuthor];
/// A decision letter comes only from intake, after the decision it reports
/// is recorded (four eyes cannot be bypassed by asking letters directly).
const DECISION_LETTER_ISSUERS: &[Role] = &[Role::Service];

/// The service's own routes (the platform adds health, OpenAPI and auth).
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/v1/templates", get(templates::list))
        .route(
            "/v1/templates/{name}",
            get(templates::get).put(templates::put),
        )
        .route("/v1/letters", post(letters::create))
        .route("/v1/letters/{id}", get(letters::get))
        .route("/v1/letters/{id}/content", get(letters::content))
        .route("/v1/customers/{id}/letters", get(letters::for_customer))
        .with_state(state)
}
