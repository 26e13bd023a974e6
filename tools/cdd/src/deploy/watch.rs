//! The polling loop: asks AWS for the deployment's state every `poll`,
//! hands each answer to a state machine ([`Watcher`]), prints the lines it
//! returns (each prefixed with the seconds since the start), and stops at
//! its verdict. The state machines decide everything, including the
//! timeout, from the answers and the elapsed time alone, so that recorded
//! answers drive them in tests exactly as AWS does here.

use std::time::{Duration, Instant};

use super::outcome::Outcome;

/// What one look at the deployment gave: lines to print (only what changed
/// since the last look) and, once decided, the verdict.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Step {
    pub lines: Vec<String>,
    pub verdict: Option<Outcome>,
}

/// A state machine over successive descriptions of one deployment.
pub trait Watcher {
    type Snapshot;
    fn observe(&mut self, elapsed: Duration, snapshot: &Self::Snapshot) -> Step;
}

/// How many describe calls in a row may fail (after the SDK's own retries)
/// before the wait gives up: one throttled answer must not fail a release.
const TOLERATED_FAILURES: u32 = 3;

pub async fn watch<W: Watcher>(
    watcher: &mut W,
    mut describe: impl AsyncFnMut() -> anyhow::Result<W::Snapshot>,
    poll: Duration,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut failures = 0;
    loop {
        match describe().await {
            Ok(snapshot) => {
                failures = 0;
                let elapsed = started.elapsed();
                let step = watcher.observe(elapsed, &snapshot);
                for line in step.lines {
                    println!("[{:>4}s] {line}", elapsed.as_secs());
                }
                if let Some(verdict) = step.verdict {
                    return Ok(verdict);
                }
            }
            Err(e) if failures + 1 < TOLERATED_FAILURES => {
                failures += 1;
                println!(
                    "[{:>4}s] describing the deployment failed ({failures} of {TOLERATED_FAILURES} allowed in a row): {e:#}",
                    started.elapsed().as_secs()
                );
            }
            Err(e) => return Err(e.context("describing the deployment kept failing")),
        }
        tokio::time::sleep(poll).await;
    }
}
