//! Start-up shared by every service's `main` (and by tests and `cdd up`).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;

use crate::auth::Authenticator;
use crate::secrets::{FileSecret, SecretsManagerSecret};
use crate::settings::{AuthKeySource, CommonSettings, EnvReader};

/// The soonest a failed signature may trigger another key refresh (or the
/// key's maximum age, when that is shorter).
const KEY_MIN_REFRESH_GAP: Duration = Duration::from_secs(10);

/// The authenticator for the configured key source. With the development key
/// it says so loudly, once, at start.
pub async fn authenticator(
    settings: &CommonSettings,
    sdk: Option<&SdkConfig>,
) -> anyhow::Result<Arc<Authenticator>> {
    let max_age = settings.auth_key_max_age;
    let min_gap = KEY_MIN_REFRESH_GAP.min(max_age);
    let auth = match &settings.auth_key {
        AuthKeySource::Development => {
            tracing::warn!(
                "using the built-in DEVELOPMENT signing key (CDD_ENV=local, no CDD_AUTH_KEY_FILE or CDD_AUTH_SECRET_ID set): tokens from `cdd token` work; never use this outside a laptop"
            );
            Authenticator::development().await?
        }
        AuthKeySource::File { path } => {
            Authenticator::from_source(Box::new(FileSecret::new(path)), max_age, min_gap).await?
        }
        AuthKeySource::SecretsManager { secret_id } => {
            let sdk =
                sdk.ok_or_else(|| anyhow::anyhow!("CDD_AUTH_SECRET_ID needs the AWS backend"))?;
            let client = crate::aws::secrets_manager(sdk);
            Authenticator::from_source(
                Box::new(SecretsManagerSecret::new(client, secret_id.clone())),
                max_age,
                min_gap,
            )
            .await?
        }
    };
    Ok(Arc::new(auth))
}

/// Reads settings with `read`, or prints every problem and returns the exit code.
pub fn read_settings<T>(
    service: &str,
    read: impl FnOnce(&mut EnvReader) -> Option<T>,
) -> Result<T, ExitCode> {
    let mut env = EnvReader::from_process();
    let value = read(&mut env);
    match (env.finish(), value) {
        (Ok(()), Some(v)) => Ok(v),
        (Err(err), _) => {
            eprintln!("{service}: {err}");
            Err(ExitCode::from(2))
        }
        (Ok(()), None) => {
            eprintln!("{service}: invalid settings");
            Err(ExitCode::from(2))
        }
    }
}

/// Whether the binary was started as `<service> --health-check`.
pub fn health_check_requested() -> bool {
    std::env::args().skip(1).any(|a| a == "--health-check")
}

/// The container health check: 0 when `/health/live` on `PORT` answers 200.
pub async fn health_check() -> ExitCode {
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    if crate::http::probe_live(port).await {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Formats a start-up failure with its causes.
pub fn startup_failed(service: &str, err: &anyhow::Error) -> ExitCode {
    eprintln!("{service}: failed to start: {err:#}");
    ExitCode::FAILURE
}
