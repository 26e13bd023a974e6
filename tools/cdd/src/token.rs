//! `cdd token`: a bearer token for local use and tests.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};

#[derive(clap::Args)]
pub struct TokenArgs {
    /// clerk, analyst, approver, senior_manager, template_author or service
    /// (with an identity provider configured, the services take only `service`).
    #[arg(long)]
    pub role: Role,
    /// Who the token speaks for (user or service name).
    #[arg(long)]
    pub sub: String,
    /// Lifetime in seconds (services refuse more than CDD_AUTH_MAX_TOKEN_LIFETIME_SECS, a day by default).
    #[arg(long, default_value_t = 3600)]
    pub ttl: u64,
    /// A key file (current key on the first line), as the services' CDD_AUTH_KEY_FILE.
    /// Without it, the built-in development key that local services use.
    #[arg(long, env = "CDD_AUTH_KEY_FILE")]
    pub key_file: Option<PathBuf>,
}

pub fn run(args: TokenArgs) -> anyhow::Result<()> {
    let key = match &args.key_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading key file {}", path.display()))?
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .with_context(|| format!("key file {} is empty", path.display()))?
            .to_string(),
        None => {
            eprintln!(
                "cdd: signing with the built-in development key (valid only for CDD_ENV=local services)"
            );
            DEVELOPMENT_KEY.to_string()
        }
    };
    println!(
        "{}",
        issue_token(&key, &args.sub, args.role, Duration::from_secs(args.ttl))?
    );
    Ok(())
}
