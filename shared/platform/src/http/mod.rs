//! The HTTP server every service runs: the platform's routes (health,
//! OpenAPI), the middleware stack (request ids, one span per request,
//! timeouts (the request's, and the client's for headers and body), body
//! limits, problem+json for every error), bearer-token auth in
//! front of the service's own routes, graceful shutdown, and the
//! `Idempotency-Key` and `If-Match` extractors.

mod body_watch;
mod context;
mod health;
mod preconditions;
mod server;

pub use context::{REQUEST_ID_HEADER, RequestId};
pub use health::{DependencyCheck, Readiness, probe_live};
pub use preconditions::{IF_MATCH_HEADER, IdempotencyKey, IfMatch, MAX_IDEMPOTENCY_KEY_LEN, etag};
pub use server::{BoundService, Connections, ServiceRouter, Shutdown, serve, shutdown_signal};
