//! A bad customer or letter id, or a bad `Idempotency-Key`, gets the answer
//! every service gives it: 400 `invalid-request` whose detail and only error
//! name the parameter. Intake and documents assert the same details.

use cdd_platform::auth::Role;
use serde_json::Value;

use crate::helpers::{field_names, problem, rfi_request, spawn_app, token};

const BAD_CUSTOMER_ID: &str =
    "path parameter id must be `cus_` followed by 32 lower-case hex digits";
const BAD_IDEMPOTENCY_KEY: &str =
    "header Idempotency-Key must be 1 to 255 visible ASCII characters";
const MISSING_IDEMPOTENCY_KEY: &str =
    "header Idempotency-Key is required, so that a retried request is not carried out twice";

fn names(p: &Value, field: &str, detail: &str) {
    assert_eq!(p["detail"], detail, "{p}");
    assert_eq!(field_names(p), [field], "{p}");
}

#[tokio::test]
async fn a_bad_id_or_idempotency_key_is_400_naming_it() {
    let app = spawn_app().await;
    // Ids this service once took but intake never issues.
    for bad in [
        "cus-1",
        "cus_0190A1B2C3D4E5F60718293A4B5C6D7E",
        "demo-customer",
    ] {
        let res = app
            .get(&format!("/v1/customers/{bad}/letters"), Role::Clerk)
            .await;
        names(&problem(res, 400).await, "id", BAD_CUSTOMER_ID);
    }
    for path in ["", "/content"] {
        let res = app
            .get(&format!("/v1/letters/let-1{path}"), Role::Clerk)
            .await;
        let p = problem(res, 400).await;
        assert_eq!(field_names(&p), ["id"], "{p}");
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .starts_with("path parameter id ")
        );
    }

    let body = rfi_request("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e", "text");
    let post = |key: Option<String>| {
        let mut req = app
            .client
            .post(app.url("/v1/letters"))
            .bearer_auth(token(Role::Service))
            .json(&body);
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        req.send()
    };
    let p = problem(post(None).await.unwrap(), 400).await;
    names(&p, "Idempotency-Key", MISSING_IDEMPOTENCY_KEY);
    for bad in ["a key".to_owned(), "k".repeat(256)] {
        let p = problem(post(Some(bad)).await.unwrap(), 400).await;
        names(&p, "Idempotency-Key", BAD_IDEMPOTENCY_KEY);
    }
    app.stop().await;
}
