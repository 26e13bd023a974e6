//! What the services' tests share (a dev-dependency only): the clients of
//! the AWS emulator that `scripts/test` starts, and unique names so that
//! tests running at once never share a table or bucket.

use aws_config::{BehaviorVersion, Region, SdkConfig};

/// The emulator's endpoint (`CDD_TEST_AWS_ENDPOINT`); a test that needs it
/// fails saying how to get one, rather than passing without it.
pub fn aws_endpoint() -> String {
    match std::env::var("CDD_TEST_AWS_ENDPOINT") {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "CDD_TEST_AWS_ENDPOINT is not set, so the AWS tests cannot run. Run `scripts/test` \
             (it starts the moto server), or start one yourself \
             (`moto_server -H 127.0.0.1 -p 5000`) and set \
             CDD_TEST_AWS_ENDPOINT=http://127.0.0.1:5000 \
             AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1"
        ),
    }
}

/// SDK settings for the emulator: its endpoint, us-east-1, test credentials.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .load()
        .await
}

/// DynamoDB and S3 (path-style, as emulators need) clients for the emulator.
pub async fn aws_clients() -> (aws_sdk_dynamodb::Client, aws_sdk_s3::Client) {
    let config = sdk_config(&aws_endpoint()).await;
    (aws_sdk_dynamodb::Client::new(&config), s3(&config))
}

pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    )
}

/// `<prefix>-<12 hex digits>`: valid as a table or bucket name.
pub fn unique_name(prefix: &str) -> String {
    format!(
        "{prefix}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}
