//! Settings read once from the environment at start (docs/architecture.md §3).
//!
//! Every service reads its settings through an [`EnvReader`], which keeps
//! going after the first problem so that a misconfigured task stops with one
//! message naming every missing or invalid variable, not the first of many.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// One setting that is missing or invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingProblem {
    pub name: String,
    pub problem: String,
}

/// All the problems found in the environment, reported together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SettingsError {
    pub problems: Vec<SettingProblem>,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid settings ({} problem", self.problems.len())?;
        if self.problems.len() != 1 {
            write!(f, "s")?;
        }
        write!(f, "):")?;
        for p in &self.problems {
            write!(f, " {}: {};", p.name, p.problem)?;
        }
        Ok(())
    }
}

/// Reads variables from an environment snapshot and collects every problem.
pub struct EnvReader {
    vars: HashMap<String, String>,
    problems: Vec<SettingProblem>,
}

impl EnvReader {
    /// A reader over the process environment.
    pub fn from_process() -> Self {
        Self::from_map(std::env::vars().collect())
    }

    /// A reader over the given variables (tests, `cdd up`).
    pub fn from_map(vars: HashMap<String, String>) -> Self {
        Self {
            vars,
            problems: Vec::new(),
        }
    }

    /// The raw value, treating an empty or blank value as absent.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Records a problem with a setting; used for cross-field rules.
    pub fn problem(&mut self, name: &str, problem: impl Into<String>) {
        self.problems.push(SettingProblem {
            name: name.to_string(),
            problem: problem.into(),
        });
    }

    /// A required string; records "is required" when absent.
    pub fn required(&mut self, name: &str) -> Option<String> {
        match self.raw(name) {
            Some(v) => Some(v.to_string()),
            None => {
                self.problem(name, "is required but not set");
                None
            }
        }
    }

    /// An optional string.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.raw(name).map(str::to_string)
    }

    /// An optional value parsed with `FromStr`; a value that does not parse is a problem.
    pub fn optional_parsed<T>(&mut self, name: &str) -> Option<T>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        let raw = self.raw(name)?.to_string();
        match raw.parse::<T>() {
            Ok(v) => Some(v),
            Err(e) => {
                self.problem(name, format!("invalid value: {e}"));
                None
            }
        }
    }

    /// A parsed value with a default when absent.
    pub fn parsed_or<T>(&mut self, name: &str, default: T) -> T
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        let had = self.raw(name).is_some();
        match self.optional_parsed(name) {
            Some(v) => v,
            None if !had => default,
            // The problem is recorded; the default only keeps parsing going.
            None => default,
        }
    }

    /// A required value parsed with `FromStr`.
    pub fn required_parsed<T>(&mut self, name: &str) -> Option<T>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        if self.raw(name).is_none() {
            self.problem(name, "is required but not set");
            return None;
        }
        self.optional_parsed(name)
    }

    /// Ends reading: every problem at once, or nothing.
    pub fn finish(self) -> Result<(), SettingsError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError {
                problems: self.problems,
            })
        }
    }

    /// Whether any problem has been recorded so far.
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// Where the platform runs; decides which shortcuts are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Local,
    Dev,
    Test,
    Prod,
}

impl FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "local" => Ok(Self::Local),
            "dev" => Ok(Self::Dev),
            "test" => Ok(Self::Test),
            "prod" => Ok(Self::Prod),
            other => Err(format!("`{other}` is not one of local, dev, test, prod")),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Local => "local",
            Self::Dev => "dev",
            Self::Test => "test",
            Self::Prod => "prod",
        })
    }
}

/// Which storage adapters a service uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// Durable files under a data directory; no AWS needed.
    Embedded { data_dir: PathBuf },
    /// DynamoDB, S3 and Secrets Manager (or an emulator at `AWS_ENDPOINT_URL`).
    Aws,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (containers, CloudWatch `awslogs`).
    Json,
    /// Human-readable lines for a terminal.
    Pretty,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            other => Err(format!("`{other}` is not one of json, pretty")),
        }
    }
}

/// How the JWT signing key is obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKeySource {
    /// A Secrets Manager secret, read at run time (AWSCURRENT and AWSPREVIOUS).
    SecretsManager { secret_id: String },
    /// A local file: the current key on the first line, earlier keys after it.
    File { path: PathBuf },
    /// The built-in development key; only allowed with `CDD_ENV=local`.
    Development,
}

/// How long a client may take over its headers or pause in its body, and
/// how long an idle keep-alive connection stays open, unless configured.
/// It must stay above the load balancer's idle timeout (15 s in
/// `infra/terraform/modules/edge`), so that the balancer, not the service,
/// closes an idle connection: a service closing one the balancer is about to
/// reuse gives the caller a 502.
pub const DEFAULT_CLIENT_READ_TIMEOUT_MS: u64 = 20_000;
/// A slowloris defence that waits longer than this is no defence.
pub const MAX_CLIENT_READ_TIMEOUT_MS: u64 = 30_000;

/// Settings every service shares.
#[derive(Debug, Clone)]
pub struct CommonSettings {
    pub service: &'static str,
    pub port: u16,
    /// The address to listen on: loopback on a laptop, every interface in a container.
    pub listen_ip: std::net::IpAddr,
    pub environment: Environment,
    pub backend: Backend,
    pub aws_region: Option<String>,
    pub aws_endpoint_url: Option<String>,
    pub namespace: Option<String>,
    pub dns_server: Option<SocketAddr>,
    pub log_format: LogFormat,
    pub auth_key: AuthKeySource,
    /// How long a signing key is cached before it is read again.
    pub auth_key_max_age: std::time::Duration,
    /// The longest lifetime (`exp - iat`) a token may claim; longer ones are refused.
    pub auth_max_token_lifetime: std::time::Duration,
    /// The bank's identity provider people sign in with (`CDD_AUTH_ISSUER`),
    /// when there is one.
    pub identity_provider: Option<crate::auth::ProviderSettings>,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// How long one request may take before the server answers 503.
    pub request_timeout: std::time::Duration,
    /// How long a client may take over its headers, or pause in its body
    /// (then 408), and how long an idle connection stays open.
    pub client_read_timeout: std::time::Duration,
}

impl CommonSettings {
    /// Reads the shared settings; service-specific ones are read from the same
    /// reader afterwards so that all problems are reported together.
    pub fn read(service: &'static str, env: &mut EnvReader) -> Option<Self> {
        let port = env.parsed_or::<u16>("PORT", 8080);
        let environment = env.parsed_or("CDD_ENV", Environment::Local);
        let default_ip = if environment == Environment::Local {
            std::net::IpAddr::from([127, 0, 0, 1])
        } else {
            std::net::IpAddr::from([0, 0, 0, 0])
        };
        let listen_ip = env.parsed_or("CDD_LISTEN_ADDR", default_ip);
        let backend = match env.raw("CDD_BACKEND").unwrap_or("embedded") {
            "embedded" => Backend::Embedded {
                data_dir: env
                    .optional("CDD_DATA_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from(".cdd-data").join(service)),
            },
            "aws" => Backend::Aws,
            other => {
                env.problem(
                    "CDD_BACKEND",
                    format!("`{other}` is not one of embedded, aws"),
                );
                Backend::Aws
            }
        };
        let aws_region = env.optional("AWS_REGION");
        if backend == Backend::Aws && aws_region.is_none() {
            env.problem("AWS_REGION", "is required when CDD_BACKEND=aws");
        }
        let aws_endpoint_url = env.optional("AWS_ENDPOINT_URL");
        if let Some(url) = &aws_endpoint_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            env.problem("AWS_ENDPOINT_URL", "must start with http:// or https://");
        }
        let namespace = env.optional("CDD_NAMESPACE");
        let dns_server = env.optional_parsed::<SocketAddr>("CDD_DNS_SERVER");
        let default_format = if environment == Environment::Local {
            LogFormat::Pretty
        } else {
            LogFormat::Json
        };
        let log_format = env.parsed_or("CDD_LOG_FORMAT", default_format);
        let auth_key = match (
            env.optional("CDD_AUTH_SECRET_ID"),
            env.optional("CDD_AUTH_KEY_FILE"),
        ) {
            (Some(_), Some(_)) => {
                env.problem(
                    "CDD_AUTH_SECRET_ID",
                    "set only one of CDD_AUTH_SECRET_ID and CDD_AUTH_KEY_FILE",
                );
                AuthKeySource::Development
            }
            (Some(secret_id), None) => {
                if backend != Backend::Aws {
                    env.problem(
                        "CDD_AUTH_SECRET_ID",
                        "needs CDD_BACKEND=aws (use CDD_AUTH_KEY_FILE with the embedded backend)",
                    );
                }
                AuthKeySource::SecretsManager { secret_id }
            }
            (None, Some(path)) => AuthKeySource::File {
                path: PathBuf::from(path),
            },
            (None, None) => {
                if environment != Environment::Local {
                    env.problem(
                        "CDD_AUTH_SECRET_ID",
                        format!(
                            "a signing key is required when CDD_ENV={environment}: set CDD_AUTH_SECRET_ID or CDD_AUTH_KEY_FILE (the development key is only for CDD_ENV=local)"
                        ),
                    );
                }
                AuthKeySource::Development
            }
        };
        let key_max_age = env.parsed_or::<u64>("CDD_AUTH_KEY_MAX_AGE_SECS", 300);
        let max_lifetime = env.parsed_or::<u64>(
            "CDD_AUTH_MAX_TOKEN_LIFETIME_SECS",
            crate::auth::DEFAULT_MAX_TOKEN_LIFETIME.as_secs(),
        );
        if max_lifetime == 0 {
            env.problem("CDD_AUTH_MAX_TOKEN_LIFETIME_SECS", "must be greater than 0");
        }
        let identity_provider = read_identity_provider(env, environment);
        let body_limit_bytes = env.parsed_or::<usize>("CDD_BODY_LIMIT_BYTES", 1024 * 1024);
        let timeout_ms = env.parsed_or::<u64>("CDD_REQUEST_TIMEOUT_MS", 10_000);
        if timeout_ms == 0 {
            env.problem("CDD_REQUEST_TIMEOUT_MS", "must be greater than 0");
        }
        let client_read_ms =
            env.parsed_or::<u64>("CDD_CLIENT_READ_TIMEOUT_MS", DEFAULT_CLIENT_READ_TIMEOUT_MS);
        if !(1..=MAX_CLIENT_READ_TIMEOUT_MS).contains(&client_read_ms) {
            env.problem(
                "CDD_CLIENT_READ_TIMEOUT_MS",
                format!(
                    "must be between 1 and {MAX_CLIENT_READ_TIMEOUT_MS}: a longer wait lets slow clients hold connections open"
                ),
            );
        }
        Some(Self {
            service,
            port,
            listen_ip,
            environment,
            backend,
            aws_region,
            aws_endpoint_url,
            namespace,
            dns_server,
            log_format,
            auth_key,
            auth_key_max_age: std::time::Duration::from_secs(key_max_age),
            auth_max_token_lifetime: std::time::Duration::from_secs(max_lifetime),
            identity_provider,
            body_limit_bytes,
            request_timeout: std::time::Duration::from_millis(timeout_ms),
            client_read_timeout: std::time::Duration::from_millis(client_read_ms),
        })
    }
}

/// The provider's settings, when `CDD_AUTH_ISSUER` is set. Its audience and
/// role map are then required: without them any token of the provider
/// (another application's, or a person with no role here) would do.
fn read_identity_provider(
    env: &mut EnvReader,
    environment: Environment,
) -> Option<crate::auth::ProviderSettings> {
    let issuer = env.optional("CDD_AUTH_ISSUER");
    let jwks_url = env.optional("CDD_AUTH_JWKS_URL");
    let Some(issuer) = issuer else {
        for name in [
            "CDD_AUTH_JWKS_URL",
            "CDD_AUTH_AUDIENCE",
            "CDD_AUTH_ROLE_MAP",
            "CDD_AUTH_ROLES_CLAIM",
        ] {
            if env.raw(name).is_some() {
                env.problem(
                    name,
                    "needs CDD_AUTH_ISSUER (the identity provider's issuer URL)",
                );
            }
        }
        return None;
    };
    for (name, url) in [
        ("CDD_AUTH_ISSUER", Some(&issuer)),
        ("CDD_AUTH_JWKS_URL", jwks_url.as_ref()),
    ] {
        let Some(url) = url else { continue };
        let https = url.starts_with("https://");
        if !https && !url.starts_with("http://") {
            env.problem(name, "must be an http:// or https:// URL");
        } else if !https && environment != Environment::Local {
            env.problem(
                name,
                format!("must be https:// when CDD_ENV={environment}: the keys that admit people cannot travel in clear"),
            );
        }
    }
    let audience = env.required("CDD_AUTH_AUDIENCE");
    let role_map = env.required("CDD_AUTH_ROLE_MAP").and_then(|text| {
        text.parse::<crate::auth::RoleMap>()
            .map_err(|e| env.problem("CDD_AUTH_ROLE_MAP", e))
            .ok()
    });
    let roles_claim = env
        .optional("CDD_AUTH_ROLES_CLAIM")
        .unwrap_or_else(|| "cognito:groups".to_string());
    let max_age = env.parsed_or::<u64>("CDD_AUTH_JWKS_MAX_AGE_SECS", 3600);
    let min_refetch = env.parsed_or::<u64>("CDD_AUTH_JWKS_MIN_REFETCH_SECS", 30);
    if max_age == 0 {
        env.problem("CDD_AUTH_JWKS_MAX_AGE_SECS", "must be greater than 0");
    }
    Some(crate::auth::ProviderSettings {
        issuer: issuer.trim_end_matches('/').to_string(),
        jwks_url,
        audience: audience?,
        roles_claim,
        role_map: role_map?,
        jwks_max_age: std::time::Duration::from_secs(max_age),
        jwks_min_refetch: std::time::Duration::from_secs(min_refetch),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(pairs: &[(&str, &str)]) -> EnvReader {
        EnvReader::from_map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_are_local_embedded_with_development_key() {
        let mut env = reader(&[]);
        let s = CommonSettings::read("intake", &mut env).unwrap();
        env.finish().unwrap();
        assert_eq!(s.port, 8080);
        assert_eq!(s.environment, Environment::Local);
        assert!(matches!(s.backend, Backend::Embedded { .. }));
        assert_eq!(s.auth_key, AuthKeySource::Development);
        assert_eq!(s.log_format, LogFormat::Pretty);
    }

    #[test]
    fn every_problem_is_named_in_one_error() {
        let mut env = reader(&[
            ("PORT", "eighty"),
            ("CDD_ENV", "staging"),
            ("CDD_BACKEND", "aws"),
            ("CDD_LOG_FORMAT", "xml"),
        ]);
        CommonSettings::read("intake", &mut env);
        let err = env.finish().unwrap_err();
        let names: Vec<_> = err.problems.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["PORT", "CDD_ENV", "AWS_REGION", "CDD_LOG_FORMAT"],
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("PORT: invalid value"), "{text}");
        assert!(text.contains("`staging` is not one of"), "{text}");
    }

    #[test]
    fn non_local_environments_refuse_the_development_key() {
        let mut env = reader(&[
            ("CDD_ENV", "prod"),
            ("CDD_BACKEND", "aws"),
            ("AWS_REGION", "eu-west-1"),
        ]);
        CommonSettings::read("intake", &mut env);
        let err = env.finish().unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert!(err.problems[0].problem.contains("signing key is required"));
    }

    #[test]
    fn a_client_read_timeout_that_defends_nothing_is_refused() {
        for value in ["0", "120000"] {
            let mut env = reader(&[("CDD_CLIENT_READ_TIMEOUT_MS", value)]);
            CommonSettings::read("intake", &mut env);
            let err = env.finish().unwrap_err();
            assert_eq!(err.problems[0].name, "CDD_CLIENT_READ_TIMEOUT_MS", "{err}");
            assert!(err.problems[0].problem.contains("30000"), "{err}");
        }
        let mut env = reader(&[]);
        let s = CommonSettings::read("intake", &mut env).unwrap();
        assert_eq!(s.client_read_timeout.as_millis(), 20_000);
    }

    #[test]
    fn an_identity_provider_needs_its_audience_and_role_map() {
        let mut env = reader(&[(
            "CDD_AUTH_ISSUER",
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/",
        )]);
        assert!(CommonSettings::read("intake", &mut env).is_some());
        let err = env.finish().unwrap_err().to_string();
        assert!(err.contains("CDD_AUTH_AUDIENCE: is required"), "{err}");
        assert!(err.contains("CDD_AUTH_ROLE_MAP: is required"), "{err}");

        let mut env = reader(&[
            (
                "CDD_AUTH_ISSUER",
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/",
            ),
            ("CDD_AUTH_AUDIENCE", "console-client"),
            (
                "CDD_AUTH_ROLE_MAP",
                "cdd-analysts=analyst,cdd-approvers=approver",
            ),
        ]);
        let s = CommonSettings::read("intake", &mut env).unwrap();
        env.finish().unwrap();
        let p = s.identity_provider.unwrap();
        assert_eq!(
            p.issuer,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc"
        );
        assert_eq!(p.roles_claim, "cognito:groups");
        assert_eq!(p.jwks_url, None);
        assert_eq!(p.jwks_max_age, std::time::Duration::from_secs(3600));
    }

    #[test]
    fn identity_provider_settings_are_checked() {
        let mut env = reader(&[
            ("CDD_ENV", "prod"),
            ("CDD_AUTH_KEY_FILE", "/run/key"),
            ("CDD_AUTH_ISSUER", "http://idp.bank.internal/realms/staff"),
            ("CDD_AUTH_AUDIENCE", "cdd"),
            ("CDD_AUTH_ROLE_MAP", "robots=service"),
        ]);
        CommonSettings::read("intake", &mut env);
        let err = env.finish().unwrap_err().to_string();
        assert!(
            err.contains("CDD_AUTH_ISSUER: must be https:// when CDD_ENV=prod"),
            "{err}"
        );
        assert!(err.contains("no group may grant `service`"), "{err}");

        let mut env = reader(&[
            ("CDD_AUTH_ROLE_MAP", "a=analyst"),
            ("CDD_AUTH_AUDIENCE", "x"),
        ]);
        let s = CommonSettings::read("intake", &mut env).unwrap();
        let err = env.finish().unwrap_err().to_string();
        assert!(
            err.contains("CDD_AUTH_ROLE_MAP: needs CDD_AUTH_ISSUER"),
            "{err}"
        );
        assert!(s.identity_provider.is_none());
    }
}
