//! The ECS and CodeDeploy calls against the moto server: what is registered,
//! what the service points at, what `--dry-run` and `--rollback` do. Each
//! test has its own cluster, service and family.
//!
//! moto starts no tasks and rolls nothing out (a service's deployment never
//! moves to the new revision), so a real deployment here always ends in the
//! timeout, exit 5; the rollout verdicts are tested with recorded answers
//! (`rollouts`, `canaries`).

use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_config::{BehaviorVersion, Region};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{
    Compatibility, ContainerDefinition, CpuArchitecture, DeploymentController,
    DeploymentControllerType, KeyValuePair, LoadBalancer, NetworkMode, OsFamily, RuntimePlatform,
    Tag, TaskDefinitionStatus,
};

use crate::{shown, text};

fn endpoint() -> String {
    match std::env::var("CDD_TEST_AWS_ENDPOINT") {
        Ok(e) if !e.trim().is_empty() => e,
        _ => panic!(
            "CDD_TEST_AWS_ENDPOINT is not set, so the moto tests of cdd deploy cannot run. Run \
             `scripts/test`, or start `python3 scripts/moto_serial.py 5000` and set \
             CDD_TEST_AWS_ENDPOINT=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=test \
             AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1"
        ),
    }
}

async fn config() -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint())
        .credentials_provider(aws_sdk_ecs::config::Credentials::for_tests())
        .load()
        .await
}

/// A name no other test (or earlier run against the same moto) uses.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

struct Platform {
    ecs: Client,
    cluster: String,
    service: String,
    family: String,
}

fn container(name: &str, image: &str) -> ContainerDefinition {
    ContainerDefinition::builder()
        .name(name)
        .image(image)
        .essential(true)
        .environment(
            KeyValuePair::builder()
                .name("RUST_LOG")
                .value("info")
                .build(),
        )
        .build()
}

impl Platform {
    /// A cluster, a family with one revision of `containers`, and a service on it.
    async fn new(
        containers: Vec<ContainerDefinition>,
        controller: DeploymentControllerType,
    ) -> Self {
        let ecs = Client::new(&config().await);
        let (cluster, service, family) = (unique("cluster"), unique("svc"), unique("family"));
        ecs.create_cluster()
            .cluster_name(&cluster)
            .send()
            .await
            .unwrap();
        let platform = Self {
            ecs,
            cluster,
            service,
            family,
        };
        let first = platform.register(containers).await;
        let mut create = platform
            .ecs
            .create_service()
            .cluster(&platform.cluster)
            .service_name(&platform.service)
            .task_definition(&first)
            .desired_count(1)
            .deployment_controller(
                DeploymentController::builder()
                    .r#type(controller.clone())
                    .build()
                    .unwrap(),
            );
        if controller == DeploymentControllerType::CodeDeploy {
            create = create.load_balancers(
                LoadBalancer::builder()
                    .target_group_arn(
                        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1",
                    )
                    .container_name("app")
                    .container_port(8080)
                    .build(),
            );
        }
        create.send().await.unwrap();
        platform
    }

    async fn register(&self, containers: Vec<ContainerDefinition>) -> String {
        self.ecs
            .register_task_definition()
            .family(&self.family)
            .task_role_arn("arn:aws:iam::123456789012:role/task")
            .execution_role_arn("arn:aws:iam::123456789012:role/execution")
            .network_mode(NetworkMode::Awsvpc)
            .requires_compatibilities(Compatibility::Fargate)
            .cpu("256")
            .memory("512")
            .runtime_platform(
                RuntimePlatform::builder()
                    .operating_system_family(OsFamily::Linux)
                    .cpu_architecture(CpuArchitecture::X8664)
                    .build(),
            )
            .set_container_definitions(Some(containers))
            .tags(Tag::builder().key("Project").value("cdd").build())
            .send()
            .await
            .unwrap()
            .task_definition()
            .unwrap()
            .task_definition_arn()
            .unwrap()
            .to_string()
    }

    async fn cdd(&self, extra: &[&str]) -> Output {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_cdd"))
            .args([
                "deploy",
                "--cluster",
                &self.cluster,
                "--service",
                &self.service,
            ])
            .args(extra)
            .args([
                "--timeout",
                "1",
                "--poll-interval",
                "0.1",
                "--region",
                "us-east-1",
            ])
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .kill_on_drop(true)
            .output()
            .await
            .unwrap()
    }

    async fn service_revision(&self) -> String {
        let out = self
            .ecs
            .describe_services()
            .cluster(&self.cluster)
            .services(&self.service)
            .send()
            .await
            .unwrap();
        let arn = out.services()[0].task_definition().unwrap();
        arn.rsplit_once(':').unwrap().1.to_string()
    }

    async fn active_revisions(&self) -> Vec<String> {
        let out = self
            .ecs
            .list_task_definitions()
            .family_prefix(&self.family)
            .status(TaskDefinitionStatus::Active)
            .send()
            .await
            .unwrap();
        let mut revisions: Vec<String> = out
            .task_definition_arns()
            .iter()
            .map(|arn| arn.rsplit_once(':').unwrap().1.to_string())
            .collect();
        revisions.sort();
        revisions
    }

    async fn revision(&self, revision: &str) -> aws_sdk_ecs::types::TaskDefinition {
        let out = self
            .ecs
            .describe_task_definition()
            .task_definition(format!("{}:{revision}", self.family))
            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
            .send()
            .await
            .unwrap();
        out.task_definition().unwrap().clone()
    }
}

fn env_of(container: &ContainerDefinition) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = container
        .environment()
        .iter()
        .map(|v| {
            (
                v.name().unwrap().to_string(),
                v.value().unwrap().to_string(),
            )
        })
        .collect();
    env.sort();
    env
}

#[tokio::test]
async fn a_deployment_registers_the_running_revision_with_the_changes_and_points_the_service_at_it()
{
    let platform = Platform::new(
        vec![container("app", "repo/app:1")],
        DeploymentControllerType::Ecs,
    )
    .await;
    let out = platform
        .cdd(&[
            "--image",
            "app=repo/app:2",
            "--env",
            "app",
            "RUST_LOG",
            "debug",
            "--env",
            "app",
            "FEATURE",
            "on",
            "--secret",
            "app",
            "TOKEN",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:token",
        ])
        .await;
    // moto never rolls the deployment out: the wait ends in the timeout.
    assert_eq!(out.status.code(), Some(5), "{}", shown(&out));
    assert!(
        text(&out.stdout).contains(&format!("registered {}:2", platform.family)),
        "{}",
        shown(&out)
    );

    assert_eq!(platform.service_revision().await, "2");
    assert_eq!(
        platform.active_revisions().await,
        ["1", "2"],
        "the old revision is kept"
    );
    let new = platform.revision("2").await;
    let app = &new.container_definitions()[0];
    assert_eq!(app.image(), Some("repo/app:2"));
    assert_eq!(
        env_of(app),
        [
            ("FEATURE".to_string(), "on".to_string()),
            ("RUST_LOG".to_string(), "debug".to_string())
        ]
    );
    assert_eq!(app.secrets()[0].name(), "TOKEN");
    assert_eq!(
        app.secrets()[0].value_from(),
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:token"
    );
    assert_eq!(new.cpu(), Some("256"));
    assert_eq!(new.memory(), Some("512"));
    assert_eq!(
        new.task_role_arn(),
        Some("arn:aws:iam::123456789012:role/task")
    );
    assert_eq!(
        new.execution_role_arn(),
        Some("arn:aws:iam::123456789012:role/execution")
    );
    assert!(new.runtime_platform().is_some());
}

#[tokio::test]
async fn a_dry_run_prints_the_difference_and_changes_nothing() {
    let platform = Platform::new(
        vec![
            container("app", "registry:5000/team/app:1"),
            container("sidecar", "repo/side@sha256:ab12"),
        ],
        DeploymentControllerType::Ecs,
    )
    .await;
    let out = platform.cdd(&["--tag", "7", "--dry-run"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("app: image registry:5000/team/app:1 -> registry:5000/team/app:7"),
        "{stdout}"
    );
    assert!(
        stdout.contains("sidecar: image repo/side@sha256:ab12 -> repo/side:7"),
        "{stdout}"
    );
    assert_eq!(platform.active_revisions().await, ["1"]);
    assert_eq!(platform.service_revision().await, "1");
}

#[tokio::test]
async fn rollback_returns_to_the_active_revision_before_the_running_one() {
    let platform = Platform::new(
        vec![container("app", "repo/app:1")],
        DeploymentControllerType::Ecs,
    )
    .await;
    platform
        .register(vec![container("app", "repo/app:2")])
        .await;
    let third = platform
        .register(vec![container("app", "repo/app:3")])
        .await;
    platform
        .ecs
        .deregister_task_definition()
        .task_definition(format!("{}:2", platform.family))
        .send()
        .await
        .unwrap();
    platform
        .ecs
        .update_service()
        .cluster(&platform.cluster)
        .service(&platform.service)
        .task_definition(&third)
        .send()
        .await
        .unwrap();

    let out = platform.cdd(&["--rollback", "--dry-run"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("rolling back to {}:1", platform.family)),
        "{stdout}"
    );
    assert!(
        stdout.contains("app: image repo/app:3 -> repo/app:1"),
        "{stdout}"
    );
    assert_eq!(platform.service_revision().await, "3");

    let out = platform.cdd(&["--rollback"]).await;
    assert_eq!(
        out.status.code(),
        Some(5),
        "moto rolls nothing out: {}",
        shown(&out)
    );
    assert_eq!(platform.service_revision().await, "1");
    assert_eq!(
        platform.active_revisions().await,
        ["1", "3"],
        "nothing registered, nothing deregistered"
    );
}

#[tokio::test]
async fn rollback_without_an_earlier_revision_is_an_error() {
    let platform = Platform::new(
        vec![container("app", "repo/app:1")],
        DeploymentControllerType::Ecs,
    )
    .await;
    let out = platform.cdd(&["--rollback"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(
        text(&out.stderr).contains("no ACTIVE revision"),
        "{}",
        shown(&out)
    );
}

#[tokio::test]
async fn an_unknown_container_or_service_is_an_error_and_registers_nothing() {
    let platform = Platform::new(
        vec![container("app", "repo/app:1")],
        DeploymentControllerType::Ecs,
    )
    .await;
    let out = platform.cdd(&["--image", "ap=repo/app:2"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(
        text(&out.stderr).contains("no container `ap` (it has: app)"),
        "{}",
        shown(&out)
    );
    assert_eq!(platform.active_revisions().await, ["1"]);

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args([
            "deploy",
            "--cluster",
            &platform.cluster,
            "--service",
            "no-such-service",
            "--tag",
            "2",
        ])
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    assert!(
        text(&out.stderr).contains("no-such-service"),
        "{}",
        shown(&out)
    );
}

#[tokio::test]
async fn the_same_image_again_changes_nothing() {
    let platform = Platform::new(
        vec![container("app", "repo/app:1")],
        DeploymentControllerType::Ecs,
    )
    .await;
    let out = platform.cdd(&["--image", "app=repo/app:1"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    assert!(
        text(&out.stdout).contains("nothing to change"),
        "{}",
        shown(&out)
    );
    assert_eq!(platform.active_revisions().await, ["1"]);
}

#[tokio::test]
async fn a_code_deploy_service_is_deployed_through_codedeploy_not_update_service() {
    use aws_sdk_codedeploy::types::{
        ComputePlatform, DeploymentOption, DeploymentStyle, DeploymentType,
    };

    let platform = Platform::new(
        vec![container("app", "repo/app:1")],
        DeploymentControllerType::CodeDeploy,
    )
    .await;
    let codedeploy = aws_sdk_codedeploy::Client::new(&config().await);
    let application = unique("app");
    codedeploy
        .create_application()
        .application_name(&application)
        .compute_platform(ComputePlatform::Ecs)
        .send()
        .await
        .unwrap();
    codedeploy
        .create_deployment_group()
        .application_name(&application)
        .deployment_group_name(&application)
        .service_role_arn("arn:aws:iam::123456789012:role/codedeploy")
        .deployment_style(
            DeploymentStyle::builder()
                .deployment_type(DeploymentType::BlueGreen)
                .deployment_option(DeploymentOption::WithTrafficControl)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let out = platform
        .cdd(&[
            "--image",
            "app=repo/app:2",
            "--codedeploy-application",
            &application,
            "--codedeploy-group",
            &application,
        ])
        .await;
    // moto's deployment stays Created (and it has no ListDeploymentTargets,
    // so the task sets are unknown): the wait ends in the timeout. What
    // matters here is which calls were made; the verdicts: `canaries`.
    assert_eq!(out.status.code(), Some(5), "{}", shown(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("CodeDeploy deployment "), "{stdout}");
    assert!(
        stdout.contains(" Created | task sets unknown: ListDeploymentTargets failed"),
        "{stdout}"
    );
    let deployments = codedeploy
        .list_deployments()
        .application_name(&application)
        .deployment_group_name(&application)
        .send()
        .await
        .unwrap();
    assert_eq!(deployments.deployments().len(), 1);
    assert_eq!(platform.active_revisions().await, ["1", "2"]);
    assert_eq!(
        platform.service_revision().await,
        "1",
        "CodeDeploy, not UpdateService, moves the service"
    );
}
