//! The whole service on DynamoDB and S3 (the moto server at
//! `CDD_TEST_AWS_ENDPOINT`), with SSE-KMS under a configured key.

use cdd_platform::auth::Role;
use serde_json::Value;

use crate::helpers::{pdftotext, problem, rfi_request, spawn_app_in};

#[tokio::test]
async fn letters_on_dynamodb_and_s3() {
    use cdd_letters::store::dynamo::DynamoStore;
    use cdd_letters::store::s3::S3Bucket;

    let endpoint = cdd_test_support::aws_endpoint();
    let (dynamodb, s3) = cdd_test_support::aws_clients().await;
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (table, bucket) = (
        format!("letters-api-{suffix}"),
        format!("outbound-api-{suffix}"),
    );
    DynamoStore::create_table(&dynamodb, &table).await.unwrap();
    S3Bucket::create_bucket(&s3, &bucket).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let outcome = tokio::spawn({
        let (table, bucket, s3) = (table.clone(), bucket.clone(), s3.clone());
        async move {
            let app = spawn_app_in(
                dir.path(),
                &[
                    ("CDD_BACKEND", "aws"),
                    ("AWS_REGION", "us-east-1"),
                    ("AWS_ENDPOINT_URL", &endpoint),
                    ("CDD_LETTERS_TABLE", &table),
                    ("CDD_OUTBOUND_BUCKET", &bucket),
                    ("CDD_OUTBOUND_KMS_KEY_ID", "alias/cdd-outbound"),
                ],
            )
            .await;
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
            let (_, list) = app.get_json("/v1/templates", Role::Clerk).await;
            assert_eq!(list["templates"].as_array().unwrap().len(), 4, "{list}");

            let body = rfi_request("cus_61777300000000000000000000000000", "pdf");
            let res = app.post_letter("aws-key", &body, Role::Service).await;
            assert_eq!(res.status(), 201);
            let letter: Value = res.json().await.unwrap();
            let again: Value = app
                .post_letter("aws-key", &body, Role::Service)
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(again, letter);

            let key = letter["key"].as_str().unwrap();
            let head = s3
                .head_object()
                .bucket(&bucket)
                .key(key)
                .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
                .send()
                .await
                .unwrap();
            assert_eq!(head.checksum_sha256(), letter["checksum_sha256"].as_str());
            assert_eq!(head.ssekms_key_id(), Some("alias/cdd-outbound"));
            assert_eq!(head.content_type(), Some("application/pdf"));

            let id = letter["id"].as_str().unwrap();
            let pdf = app
                .get(&format!("/v1/letters/{id}/content"), Role::Clerk)
                .await
                .bytes()
                .await
                .unwrap();
            assert!(pdftotext(&pdf).contains("CDD-2026-000123"));
            let (_, list) = app
                .get_json(
                    "/v1/customers/cus_61777300000000000000000000000000/letters",
                    Role::Clerk,
                )
                .await;
            assert_eq!(list["letters"][0], letter);

            s3.put_object()
                .bucket(&bucket)
                .key(key)
                .body(b"%PDF-1.7 damaged".to_vec().into())
                .send()
                .await
                .unwrap();
            problem(
                app.get(&format!("/v1/letters/{id}/content"), Role::Clerk)
                    .await,
                502,
            )
            .await;
            app.stop().await;
        }
    })
    .await;

    let _ = dynamodb.delete_table().table_name(&table).send().await;
    let _ = S3Bucket::delete_bucket(&s3, &bucket).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
