//! What the rollout watcher reads of one DescribeServices answer: plain
//! data, so that the state machine is a pure function of it and tests can
//! build it by hand.

use aws_sdk_ecs::types::Service;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceSnapshot {
    /// The revision the service is set to (for a CodeDeploy service, the
    /// one its primary task set runs).
    pub task_definition: Option<String>,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub deployments: Vec<DeploymentSnapshot>,
    /// Whether ECS rolls a failed deployment back (circuit breaker or alarms
    /// with rollback on); without it a failed deployment stays failed.
    pub rolls_back: bool,
    /// Newest first, as ECS lists them.
    pub events: Vec<EventSnapshot>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentSnapshot {
    pub id: String,
    /// PRIMARY (the one ECS moves to), ACTIVE (being replaced), INACTIVE.
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed_tasks: i32,
    /// IN_PROGRESS, COMPLETED or FAILED; absent where ECS does not track it.
    pub rollout_state: Option<String>,
    pub rollout_state_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventSnapshot {
    pub id: String,
    pub message: String,
}

impl ServiceSnapshot {
    pub fn deployment(&self, id: &str) -> Option<&DeploymentSnapshot> {
        self.deployments.iter().find(|d| d.id == id)
    }

    pub fn primary(&self) -> Option<&DeploymentSnapshot> {
        self.deployments.iter().find(|d| d.status == "PRIMARY")
    }
}

impl From<&Service> for ServiceSnapshot {
    fn from(service: &Service) -> Self {
        let config = service.deployment_configuration();
        let breaker_rolls_back = config
            .and_then(|c| c.deployment_circuit_breaker())
            .is_some_and(|b| b.enable() && b.rollback());
        let alarms_roll_back = config
            .and_then(|c| c.alarms())
            .is_some_and(|a| a.enable() && a.rollback());
        let primary_task_set = service
            .task_sets()
            .iter()
            .find(|t| t.status() == Some("PRIMARY"))
            .and_then(|t| t.task_definition());
        Self {
            task_definition: primary_task_set
                .or(service.task_definition())
                .map(str::to_string),
            desired: service.desired_count(),
            running: service.running_count(),
            pending: service.pending_count(),
            deployments: service
                .deployments()
                .iter()
                .map(|d| DeploymentSnapshot {
                    id: d.id().unwrap_or_default().to_string(),
                    status: d.status().unwrap_or_default().to_string(),
                    task_definition: d.task_definition().unwrap_or_default().to_string(),
                    desired: d.desired_count(),
                    running: d.running_count(),
                    pending: d.pending_count(),
                    failed_tasks: d.failed_tasks(),
                    rollout_state: d.rollout_state().map(|s| s.as_str().to_string()),
                    rollout_state_reason: d.rollout_state_reason().map(str::to_string),
                })
                .collect(),
            rolls_back: breaker_rolls_back || alarms_roll_back,
            events: service
                .events()
                .iter()
                .map(|e| EventSnapshot {
                    id: e.id().unwrap_or_default().to_string(),
                    message: e.message().unwrap_or_default().to_string(),
                })
                .collect(),
        }
    }
}

/// `family:revision` of a task definition ARN, for messages.
pub fn short(task_definition: &str) -> &str {
    task_definition
        .rsplit_once('/')
        .map_or(task_definition, |(_, name)| name)
}
