//! Building the documents service from its settings and running it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use cdd_platform::http::{BoundService, DependencyCheck, Readiness, ServiceRouter, Shutdown};
use cdd_platform::settings::Backend;

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
    pub async fn open(
        settings: &DocumentsSettings,
        sdk: Option<&aws_config::SdkConfig>,
    ) -> anyhow::Result<Self> {
        match (&settings.common.backend, sdk) {
            (Backend::Embedded { data_dir }, _) => Ok(Self {
                documents: Arc::new(EmbeddedDocumentStore::open(data_dir)?),
                content: Arc::new(DirectoryContent::open(&data_dir.join(CONTENT_DIR))?),
            }),
            (Backend::Aws, Some(sdk)) => {
                let table = settings.table.clone().ok_or_else(|| {
                    anyhow::anyhow!("CDD_DOCUMENTS_TABLE is required with the AWS backend")
                })?;
                let bucket = settings.bucket.clone().ok_or_else(|| {
                    anyhow::anyhow!("CDD_DOCUMENTS_BUCKET is required with the AWS backend")
                })?;
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
            (Backend::Aws, None) => anyhow::bail!("the AWS backend needs an SDK configuration"),
        }
    }
}

impl Application {
    /// Opens the stores, loads the signing key and binds the port.
    pub async fn build(settings: DocumentsSettings, shutdown: Shutdown) -> anyhow::Result<Self> {
        let common = &settings.common;
        let sdk = match common.backend {
            Backend::Aws => Some(cdd_platform::aws::sdk_config(common).await),
            Backend::Embedded { .. } => None,
        };
        let stores = Stores::open(&settings, sdk.as_ref()).await?;
        let auth = cdd_platform::service::authenticator(common, sdk.as_ref()).await?;
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
