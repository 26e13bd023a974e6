//! Building the documents service from its settings and running it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use cdd_platform::http::{BoundService, DependencyCheck, Readiness, ServiceRouter, Shutdown};
use cdd_platform::service::{Storage, required_with_aws};

use crate::api::{self, AppState};
use crate::register::DocumentRegister;
use crate::settings::DocumentsSettings;
use crate::store::dynamo::DynamoDocumentStore;
use crate::store::embedded::{CONTENT_DIR, DirectoryContent, EmbeddedDocumentStore};
use crate::store::s3::S3Content;
use crate::store::{ContentStore, DocumentStore};

/// How long in-flight requests may take to finish after SIGTERM (ECS waits 30 s).
const DRAIN: Duration = Duration::from_secs(20);

/// The service's OpenAPI document, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// A built documents service, bound to its port and ready to run.
pub struct Application {
    bound: BoundService,
}

/// The storage adapters the settings choose.
pub struct Stores {
    pub documents: Arc<dyn DocumentStore>,
    pub content: Arc<dyn ContentStore>,
}

struct StoreReadiness(Stores);

#[async_trait]
impl Readiness for StoreReadiness {
    async fn check(&self) -> Vec<DependencyCheck> {
        let (documents, content) = tokio::join!(self.0.documents.check(), self.0.content.check());
        vec![
            DependencyCheck::from_result("document_store", documents),
            DependencyCheck::from_result("content_store", content),
        ]
    }
}

impl Stores {
    /// Opens the embedded or AWS adapters.
    pub async fn open(settings: &DocumentsSettings, storage: &Storage) -> anyhow::Result<Self> {
        match storage {
            Storage::Embedded { data_dir } => Ok(Self {
                documents: Arc::new(EmbeddedDocumentStore::open(data_dir)?),
                content: Arc::new(DirectoryContent::open(&data_dir.join(CONTENT_DIR))?),
            }),
            Storage::Aws(sdk) => {
                let table = required_with_aws(&settings.table, "CDD_DOCUMENTS_TABLE")?;
                let bucket = required_with_aws(&settings.bucket, "CDD_DOCUMENTS_BUCKET")?;
                Ok(Self {
                    documents: Arc::new(DynamoDocumentStore::new(
                        cdd_platform::aws::dynamodb(sdk),
                        table,
                    )),
                    content: Arc::new(
                        S3Content::new(
                            cdd_platform::aws::s3(sdk),
                            bucket,
                            settings.kms_key_id.clone(),
                        )
                        .with_part_size(settings.part_bytes),
                    ),
                })
            }
        }
    }
}

impl Application {
    /// Opens the stores, loads the signing key and binds the port.
    pub async fn build(settings: DocumentsSettings, shutdown: Shutdown) -> anyhow::Result<Self> {
        let common = &settings.common;
        let storage = Storage::of(common).await;
        let stores = Stores::open(&settings, &storage).await?;
        let auth = cdd_platform::service::authenticator(common, storage.sdk()).await?;
        let register = Arc::new(DocumentRegister::new(
            stores.documents.clone(),
            stores.content.clone(),
            settings.max_bytes,
            settings.retention,
        ));
        // The platform's timeout wraps every route; uploads get their own
        // (longer) one, and the api applies the usual one to the rest.
        let bound = ServiceRouter {
            service: "documents",
            api: api::routes(AppState { register }, common.request_timeout),
            openapi: OPENAPI,
            readiness: Arc::new(StoreReadiness(stores)),
            auth,
            body_limit_bytes: common.body_limit_bytes,
            request_timeout: settings.upload_timeout.max(common.request_timeout),
            client_read_timeout: common.client_read_timeout,
            shutdown: shutdown.clone(),
            metrics: Default::default(),
        }
        .bind(common.listen_ip, common.port)
        .await?;
        Ok(Self { bound })
    }

    /// The bound port (useful with `PORT=0`).
    pub fn port(&self) -> u16 {
        self.bound.port()
    }

    /// Serves until the shutdown triggers, then drains.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.bound.serve(DRAIN).await
    }
}
