//! The intake service's settings: the shared ones, its table, and how it
//! reaches the services it depends on.

use std::collections::HashMap;
use std::time::Duration;

use cdd_platform::settings::{Backend, CommonSettings, EnvReader, Environment};
use reqwest::Url;

use crate::domain::risk::FormerPepRating;

/// The services intake calls, by their Cloud Map names.
pub const DEPENDENCIES: [&str; 3] = ["screening", "documents", "letters"];

/// The port a service listens on when DNS gives only A records (compose).
pub const DEFAULT_SERVICE_PORT: u16 = 8080;

#[derive(Debug, Clone)]
pub struct IntakeSettings {
    pub common: CommonSettings,
    /// The DynamoDB table (`CDD_INTAKE_TABLE`), with the AWS backend.
    pub table: Option<String>,
    /// `CDD_SCREENING_URL`, `CDD_DOCUMENTS_URL`, `CDD_LETTERS_URL`: fixed
    /// addresses that bypass DNS discovery.
    pub service_urls: HashMap<String, Url>,
    /// How long one call to another service may take
    /// (`CDD_DEPENDENCY_TIMEOUT_MS`, default 5,000).
    pub dependency_timeout: Duration,
    /// How often pending steps are retried and the monitoring feed is read
    /// (`CDD_CASEWORK_INTERVAL_MS`, default 5,000).
    pub casework_interval: Duration,
    /// How a confirmed former PEP is rated (`CDD_PEP_FORMER_RATING`,
    /// `medium` or `high`, default `medium`; see `domain::risk`).
    pub former_pep_rating: FormerPepRating,
}

fn env_name(service: &str) -> String {
    format!("CDD_{}_URL", service.to_ascii_uppercase())
}

impl IntakeSettings {
    pub fn read(env: &mut EnvReader) -> Option<Self> {
        let common = CommonSettings::read("intake", env);
        let table = match common.as_ref().map(|c| &c.backend) {
            Some(Backend::Aws) => env.required("CDD_INTAKE_TABLE"),
            _ => env.optional("CDD_INTAKE_TABLE"),
        };
        let mut service_urls = HashMap::new();
        for service in DEPENDENCIES {
            let name = env_name(service);
            let Some(raw) = env.optional(&name) else {
                continue;
            };
            match Url::parse(&raw) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                    service_urls.insert(service.to_string(), url);
                }
                _ => env.problem(&name, "must be an http:// or https:// URL with a host"),
            }
        }
        let dependency_timeout =
            Duration::from_millis(env.parsed_or("CDD_DEPENDENCY_TIMEOUT_MS", 5_000u64));
        let casework_interval =
            Duration::from_millis(env.parsed_or("CDD_CASEWORK_INTERVAL_MS", 5_000u64));
        if dependency_timeout.is_zero() {
            env.problem("CDD_DEPENDENCY_TIMEOUT_MS", "must be at least 1");
        }
        if casework_interval.is_zero() {
            env.problem("CDD_CASEWORK_INTERVAL_MS", "must be at least 1");
        }
        let former_pep_rating = match env.optional("CDD_PEP_FORMER_RATING") {
            None => FormerPepRating::default(),
            Some(raw) => FormerPepRating::parse(raw.trim()).unwrap_or_else(|| {
                env.problem(
                    "CDD_PEP_FORMER_RATING",
                    format!("must be one of: {}", FormerPepRating::NAMES.join(", ")),
                );
                FormerPepRating::default()
            }),
        };
        let common = common?;
        // Outside a laptop, every dependency must be reachable somehow.
        if common.environment != Environment::Local && common.namespace.is_none() {
            let missing: Vec<String> = DEPENDENCIES
                .iter()
                .filter(|s| !service_urls.contains_key(**s))
                .map(|s| env_name(s))
                .collect();
            if !missing.is_empty() {
                env.problem(
                    "CDD_NAMESPACE",
                    format!(
                        "is required to find the other services by Cloud Map DNS (or set {})",
                        missing.join(", ")
                    ),
                );
            }
        }
        Some(Self {
            common,
            table,
            service_urls,
            dependency_timeout,
            casework_interval,
            former_pep_rating,
        })
    }
}
