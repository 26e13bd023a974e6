//! `documents`: runs the documents service (`--health-check` probes a running one).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cdd_platform::service::run_from_env::<cdd_documents::Application>().await
}
