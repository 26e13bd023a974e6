//! The HTTP server every service runs: the platform's routes (health,
//! OpenAPI), the middleware stack (request ids, one span per request,
//! timeouts, body limits, problem+json for every error), bearer-token auth in
//! front of the service's own routes, and graceful shutdown.

mod context;
mod health;
mod server;

pub use context::{REQUEST_ID_HEADER, RequestId};
pub use health::{DependencyCheck, Readiness, probe_live};
pub use server::{BoundService, ServiceRouter, Shutdown, serve, shutdown_signal};
