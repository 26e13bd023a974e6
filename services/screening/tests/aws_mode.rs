//! The service in AWS mode on the moto server (`CDD_TEST_AWS_ENDPOINT`;
//! `scripts/test` starts one): lists read from S3 objects under `lists/`,
//! monitored subjects and alerts in DynamoDB, a reload picking up a new
//! vintage uploaded to the bucket, and a malformed upload refused.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_platform::http::Shutdown;
use cdd_platform::settings::EnvReader;
use cdd_screening::store::dynamo::DynamoStore;
use cdd_screening::{Application, ScreeningSettings};
use serde_json::{Value, json};

fn demo_file(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("demo-lists")
            .join(name),
    )
    .unwrap()
}

fn with_row(mut csv: Vec<u8>, row: &str) -> Vec<u8> {
    while csv.last() == Some(&0x1a) {
        csv.pop();
    }
    csv.extend_from_slice(row.as_bytes());
    csv.extend_from_slice(b"\r\n\x1a");
    csv
}

async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, bytes: Vec<u8>) {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(bytes))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn lists_from_s3_and_alerts_in_dynamodb() {
    let endpoint = cdd_test_support::aws_endpoint();
    let config = cdd_test_support::sdk_config(&endpoint).await;
    let s3 = cdd_test_support::s3(&config);
    let dynamodb = aws_sdk_dynamodb::Client::new(&config);
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let bucket = format!("lists-{}", &suffix[..12]);
    let table = format!("screening-{suffix}");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    DynamoStore::create_table(&dynamodb, &table).await.unwrap();
    put(
        &s3,
        &bucket,
        "lists/ofac_sdn_2024-01-01/sdn.csv",
        demo_file("sdn.csv"),
    )
    .await;
    put(
        &s3,
        &bucket,
        "lists/ofac_sdn_2024-01-01/alt.csv",
        demo_file("alt.csv"),
    )
    .await;
    put(
        &s3,
        &bucket,
        "elsewhere/ignored.txt",
        b"not a list".to_vec(),
    )
    .await;

    // The SDK takes credentials from the process environment (scripts/test
    // sets test ones); everything else goes through the settings reader.
    let vars: HashMap<String, String> = HashMap::from([
        ("PORT".into(), "0".into()),
        ("CDD_ENV".into(), "local".into()),
        ("CDD_BACKEND".into(), "aws".into()),
        ("AWS_REGION".into(), "us-east-1".into()),
        ("AWS_ENDPOINT_URL".into(), endpoint.clone()),
        ("CDD_SCREENING_TABLE".into(), table.clone()),
        ("CDD_LISTS_BUCKET".into(), bucket.clone()),
    ]);
    let mut env = EnvReader::from_map(vars);
    let settings = ScreeningSettings::read(&mut env).unwrap();
    env.finish().unwrap();
    let shutdown = Shutdown::new();
    let app = Application::build(settings, shutdown.clone())
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let token = |role| issue_token(DEVELOPMENT_KEY, "t", role, Duration::from_secs(600)).unwrap();
    let get = |path: &str| {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(token(Role::Service))
            .send()
    };

    let lists: Value = get("/v1/lists").await.unwrap().json().await.unwrap();
    assert_eq!(
        lists["current"]["source"],
        format!("s3://{bucket}/lists/"),
        "{lists}"
    );
    assert_eq!(lists["current"]["vintages"], json!(["ofac_sdn_2024-01-01"]));
    let ready = client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    let res = client
        .post(format!("{base}/v1/screenings"))
        .bearer_auth(token(Role::Service))
        .json(&json!({"subject": {"kind": "person", "name": "Petronella Vandersloot"}, "subject_ref": "cust-1", "monitor": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A new vintage lands in the bucket: the reload alerts cust-1.
    put(
        &s3,
        &bucket,
        "lists/ofac_sdn_2024-02-01/sdn.csv",
        with_row(
            demo_file("sdn.csv"),
            "900097,\"VANDERSLOOT, Petronella\",\"individual\",\"DEMO-FICTIONAL\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"FICTIONAL DEMO ENTRY.\"",
        ),
    )
    .await;
    let reload = |role| {
        client
            .post(format!("{base}/v1/lists/reload"))
            .bearer_auth(token(role))
            .send()
    };
    let res = reload(Role::Service).await.unwrap();
    let outcome: Value = res.json().await.unwrap();
    assert_eq!(outcome["changed"], true, "{outcome}");
    assert_eq!(outcome["rescreen"]["alerts_raised"], 1, "{outcome}");
    let alerts: Value = get("/v1/alerts").await.unwrap().json().await.unwrap();
    assert_eq!(alerts["alerts"][0]["subject_ref"], "cust-1", "{alerts}");
    assert_eq!(alerts["alerts"][0]["entity_id"], "ofac-sdn:900097");
    let res = reload(Role::Approver).await.unwrap();
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["changed"], false, "{again}");
    let alerts: Value = get("/v1/alerts").await.unwrap().json().await.unwrap();
    assert_eq!(alerts["alerts"].as_array().unwrap().len(), 1);

    // A malformed upload: refused, naming the object, the old version stays.
    put(
        &s3,
        &bucket,
        "lists/ofac_sdn_2024-03-01/sdn.csv",
        b"<html>oops</html>\n".to_vec(),
    )
    .await;
    let res = reload(Role::Service).await.unwrap();
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("ofac_sdn_2024-03-01/sdn.csv:"),
        "{p}"
    );
    let now: Value = get("/v1/lists").await.unwrap().json().await.unwrap();
    assert_eq!(now["current"]["id"], outcome["list_version"]);

    shutdown.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(10), handle).await;
    dynamodb
        .delete_table()
        .table_name(&table)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_s3_fingerprint_follows_the_objects_under_the_prefix_only() {
    use cdd_screening::monitoring::follow::fingerprint;
    use cdd_screening::settings::ListSource;
    let endpoint = cdd_test_support::aws_endpoint();
    let config = cdd_test_support::sdk_config(&endpoint).await;
    let s3 = cdd_test_support::s3(&config);
    let bucket = format!("lists-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let source = ListSource::S3 {
        bucket: bucket.clone(),
        prefix: "lists/".into(),
    };
    put(
        &s3,
        &bucket,
        "lists/ofac_sdn_2024-01-01/sdn.csv",
        demo_file("sdn.csv"),
    )
    .await;
    let first = fingerprint(&source, Some(&s3)).await.unwrap();
    assert_eq!(
        fingerprint(&source, Some(&s3)).await.unwrap(),
        first,
        "nothing changed"
    );
    put(&s3, &bucket, "elsewhere/notes.txt", b"not a list".to_vec()).await;
    assert_eq!(
        fingerprint(&source, Some(&s3)).await.unwrap(),
        first,
        "outside the prefix"
    );
    put(
        &s3,
        &bucket,
        "lists/ofac_sdn_2024-02-01/sdn.csv",
        demo_file("sdn.csv"),
    )
    .await;
    let second = fingerprint(&source, Some(&s3)).await.unwrap();
    assert_ne!(second, first, "a new vintage");
    // The same key rewritten with other bytes: another ETag.
    put(
        &s3,
        &bucket,
        "lists/ofac_sdn_2024-02-01/sdn.csv",
        with_row(demo_file("sdn.csv"), "900098,\"X, Y\",\"individual\",\"DEMO-FICTIONAL\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"FICTIONAL DEMO ENTRY.\""),
    )
    .await;
    assert_ne!(
        fingerprint(&source, Some(&s3)).await.unwrap(),
        second,
        "a rewritten object"
    );
}
