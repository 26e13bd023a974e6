//! Uploading: type checks, size limits, bad input, cut-off uploads.

use cdd_platform::auth::Role;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::{
    eventually, field_names, pdf, png, problem, spawn_app, spawn_app_with, token, unique_customer,
};

#[tokio::test]
async fn an_upload_returns_id_size_and_checksum_and_reads_back() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let bytes = pdf(300_000);
    let res = app
        .post_file(
            &customer,
            "passport",
            "application/pdf",
            bytes.clone(),
            Role::Clerk,
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let doc: Value = res.json().await.unwrap();
    let id = doc["id"].as_str().unwrap();
    assert!(id.starts_with("doc_"));
    assert_eq!(doc["size"], 300_000);
    let expected: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(doc["sha256"], expected);
    assert_eq!(doc["content_type"], "pdf");
    assert_eq!(doc["verification"]["status"], "pending");
    assert_eq!(doc["history"][0]["event"], "uploaded");
    assert_eq!(doc["history"][0]["by"], "clerk-1");

    let (status, meta) = app
        .get_json(&format!("/v1/documents/{id}"), Role::Analyst)
        .await;
    assert_eq!(status, 200);
    assert_eq!(meta, doc);

    let res = app
        .get(&format!("/v1/documents/{id}/content"), Role::Service)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["repr-digest"]
            .to_str()
            .unwrap()
            .starts_with("sha-256=:")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let (status, list) = app
        .get_json(&format!("/v1/customers/{customer}/documents"), Role::Clerk)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["documents"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_related_partys_document_carries_the_party_and_reads_as_the_contract_says() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let res = app
        .post_file(
            &customer,
            "passport&party=Ann%20Director",
            "application/pdf",
            pdf(1_000),
            Role::Service,
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post_file(
            &customer,
            "proof_of_address",
            "application/pdf",
            pdf(900),
            Role::Clerk,
        )
        .await;
    assert_eq!(res.status(), 201);

    // Intake reads this answer through the shared contract type.
    let res = app
        .get(
            &format!("/v1/customers/{customer}/documents"),
            Role::Service,
        )
        .await;
    assert_eq!(res.status(), 200);
    let list: cdd_contracts::documents::CustomerDocuments = res.json().await.unwrap();
    assert_eq!(list.customer_id, customer);
    assert_eq!(list.documents.len(), 2);
    assert_eq!(list.documents[0].document_type, "passport");
    assert_eq!(list.documents[0].party.as_deref(), Some("Ann Director"));
    assert_eq!(list.documents[1].party, None);
    assert_eq!(
        list.documents[1].verification.status,
        cdd_contracts::documents::VerificationStatus::Pending
    );

    let blank = app
        .post_file(
            &customer,
            "passport&party=%20",
            "application/pdf",
            pdf(1_000),
            Role::Clerk,
        )
        .await;
    assert_eq!(field_names(&problem(blank, 422).await), vec!["party"]);
    app.stop().await;
}

#[tokio::test]
async fn a_file_that_contradicts_its_declared_type_or_is_not_allowed_is_415() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let res = app
        .post_file(&customer, "passport", "application/pdf", png(), Role::Clerk)
        .await;
    let p = problem(res, 415).await;
    assert!(p["detail"].as_str().unwrap().contains("image/png"), "{p}");
    let res = app
        .post_file(&customer, "passport", "image/png", png(), Role::Clerk)
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post_file(
            &customer,
            "other",
            "application/pdf",
            b"MZ\x90\0 this is a program".to_vec(),
            Role::Clerk,
        )
        .await;
    problem(res, 415).await;
    let res = app
        .post_file(&customer, "other", "application/zip", pdf(100), Role::Clerk)
        .await;
    problem(res, 415).await;
    assert!(app.content_files().len() == 1, "{:?}", app.content_files());
    app.stop().await;
}

#[tokio::test]
async fn bad_input_names_every_field() {
    let app = spawn_app().await;
    let res = app
        .post_file("bad id!", "visa", "application/pdf", pdf(100), Role::Clerk)
        .await;
    let p = problem(res, 400).await;
    assert_eq!(field_names(&p), ["id"]);
    let res = app
        .post_file(
            &unique_customer(),
            "visa",
            "application/pdf",
            pdf(100),
            Role::Clerk,
        )
        .await;
    let p = problem(res, 422).await;
    assert_eq!(field_names(&p), ["type"]);
    let res = app
        .client
        .post(app.url(&format!("/v1/customers/{}/documents", unique_customer())))
        .bearer_auth(token(Role::Clerk))
        .header("content-type", "application/pdf")
        .body(pdf(100))
        .send()
        .await
        .unwrap();
    let p = problem(res, 422).await;
    assert_eq!(field_names(&p), ["type"]);
    let res = app
        .post_file(
            &unique_customer(),
            "passport",
            "application/pdf",
            vec![],
            Role::Clerk,
        )
        .await;
    problem(res, 422).await;
    let (status, _) = app.get_json("/v1/documents/not-an-id", Role::Clerk).await;
    assert_eq!(status, 400);
    let (status, _) = app
        .get_json(
            "/v1/documents/doc_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e",
            Role::Clerk,
        )
        .await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn a_declared_length_above_the_limit_is_413_before_the_body_is_read() {
    let app = spawn_app_with(&[("CDD_DOCUMENT_MAX_BYTES", "1000")]).await;
    let head = format!(
        "POST /v1/customers/{}/documents?type=passport HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/pdf\r\nContent-Length: 100000000\r\n\r\n",
        unique_customer(),
        token(Role::Clerk)
    );
    // Only the head and a few bytes are sent: the answer cannot wait for more.
    let answer = app.raw(&head, b"%PDF-1.7\n", false).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload-too-large"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn a_stream_passing_the_limit_is_413_and_leaves_nothing() {
    let app = spawn_app_with(&[("CDD_DOCUMENT_MAX_BYTES", "1000000")]).await;
    let customer = unique_customer();
    let head = format!(
        "POST /v1/customers/{customer}/documents?type=passport HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n\r\n",
        token(Role::Clerk)
    );
    let mut body = Vec::new();
    for chunk in pdf(2_000_000).chunks(100_000) {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let answer = app.raw(&head, &body, false).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        eventually(|| async { app.content_files().is_empty() }).await,
        "{:?}",
        app.content_files()
    );
    let (_, list) = app
        .get_json(&format!("/v1/customers/{customer}/documents"), Role::Clerk)
        .await;
    assert_eq!(list["documents"].as_array().unwrap().len(), 0);
    app.stop().await;
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_neither_content_nor_metadata() {
    let app = spawn_app().await;
    let customer = unique_customer();
    let total = 6 * 1024 * 1024;
    let head = format!(
        "POST /v1/customers/{customer}/documents?type=passport HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/pdf\r\nContent-Length: {total}\r\n\r\n",
        token(Role::Clerk)
    );
    app.raw(&head, &pdf(total / 2), true).await;
    assert!(
        eventually(|| async { app.content_files().is_empty() }).await,
        "{:?}",
        app.content_files()
    );
    let (_, list) = app
        .get_json(&format!("/v1/customers/{customer}/documents"), Role::Clerk)
        .await;
    assert_eq!(list["documents"].as_array().unwrap().len(), 0);
    app.stop().await;
}
