//! The state machine of a rolling ECS deployment, fed one DescribeServices
//! answer at a time.
//!
//! Success means the new revision is the one running: its deployment is the
//! PRIMARY one and ECS calls its rollout COMPLETED (or, where ECS tracks no
//! rollout state, it is the only deployment left and every task runs). A
//! deployment that reached a steady state is not enough: after a circuit
//! breaker or alarm rollback the service is steady too, on the old revision,
//! which is the case tools that only wait for stability report as success.
//!
//! Our deployment is the one UpdateService answered with (by id), or else
//! the first PRIMARY deployment of the target revision seen.

use std::collections::HashSet;
use std::time::Duration;

use super::outcome::Outcome;
use super::snapshot::{DeploymentSnapshot, ServiceSnapshot, short};
use super::watch::{Step, Watcher};

pub struct RolloutWatch {
    target: String,
    previous: Option<String>,
    deployment: Option<String>,
    timeout: Duration,
    seen_events: HashSet<String>,
    last_progress: Option<String>,
    /// Why ECS marked our deployment FAILED, once it did.
    failure: Option<String>,
}

impl RolloutWatch {
    /// `before`: the service before the update (its revision is the one a
    /// rollback returns to; its events are history, not progress).
    /// `deployment`: the id of the deployment UpdateService started, if known.
    pub fn new(
        before: &ServiceSnapshot,
        target: &str,
        deployment: Option<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            target: target.to_string(),
            previous: before.task_definition.clone(),
            deployment,
            timeout,
            seen_events: before.events.iter().map(|e| e.id.clone()).collect(),
            last_progress: None,
            failure: None,
        }
    }

    fn verdict(&mut self, service: &ServiceSnapshot) -> Option<Outcome> {
        let id = self.deployment.clone()?;
        let Some(ours) = service.deployment(&id) else {
            // ECS drops a deployment once another one has replaced it.
            let now = service.task_definition.as_deref().map_or("?", short);
            return Some(if service.task_definition == self.previous {
                Outcome::RolledBack(self.failure_or(format!(
                    "deployment {id} is gone and the service runs {now} again"
                )))
            } else {
                Outcome::Failed(format!("deployment {id} is gone; the service runs {now}"))
            });
        };
        let failed = ours.rollout_state.as_deref() == Some("FAILED");
        if failed && self.failure.is_none() {
            self.failure = Some(
                ours.rollout_state_reason
                    .clone()
                    .unwrap_or_else(|| "ECS marked the deployment FAILED".to_string()),
            );
        }
        match service.primary().filter(|p| p.id != ours.id) {
            // Someone started the same revision again: follow that deployment.
            Some(other) if other.task_definition == self.target && !failed => {
                self.deployment = Some(other.id.clone());
                None
            }
            Some(other) if failed || Some(&other.task_definition) == self.previous.as_ref() => {
                Some(Outcome::RolledBack(format!(
                    "{}; ECS is rolling back to {}",
                    self.failure_or("ECS replaced the deployment".to_string()),
                    short(&other.task_definition)
                )))
            }
            Some(other) => Some(Outcome::Failed(format!(
                "deployment {} of {} replaced this one",
                other.id,
                short(&other.task_definition)
            ))),
            None if failed && service.rolls_back => None, // the rollback is about to start
            None if failed => Some(Outcome::Failed(self.failure_or(String::new()))),
            None if ours.status == "PRIMARY" && completed(ours, service) => Some(Outcome::Deployed),
            None => None,
        }
    }

    fn failure_or(&self, fallback: String) -> String {
        self.failure.clone().unwrap_or(fallback)
    }

    fn new_events(&mut self, service: &ServiceSnapshot) -> Vec<String> {
        let mut lines = Vec::new();
        for event in service.events.iter().rev() {
            if self.seen_events.insert(event.id.clone()) {
                lines.push(format!("event: {}", event.message));
            }
        }
        lines
    }
}

impl Watcher for RolloutWatch {
    type Snapshot = ServiceSnapshot;

    fn observe(&mut self, elapsed: Duration, service: &ServiceSnapshot) -> Step {
        let mut lines = self.new_events(service);
        if self.deployment.is_none() {
            self.deployment = service
                .deployments
                .iter()
                .find(|d| d.status == "PRIMARY" && d.task_definition == self.target)
                .map(|d| d.id.clone());
        }
        let progress = progress(service, self.deployment.as_deref(), &self.target);
        if self.last_progress.as_ref() != Some(&progress) {
            lines.push(progress.clone());
            self.last_progress = Some(progress.clone());
        }
        let verdict = self.verdict(service).or_else(|| {
            (elapsed >= self.timeout).then(|| match &self.failure {
                Some(why) => Outcome::Failed(format!("{why} (and no rollback within the timeout)")),
                None => Outcome::TimedOut(format!(
                    "{} is not running after {} s; last state: {progress}",
                    short(&self.target),
                    elapsed.as_secs()
                )),
            })
        });
        Step { lines, verdict }
    }
}

fn completed(ours: &DeploymentSnapshot, service: &ServiceSnapshot) -> bool {
    match ours.rollout_state.as_deref() {
        Some(state) => state == "COMPLETED",
        None => service.deployments.len() == 1 && ours.running == ours.desired && ours.pending == 0,
    }
}

/// One line for the whole service: each deployment's revision, status,
/// rollout state and task counts.
fn progress(service: &ServiceSnapshot, ours: Option<&str>, target: &str) -> String {
    let deployments: Vec<String> = service
        .deployments
        .iter()
        .map(|d| {
            format!(
                "{} {} {}: running {}/{}, pending {}, failed {}",
                short(&d.task_definition),
                d.status,
                d.rollout_state.as_deref().unwrap_or("-"),
                d.running,
                d.desired,
                d.pending,
                d.failed_tasks
            )
        })
        .collect();
    let listed = if deployments.is_empty() {
        "no deployments listed".to_string()
    } else {
        deployments.join(" | ")
    };
    match ours {
        Some(_) => listed,
        None => format!("waiting for ECS to start {}: {listed}", short(target)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "arn:aws:ecs:eu-central-1:1:task-definition/app:7";
    const NEW: &str = "arn:aws:ecs:eu-central-1:1:task-definition/app:8";

    fn deployment(id: &str, status: &str, td: &str, state: Option<&str>) -> DeploymentSnapshot {
        DeploymentSnapshot {
            id: id.into(),
            status: status.into(),
            task_definition: td.into(),
            desired: 2,
            rollout_state: state.map(str::to_string),
            ..DeploymentSnapshot::default()
        }
    }

    fn service(td: &str, deployments: Vec<DeploymentSnapshot>) -> ServiceSnapshot {
        ServiceSnapshot {
            task_definition: Some(td.into()),
            deployments,
            rolls_back: true,
            ..ServiceSnapshot::default()
        }
    }

    #[test]
    fn a_breaker_that_trips_before_the_rollback_starts_waits_for_it() {
        let before = service(
            OLD,
            vec![deployment("d7", "PRIMARY", OLD, Some("COMPLETED"))],
        );
        let mut watch = RolloutWatch::new(&before, NEW, Some("d8".into()), Duration::from_secs(60));
        let tripped = service(NEW, vec![deployment("d8", "PRIMARY", NEW, Some("FAILED"))]);
        assert_eq!(
            watch.observe(Duration::from_secs(1), &tripped).verdict,
            None
        );
        let rolling_back = service(
            OLD,
            vec![
                deployment("d9", "PRIMARY", OLD, Some("IN_PROGRESS")),
                deployment("d8", "ACTIVE", NEW, Some("FAILED")),
            ],
        );
        let step = watch.observe(Duration::from_secs(2), &rolling_back);
        assert!(
            matches!(step.verdict, Some(Outcome::RolledBack(_))),
            "{step:?}"
        );
    }

    #[test]
    fn without_rollback_a_failed_deployment_fails() {
        let before = service(
            OLD,
            vec![deployment("d7", "PRIMARY", OLD, Some("COMPLETED"))],
        );
        let mut watch = RolloutWatch::new(&before, NEW, Some("d8".into()), Duration::from_secs(60));
        let mut tripped = service(NEW, vec![deployment("d8", "PRIMARY", NEW, Some("FAILED"))]);
        tripped.rolls_back = false;
        let step = watch.observe(Duration::from_secs(1), &tripped);
        assert!(matches!(step.verdict, Some(Outcome::Failed(_))), "{step:?}");
    }

    #[test]
    fn another_deployment_taking_over_is_a_failure_not_a_success() {
        let third = "arn:aws:ecs:eu-central-1:1:task-definition/app:9";
        let before = service(
            OLD,
            vec![deployment("d7", "PRIMARY", OLD, Some("COMPLETED"))],
        );
        let mut watch = RolloutWatch::new(&before, NEW, Some("d8".into()), Duration::from_secs(60));
        let replaced = service(
            third,
            vec![
                deployment("d9", "PRIMARY", third, Some("IN_PROGRESS")),
                deployment("d8", "ACTIVE", NEW, Some("IN_PROGRESS")),
            ],
        );
        let step = watch.observe(Duration::from_secs(1), &replaced);
        assert!(matches!(step.verdict, Some(Outcome::Failed(_))), "{step:?}");
    }

    #[test]
    fn progress_is_printed_only_when_it_changes() {
        let before = service(
            OLD,
            vec![deployment("d7", "PRIMARY", OLD, Some("COMPLETED"))],
        );
        let mut watch = RolloutWatch::new(&before, NEW, None, Duration::from_secs(60));
        let started = service(
            NEW,
            vec![
                deployment("d8", "PRIMARY", NEW, Some("IN_PROGRESS")),
                deployment("d7", "ACTIVE", OLD, Some("COMPLETED")),
            ],
        );
        assert_eq!(
            watch.observe(Duration::from_secs(1), &started).lines.len(),
            1
        );
        assert!(
            watch
                .observe(Duration::from_secs(2), &started)
                .lines
                .is_empty()
        );
        let done = service(
            NEW,
            vec![deployment("d8", "PRIMARY", NEW, Some("COMPLETED"))],
        );
        assert_eq!(
            watch.observe(Duration::from_secs(3), &done).verdict,
            Some(Outcome::Deployed)
        );
    }
}
