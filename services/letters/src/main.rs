//! `letters`: runs the letters service (`--health-check` probes a running one).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cdd_platform::service::run_from_env::<cdd_letters::Application>().await
}
