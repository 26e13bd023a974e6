//! AWS SDK clients built from the shared settings.
//!
//! `AWS_ENDPOINT_URL` points every client at an emulator (moto, LocalStack);
//! S3 then needs path-style addressing because an emulator on 127.0.0.1 has
//! no per-bucket DNS names.

use aws_config::{BehaviorVersion, Region, SdkConfig};

use crate::settings::CommonSettings;

/// The SDK configuration: region, endpoint, and credentials from the default
/// chain (the task role on Fargate, the environment or profile elsewhere).
pub async fn sdk_config(settings: &CommonSettings) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = &settings.aws_region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(endpoint) = &settings.aws_endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    loader.load().await
}

pub fn dynamodb(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(config)
}

pub fn secrets_manager(config: &SdkConfig) -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(config)
}

pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
    let path_style = config.endpoint_url().is_some();
    let s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(path_style)
        .build();
    aws_sdk_s3::Client::from_conf(s3_config)
}
