//! Tokens and roles: every documented operation needs a token, and the
//! roles that may not do something get 403.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{problem, spawn_demo_app, token};

#[tokio::test]
async fn every_documented_operation_answers_401_without_a_token() {
    let app = spawn_demo_app().await;
    let doc: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 7, "{paths:?}");
    for (path, ops) in paths {
        let concrete = path.replace("{id}", "ofac-sdn:900001");
        for (method, op) in ops.as_object().unwrap() {
            // What the document declares public (`security: []`: health and
            // the document itself) answers without a token.
            if op["security"] == json!([]) {
                let res = app.client.get(app.url(path)).send().await.unwrap();
                assert_eq!(res.status(), 200, "{method} {path}");
                continue;
            }
            let req = match method.as_str() {
                "get" => app.client.get(app.url(&concrete)),
                "post" => app.client.post(app.url(&concrete)).json(&json!({})),
                other => panic!("undocumented method {other}"),
            };
            let res = req.send().await.unwrap();
            assert!(
                res.headers().contains_key("www-authenticate"),
                "{method} {path}"
            );
            problem(res, 401).await;
        }
    }
    // A token signed with another key is refused too.
    let forged = cdd_platform::auth::issue_token(
        "some-other-key-that-is-long-enough-to-sign-with",
        "x",
        Role::Service,
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let res = app
        .client
        .get(app.url("/v1/lists"))
        .bearer_auth(forged)
        .send()
        .await
        .unwrap();
    problem(res, 401).await;
    app.stop().await;
}

#[tokio::test]
async fn roles_that_may_not_act_get_403() {
    let app = spawn_demo_app().await;
    for role in [Role::Clerk, Role::Analyst] {
        let res = app
            .client
            .post(app.url("/v1/lists/reload"))
            .bearer_auth(token(role))
            .send()
            .await
            .unwrap();
        let body = problem(res, 403).await;
        assert!(
            body["detail"].as_str().unwrap().contains("service"),
            "{body}"
        );
    }
    let res = app
        .client
        .get(app.url("/v1/alerts"))
        .bearer_auth(token(Role::Clerk))
        .send()
        .await
        .unwrap();
    problem(res, 403).await;
    let res = app
        .post(
            "/v1/compare",
            Role::Clerk,
            &json!({"kind": "person", "a": "x", "b": "y"}),
        )
        .await;
    problem(res, 403).await;
    app.stop().await;
}

#[tokio::test]
async fn health_and_openapi_need_no_token() {
    let app = spawn_demo_app().await;
    for path in ["/health/live", "/health/ready", "/openapi.json"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    let ready: Value = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = ready.to_string();
    assert!(text.contains("DEMO DATA"), "{text}");
    app.stop().await;
}
