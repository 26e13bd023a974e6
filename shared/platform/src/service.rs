//! Start-up shared by every service's `main` (and by tests and `cdd up`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;

use crate::auth::{Authenticator, IdentityProvider};
use crate::http::{Shutdown, shutdown_signal};
use crate::secrets::{FileSecret, SecretsManagerSecret};
use crate::settings::{AuthKeySource, Backend, CommonSettings, EnvReader, LogFormat};

/// Where a service keeps its state, with what it needs to reach it: the
/// embedded data directory, or AWS with the SDK configuration (DynamoDB, S3,
/// Secrets Manager, or an emulator at `AWS_ENDPOINT_URL`). Each startup
/// matches on this once, so an AWS backend without an SDK configuration
/// cannot be written.
#[derive(Debug, Clone)]
pub enum Storage {
    Embedded { data_dir: PathBuf },
    Aws(Box<SdkConfig>),
}

impl Storage {
    /// The storage `settings` name (the SDK configuration is read here).
    pub async fn of(settings: &CommonSettings) -> Self {
        match &settings.backend {
            Backend::Embedded { data_dir } => Self::Embedded {
                data_dir: data_dir.clone(),
            },
            Backend::Aws => Self::Aws(Box::new(crate::aws::sdk_config(settings).await)),
        }
    }

    /// The SDK configuration, with the AWS backend.
    pub fn sdk(&self) -> Option<&SdkConfig> {
        match self {
            Self::Embedded { .. } => None,
            Self::Aws(sdk) => Some(sdk.as_ref()),
        }
    }
}

/// A setting only the AWS backend needs (a table, a bucket): its value, or
/// an error naming the variable.
pub fn required_with_aws<T: Clone>(value: &Option<T>, variable: &str) -> anyhow::Result<T> {
    value
        .clone()
        .ok_or_else(|| anyhow::anyhow!("{variable} is required with the AWS backend"))
}

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
    let mut auth = auth.with_max_lifetime(settings.auth_max_token_lifetime);
    if let Some(provider) = &settings.identity_provider {
        auth = auth.with_identity_provider(IdentityProvider::start(provider.clone()).await);
    }
    tracing::info!(mode = %auth.sign_in_mode(), "sign-in");
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

/// A service binary: how it reads its settings and builds and runs its app.
/// [`run_from_env`] is then the whole of its `main` (and of the process
/// `cdd up` starts for it).
pub trait Service: Sized + Send {
    type Settings: Send;
    /// The service's name, for messages.
    const NAME: &'static str;
    fn read_settings(env: &mut EnvReader) -> Option<Self::Settings>;
    fn log_format(settings: &Self::Settings) -> LogFormat;
    fn build(
        settings: Self::Settings,
        shutdown: Shutdown,
    ) -> impl std::future::Future<Output = anyhow::Result<Self>> + Send;
    fn run_until_stopped(self) -> impl std::future::Future<Output = std::io::Result<()>> + Send;
}

/// `--health-check`; `--check-settings` (validate the environment and exit:
/// 0, or 2 naming every problem, without starting); or: settings from the
/// environment, telemetry, then serve until SIGTERM or Ctrl-C and drain.
pub async fn run_from_env<S: Service>() -> ExitCode {
    if health_check_requested() {
        return health_check().await;
    }
    let settings = match read_settings(S::NAME, S::read_settings) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if std::env::args().skip(1).any(|a| a == "--check-settings") {
        println!("{}: settings are valid", S::NAME);
        return ExitCode::SUCCESS;
    }
    crate::telemetry::init(S::log_format(&settings));
    let shutdown = Shutdown::new();
    shutdown.trigger_on(shutdown_signal());
    let app = match S::build(settings, shutdown).await {
        Ok(app) => app,
        Err(err) => return startup_failed(S::NAME, &err),
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => startup_failed(S::NAME, &err.into()),
    }
}
