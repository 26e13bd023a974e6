//! A bad customer id, `Idempotency-Key` or `If-Match` gets the answer every
//! service gives it: 400 `invalid-request` whose detail and only error name
//! the parameter (a missing `If-Match` is 428, naming it too). Documents and
//! letters assert the same details.

use cdd_platform::auth::Role;
use serde_json::Value;

use crate::helpers::{field_names, maria, problem, spawn_app, token};

pub const BAD_CUSTOMER_ID: &str =
    "path parameter id must be `cus_` followed by 32 lower-case hex digits";
pub const BAD_IDEMPOTENCY_KEY: &str =
    "header Idempotency-Key must be 1 to 255 visible ASCII characters";
pub const MISSING_IDEMPOTENCY_KEY: &str =
    "header Idempotency-Key is required, so that a retried request is not carried out twice";
pub const BAD_IF_MATCH: &str =
    "header If-Match must be the ETag you read, a version number such as \"3\"";
pub const MISSING_IF_MATCH: &str =
    "header If-Match is required: send the ETag (version) of what you read";

fn names(p: &Value, field: &str, detail: &str) {
    assert_eq!(p["detail"], detail, "{p}");
    assert_eq!(field_names(p), [field], "{p}");
    assert!(p["type"].as_str().unwrap().ends_with("/invalid-request") || p["status"] == 428);
}

#[tokio::test]
async fn a_bad_id_idempotency_key_or_if_match_is_400_naming_it() {
    let app = spawn_app().await;
    // Ids that documents and letters once took but intake never issues.
    for bad in [
        "cus-1",
        "cus_0190A1B2C3D4E5F60718293A4B5C6D7E",
        "demo-customer",
    ] {
        for path in ["", "/audit", "/requirements"] {
            let (status, p) = app
                .get_json(&format!("/v1/customers/{bad}{path}"), Role::Analyst)
                .await;
            assert_eq!(status, 400, "{bad}{path}: {p}");
            names(&p, "id", BAD_CUSTOMER_ID);
        }
    }

    let create = |key: Option<String>| {
        let mut req = app
            .client
            .post(app.url("/v1/customers"))
            .bearer_auth(token(Role::Clerk, "clerk-1"))
            .json(&maria());
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        req.send()
    };
    let p = problem(create(None).await.unwrap(), 400).await;
    names(&p, "Idempotency-Key", MISSING_IDEMPOTENCY_KEY);
    for bad in ["a key".to_owned(), "k".repeat(256)] {
        let p = problem(create(Some(bad)).await.unwrap(), 400).await;
        names(&p, "Idempotency-Key", BAD_IDEMPOTENCY_KEY);
    }

    let id = app.created_id(&maria()).await;
    let body = serde_json::json!({"occupation": "Engineer"});
    for bad in ["\"x\"", "\"3", "*", "-1"] {
        let p = problem(app.patch(&id, bad, &body).await, 400).await;
        names(&p, "If-Match", BAD_IF_MATCH);
    }
    let res = app
        .client
        .patch(app.url(&format!("/v1/customers/{id}")))
        .bearer_auth(token(Role::Analyst, "analyst-1"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let p = problem(res, 428).await;
    names(&p, "If-Match", MISSING_IF_MATCH);
    app.stop().await;
}
