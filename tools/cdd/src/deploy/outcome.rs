//! How a deployment ended, and the exit code each ending gets.
//!
//! The codes are part of the command's contract: the pipeline branches on
//! them (a rolled-back deployment needs the image-tag parameter put back, a
//! timed-out one needs a person), so they never change meaning.

use std::fmt;

/// Deployed, nothing to do, or a dry run.
pub const EXIT_OK: u8 = 0;
/// A request that cannot be carried out (unknown container, no previous
/// revision) or an AWS call that failed.
pub const EXIT_ERROR: u8 = 1;
// 2 is clap's own: the command line does not parse.
/// The deployment failed and nothing rolled it back.
pub const EXIT_FAILED: u8 = 3;
/// The deployment failed and ECS or CodeDeploy put the previous revision back.
pub const EXIT_ROLLED_BACK: u8 = 4;
/// The new revision was not running when `--timeout` ran out.
pub const EXIT_TIMED_OUT: u8 = 5;

/// The table printed at the end of `cdd deploy --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  deployed: the new revision is the one running (also: --dry-run, nothing to change)
  1  error: an AWS call failed, or the request cannot be carried out (unknown
     container, no previous revision to roll back to)
  2  the command line does not parse
  3  failed: the deployment failed and nothing rolled it back
  4  rolled back: the deployment failed and ECS (circuit breaker, alarms) or
     CodeDeploy put the previous revision back; the new revision is kept
  5  timed out: the new revision was not running within --timeout seconds
     (ECS or CodeDeploy carry on with the deployment)";

/// The verdict on one rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new revision is the one running.
    Deployed,
    /// The deployment failed and nothing rolled it back; the reason.
    Failed(String),
    /// The deployment failed and the previous revision runs again; the reason.
    RolledBack(String),
    /// Still not done when the time ran out; the last state seen.
    TimedOut(String),
}

impl Outcome {
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Deployed => EXIT_OK,
            Outcome::Failed(_) => EXIT_FAILED,
            Outcome::RolledBack(_) => EXIT_ROLLED_BACK,
            Outcome::TimedOut(_) => EXIT_TIMED_OUT,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Deployed => write!(f, "deployed"),
            Outcome::Failed(why) => write!(f, "failed: {why}"),
            Outcome::RolledBack(why) => write!(f, "rolled back: {why}"),
            Outcome::TimedOut(why) => write!(f, "timed out: {why}"),
        }
    }
}
