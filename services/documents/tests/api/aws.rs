//! The service on the AWS backend (DynamoDB and S3 on the moto server).

use cdd_platform::auth::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{eventually, pdf, problem, spawn_aws_app, token, unique_customer};

const PART: &str = "5242880";

#[tokio::test]
async fn a_multipart_upload_reads_back_and_links_are_presigned() {
    let app = spawn_aws_app(&[("CDD_DOCUMENTS_PART_BYTES", PART)]).await;
    let customer = unique_customer();
    let original = pdf(12 * 1024 * 1024 + 3);
    let doc = app.upload(&customer, "passport", original.clone()).await;
    let id = doc["id"].as_str().unwrap();
    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Analyst)
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().as_ref() == original.as_slice());

    let (status, link) = app
        .get_json(&format!("/v1/documents/{id}/download-url"), Role::Analyst)
        .await;
    assert_eq!(status, 200, "{link}");
    let url = link["url"].as_str().unwrap();
    assert!(url.contains("X-Amz-Expires=300"), "{url}");
    let fetched = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert!(fetched.as_ref() == original.as_slice());
    app.stop().await;
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_no_parts_no_object_no_metadata() {
    let app = spawn_aws_app(&[("CDD_DOCUMENTS_PART_BYTES", PART)]).await;
    let (s3, bucket) = app.s3.clone().unwrap();
    let customer = unique_customer();
    let total = 24 * 1024 * 1024;
    let head = format!(
        "POST /v1/customers/{customer}/documents?type=passport HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/pdf\r\nContent-Length: {total}\r\n\r\n",
        token(Role::Clerk)
    );
    // Half is two full parts: the multipart upload exists by then.
    app.raw(&head, &pdf(total / 2), true).await;
    let clean = eventually(|| async {
        let uploads = s3
            .list_multipart_uploads()
            .bucket(&bucket)
            .send()
            .await
            .unwrap();
        let objects = s3.list_objects_v2().bucket(&bucket).send().await.unwrap();
        uploads.uploads().is_empty() && objects.contents().is_empty()
    })
    .await;
    assert!(clean, "a part or an object was left behind");
    let (_, list) = app
        .get_json(&format!("/v1/customers/{customer}/documents"), Role::Clerk)
        .await;
    assert_eq!(list["documents"].as_array().unwrap().len(), 0);
    app.stop().await;
}

#[tokio::test]
async fn a_damaged_object_is_reported_and_erasure_removes_every_version() {
    let app = spawn_aws_app(&[("CDD_DOCUMENTS_RETAIN_YEARS", "0")]).await;
    let (s3, bucket) = app.s3.clone().unwrap();
    let doc = app
        .upload(&unique_customer(), "passport", pdf(20_000))
        .await;
    let id = doc["id"].as_str().unwrap();
    let key = doc["object_key"].as_str().unwrap();
    let mut damaged = pdf(20_000);
    damaged[10_000] ^= 0xFF;
    s3.put_object()
        .bucket(&bucket)
        .key(key)
        .body(damaged.into())
        .send()
        .await
        .unwrap();
    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Analyst)
        .await;
    problem(res, 502).await;

    let res = app
        .send_json(
            Method::DELETE,
            &format!("/v1/documents/{id}"),
            &json!({}),
            Role::Approver,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let versions = s3
        .list_object_versions()
        .bucket(&bucket)
        .prefix(key)
        .send()
        .await
        .unwrap();
    assert!(versions.versions().is_empty(), "{:?}", versions.versions());
    assert!(versions.delete_markers().is_empty());
    app.stop().await;
}
