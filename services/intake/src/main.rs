//! `intake`: runs the intake service (`--health-check` probes a running one).

use std::process::ExitCode;

use cdd_intake::{Application, IntakeSettings};
use cdd_platform::http::{Shutdown, shutdown_signal};
use cdd_platform::service;

#[tokio::main]
async fn main() -> ExitCode {
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
