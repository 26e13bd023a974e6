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
pub mod casework;
pub mod dependencies;
pub mod domain;
pub mod settings;
pub mod startup;
pub mod store;

pub use settings::IntakeSettings;
pub use startup::Application;

use cdd_platform::http::Shutdown;
use cdd_platform::service::Service;
use cdd_platform::settings::{EnvReader, LogFormat};

impl Service for Application {
    type Settings = IntakeSettings;
    const NAME: &'static str = "intake";

    fn read_settings(env: &mut EnvReader) -> Option<IntakeSettings> {
        IntakeSettings::read(env)
    }
    fn log_format(settings: &IntakeSettings) -> LogFormat {
        settings.common.log_format
    }
    async fn build(settings: IntakeSettings, shutdown: Shutdown) -> anyhow::Result<Self> {
        Application::build(settings, shutdown).await
    }
    async fn run_until_stopped(self) -> std::io::Result<()> {
        Application::run_until_stopped(self).await
    }
}
