//! The service with `CDD_BACKEND=aws` against the moto server: DynamoDB for
//! customers, Secrets Manager for the signing key, and a key rotation picked
//! up without a restart.

use std::time::Duration;

use cdd_intake::store::dynamo::DynamoStore;
use cdd_platform::auth::{Role, issue_token};
use serde_json::Value;

use crate::helpers::{maria, spawn_app_in};

const OLD_KEY: &str = "old-signing-key-0123456789abcdef0123456789";
const NEW_KEY: &str = "new-signing-key-0123456789abcdef0123456789";

fn endpoint() -> String {
    // The service takes credentials from the standard chain, as on Fargate;
    // scripts/test exports the emulator's dummy ones.
    assert!(
        std::env::var_os("AWS_ACCESS_KEY_ID").is_some(),
        "AWS_ACCESS_KEY_ID is not set: run scripts/test, or export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test"
    );
    cdd_test_support::aws_endpoint()
}

#[tokio::test]
async fn the_aws_backend_stores_in_dynamodb_and_follows_key_rotation() {
    let endpoint = endpoint();
    let config = cdd_test_support::sdk_config(&endpoint).await;
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let table = format!("intake-api-{suffix}");
    let secret = format!("cdd/test/auth-{suffix}");
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    DynamoStore::create_table(&dynamodb, &table).await.unwrap();
    let secrets = aws_sdk_secretsmanager::Client::new(&config);
    secrets
        .create_secret()
        .name(&secret)
        .secret_string(OLD_KEY)
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(
        dir.path(),
        &[
            ("CDD_ENV", "test"),
            ("CDD_BACKEND", "aws"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", &endpoint),
            ("CDD_INTAKE_TABLE", &table),
            ("CDD_NAMESPACE", "cdd.invalid"),
            ("CDD_AUTH_SECRET_ID", &secret),
            ("CDD_AUTH_KEY_MAX_AGE_SECS", "1"),
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

    let old_token = issue_token(OLD_KEY, "clerk-1", Role::Clerk, Duration::from_secs(600)).unwrap();
    let create = |token: String, key: &'static str| {
        app.client
            .post(app.url("/v1/customers"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&maria())
            .send()
    };
    let res = create(old_token.clone(), "aws-1").await.unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // It is in DynamoDB.
    let item = dynamodb
        .get_item()
        .table_name(&table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("CUSTOMER#{id}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("PROFILE".into()),
        )
        .send()
        .await
        .unwrap();
    assert!(item.item.is_some());
    // The development key is not accepted outside CDD_ENV=local.
    let dev = issue_token(
        cdd_platform::auth::DEVELOPMENT_KEY,
        "x",
        Role::Clerk,
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(create(dev, "aws-dev").await.unwrap().status(), 401);

    // Rotate: the new value becomes AWSCURRENT, the old one AWSPREVIOUS.
    secrets
        .put_secret_value()
        .secret_id(&secret)
        .secret_string(NEW_KEY)
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let new_token = issue_token(NEW_KEY, "clerk-1", Role::Clerk, Duration::from_secs(600)).unwrap();
    assert_eq!(
        create(new_token, "aws-2").await.unwrap().status(),
        201,
        "new key accepted without a restart"
    );
    assert_eq!(
        create(old_token, "aws-3").await.unwrap().status(),
        201,
        "previous key still accepted during rotation"
    );

    app.stop().await;
    dynamodb
        .delete_table()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    secrets
        .delete_secret()
        .secret_id(&secret)
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap();
}
