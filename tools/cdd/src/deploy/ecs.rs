//! The ECS calls `cdd deploy` makes, one function each, with errors that say
//! which call failed and why (the SDK's whole cause chain).

use anyhow::{Context, anyhow, bail};
use aws_sdk_ecs::Client;
use aws_sdk_ecs::error::DisplayErrorContext;
use aws_sdk_ecs::types::{
    ContainerDefinition, Service, SortOrder, Tag, TaskDefinition, TaskDefinitionField,
    TaskDefinitionStatus,
};

fn failure<E: std::error::Error + 'static>(what: String, err: E) -> anyhow::Error {
    anyhow!("{what}: {}", DisplayErrorContext(err))
}

/// The service, refused unless it exists and is ACTIVE.
pub async fn describe_service(
    client: &Client,
    cluster: &str,
    service: &str,
) -> anyhow::Result<Service> {
    let out = client
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| {
            failure(
                format!("describing service {service} in cluster {cluster}"),
                e,
            )
        })?;
    if let Some(f) = out.failures().first() {
        bail!(
            "service {service} in cluster {cluster}: {}",
            f.reason().unwrap_or("not found")
        );
    }
    let found = out
        .services()
        .first()
        .cloned()
        .with_context(|| format!("service {service} not found in cluster {cluster}"))?;
    if found.status() != Some("ACTIVE") {
        bail!(
            "service {service} in cluster {cluster} is {}",
            found.status().unwrap_or("not active")
        );
    }
    Ok(found)
}

/// A revision with its tags (a new revision carries them on).
pub async fn describe_task_definition(
    client: &Client,
    task_definition: &str,
) -> anyhow::Result<(TaskDefinition, Vec<Tag>)> {
    let out = client
        .describe_task_definition()
        .task_definition(task_definition)
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .map_err(|e| failure(format!("describing task definition {task_definition}"), e))?;
    let definition = out
        .task_definition()
        .cloned()
        .with_context(|| format!("task definition {task_definition} not found"))?;
    Ok((definition, out.tags().to_vec()))
}

/// Registers `base` again with `containers`: every field that
/// RegisterTaskDefinition takes back is copied, so a deployment changes
/// nothing but what was asked (tools that copy a fixed list lose the newer
/// fields: runtime platform, ephemeral storage, tags).
pub async fn register(
    client: &Client,
    base: &TaskDefinition,
    tags: Vec<Tag>,
    containers: Vec<ContainerDefinition>,
) -> anyhow::Result<TaskDefinition> {
    let family = base.family().context("the task definition has no family")?;
    let out = client
        .register_task_definition()
        .family(family)
        .set_task_role_arn(base.task_role_arn.clone())
        .set_execution_role_arn(base.execution_role_arn.clone())
        .set_network_mode(base.network_mode.clone())
        .set_container_definitions(Some(containers))
        .set_volumes(base.volumes.clone())
        .set_placement_constraints(base.placement_constraints.clone())
        .set_requires_compatibilities(base.requires_compatibilities.clone())
        .set_cpu(base.cpu.clone())
        .set_memory(base.memory.clone())
        .set_pid_mode(base.pid_mode.clone())
        .set_ipc_mode(base.ipc_mode.clone())
        .set_proxy_configuration(base.proxy_configuration.clone())
        .set_ephemeral_storage(base.ephemeral_storage.clone())
        .set_runtime_platform(base.runtime_platform.clone())
        .set_enable_fault_injection(base.enable_fault_injection)
        .set_tags((!tags.is_empty()).then_some(tags))
        .send()
        .await
        .map_err(|e| failure(format!("registering a new revision of {family}"), e))?;
    out.task_definition()
        .cloned()
        .context("RegisterTaskDefinition answered no task definition")
}

/// Points the service at `task_definition`; ECS answers with the service
/// and the deployment it started.
pub async fn update_service(
    client: &Client,
    cluster: &str,
    service: &str,
    task_definition: &str,
) -> anyhow::Result<Service> {
    let out = client
        .update_service()
        .cluster(cluster)
        .service(service)
        .task_definition(task_definition)
        .send()
        .await
        .map_err(|e| {
            failure(
                format!("updating service {service} to {task_definition}"),
                e,
            )
        })?;
    out.service()
        .cloned()
        .context("UpdateService answered no service")
}

/// The ACTIVE revision of `family` just before `revision`, if any
/// (deregistered revisions are skipped: they can no longer start tasks).
pub async fn previous_revision(
    client: &Client,
    family: &str,
    revision: i32,
) -> anyhow::Result<Option<String>> {
    let arns: Vec<String> = client
        .list_task_definitions()
        .family_prefix(family)
        .status(TaskDefinitionStatus::Active)
        .sort(SortOrder::Desc)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| failure(format!("listing the revisions of {family}"), e))?;
    Ok(arns
        .into_iter()
        .filter_map(|arn| {
            let (name, rev) = arn.rsplit_once('/')?.1.rsplit_once(':')?;
            (name == family).then_some((rev.parse::<i32>().ok()?, arn.clone()))
        })
        .filter(|(rev, _)| *rev < revision)
        .max_by_key(|(rev, _)| *rev)
        .map(|(_, arn)| arn))
}
