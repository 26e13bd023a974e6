//! What the services' tests share (a dev-dependency only): the clients of
//! the AWS emulator that `scripts/test` starts, unique names so that tests
//! running at once never share a table or bucket, and an OpenID Connect
//! provider of their own ([`identity_provider`]), and a strict reader of
//! `GET /metrics` ([`prometheus_text`]).

pub mod identity_provider;
pub mod prometheus_text;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

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

/// Every directory under `root` (and `root`) that the service created is
/// 0700 and every file 0600: embedded data holds personal data. Returns how
/// many files were checked, so a test can also see that data was written.
pub fn assert_private_tree(root: &Path) -> usize {
    fn walk(dir: &Path, files: &mut usize) {
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "directory {} is {mode:o}", dir.display());
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "file {} is {mode:o}", path.display());
                *files += 1;
            }
        }
    }
    let mut files = 0;
    walk(root, &mut files);
    files
}
