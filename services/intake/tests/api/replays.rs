//! Idempotent creates while the first request is still running: every
//! replay gets the first answer byte for byte, or 409 with `Retry-After`,
//! never a half-finished customer. Screening here is a server that accepts
//! connections and never answers, so the first request takes as long as
//! intake's dependency timeout.

use std::time::{Duration, Instant};

use cdd_platform::auth::Role;

use crate::helpers::{TestApp, maria, spawn_app_in};

/// A service that takes every connection and never says a word.
async fn silent_service() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    url
}

async fn intake_with_silent_screening(dir: &std::path::Path, timeout_ms: &str) -> TestApp {
    let screening = silent_service().await;
    spawn_app_in(
        dir,
        &[
            ("CDD_SCREENING_URL", screening.as_str()),
            ("CDD_DEPENDENCY_TIMEOUT_MS", timeout_ms),
        ],
    )
    .await
}

/// Status, ETag, Location and body: what must be the same in every replay.
async fn answer(res: reqwest::Response) -> (u16, String, String, Vec<u8>) {
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (etag, location) = (header("etag"), header("location"));
    (
        res.status().as_u16(),
        etag,
        location,
        res.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn concurrent_creates_while_screening_is_slow_all_get_the_first_answer() {
    let dir = tempfile::tempdir().unwrap();
    let app = intake_with_silent_screening(dir.path(), "800").await;
    let body = maria();
    let responses =
        futures::future::join_all((0..100).map(|_| app.create("slow-storm", &body))).await;
    let mut answers = Vec::new();
    for res in responses {
        answers.push(answer(res).await);
    }
    let first = answers[0].clone();
    assert_eq!(first.0, 201, "{}", String::from_utf8_lossy(&first.3));
    assert!(
        answers.iter().all(|a| *a == first),
        "every answer is the first, byte for byte"
    );
    // A replay later, after the worker may have moved the case on, still
    // gets the first answer.
    let later = answer(app.create("slow-storm", &body).await).await;
    assert_eq!(later, first);
    let (_, list) = app.get_json("/v1/customers", Role::Clerk).await;
    assert_eq!(list["customers"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_replay_while_the_first_request_runs_on_waits_then_gets_409_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    // Longer than a replay waits.
    let app = intake_with_silent_screening(dir.path(), "5000").await;
    let body = maria();
    let first = app.create("long-first", &body);
    let replay = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let started = Instant::now();
        let res = app.create("long-first", &body).await;
        (res, started.elapsed())
    };
    let (first, (replay, waited)) = tokio::join!(first, replay);
    assert_eq!(replay.status(), 409);
    assert_eq!(replay.headers()["retry-after"], "1");
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(5),
        "the replay waited for the first answer a while: {waited:?}"
    );
    let problem: serde_json::Value = replay.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("still being processed"),
        "{problem}"
    );
    let first = answer(first).await;
    assert_eq!(first.0, 201);
    assert_eq!(answer(app.create("long-first", &body).await).await, first);
    app.stop().await;
}

#[tokio::test]
async fn a_first_request_whose_caller_gave_up_is_still_finished_and_answered() {
    let dir = tempfile::tempdir().unwrap();
    let app = intake_with_silent_screening(dir.path(), "600").await;
    let body = maria();
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let gave_up = impatient
        .post(app.url("/v1/customers"))
        .bearer_auth(crate::helpers::token(Role::Clerk, "clerk-1"))
        .header("Idempotency-Key", "gave-up")
        .json(&body)
        .send()
        .await;
    assert!(gave_up.is_err(), "the caller hung up before the answer");
    let retried = answer(app.create("gave-up", &body).await).await;
    assert_eq!(retried.0, 201, "{}", String::from_utf8_lossy(&retried.3));
    let customer: serde_json::Value = serde_json::from_slice(&retried.3).unwrap();
    assert!(
        customer["case"]["pending"]
            .as_array()
            .is_some_and(|p| p.iter().any(|s| s["step"] == "screening")),
        "the answer is what the first request's steps left: {customer}"
    );
    let (_, list) = app.get_json("/v1/customers", Role::Clerk).await;
    assert_eq!(list["customers"].as_array().unwrap().len(), 1);
    app.stop().await;
}
