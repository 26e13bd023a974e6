//! `cdd deploy`, run as the real binary.
//!
//! - `rollouts`: recorded DescribeServices answers (fixtures/rolling_*.json)
//!   played back by a fake ECS endpoint drive the rolling state machine to
//!   each verdict: completed, rolled back by the circuit breaker, stuck
//!   until the timeout; with the exit codes the pipeline relies on;
//! - `canaries`: the same for CodeDeploy (fixtures/canary_*.json):
//!   succeeded, stopped by an alarm, failed; and the AppSpec sent;
//! - `control_plane`: against the moto server (`CDD_TEST_AWS_ENDPOINT`):
//!   the revision registered, the service updated, `--dry-run`,
//!   `--rollback`, errors. moto runs no tasks and rolls nothing out, so
//!   every real deployment there ends in the timeout (exit 5);
//! - `cli`: the command line (usage errors, exit codes in `--help`).

mod canaries;
mod cli;
mod control_plane;
mod fake_aws;
mod rollouts;

use std::process::Output;

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// stdout and stderr together, for assertion messages.
pub fn shown(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}
