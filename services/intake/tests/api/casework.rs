//! The casework endpoints with intake alone: the services it calls are
//! down, so what needs them is pending or refused with 503, and bad input
//! is named field by field.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, field_names, maria, problem, spawn_app, token};

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    role: Role,
    subject: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token(role, subject))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_customer_is_accepted_with_its_steps_pending_while_services_are_down() {
    let app = spawn_app().await;
    let res = app.create("pending-1", &maria()).await;
    assert_eq!(res.status(), 201);
    let customer: Value = res.json().await.unwrap();
    let steps: Vec<&str> = customer["case"]["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["screening", "request_information"]);
    let id = customer["id"].as_str().unwrap();

    // No decision before screening has run.
    let res = send(
        &app,
        reqwest::Method::POST,
        &format!("/v1/customers/{id}/decision"),
        Role::Analyst,
        "analyst-1",
        &json!({"outcome": "reject", "reason": "applicant withdrew"}),
    )
    .await;
    let p = problem(res, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("screening"), "{p}");

    // Reading the documents' state needs the documents service: 503, retry later.
    let res = app
        .client
        .get(app.url(&format!("/v1/customers/{id}/requirements")))
        .bearer_auth(token(Role::Clerk, "clerk-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["retry-after"], "5");
    let p = problem(res, 503).await;
    assert!(p["detail"].as_str().unwrap().contains("documents"), "{p}");

    // Nothing to approve: no proposal yet.
    let res = send(
        &app,
        reqwest::Method::POST,
        &format!("/v1/customers/{id}/decision/approve"),
        Role::Approver,
        "approver-1",
        &json!({"reason": "ok"}),
    )
    .await;
    problem(res, 409).await;
    app.stop().await;
}

#[tokio::test]
async fn bad_dispositions_and_decisions_are_named_and_roles_enforced() {
    let app = spawn_app().await;
    let id = app.created_id(&maria()).await;
    let path =
        format!("/v1/customers/{id}/alerts/alt_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e/disposition");

    let res = send(
        &app,
        reqwest::Method::PUT,
        &path,
        Role::Analyst,
        "analyst-1",
        &json!({"outcome": "maybe", "reason": " ", "extra": 1}),
    )
    .await;
    assert_eq!(
        field_names(&problem(res, 422).await),
        ["extra", "outcome", "reason"]
    );
    let res = send(
        &app,
        reqwest::Method::PUT,
        &path,
        Role::Clerk,
        "clerk-1",
        &json!({"outcome": "false_positive", "reason": "x"}),
    )
    .await;
    problem(res, 403).await;
    let res = send(
        &app,
        reqwest::Method::PUT,
        &path,
        Role::Analyst,
        "analyst-1",
        &json!({"outcome": "false_positive", "reason": "different person"}),
    )
    .await;
    let p = problem(res, 404).await;
    assert!(p["detail"].as_str().unwrap().contains("alert"), "{p}");

    let decision = format!("/v1/customers/{id}/decision");
    let res = send(
        &app,
        reqwest::Method::POST,
        &decision,
        Role::Analyst,
        "analyst-1",
        &json!({"outcome": "approve"}),
    )
    .await;
    assert_eq!(field_names(&problem(res, 422).await), ["reason"]);
    let res = send(
        &app,
        reqwest::Method::POST,
        &decision,
        Role::Approver,
        "approver-1",
        &json!({"outcome": "approve", "reason": "x"}),
    )
    .await;
    problem(res, 403).await;
    let res = send(
        &app,
        reqwest::Method::POST,
        &format!("{decision}/approve"),
        Role::Analyst,
        "analyst-1",
        &json!({"reason": "x"}),
    )
    .await;
    problem(res, 403).await;
    let res = send(
        &app,
        reqwest::Method::POST,
        &format!("{decision}/reject"),
        Role::Approver,
        "approver-1",
        &json!({}),
    )
    .await;
    assert_eq!(field_names(&problem(res, 422).await), ["reason"]);
    let res = send(
        &app,
        reqwest::Method::POST,
        "/v1/customers/cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e/decision",
        Role::Analyst,
        "analyst-1",
        &json!({"outcome": "approve", "reason": "x"}),
    )
    .await;
    problem(res, 404).await;
    app.stop().await;
}

#[tokio::test]
async fn reviews_due_takes_a_date_and_lists_only_approved_customers() {
    let app = spawn_app().await;
    app.created_id(&maria()).await;
    let (status, due) = app
        .get_json("/v1/reviews/due?on=2100-01-01", Role::Analyst)
        .await;
    assert_eq!(status, 200, "{due}");
    // Open cases are not reviewed; they are still being decided.
    assert_eq!(due["reviews"], json!([]));
    assert_eq!(due["on"], "2100-01-01");
    let res = app
        .client
        .get(app.url("/v1/reviews/due?on=tomorrow&x=1"))
        .bearer_auth(token(Role::Analyst, "analyst-1"))
        .send()
        .await
        .unwrap();
    let p = problem(res, 400).await;
    assert!(!field_names(&p).is_empty(), "{p}");
    let (status, _) = app.get_json("/v1/reviews/due", Role::Clerk).await;
    assert_eq!(status, 403);
    app.stop().await;
}
