//! Reading content back: always the stored checksum, never damaged bytes.

use cdd_platform::auth::Role;
use serde_json::Value;

use crate::helpers::{TestApp, pdf, problem, spawn_app, unique_customer};

fn stored_path(app: &TestApp, doc: &Value) -> std::path::PathBuf {
    app.data_dir
        .join("content")
        .join(doc["object_key"].as_str().unwrap())
}

#[tokio::test]
async fn a_damaged_small_file_is_reported_not_served() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let doc = app.upload(&customer, "passport", pdf(50_000)).await;
    let id = doc["id"].as_str().unwrap();
    let path = stored_path(&app, &doc);
    // Same length, one byte different.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[40_000] ^= 0xFF;
    std::fs::write(&path, &bytes).unwrap();
    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Analyst)
        .await;
    let p = problem(res, 502).await;
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("stored-content-corrupt"),
        "{p}"
    );
    // A different length is caught before reading.
    std::fs::write(&path, b"%PDF-short").unwrap();
    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Analyst)
        .await;
    problem(res, 502).await;
    app.stop().await;
}

#[tokio::test]
async fn a_large_file_streams_verified_and_a_damaged_one_is_cut_off() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let original = pdf(9 * 1024 * 1024 + 17);
    let doc = app.upload(&customer, "passport", original.clone()).await;
    let id = doc["id"].as_str().unwrap();
    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Analyst)
        .await;
    assert_eq!(res.status(), 200);
    let body = res.bytes().await.unwrap();
    assert!(body.as_ref() == original.as_slice(), "content differs");

    let path = stored_path(&app, &doc);
    let mut bytes = original.clone();
    bytes[5_000_000] ^= 0xFF;
    std::fs::write(&path, &bytes).unwrap();
    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Analyst)
        .await;
    // The head went out before the damage was found; the body must not
    // arrive complete.
    assert_eq!(res.status(), 200);
    let read = res.bytes().await;
    assert!(
        read.is_err(),
        "a damaged file was served whole: {} bytes",
        read.map(|b| b.len()).unwrap_or(0)
    );
    app.stop().await;
}
