//! `cdd demo`: onboards two FICTIONAL customers end to end against a
//! running `cdd up` and prints what the platform recorded about each.
//!
//! An individual whose name is on screening's demo list (an alert the
//! analyst clears), and an organisation with a director and a beneficial
//! owner (documents for the owner too); both are approved under four eyes
//! and get their letters. With `--congress-member` (`cdd up --demo` sets it
//! when `--lists-dir` holds the US Congress data) a third: a serving
//! senator, whose PEP alert the analyst confirms and whose relationship a
//! senior manager approves once his source of wealth and funds are
//! evidenced. Any step that fails stops the demo with the service's
//! problem detail and a non-zero exit.
//!
//! Layout:
//! - `platform`: the services' addresses, the staff's tokens, requests;
//! - `applicants`: the two customers and the files uploaded for them;
//! - `onboarding`: the steps for one customer;
//! - `report`: the account of each customer and its audit trail;
//! - `json`: reading the answers.

mod applicants;
mod json;
mod onboarding;
mod platform;
mod report;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::bail;

pub use applicants::congress_data_in;
use platform::Platform;

#[derive(clap::Args)]
pub struct DemoArgs {
    /// The `--base-port` that `cdd up` was started with (intake's port; the
    /// other services follow it).
    #[arg(long, default_value_t = 8080)]
    pub base_port: u16,
    /// How long to wait, in seconds, for intake to finish a step that needs
    /// another service (screening, a letter).
    #[arg(long, default_value_t = 60)]
    pub wait: u64,
    /// Also onboard a serving member of the US Congress as a politically
    /// exposed person (screening must hold the congress-legislators data).
    #[arg(long)]
    pub congress_member: bool,
}

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let platform = Platform::new(args.base_port)?;
    platform.check_ready().await?;
    // A new key each run: a second run onboards new customers instead of
    // replaying the first run's submissions.
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut applicants = vec![
        applicants::listed_name_individual(),
        applicants::organisation_with_owner(),
    ];
    if args.congress_member {
        applicants.push(applicants::serving_senator());
    }
    let mut onboarded = Vec::new();
    for (n, applicant) in applicants.iter().enumerate() {
        let key = format!("cdd-demo-{run}-{}", n + 1);
        onboarded.push(
            onboarding::onboard(&platform, applicant, &key, Duration::from_secs(args.wait)).await?,
        );
    }
    for customer in &onboarded {
        report::print(customer);
    }
    let broken: Vec<String> = onboarded
        .iter()
        .filter(|o| o.audit.pointer("/verification/valid") != Some(&serde_json::Value::Bool(true)))
        .map(|o| json::text(&o.customer, "/id"))
        .collect();
    if !broken.is_empty() {
        bail!(
            "the audit trail of {} does not verify (see above)",
            broken.join(", ")
        );
    }
    println!(
        "Onboarded {} customers end to end: every one approved, its letters issued and its audit trail verified.",
        onboarded.len()
    );
    Ok(())
}
