//! Verification (If-Match), legal holds, retention and erasure, links.

use cdd_platform::auth::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    field_names, pdf, problem, spawn_app, spawn_app_with, token, unique_customer,
};

#[tokio::test]
async fn an_analyst_verifies_with_if_match_and_history_is_kept() {
    let app = spawn_app().await;
    let doc = app.upload(&unique_customer(), "passport", pdf(1000)).await;
    let path = format!("/v1/documents/{}", doc["id"].as_str().unwrap());

    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &json!({"status": "verified"}),
            Role::Analyst,
            None,
        )
        .await;
    problem(res, 428).await;
    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &json!({"status": "maybe", "extra": 1}),
            Role::Analyst,
            Some("\"1\""),
        )
        .await;
    let p = problem(res, 422).await;
    assert_eq!(field_names(&p), ["extra", "status"]);
    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &json!({"status": "rejected"}),
            Role::Analyst,
            Some("\"1\""),
        )
        .await;
    let p = problem(res, 422).await;
    assert_eq!(field_names(&p), ["reason"]);

    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &json!({"status": "rejected", "reason": "photo page is blurred"}),
            Role::Analyst,
            Some("\"1\""),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    // A second analyst working from version 1 is told it is stale.
    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &json!({"status": "verified"}),
            Role::Analyst,
            Some("\"1\""),
        )
        .await;
    problem(res, 412).await;
    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &json!({"status": "verified", "reason": "rescanned copy is clear"}),
            Role::Analyst,
            Some("\"2\""),
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, doc) = app.get_json(&path, Role::Clerk).await;
    assert_eq!(doc["verification"]["status"], "verified");
    assert_eq!(doc["verification"]["by"], "analyst-1");
    let events: Vec<&str> = doc["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["uploaded", "rejected", "verified"]);
    assert_eq!(doc["history"][1]["reason"], "photo page is blurred");
    app.stop().await;
}

#[tokio::test]
async fn retention_sets_retain_until_and_refuses_early_erasure() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let passport = app.upload(&customer, "passport", pdf(1000)).await;
    let funds = app
        .upload(&customer, "source_of_funds_evidence", pdf(1000))
        .await;
    let year = |d: &serde_json::Value| {
        d["retain_until"].as_str().unwrap()[..4]
            .parse::<i32>()
            .unwrap()
    };
    let uploaded: i32 = passport["uploaded_at"].as_str().unwrap()[..4]
        .parse()
        .unwrap();
    assert_eq!(year(&passport), uploaded + 5);
    assert_eq!(year(&funds), uploaded + 7);
    let res = app
        .client
        .delete(app.url(&format!(
            "/v1/documents/{}",
            passport["id"].as_str().unwrap()
        )))
        .bearer_auth(token(Role::Approver))
        .send()
        .await
        .unwrap();
    let p = problem(res, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("kept until"), "{p}");
    app.stop().await;
}

#[tokio::test]
async fn a_legal_hold_blocks_erasure_and_erasure_removes_the_content() {
    let app = spawn_app_with(&[("CDD_DOCUMENTS_RETAIN_YEARS", "0")]).await;
    let doc = app.upload(&unique_customer(), "passport", pdf(1000)).await;
    let id = doc["id"].as_str().unwrap();
    let hold = format!("/v1/documents/{id}/legal-hold");
    let res = app
        .send_json(
            Method::PUT,
            &hold,
            &json!({"on": "yes"}),
            Role::Analyst,
            None,
        )
        .await;
    let p = problem(res, 422).await;
    assert_eq!(field_names(&p), ["on", "reason"]);
    let res = app
        .send_json(
            Method::PUT,
            &hold,
            &json!({"on": true, "reason": "regulator inquiry 2026-17"}),
            Role::Analyst,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let delete = || async {
        app.client
            .delete(app.url(&format!("/v1/documents/{id}")))
            .bearer_auth(token(Role::Approver))
            .send()
            .await
            .unwrap()
    };
    let p = problem(delete().await, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("legal hold"), "{p}");
    let res = app
        .send_json(
            Method::PUT,
            &hold,
            &json!({"on": false, "reason": "inquiry closed"}),
            Role::Approver,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.content_files().len(), 1);
    let res = delete().await;
    assert_eq!(res.status(), 200);
    let erased: serde_json::Value = res.json().await.unwrap();
    assert!(erased["erased_at"].is_string());
    assert!(app.content_files().is_empty());
    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Analyst)
        .await;
    problem(res, 410).await;
    let events: Vec<&str> = erased["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "uploaded",
            "legal_hold_placed",
            "legal_hold_released",
            "erased"
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn download_links_are_refused_clearly_without_s3() {
    let app = spawn_app().await;
    let doc = app.upload(&unique_customer(), "passport", pdf(1000)).await;
    let res = app
        .get(
            &format!("/v1/documents/{}/download-url", doc["id"].as_str().unwrap()),
            Role::Analyst,
        )
        .await;
    let p = problem(res, 501).await;
    assert!(p["detail"].as_str().unwrap().contains("/content"), "{p}");
    app.stop().await;
}

#[tokio::test]
async fn documents_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let app = crate::helpers::spawn_app_in(dir.path(), &[]).await;
    let bytes = pdf(70_000);
    let doc = app
        .upload(&unique_customer(), "proof_of_address", bytes.clone())
        .await;
    let path = format!("/v1/documents/{}", doc["id"].as_str().unwrap());
    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &json!({"status": "verified"}),
            Role::Analyst,
            Some("\"1\""),
        )
        .await;
    assert_eq!(res.status(), 200);
    app.stop().await;

    let app = crate::helpers::spawn_app_in(dir.path(), &[]).await;
    let (status, again) = app.get_json(&path, Role::Clerk).await;
    assert_eq!(status, 200);
    assert_eq!(again["version"], 2);
    assert_eq!(again["verification"]["status"], "verified");
    let res = app.get(&format!("{path}/content"), Role::Clerk).await;
    assert!(res.bytes().await.unwrap().as_ref() == bytes.as_slice());
    app.stop().await;
}

#[tokio::test]
async fn embedded_data_is_readable_by_the_service_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("documents-data");
    let app = crate::helpers::spawn_app_in(&data, &[]).await;
    app.upload(&unique_customer(), "passport", pdf(1000)).await;
    app.stop().await;
    let files = cdd_test_support::assert_private_tree(&data);
    assert!(
        files >= 2,
        "the journal and the document are there: {files}"
    );
}
