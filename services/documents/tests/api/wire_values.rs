//! A bad customer or document id, or a bad `If-Match`, gets the answer every
//! service gives it: 400 `invalid-request` whose detail and only error name
//! the parameter (a missing `If-Match` is 428, naming it too). Intake and
//! letters assert the same details.

use cdd_platform::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{field_names, pdf, problem, spawn_app, unique_customer};

const BAD_CUSTOMER_ID: &str =
    "path parameter id must be `cus_` followed by 32 lower-case hex digits";
const BAD_DOCUMENT_ID: &str =
    "path parameter id must be `doc_` followed by 32 lower-case hex digits";
const BAD_IF_MATCH: &str =
    "header If-Match must be the ETag you read, a version number such as \"3\"";
const MISSING_IF_MATCH: &str =
    "header If-Match is required: send the ETag (version) of what you read";

fn names(p: &Value, field: &str, detail: &str) {
    assert_eq!(p["detail"], detail, "{p}");
    assert_eq!(field_names(p), [field], "{p}");
}

#[tokio::test]
async fn a_bad_id_or_if_match_is_400_naming_it() {
    let app = spawn_app().await;
    // Ids this service once took but intake never issues.
    for bad in [
        "cus-1",
        "cus_0190A1B2C3D4E5F60718293A4B5C6D7E",
        "demo-customer",
    ] {
        let res = app
            .get(&format!("/v1/customers/{bad}/documents"), Role::Clerk)
            .await;
        names(&problem(res, 400).await, "id", BAD_CUSTOMER_ID);
        let res = app
            .post_file(bad, "passport", "application/pdf", pdf(100), Role::Clerk)
            .await;
        names(&problem(res, 400).await, "id", BAD_CUSTOMER_ID);
    }
    for path in ["", "/content", "/download-url"] {
        let res = app
            .get(&format!("/v1/documents/doc-1{path}"), Role::Analyst)
            .await;
        names(&problem(res, 400).await, "id", BAD_DOCUMENT_ID);
    }

    let customer = unique_customer();
    let document = app.upload(&customer, "passport", pdf(100)).await;
    let path = format!("/v1/documents/{}", document["id"].as_str().unwrap());
    let verdict = json!({"status": "verified"});
    for bad in ["\"x\"", "\"1", "*", "-1"] {
        let res = app
            .send_json(Method::PATCH, &path, &verdict, Role::Analyst, Some(bad))
            .await;
        names(&problem(res, 400).await, "If-Match", BAD_IF_MATCH);
    }
    let res = app
        .send_json(Method::PATCH, &path, &verdict, Role::Analyst, None)
        .await;
    names(&problem(res, 428).await, "If-Match", MISSING_IF_MATCH);
    app.stop().await;
}
