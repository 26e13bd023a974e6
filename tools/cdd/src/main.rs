//! `cdd`: the platform's command-line tool.
//!
//! - `cdd up`: every service as its own process in embedded mode (no AWS, no
//!   Docker), found by one another through an embedded Cloud Map DNS server;
//!   waits until each is ready, prints URLs, DNS records and tokens, and
//!   stops them all on Ctrl-C.
//! - `cdd demo`: onboards two customers end to end against a running `cdd
//!   up` and prints each one's case and audit trail.
//! - `cdd token --role R --sub NAME`: prints a bearer token.
//! - `cdd lists load|diff|screen|fetch`: sanctions list files.
//! - `cdd deploy`: rolls new images out to an ECS service and waits for the
//!   verdict (deployed, failed, rolled back, timed out: distinct exit codes).
//! - `cdd service NAME`: runs one service in this process (what `up` starts).

mod demo;
mod deploy;
mod lists;
mod token;
mod up;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cdd", version, about = "Customer due diligence platform tool")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the whole platform locally (embedded storage) until Ctrl-C.
    Up(up::UpArgs),
    /// Onboard two customers end to end against a running `cdd up`.
    Demo(demo::DemoArgs),
    /// Print a bearer token for a role.
    Token(token::TokenArgs),
    /// Sanctions list files: load, diff, screen a customer file, fetch.
    #[command(subcommand)]
    Lists(lists::ListsCommand),
    /// Deploy new images to an ECS service and wait until they run.
    Deploy(deploy::DeployArgs),
    /// Run one service in this process, configured from the environment.
    #[command(hide = true)]
    Service {
        /// The service to run.
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cdd: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match cli.command {
            Command::Up(args) => report(up::run(args).await),
            Command::Demo(args) => report(demo::run(args).await),
            Command::Token(args) => report(token::run(args)),
            Command::Lists(command) => report(lists::run(command).await),
            Command::Deploy(args) => deploy::run(args).await,
            Command::Service { name } => match up::SERVICES.iter().find(|s| s.name == name) {
                Some(service) => (service.run)().await,
                None => {
                    eprintln!("cdd: unknown service `{name}`");
                    ExitCode::from(2)
                }
            },
        }
    })
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cdd: {e:#}");
            ExitCode::FAILURE
        }
    }
}
