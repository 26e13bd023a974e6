//! Logging with `tracing`: JSON lines in containers (CloudWatch `awslogs`),
//! readable lines on a laptop. `RUST_LOG` filters; the default keeps the
//! services at `info` and the AWS SDK and hyper quiet.
//!
//! Personal data never goes into a log line: handlers log ids, counts and
//! outcomes, never names, dates of birth or document numbers.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::settings::LogFormat;

const DEFAULT_FILTER: &str = "info,aws_config=warn,aws_smithy_runtime=warn,hyper=warn,h2=warn";

/// Installs the global subscriber. Safe to call more than once (later calls
/// are ignored), so tests that start several apps do not panic.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
        LogFormat::Pretty => registry
            .with(tracing_subscriber::fmt::layer().compact())
            .try_init(),
    };
    // An error only means a subscriber is already installed.
    let _ = result;
}

/// For tests: logs only when `TEST_LOG` is set, so test output stays quiet.
pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init(LogFormat::Pretty);
    }
}
