//! The AWS emulator the AWS-backed tests use, and the resources each test
//! creates in it (and removes afterwards).

use std::time::Duration;

use cdd_platform::auth::DEVELOPMENT_KEY;
use testcontainers_modules::localstack::LocalStack;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt};

/// The last LocalStack image that runs without an auth token.
pub const LOCALSTACK_TAG: &str = "4.14.0";

/// A running emulator and what it is.
pub struct AwsEmulator {
    pub endpoint: String,
    /// Which backend ran, for the test output.
    pub description: String,
    _container: Option<ContainerAsync<LocalStack>>,
}

impl AwsEmulator {
    /// LocalStack through testcontainers if Docker answers, else the
    /// endpoint in `CDD_TEST_AWS_ENDPOINT`; with neither, a panic that says
    /// how to get one (the suite never passes silently without AWS).
    pub async fn start() -> Self {
        let docker_error = match LocalStack::default()
            .with_tag(LOCALSTACK_TAG)
            .with_env_var("SERVICES", "dynamodb,s3,secretsmanager,kms")
            .start()
            .await
        {
            Ok(container) => {
                let host = container.get_host().await.expect("LocalStack's host");
                let port = container
                    .get_host_port_ipv4(4566)
                    .await
                    .expect("LocalStack's port");
                let endpoint = format!("http://{host}:{port}");
                let emulator = Self {
                    description: format!(
                        "LocalStack {LOCALSTACK_TAG} (testcontainers) at {endpoint}"
                    ),
                    endpoint,
                    _container: Some(container),
                };
                eprintln!("AWS backend: {}", emulator.description);
                return emulator;
            }
            Err(e) => e.to_string(),
        };
        let Ok(endpoint) = std::env::var("CDD_TEST_AWS_ENDPOINT") else {
            panic!(
                "no AWS emulator for the system tests: Docker is not available for LocalStack ({docker_error}) and CDD_TEST_AWS_ENDPOINT is not set. Run scripts/test (it starts moto), or start one: moto_server -H 127.0.0.1 -p 5000 and export CDD_TEST_AWS_ENDPOINT=http://127.0.0.1:5000"
            );
        };
        let emulator = Self {
            description: format!(
                "the emulator at CDD_TEST_AWS_ENDPOINT={endpoint} (Docker unavailable for LocalStack: {docker_error})"
            ),
            endpoint,
            _container: None,
        };
        eprintln!("AWS backend: {}", emulator.description);
        emulator
    }

    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        cdd_test_support::sdk_config(&self.endpoint).await
    }
}

/// One test's tables, buckets and signing-key secret, named uniquely.
pub struct AwsResources {
    pub endpoint: String,
    pub intake_table: String,
    pub screening_table: String,
    pub documents_table: String,
    pub letters_table: String,
    pub documents_bucket: String,
    pub outbound_bucket: String,
    pub auth_secret: String,
    dynamodb: aws_sdk_dynamodb::Client,
    s3: aws_sdk_s3::Client,
    secrets: aws_sdk_secretsmanager::Client,
}

impl AwsResources {
    /// Creates them the way Terraform names and shapes them.
    pub async fn create(emulator: &AwsEmulator) -> anyhow::Result<Self> {
        let sdk = emulator.sdk_config().await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let s3 = cdd_test_support::s3(&sdk);
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
        let run = uuid::Uuid::new_v4().simple().to_string()[..10].to_string();
        let name = |what: &str| format!("cdd-sys-{run}-{what}");
        let resources = Self {
            endpoint: emulator.endpoint.clone(),
            intake_table: name("intake"),
            screening_table: name("screening"),
            documents_table: name("documents"),
            letters_table: name("letters"),
            documents_bucket: name("documents"),
            outbound_bucket: name("outbound"),
            auth_secret: format!("cdd/sys-{run}/auth-signing-key"),
            dynamodb,
            s3,
            secrets,
        };
        cdd_intake::store::dynamo::DynamoStore::create_table(
            &resources.dynamodb,
            &resources.intake_table,
        )
        .await?;
        for table in [
            &resources.screening_table,
            &resources.documents_table,
            &resources.letters_table,
        ] {
            cdd_platform::aws::create_single_table(&resources.dynamodb, table, &[]).await?;
        }
        cdd_documents::store::s3::S3Content::create_bucket(
            &resources.s3,
            &resources.documents_bucket,
        )
        .await?;
        cdd_letters::store::s3::S3Bucket::create_bucket(&resources.s3, &resources.outbound_bucket)
            .await?;
        // The development key, so the tests can mint tokens; the services
        // still read it from Secrets Manager, as in AWS.
        resources
            .secrets
            .create_secret()
            .name(&resources.auth_secret)
            .secret_string(DEVELOPMENT_KEY)
            .send()
            .await?;
        Ok(resources)
    }

    /// Removes everything created, whatever it holds.
    pub async fn remove(self) {
        for table in [
            &self.intake_table,
            &self.screening_table,
            &self.documents_table,
            &self.letters_table,
        ] {
            let _ = self.dynamodb.delete_table().table_name(table).send().await;
        }
        for bucket in [&self.documents_bucket, &self.outbound_bucket] {
            empty_bucket(&self.s3, bucket).await;
            let _ = self.s3.delete_bucket().bucket(bucket).send().await;
        }
        let _ = self
            .secrets
            .delete_secret()
            .secret_id(&self.auth_secret)
            .force_delete_without_recovery(true)
            .send()
            .await;
    }
}

async fn empty_bucket(s3: &aws_sdk_s3::Client, bucket: &str) {
    for _ in 0..20 {
        let Ok(out) = s3.list_object_versions().bucket(bucket).send().await else {
            return;
        };
        let versions: Vec<(String, Option<String>)> = out
            .versions()
            .iter()
            .map(|v| {
                (
                    v.key().unwrap_or_default().to_string(),
                    v.version_id().map(str::to_string),
                )
            })
            .chain(out.delete_markers().iter().map(|m| {
                (
                    m.key().unwrap_or_default().to_string(),
                    m.version_id().map(str::to_string),
                )
            }))
            .collect();
        if versions.is_empty() {
            return;
        }
        for (key, version) in versions {
            let _ = s3
                .delete_object()
                .bucket(bucket)
                .key(key)
                .set_version_id(version)
                .send()
                .await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
