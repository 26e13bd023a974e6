//! Tokens, roles, and the OpenAPI document kept in step with the router.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{problem, spawn_app, unique_customer};

#[tokio::test]
async fn every_documented_operation_exists_and_needs_a_token() {
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
    assert_eq!(doc["openapi"], "3.1.0");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let url = app.url(&path.replace("{id}", "doc_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e"));
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app
                .client
                .request(method.clone(), url)
                .send()
                .await
                .unwrap();
            // What the document declares public (`security: []`: health and
            // the document itself) answers without a token; the rest is 401.
            let public = item[method.as_str().to_lowercase()]["security"] == json!([]);
            let expected = if public { 200 } else { 401 };
            assert_eq!(res.status().as_u16(), expected, "{method} {path}");
            operations += 1;
        }
    }
    assert!(operations >= 9, "{operations}");
    app.stop().await;
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let res = app
        .post_file(
            &customer,
            "passport",
            "application/pdf",
            crate::helpers::pdf(100),
            Role::Approver,
        )
        .await;
    let p = problem(res, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("clerk"), "{p}");

    let doc = app
        .upload(&customer, "passport", crate::helpers::pdf(100))
        .await;
    let id = doc["id"].as_str().unwrap();
    let res = app
        .send_json(
            reqwest::Method::PATCH,
            &format!("/v1/documents/{id}"),
            &json!({"status": "verified"}),
            Role::Clerk,
            Some("\"1\""),
        )
        .await;
    problem(res, 403).await;
    let res = app
        .send_json(
            reqwest::Method::PUT,
            &format!("/v1/documents/{id}/legal-hold"),
            &json!({"on": true, "reason": "x"}),
            Role::Clerk,
            None,
        )
        .await;
    problem(res, 403).await;
    let res = app
        .client
        .delete(app.url(&format!("/v1/documents/{id}")))
        .bearer_auth(crate::helpers::token(Role::Service))
        .send()
        .await
        .unwrap();
    problem(res, 403).await;

    let res = app
        .client
        .get(app.url(&format!("/v1/documents/{id}")))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    problem(res, 401).await;
    app.stop().await;
}
