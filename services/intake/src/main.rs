//! `intake`: runs the intake service (`--health-check` probes a running one).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cdd_intake::run_from_env().await
}
