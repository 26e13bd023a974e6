//! The CodeDeploy calls of a canary deployment: create it with an AppSpec,
//! then read its status and the ECS target's task sets.

use anyhow::{Context, anyhow};
use aws_sdk_codedeploy::Client;
use aws_sdk_codedeploy::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_codedeploy::types::{
    AppSpecContent, DeploymentTarget, RevisionLocation, RevisionLocationType,
};

use super::canary::CanarySnapshot;

fn failure<E: std::error::Error + 'static>(what: String, err: E) -> anyhow::Error {
    anyhow!("{what}: {}", DisplayErrorContext(err))
}

/// Starts a deployment of the AppSpec's revision; returns its id.
pub async fn create_deployment(
    client: &Client,
    application: &str,
    group: &str,
    appspec: &str,
    description: &str,
) -> anyhow::Result<String> {
    let revision = RevisionLocation::builder()
        .revision_type(RevisionLocationType::AppSpecContent)
        .app_spec_content(AppSpecContent::builder().content(appspec).build())
        .build();
    let out = client
        .create_deployment()
        .application_name(application)
        .deployment_group_name(group)
        .revision(revision)
        .description(description)
        .send()
        .await
        .map_err(|e| {
            failure(
                format!("creating a CodeDeploy deployment in {application}/{group}"),
                e,
            )
        })?;
    out.deployment_id()
        .map(str::to_string)
        .context("CreateDeployment answered no deployment id")
}

/// The deployment's status and, once CodeDeploy lists it, its ECS target.
pub async fn snapshot(client: &Client, deployment: &str) -> anyhow::Result<CanarySnapshot> {
    let info = client
        .get_deployment()
        .deployment_id(deployment)
        .send()
        .await
        .map_err(|e| failure(format!("reading CodeDeploy deployment {deployment}"), e))?
        .deployment_info
        .with_context(|| format!("CodeDeploy deployment {deployment} not found"))?;
    // The task sets are progress detail; the verdict comes from the status,
    // so a failed look at them is shown, not fatal.
    let (target, targets_error) = match ecs_target(client, deployment).await {
        Ok(target) => (target, None),
        Err(e) => (None, Some(e)),
    };
    let mut snapshot = CanarySnapshot::new(&info, target.as_ref());
    snapshot.targets_error = targets_error;
    Ok(snapshot)
}

/// The deployment's ECS target (the service, with its blue and green task
/// sets), once CodeDeploy lists it. The error is AWS's code and message
/// only: it is shown in the progress line, which is printed when it changes.
async fn ecs_target(client: &Client, deployment: &str) -> Result<Option<DeploymentTarget>, String> {
    fn short<E: ProvideErrorMetadata>(what: &str, e: &E) -> String {
        let why = e.message().or(e.code()).unwrap_or("unreadable answer");
        format!("{what} failed: {why}")
    }
    let targets = client
        .list_deployment_targets()
        .deployment_id(deployment)
        .send()
        .await
        .map_err(|e| short("ListDeploymentTargets", &e))?;
    Ok(match targets.target_ids() {
        [] => None,
        ids => client
            .batch_get_deployment_targets()
            .deployment_id(deployment)
            .set_target_ids(Some(ids.to_vec()))
            .send()
            .await
            .map_err(|e| short("BatchGetDeploymentTargets", &e))?
            .deployment_targets()
            .first()
            .cloned(),
    })
}
