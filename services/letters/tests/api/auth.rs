//! Tokens and roles on every route; health and the OpenAPI document.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{problem, spawn_app, unique};

const ROUTES: [(&str, &str); 7] = [
    ("GET", "/v1/templates"),
    ("GET", "/v1/templates/rfi"),
    ("PUT", "/v1/templates/rfi"),
    ("POST", "/v1/letters"),
    ("GET", "/v1/letters/let_0123456789abcdef0123456789abcdef"),
    (
        "GET",
        "/v1/letters/let_0123456789abcdef0123456789abcdef/content",
    ),
    (
        "GET",
        "/v1/customers/cus_31000000000000000000000000000000/letters",
    ),
];

#[tokio::test]
async fn every_route_needs_a_valid_token() {
    let app = spawn_app().await;
    for (method, path) in ROUTES {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert!(
            res.headers().contains_key("www-authenticate"),
            "{method} {path}"
        );
        let body = problem(res, 401).await;
        assert!(body["type"].as_str().unwrap().ends_with("/unauthenticated"));
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap();
        problem(res, 401).await;
    }
    app.stop().await;
}

#[tokio::test]
async fn only_template_authors_change_templates() {
    let app = spawn_app().await;
    let body = json!({"subject": "S", "body": "Dear {{ customer_name }}"});
    for role in [Role::Clerk, Role::Analyst, Role::Approver, Role::Service] {
        let res = app.put_template("notice", &body, role).await;
        let p = problem(res, 403).await;
        assert!(
            p["detail"].as_str().unwrap().contains("template_author"),
            "{p}"
        );
    }
    assert_eq!(
        app.put_template("notice", &body, Role::TemplateAuthor)
            .await
            .status(),
        201
    );
    app.stop().await;
}

#[tokio::test]
async fn every_role_reads_and_asks_for_letters() {
    let app = spawn_app().await;
    let roles = [
        Role::Clerk,
        Role::Analyst,
        Role::Approver,
        Role::TemplateAuthor,
        Role::Service,
    ];
    for role in roles {
        assert_eq!(app.get("/v1/templates", role).await.status(), 200);
        assert_eq!(app.get("/v1/templates/rfi", role).await.status(), 200);
        let res = app
            .post_letter(
                &unique("k"),
                &crate::helpers::rfi_request("cus_726f6c65730000000000000000000000", "text"),
                role,
            )
            .await;
        assert_eq!(res.status(), 201, "{role}");
    }
    let (status, body) = app
        .get_json(
            "/v1/customers/cus_726f6c65730000000000000000000000/letters",
            Role::Clerk,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["letters"].as_array().unwrap().len(), roles.len());
    app.stop().await;
}

#[tokio::test]
async fn health_and_the_openapi_document_need_no_token() {
    let app = spawn_app().await;
    let live = app
        .client
        .get(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let ready: Value = app
        .client
        .get(app.url("/health/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
    let doc: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
    for (method, path) in ROUTES {
        let path = path
            .replace("let_0123456789abcdef0123456789abcdef", "{id}")
            .replace("cus_31000000000000000000000000000000", "{id}")
            .replace("/rfi", "/{name}");
        let op = &doc["paths"][&path][method.to_lowercase()];
        assert!(op.is_object(), "openapi.json lacks {method} {path}");
    }
    app.stop().await;
}
