//! One `cdd deploy`, step by step: read the service and the revision it
//! runs, work out the new revision (or the previous one for `--rollback`),
//! show the difference, register, start the rollout the way the service's
//! deployment controller wants it, and watch it to a verdict.

use std::time::Duration;

use anyhow::{Context, bail};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ecs::types::{ContainerDefinition, Service, TaskDefinition};

use super::appspec::{LoadBalancedContainer, ecs_appspec};
use super::canary::CanaryWatch;
use super::changes::Changes;
use super::outcome::Outcome;
use super::revision;
use super::rollout::RolloutWatch;
use super::snapshot::{ServiceSnapshot, short};
use super::watch::watch;
use super::{DeployArgs, codedeploy, ecs};

/// The SDK's default chain (credentials, `AWS_REGION`, `AWS_ENDPOINT_URL`
/// for an emulator, which the SDK reads itself), with `--region` on top.
async fn sdk_config(region: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_string()));
    }
    loader.load().await
}

/// `None` when nothing was rolled out (dry run, nothing to change).
pub async fn deploy(args: &DeployArgs, changes: &Changes) -> anyhow::Result<Option<Outcome>> {
    let config = sdk_config(args.region.as_deref()).await;
    let ecs = aws_sdk_ecs::Client::new(&config);
    let service = ecs::describe_service(&ecs, &args.cluster, &args.service).await?;
    let before = ServiceSnapshot::from(&service);
    let controller = service
        .deployment_controller()
        .map_or("ECS", |c| c.r#type().as_str());
    if !matches!(controller, "ECS" | "CODE_DEPLOY") {
        bail!(
            "service {} uses the {controller} deployment controller, which cdd deploy does not drive",
            args.service
        );
    }
    let running_arn = before
        .task_definition
        .clone()
        .with_context(|| format!("service {} names no task definition", args.service))?;
    let (running, tags) = ecs::describe_task_definition(&ecs, &running_arn).await?;
    println!(
        "{} in {} runs {} ({controller} deployments)",
        args.service,
        args.cluster,
        short(&running_arn)
    );

    let target = if args.rollback {
        let family = running
            .family()
            .context("the running revision has no family")?;
        let previous = ecs::previous_revision(&ecs, family, running.revision())
            .await?
            .with_context(|| {
                format!(
                    "no ACTIVE revision of {family} before {} to roll back to",
                    running.revision()
                )
            })?;
        let (previous_definition, _) = ecs::describe_task_definition(&ecs, &previous).await?;
        println!("rolling back to {}:", short(&previous));
        show(
            running.container_definitions(),
            previous_definition.container_definitions(),
        );
        if args.dry_run {
            println!("dry run: nothing deployed");
            return Ok(None);
        }
        previous
    } else {
        let containers = revision::apply(running.container_definitions(), changes)
            .map_err(anyhow::Error::msg)?;
        if revision::between(running.container_definitions(), &containers).is_empty() {
            println!(
                "nothing to change: the running revision already has these images and settings"
            );
            return Ok(None);
        }
        println!(
            "a new revision of {}:",
            running.family().unwrap_or("the family")
        );
        show(running.container_definitions(), &containers);
        if args.dry_run {
            println!("dry run: nothing registered, nothing deployed");
            return Ok(None);
        }
        let registered = ecs::register(&ecs, &running, tags, containers).await?;
        let arn = registered
            .task_definition_arn()
            .context("the new revision has no ARN")?
            .to_string();
        println!("registered {}", short(&arn));
        arn
    };

    let timeout = Duration::from_secs(args.timeout);
    let outcome = if controller == "CODE_DEPLOY" {
        canary(&config, args, &service, &running, &target, timeout).await?
    } else {
        rolling(&ecs, args, &before, &target, timeout).await?
    };
    if outcome == Outcome::Deployed && args.rollback {
        // Terraform renders the image from the image-tag parameter; left on
        // the newer tag, the next apply would roll that image out again.
        println!(
            "note: if Terraform manages {}, set its image-tag parameter to the tag of {} before the next apply (infra/README.md)",
            args.service,
            short(&target)
        );
    }
    Ok(Some(outcome))
}

fn show(from: &[ContainerDefinition], to: &[ContainerDefinition]) {
    let differences = revision::between(from, to);
    if differences.is_empty() {
        println!("  (same images and settings)");
    }
    for difference in differences {
        println!("  {difference}");
    }
}

async fn rolling(
    client: &aws_sdk_ecs::Client,
    args: &DeployArgs,
    before: &ServiceSnapshot,
    target: &str,
    timeout: Duration,
) -> anyhow::Result<Outcome> {
    let updated = ecs::update_service(client, &args.cluster, &args.service, target).await?;
    let deployment = updated
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY") && d.task_definition() == Some(target))
        .and_then(|d| d.id())
        .map(str::to_string);
    println!(
        "updated {} to {} (deployment {}); waiting up to {} s",
        args.service,
        short(target),
        deployment.as_deref().unwrap_or("not listed yet"),
        timeout.as_secs()
    );
    let mut watcher = RolloutWatch::new(before, target, deployment, timeout);
    watch(
        &mut watcher,
        async || {
            let service = ecs::describe_service(client, &args.cluster, &args.service).await?;
            Ok(ServiceSnapshot::from(&service))
        },
        args.poll_interval,
    )
    .await
}

async fn canary(
    config: &SdkConfig,
    args: &DeployArgs,
    service: &Service,
    running: &TaskDefinition,
    target: &str,
    timeout: Duration,
) -> anyhow::Result<Outcome> {
    let container = service
        .load_balancers()
        .iter()
        .find_map(|lb| {
            Some(LoadBalancedContainer {
                name: lb.container_name()?.to_string(),
                port: lb.container_port()?,
            })
        })
        .context(
            "a CodeDeploy (blue/green) service must name the container behind its load balancer",
        )?;
    // Terraform names the application and the group after the family.
    let family = running.family().unwrap_or(&args.service).to_string();
    let application = args
        .codedeploy_application
        .clone()
        .unwrap_or_else(|| family.clone());
    let group = args.codedeploy_group.clone().unwrap_or(family);
    let appspec = ecs_appspec(target, &container, service.platform_version());
    let client = aws_sdk_codedeploy::Client::new(config);
    let description = format!("cdd deploy: {} to {}", args.service, short(target));
    let deployment =
        codedeploy::create_deployment(&client, &application, &group, &appspec, &description)
            .await?;
    println!(
        "CodeDeploy deployment {deployment} ({application}/{group}) of {} to {}; waiting up to {} s",
        args.service,
        short(target),
        timeout.as_secs()
    );
    let mut watcher = CanaryWatch::new(&deployment, timeout);
    watch(
        &mut watcher,
        async || codedeploy::snapshot(&client, &deployment).await,
        args.poll_interval,
    )
    .await
}
