//! Rolling deployments, driven by recorded DescribeServices answers.

use serde_json::Value;

use crate::fake_aws::FakeAws;
use crate::{shown, text};

const NEW_IMAGE: &str =
    "111122223333.dkr.ecr.eu-central-1.amazonaws.com/cdd-dev/intake:42-abcdef123456";

async fn deploy(fixture: &str, extra: &[&str]) -> (FakeAws, std::process::Output) {
    let fake = FakeAws::start(fixture).await;
    let image = format!("intake={NEW_IMAGE}");
    let mut args = vec![
        "deploy",
        "--cluster",
        "cdd-dev",
        "--service",
        "intake",
        "--image",
        &image,
    ];
    args.extend_from_slice(extra);
    let out = fake.cdd(&args).await;
    (fake, out)
}

#[tokio::test]
async fn a_completed_rollout_succeeds_with_only_the_image_changed() {
    let (fake, out) = deploy("rolling_completed.json", &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("intake: image 111122223333.dkr.ecr.eu-central-1.amazonaws.com/cdd-dev/intake:41-1a2b3c4d5e6f -> "), "{stdout}");
    assert!(stdout.contains("registered cdd-dev-intake:8"), "{stdout}");
    assert!(stdout.contains("(deployment ecs-svc/8000)"), "{stdout}");
    assert!(
        stdout.contains("deployed: intake runs the new revision"),
        "{stdout}"
    );

    // The new revision is the running one with the new image and nothing
    // else changed: every registerable field and the tags carried over.
    let registered = &fake.requests("RegisterTaskDefinition")[0];
    let described: Value =
        serde_json::from_str(include_str!("fixtures/task_definition.json")).unwrap();
    let before = &described["taskDefinition"];
    assert_eq!(registered["containerDefinitions"][0]["image"], NEW_IMAGE);
    let mut container = registered["containerDefinitions"][0].clone();
    container["image"] = before["containerDefinitions"][0]["image"].clone();
    assert_eq!(container, before["containerDefinitions"][0]);
    for field in [
        "family",
        "taskRoleArn",
        "executionRoleArn",
        "networkMode",
        "requiresCompatibilities",
        "cpu",
        "memory",
        "runtimePlatform",
        "volumes",
    ] {
        assert_eq!(registered[field], before[field], "{field}");
    }
    assert_eq!(registered["tags"], described["tags"]);

    let updates = fake.requests("UpdateService");
    assert_eq!(updates.len(), 1);
    assert_eq!(
        updates[0]["taskDefinition"],
        "arn:aws:ecs:eu-central-1:111122223333:task-definition/cdd-dev-intake:8"
    );
    assert!(
        !fake
            .operations()
            .iter()
            .any(|op| op.starts_with("Deregister"))
    );
}

#[tokio::test]
async fn progress_is_one_line_per_change_with_counts_and_events() {
    let (_fake, out) = deploy("rolling_completed.json", &[]).await;
    let stdout = text(&out.stdout);
    let progress: Vec<&str> = stdout.lines().filter(|l| l.starts_with('[')).collect();
    assert!(
        progress.iter().any(|l| l.ends_with(
            "cdd-dev-intake:8 PRIMARY IN_PROGRESS: running 0/2, pending 2, failed 0 | cdd-dev-intake:7 ACTIVE COMPLETED: running 2/2, pending 0, failed 0"
        )),
        "{stdout}"
    );
    assert!(
        progress
            .iter()
            .any(|l| l
                .ends_with("event: (service intake) has started 2 tasks: (task a1) (task a2).")),
        "{stdout}"
    );
    assert!(
        progress
            .iter()
            .any(|l| l
                .ends_with("cdd-dev-intake:8 PRIMARY COMPLETED: running 2/2, pending 0, failed 0")),
        "{stdout}"
    );
    // The steady state before the deployment is history, not progress; and
    // the answer repeated by polling prints once.
    assert_eq!(
        progress
            .iter()
            .filter(|l| l.contains("has reached a steady state"))
            .count(),
        1,
        "{stdout}"
    );
    let bodies: Vec<&str> = progress
        .iter()
        .map(|l| l.split_once("] ").unwrap().1)
        .collect();
    let mut unique = bodies.clone();
    unique.dedup();
    assert_eq!(bodies, unique, "{stdout}");
}

#[tokio::test]
async fn a_circuit_breaker_rollback_is_reported_as_rolled_back_and_nothing_is_deregistered() {
    let (fake, out) = deploy("rolling_rolled_back.json", &[]).await;
    assert_eq!(out.status.code(), Some(4), "{}", shown(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("rolled back: ECS deployment circuit breaker: tasks failed to start.; ECS is rolling back to cdd-dev-intake:7"),
        "{stderr}"
    );
    assert!(!text(&out.stdout).contains("deployed:"));
    assert!(text(&out.stdout).contains("failed 10"), "{}", shown(&out));
    assert!(
        !fake
            .operations()
            .iter()
            .any(|op| op.starts_with("Deregister"))
    );
}

#[tokio::test]
async fn a_rollout_that_never_completes_times_out() {
    let (_fake, out) = deploy("rolling_stuck.json", &["--timeout", "1"]).await;
    assert_eq!(out.status.code(), Some(5), "{}", shown(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("timed out: cdd-dev-intake:8 is not running after 1 s; last state: cdd-dev-intake:8 PRIMARY IN_PROGRESS: running 1/2, pending 1"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_dry_run_registers_and_updates_nothing() {
    let (fake, out) = deploy(
        "rolling_completed.json",
        &["--dry-run", "--env", "intake", "RUST_LOG", "debug"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("intake: env RUST_LOG info -> debug"),
        "{stdout}"
    );
    assert!(
        stdout.contains("dry run: nothing registered, nothing deployed"),
        "{stdout}"
    );
    assert_eq!(
        fake.operations(),
        ["DescribeServices", "DescribeTaskDefinition"]
    );
}
