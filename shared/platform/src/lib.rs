//! What every CDD service needs, so that no service writes it again.
//!
//! - [`settings`]: the environment, read once and validated, every problem named.
//! - [`telemetry`]: `tracing` with JSON lines in containers.
//! - [`trace`]: W3C Trace Context, read on the way in and sent on the way out.
//! - [`metrics`]: the Prometheus registry served at `GET /metrics`.
//! - [`http`]: the axum server: health, request ids, limits, timeouts,
//!   problem+json errors, OpenAPI, bearer auth, graceful shutdown.
//! - [`problem`] and [`json`]: errors on the wire and reading request bodies
//!   so that every invalid field is named.
//! - [`auth`]: JWT bearer tokens with roles; keys from [`secrets`].
//! - [`aws`]: SDK clients honouring `AWS_ENDPOINT_URL`.
//! - [`journal`]: the durable group-commit journal behind every embedded store.
//! - [`service`]: the start-up a service's `main` shares with `cdd up`.

pub mod auth;
pub mod aws;
pub mod http;
pub mod journal;
pub mod json;
pub mod metrics;
pub mod private_files;
pub mod problem;
pub mod secrets;
pub mod service;
pub mod settings;
pub mod telemetry;
pub mod trace;

pub use problem::{FieldError, Problem};
