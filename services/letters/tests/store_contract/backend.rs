//! The adapters under test, made fresh for each test and removed after it.

use std::future::Future;
use std::sync::Arc;

use cdd_letters::store::dynamo::DynamoStore;
use cdd_letters::store::embedded::{DirectoryBucket, EmbeddedStore, OUTBOUND_DIR};
use cdd_letters::store::s3::S3Bucket;
use cdd_letters::store::{LetterStore, OutboundBucket, TemplateStore};

pub enum Kind {
    Embedded,
    Aws,
}

enum Place {
    Embedded(tempfile::TempDir),
    Aws {
        dynamodb: aws_sdk_dynamodb::Client,
        s3: aws_sdk_s3::Client,
        table: String,
        bucket: String,
    },
}

/// One set of adapters.
pub struct Backend {
    pub templates: Arc<dyn TemplateStore>,
    pub letters: Arc<dyn LetterStore>,
    pub bucket: Arc<dyn OutboundBucket>,
    place: Place,
}

pub use cdd_test_support::{aws_clients, unique_name};

impl Backend {
    async fn new(kind: Kind) -> Self {
        match kind {
            Kind::Embedded => {
                let dir = tempfile::tempdir().unwrap();
                let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
                let bucket =
                    Arc::new(DirectoryBucket::open(&dir.path().join(OUTBOUND_DIR)).unwrap());
                Self {
                    templates: store.clone(),
                    letters: store,
                    bucket,
                    place: Place::Embedded(dir),
                }
            }
            Kind::Aws => {
                let (dynamodb, s3) = aws_clients().await;
                let table = unique_name("letters-contract");
                let bucket = unique_name("outbound-contract");
                DynamoStore::create_table(&dynamodb, &table).await.unwrap();
                S3Bucket::create_bucket(&s3, &bucket).await.unwrap();
                let store = Arc::new(DynamoStore::new(dynamodb.clone(), table.clone()));
                Self {
                    templates: store.clone(),
                    letters: store,
                    bucket: Arc::new(S3Bucket::new(
                        s3.clone(),
                        bucket.clone(),
                        Some("alias/cdd-outbound-test".into()),
                    )),
                    place: Place::Aws {
                        dynamodb,
                        s3,
                        table,
                        bucket,
                    },
                }
            }
        }
    }

    /// Replaces an object's bytes behind the adapter's back, as damage or
    /// someone with bucket access would.
    pub async fn overwrite_object(&self, key: &str, bytes: &[u8]) {
        match &self.place {
            Place::Embedded(dir) => {
                std::fs::write(dir.path().join(OUTBOUND_DIR).join(key), bytes).unwrap();
            }
            Place::Aws { s3, bucket, .. } => {
                s3.put_object()
                    .bucket(bucket)
                    .key(key)
                    .body(bytes.to_vec().into())
                    .send()
                    .await
                    .unwrap();
            }
        }
    }

    /// The SHA-256 checksum S3 keeps with the object (base64); `None` for
    /// the embedded bucket, which keeps none beside the file.
    pub async fn stored_checksum(&self, key: &str) -> Option<String> {
        match &self.place {
            Place::Embedded(_) => None,
            Place::Aws { s3, bucket, .. } => {
                let head = s3
                    .head_object()
                    .bucket(bucket)
                    .key(key)
                    .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
                    .send()
                    .await
                    .unwrap();
                Some(
                    head.checksum_sha256()
                        .expect("S3 keeps the SHA-256 checksum")
                        .to_owned(),
                )
            }
        }
    }

    async fn remove(self) {
        match self.place {
            Place::Embedded(dir) => drop(dir),
            Place::Aws {
                dynamodb,
                s3,
                table,
                bucket,
            } => {
                if let Err(e) = dynamodb.delete_table().table_name(&table).send().await {
                    eprintln!("could not delete table {table}: {e}");
                }
                if let Err(e) = S3Bucket::delete_bucket(&s3, &bucket).await {
                    eprintln!("could not delete bucket {bucket}: {e}");
                }
            }
        }
    }
}

/// Runs one case on fresh adapters and removes them, even when it fails.
pub async fn run<F, Fut>(kind: Kind, case: F)
where
    F: FnOnce(Arc<Backend>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    cdd_platform::telemetry::init_for_tests();
    let backend = Arc::new(Backend::new(kind).await);
    let outcome = tokio::spawn(case(Arc::clone(&backend))).await;
    match Arc::try_unwrap(backend) {
        Ok(backend) => backend.remove().await,
        Err(_) => eprintln!("a case kept its backend alive; not removing it"),
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
