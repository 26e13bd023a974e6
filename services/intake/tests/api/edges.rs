//! Bad input and the platform's edges: every refusal is a 4xx problem+json
//! that names the problem, never a 5xx.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{field_names, maria, problem, spawn_app, spawn_app_in, token};

#[tokio::test]
async fn health_and_openapi_need_no_token() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .get(app.url("/health/ready"))
        .header("x-request-id", "trace-abc")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["x-request-id"],
        "trace-abc",
        "a caller's request id is echoed"
    );
    let ready: Value = res.json().await.unwrap();
    assert_eq!(ready["checks"][0]["name"], "customer_store");
    let res = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    app.stop().await;
}

#[tokio::test]
async fn every_documented_operation_exists_and_needs_a_token() {
    // Keeps openapi.json and the router in step: each documented operation
    // answers 401 without a token (not 404 or 405).
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method_name in item.as_object().unwrap().keys() {
            let url = app.url(
                &path
                    .replace("{id}", "cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e")
                    .replace("{alert_id}", "alt_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e"),
            );
            let method =
                reqwest::Method::from_bytes(method_name.to_uppercase().as_bytes()).unwrap();
            let res = app
                .client
                .request(method.clone(), url)
                .send()
                .await
                .unwrap();
            // What the document declares public (`security: []`: health,
            // metrics and the document itself) answers without a token.
            let public = item[method_name.as_str()]["security"] == serde_json::json!([]);
            let expected = if public { 200 } else { 401 };
            assert_eq!(res.status().as_u16(), expected, "{method} {path}");
            operations += 1;
        }
    }
    assert!(operations >= 14, "{operations}");
    app.stop().await;
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/v1/customers"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer realm=\"cdd\"");
    let p = problem(res, 401).await;
    assert!(p["detail"].as_str().unwrap().contains("missing"));
    let res = app
        .client
        .get(app.url("/v1/customers"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    problem(res, 401).await;
    let res = app
        .client
        .get(app.url("/v1/customers"))
        .bearer_auth("not.a.jwt")
        .send()
        .await
        .unwrap();
    problem(res, 401).await;
    let forged = cdd_platform::auth::issue_token(
        "some-other-key-of-sufficient-length!!",
        "x",
        Role::Clerk,
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let res = app
        .client
        .get(app.url("/v1/customers"))
        .bearer_auth(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["www-authenticate"],
        "Bearer realm=\"cdd\", error=\"invalid_token\""
    );
    let p = problem(res, 401).await;
    assert!(p["detail"].as_str().unwrap().contains("signature"));
    // An approver may not submit customers.
    let res = app
        .client
        .post(app.url("/v1/customers"))
        .bearer_auth(token(Role::Approver, "ap"))
        .header("Idempotency-Key", "k")
        .json(&maria())
        .send()
        .await
        .unwrap();
    let p = problem(res, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("clerk"));
    app.stop().await;
}

async fn post_raw(
    app: &crate::helpers::TestApp,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url("/v1/customers"))
        .bearer_auth(token(Role::Clerk, "clerk-1"))
        .header("Idempotency-Key", "edge")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn malformed_and_mistyped_bodies_get_a_clear_4xx() {
    let app = spawn_app().await;
    let p = problem(
        post_raw(
            &app,
            "application/json",
            b"{\"kind\": \"individual\",".to_vec(),
        )
        .await,
        400,
    )
    .await;
    assert!(
        p["detail"].as_str().unwrap().contains("line 1 column"),
        "{p}"
    );
    let p = problem(post_raw(&app, "application/json", b"".to_vec()).await, 400).await;
    assert!(p["detail"].as_str().unwrap().contains("empty"));
    problem(post_raw(&app, "text/plain", b"{}".to_vec()).await, 415).await;
    let p = problem(
        post_raw(&app, "application/json", b"[1,2]".to_vec()).await,
        422,
    )
    .await;
    assert_eq!(field_names(&p), ["(body)"]);

    let wrong_types = json!({"kind":"individual","name":42,"birth_date":true,"nationalities":"ES","country_of_residence":["ES"],
        "address":"Calle 1","pep":"no","shoe_size":44});
    let p = problem(app.create("types", &wrong_types).await, 422).await;
    assert_eq!(
        field_names(&p),
        [
            "shoe_size",
            "name",
            "birth_date",
            "nationalities",
            "country_of_residence",
            "address",
            "pep"
        ]
    );
    assert!(
        p["errors"][1]["message"]
            .as_str()
            .unwrap()
            .contains("must be a string, not a number")
    );
    let p = problem(app.create("kind", &json!({"kind": "trust"})).await, 422).await;
    assert_eq!(field_names(&p), ["kind"]);
    let res = app
        .client
        .post(app.url("/v1/customers"))
        .bearer_auth(token(Role::Clerk, "c"))
        .json(&maria())
        .send()
        .await
        .unwrap();
    let p = problem(res, 400).await;
    assert!(p["detail"].as_str().unwrap().contains("Idempotency-Key"));
    app.stop().await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = spawn_app().await;
    let mut big = maria();
    big["occupation"] = json!("x".repeat(2 * 1024 * 1024));
    problem(app.create("big", &big).await, 413).await;
    // Within the limit but over a field's length: 422 naming the field.
    let mut long = maria();
    long["name"] = json!("y".repeat(5000));
    let p = problem(app.create("long", &long).await, 422).await;
    assert_eq!(field_names(&p), ["name"]);
    app.stop().await;
}

#[tokio::test]
async fn control_characters_and_unknown_routes_are_refused_cleanly() {
    let app = spawn_app().await;
    let mut evil = maria();
    evil["name"] = json!("Maria\u{0000}Lopez");
    evil["address"]["city"] = json!("Madrid\u{001b}[31m");
    let p = problem(app.create("ctl", &evil).await, 422).await;
    assert_eq!(field_names(&p), ["name", "address.city"]);
    let res = app
        .client
        .get(app.url("/v1/nothing-here"))
        .bearer_auth(token(Role::Clerk, "c"))
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
    let res = app
        .client
        .delete(app.url("/v1/customers"))
        .bearer_auth(token(Role::Clerk, "c"))
        .send()
        .await
        .unwrap();
    problem(res, 405).await;
    let res = app
        .client
        .get(app.url("/v1/customers/not-an-id"))
        .bearer_auth(token(Role::Clerk, "c"))
        .send()
        .await
        .unwrap();
    let p = problem(res, 400).await;
    assert_eq!(field_names(&p), ["id"]);
    let res = app
        .client
        .get(app.url("/v1/customers/cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e"))
        .bearer_auth(token(Role::Clerk, "c"))
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
    app.stop().await;
}

#[tokio::test]
async fn a_stopped_service_is_not_ready_while_draining() {
    let app = spawn_app().await;
    let url = app.url("/health/ready");
    let client = app.client.clone();
    app.shutdown.trigger();
    // The listener may already be closed; if it answers, it must say draining.
    if let Ok(res) = client.get(url).send().await {
        assert_eq!(res.status(), 503);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_query_parameter_given_twice_is_refused_not_guessed() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/v1/reviews/due?on=2027-01-31&on=2030-01-31"))
        .bearer_auth(token(Role::Analyst, "analyst-1"))
        .send()
        .await
        .unwrap();
    let p = problem(res, 400).await;
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("`on`") && detail.contains("2 times"), "{p}");
    let (status, _) = app
        .get_json("/v1/reviews/due?on=2027-01-31", Role::Analyst)
        .await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn embedded_data_is_readable_by_the_service_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("intake-data");
    let app = spawn_app_in(&data, &[]).await;
    app.created_id(&maria()).await;
    app.stop().await;
    let files = cdd_test_support::assert_private_tree(&data);
    assert!(files >= 1, "the journal is there: {files}");
}
