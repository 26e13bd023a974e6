//! The intake service: customers and their CDD case.
//!
//! A clerk submits a customer (an individual, or an organisation with its
//! directors and beneficial owners); intake rates the risk with its reasons,
//! sets the CDD level and the documents the case requires, and keeps a
//! hash-chained audit trail of every change.
//!
//! Layout: [`domain`] holds the rules and no I/O; [`store`] is the storage
//! port with its embedded and DynamoDB adapters; [`api`] is the HTTP layer;
//! [`startup`] builds the app from [`settings`] so that `main` and the tests
//! run the same thing.

pub mod api;
pub mod domain;
pub mod settings;
pub mod startup;
pub mod store;

pub use settings::IntakeSettings;
pub use startup::Application;

use std::process::ExitCode;

use cdd_platform::http::{Shutdown, shutdown_signal};
use cdd_platform::service;

/// What `main` does (and `cdd up` for its intake process): settings from the
/// environment, then serve until SIGTERM or Ctrl-C.
pub async fn run_from_env() -> ExitCode {
    if service::health_check_requested() {
        return service::health_check().await;
    }
    let settings = match service::read_settings("intake", IntakeSettings::read) {
        Ok(s) => s,
        Err(code) => return code,
    };
    cdd_platform::telemetry::init(settings.common.log_format);
    let shutdown = Shutdown::new();
    shutdown.trigger_on(shutdown_signal());
    let app = match Application::build(settings, shutdown).await {
        Ok(app) => app,
        Err(err) => return service::startup_failed("intake", &err),
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => service::startup_failed("intake", &err.into()),
    }
}
