//! The adapters under test, made fresh for each test and removed after it.

use std::future::Future;
use std::sync::Arc;

use cdd_documents::store::dynamo::DynamoDocumentStore;
use cdd_documents::store::embedded::{CONTENT_DIR, DirectoryContent, EmbeddedDocumentStore};
use cdd_documents::store::s3::S3Content;
use cdd_documents::store::{ContentStore, DocumentStore};

/// Parts of S3's smallest size, so multipart cases stay small.
pub const PART: usize = 5 * 1024 * 1024;

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
    pub documents: Arc<dyn DocumentStore>,
    pub content: Arc<dyn ContentStore>,
    place: Place,
}

/// The moto endpoint, or a failure that says how to provide one.
use cdd_test_support::{aws_clients, unique_name};

impl Backend {
    async fn new(kind: Kind) -> Self {
        match kind {
            Kind::Embedded => {
                let dir = tempfile::tempdir().unwrap();
                Self {
                    documents: Arc::new(EmbeddedDocumentStore::open(dir.path()).unwrap()),
                    content: Arc::new(
                        DirectoryContent::open(&dir.path().join(CONTENT_DIR)).unwrap(),
                    ),
                    place: Place::Embedded(dir),
                }
            }
            Kind::Aws => {
                let (dynamodb, s3) = aws_clients().await;
                let table = unique_name("documents-contract");
                let bucket = unique_name("documents-contract");
                DynamoDocumentStore::create_table(&dynamodb, &table)
                    .await
                    .unwrap();
                S3Content::create_bucket(&s3, &bucket).await.unwrap();
                Self {
                    documents: Arc::new(DynamoDocumentStore::new(dynamodb.clone(), table.clone())),
                    content: Arc::new(
                        S3Content::new(
                            s3.clone(),
                            bucket.clone(),
                            Some("alias/cdd-documents-test".into()),
                        )
                        .with_part_size(PART),
                    ),
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
    /// someone with bucket access would (in S3: a new version).
    pub async fn overwrite_object(&self, key: &str, bytes: &[u8]) {
        match &self.place {
            Place::Embedded(dir) => {
                std::fs::write(dir.path().join(CONTENT_DIR).join(key), bytes).unwrap();
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

    /// What is left in the content store: files (temporary ones included),
    /// or objects, object versions and open multipart uploads.
    pub async fn leftovers(&self) -> Vec<String> {
        match &self.place {
            Place::Embedded(dir) => {
                fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
                    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                        let path = entry.path();
                        if path.is_dir() {
                            walk(&path, out);
                        } else {
                            out.push(path.display().to_string());
                        }
                    }
                }
                let mut out = Vec::new();
                walk(&dir.path().join(CONTENT_DIR), &mut out);
                out
            }
            Place::Aws { s3, bucket, .. } => {
                let mut out = Vec::new();
                let uploads = s3
                    .list_multipart_uploads()
                    .bucket(bucket)
                    .send()
                    .await
                    .unwrap();
                for u in uploads.uploads() {
                    out.push(format!("upload {}", u.key().unwrap_or("")));
                }
                let versions = s3
                    .list_object_versions()
                    .bucket(bucket)
                    .send()
                    .await
                    .unwrap();
                for v in versions.versions() {
                    out.push(format!("version {}", v.key().unwrap_or("")));
                }
                for m in versions.delete_markers() {
                    out.push(format!("delete marker {}", m.key().unwrap_or("")));
                }
                out
            }
        }
    }

    pub fn is_aws(&self) -> bool {
        matches!(self.place, Place::Aws { .. })
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
                if let Err(e) = S3Content::delete_bucket(&s3, &bucket).await {
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
