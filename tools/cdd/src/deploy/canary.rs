//! The state machine of a CodeDeploy blue/green (canary) deployment, fed one
//! GetDeployment answer (plus the ECS target's task sets) at a time.
//!
//! - Succeeded: the green task set, running the new revision, takes all
//!   traffic: deployed.
//! - Stopped: an alarm fired (or someone stopped it); for ECS, CodeDeploy
//!   then routes traffic back to the blue task set: rolled back.
//! - Failed: rolled back when CodeDeploy names a rollback (automatic
//!   rollback on failure, which the deployment groups have), else failed.
//! - Created, Queued, InProgress, Baking, Ready: still going.

use std::time::Duration;

use aws_sdk_codedeploy::types::{DeploymentInfo, DeploymentTarget};

use super::outcome::Outcome;
use super::watch::{Step, Watcher};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CanarySnapshot {
    pub status: String,
    /// `errorInformation`: code and message.
    pub error: Option<String>,
    /// `rollbackInfo`: the rollback's message or deployment, if one was started.
    pub rollback: Option<String>,
    /// The lifecycle event in progress (BeforeAllowTraffic, AfterAllowTestTraffic...).
    pub lifecycle: Option<String>,
    pub task_sets: Vec<CanaryTaskSet>,
    /// Why the task sets could not be read, if they could not.
    pub targets_error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CanaryTaskSet {
    /// BLUE (the running revision) or GREEN (the new one).
    pub label: String,
    pub status: String,
    pub desired: i64,
    pub running: i64,
    pub pending: i64,
    /// Percent of the production traffic it receives.
    pub traffic: f64,
}

impl CanarySnapshot {
    pub fn new(info: &DeploymentInfo, target: Option<&DeploymentTarget>) -> Self {
        let error = info.error_information().and_then(|e| {
            let code = e.code().map(|c| c.as_str().to_string());
            match (code, e.message()) {
                (None, None) => None,
                (code, message) => Some(format!(
                    "{}{}",
                    code.map(|c| format!("{c}: ")).unwrap_or_default(),
                    message.unwrap_or_default()
                )),
            }
        });
        let rollback = info.rollback_info().and_then(|r| {
            r.rollback_message().map(str::to_string).or_else(|| {
                r.rollback_deployment_id()
                    .map(|id| format!("rollback deployment {id}"))
            })
        });
        let ecs = target.and_then(|t| t.ecs_target());
        Self {
            status: info
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            error,
            rollback,
            lifecycle: ecs.and_then(|t| {
                t.lifecycle_events()
                    .iter()
                    .find(|e| e.status().is_some_and(|s| s.as_str() == "InProgress"))
                    .and_then(|e| e.lifecycle_event_name().map(str::to_string))
            }),
            task_sets: ecs
                .map(|t| t.task_sets_info())
                .unwrap_or_default()
                .iter()
                .map(|s| CanaryTaskSet {
                    label: s
                        .task_set_label()
                        .map(|l| l.as_str().to_string())
                        .unwrap_or_default(),
                    status: s.status().unwrap_or_default().to_string(),
                    desired: s.desired_count(),
                    running: s.running_count(),
                    pending: s.pending_count(),
                    traffic: s.traffic_weight(),
                })
                .collect(),
            targets_error: None,
        }
    }
}

pub struct CanaryWatch {
    deployment: String,
    timeout: Duration,
    last_progress: Option<String>,
}

impl CanaryWatch {
    pub fn new(deployment: &str, timeout: Duration) -> Self {
        Self {
            deployment: deployment.to_string(),
            timeout,
            last_progress: None,
        }
    }
}

impl Watcher for CanaryWatch {
    type Snapshot = CanarySnapshot;

    fn observe(&mut self, elapsed: Duration, canary: &CanarySnapshot) -> Step {
        let progress = progress(&self.deployment, canary);
        let mut lines = Vec::new();
        if self.last_progress.as_ref() != Some(&progress) {
            lines.push(progress.clone());
            self.last_progress = Some(progress.clone());
        }
        let reason = || {
            [canary.error.clone(), canary.rollback.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")
        };
        let verdict = match canary.status.as_str() {
            "Succeeded" => Some(Outcome::Deployed),
            "Stopped" => Some(Outcome::RolledBack(format!(
                "CodeDeploy stopped the deployment and routed traffic back to the blue task set. {}",
                reason()
            ))),
            "Failed" if canary.rollback.is_some() => Some(Outcome::RolledBack(reason())),
            "Failed" => Some(Outcome::Failed(reason())),
            _ if elapsed >= self.timeout => Some(Outcome::TimedOut(format!(
                "CodeDeploy deployment {} is still {} after {} s (it goes on; \
                 `aws deploy stop-deployment --deployment-id {} --auto-rollback-enabled` stops it)",
                self.deployment,
                canary.status,
                elapsed.as_secs(),
                self.deployment
            ))),
            _ => None,
        };
        Step { lines, verdict }
    }
}

fn progress(deployment: &str, canary: &CanarySnapshot) -> String {
    let mut line = format!("CodeDeploy {deployment} {}", canary.status);
    if let Some(event) = &canary.lifecycle {
        line.push_str(&format!(" ({event})"));
    }
    if let Some(error) = &canary.targets_error {
        line.push_str(&format!(" | task sets unknown: {error}"));
    }
    for set in &canary.task_sets {
        line.push_str(&format!(
            " | {} {}: running {}/{}, pending {}, traffic {}%",
            set.label.to_lowercase(),
            set.status,
            set.running,
            set.desired,
            set.pending,
            set.traffic
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canary(status: &str, rollback: Option<&str>) -> CanarySnapshot {
        CanarySnapshot {
            status: status.into(),
            error: Some("ALARM_ACTIVE: alarm cdd-prod-intake-green-5xx".into()),
            rollback: rollback.map(str::to_string),
            ..CanarySnapshot::default()
        }
    }

    #[test]
    fn statuses_map_to_outcomes() {
        let mut watch = CanaryWatch::new("d-1", Duration::from_secs(60));
        let at = Duration::from_secs(1);
        assert_eq!(watch.observe(at, &canary("InProgress", None)).verdict, None);
        assert_eq!(
            watch.observe(at, &canary("Succeeded", None)).verdict,
            Some(Outcome::Deployed)
        );
        assert!(matches!(
            watch.observe(at, &canary("Stopped", None)).verdict,
            Some(Outcome::RolledBack(_))
        ));
        assert!(matches!(
            watch
                .observe(at, &canary("Failed", Some("rolled back")))
                .verdict,
            Some(Outcome::RolledBack(_))
        ));
        assert!(matches!(
            watch.observe(at, &canary("Failed", None)).verdict,
            Some(Outcome::Failed(_))
        ));
        assert!(matches!(
            watch
                .observe(Duration::from_secs(61), &canary("Baking", None))
                .verdict,
            Some(Outcome::TimedOut(_))
        ));
    }
}
