//! The HTTP server every service runs: the platform's routes (health,
//! OpenAPI), the middleware stack (request ids, one span per request,
//! timeouts (the request's, and the client's for headers and body), body
//! limits, problem+json for every error), bearer-token auth in
//! front of the service's own routes, and graceful shutdown.

mod body_watch;
mod context;
mod health;
mod server;

pub use context::{REQUEST_ID_HEADER, RequestId};
pub use health::{DependencyCheck, Readiness, probe_live};
pub use server::{BoundService, Connections, ServiceRouter, Shutdown, serve, shutdown_signal};
