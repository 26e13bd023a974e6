//! CodeDeploy (blue/green canary) deployments, driven by recorded
//! GetDeployment and BatchGetDeploymentTargets answers.

use serde_json::Value;

use crate::fake_aws::FakeAws;
use crate::{shown, text};

async fn deploy(fixture: &str) -> (FakeAws, std::process::Output) {
    let fake = FakeAws::start(fixture).await;
    let out = fake
        .cdd(&[
            "deploy",
            "--cluster",
            "cdd-prod",
            "--service",
            "intake",
            "--tag",
            "42-abcdef123456",
        ])
        .await;
    (fake, out)
}

#[tokio::test]
async fn a_canary_goes_through_codedeploy_with_an_appspec_naming_the_new_revision() {
    let (fake, out) = deploy("canary_succeeded.json").await;
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));

    let created = fake.requests("CreateDeployment");
    assert_eq!(created.len(), 1, "{}", shown(&out));
    assert_eq!(created[0]["applicationName"], "cdd-prod-intake");
    assert_eq!(created[0]["deploymentGroupName"], "cdd-prod-intake");
    assert_eq!(created[0]["revision"]["revisionType"], "AppSpecContent");
    let appspec: Value = serde_json::from_str(
        created[0]["revision"]["appSpecContent"]["content"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let target = &appspec["Resources"][0]["TargetService"];
    assert_eq!(target["Type"], "AWS::ECS::Service");
    assert_eq!(
        target["Properties"]["TaskDefinition"],
        "arn:aws:ecs:eu-central-1:111122223333:task-definition/cdd-prod-intake:8"
    );
    assert_eq!(
        target["Properties"]["LoadBalancerInfo"]["ContainerName"],
        "intake"
    );
    assert_eq!(
        target["Properties"]["LoadBalancerInfo"]["ContainerPort"],
        8080
    );
    assert_eq!(target["Properties"]["PlatformVersion"], "1.4.0");

    // CodeDeploy, not UpdateService, moves a CODE_DEPLOY service.
    assert!(fake.requests("UpdateService").is_empty());
    let registered = &fake.requests("RegisterTaskDefinition")[0];
    assert_eq!(
        registered["containerDefinitions"][0]["image"],
        "111122223333.dkr.ecr.eu-central-1.amazonaws.com/cdd-prod/intake:42-abcdef123456"
    );

    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("CodeDeploy d-CANARY001 InProgress (AllowTraffic) | green ACTIVE: running 3/3, pending 0, traffic 10% | blue PRIMARY: running 3/3, pending 0, traffic 90%"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deployed: intake runs the new revision"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_canary_stopped_by_an_alarm_is_rolled_back() {
    let (_fake, out) = deploy("canary_stopped.json").await;
    assert_eq!(out.status.code(), Some(4), "{}", shown(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("rolled back:") && stderr.contains("cdd-prod-intake-green-5xx"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_canary_that_fails_without_a_rollback_fails() {
    let (_fake, out) = deploy("canary_failed.json").await;
    assert_eq!(out.status.code(), Some(3), "{}", shown(&out));
    assert!(
        text(&out.stderr).contains("failed: ECS_UPDATE_ERROR: "),
        "{}",
        shown(&out)
    );
}
