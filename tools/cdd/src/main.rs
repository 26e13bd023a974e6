//! `cdd`: the platform's command-line tool.
//!
//! - `cdd up`: every service as its own process in embedded mode (no AWS, no
//!   Docker), waits until each is ready, prints URLs and tokens, and stops
//!   them all on Ctrl-C.
//! - `cdd token --role R --sub NAME`: prints a bearer token.
//! - `cdd lists load|diff|screen|fetch`: sanctions list files.
//! - `cdd service NAME`: runs one service in this process (what `up` starts).

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
    /// Print a bearer token for a role.
    Token(token::TokenArgs),
    /// Sanctions list files: load, diff, screen a customer file, fetch.
    #[command(subcommand)]
    Lists(lists::ListsCommand),
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
            Command::Token(args) => report(token::run(args)),
            Command::Lists(command) => report(lists::run(command).await),
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
