//! The documents HTTP API: routes, and the one place errors become HTTP
//! ([`error`]).
//!
//! | route | who |
//! |---|---|
//! | `POST /v1/customers/{id}/documents?type=...` (raw file body) | clerk, analyst, service |
//! | `GET /v1/customers/{id}/documents`, `GET /v1/documents/{id}`, `.../content`, `.../download-url` | any role |
//! | `PATCH /v1/documents/{id}` (verify or reject, `If-Match`) | analyst |
//! | `PUT /v1/documents/{id}/legal-hold`, `DELETE /v1/documents/{id}` | analyst, approver |
//!
//! The upload route lifts the platform's body limit for itself (the file is
//! streamed, never held whole, and `CDD_DOCUMENT_MAX_BYTES` applies) and has
//! the upload timeout; every other route keeps `CDD_REQUEST_TIMEOUT_MS`.

#![allow(clippy::result_large_err)]

mod documents;
mod error;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use cdd_platform::auth::Role;
use cdd_platform::problem::{self, Problem};

use crate::register::DocumentRegister;

pub use error::{DOCUMENT_ERASED, LINKS_UNAVAILABLE, STORED_CONTENT_CORRUPT};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub register: Arc<DocumentRegister>,
}

const ANY_ROLE: &[Role] = &[Role::Clerk, Role::Analyst, Role::Approver, Role::Service];
const UPLOADERS: &[Role] = &[Role::Clerk, Role::Analyst, Role::Service];
const VERIFIERS: &[Role] = &[Role::Analyst];
const RECORD_KEEPERS: &[Role] = &[Role::Analyst, Role::Approver];

/// The service's own routes (the platform adds health, OpenAPI and auth).
pub fn routes(state: AppState, request_timeout: Duration) -> Router {
    Router::new()
        .route(
            "/v1/customers/{id}/documents",
            post(documents::upload)
                .layer(DefaultBodyLimit::disable())
                .get(documents::for_customer),
        )
        .route(
            "/v1/documents/{id}",
            get(documents::get)
                .patch(documents::verify)
                .delete(documents::erase),
        )
        .route("/v1/documents/{id}/content", get(documents::content))
        .route(
            "/v1/documents/{id}/download-url",
            get(documents::download_url),
        )
        .route("/v1/documents/{id}/legal-hold", put(documents::legal_hold))
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| within(request_timeout, req, next),
        ))
        .with_state(state)
}

/// The usual request timeout for every request but an upload (the only
/// POST), which the platform's timeout, set to the upload timeout, bounds.
async fn within(timeout: Duration, req: Request, next: Next) -> Response {
    if req.method() == http::Method::POST {
        return next.run(req).await;
    }
    match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => Problem::new(
            problem::TIMEOUT,
            format!(
                "the request did not finish within {} ms",
                timeout.as_millis()
            ),
        )
        .into_response(),
    }
}
