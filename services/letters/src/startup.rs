//! Building the letters service from its settings and running it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use cdd_platform::http::{BoundService, DependencyCheck, Readiness, ServiceRouter, Shutdown};
use cdd_platform::service::{Storage, required_with_aws};

use crate::api::{self, AppState};
use crate::catalogue::TemplateCatalogue;
use crate::issuing::LetterIssuer;
use crate::settings::LettersSettings;
use crate::store::dynamo::DynamoStore;
use crate::store::embedded::{DirectoryBucket, EmbeddedStore, OUTBOUND_DIR};
use crate::store::s3::S3Bucket;
use crate::store::{LetterStore, OutboundBucket, TemplateStore};

/// How long in-flight requests may take to finish after SIGTERM (ECS waits 30 s).
const DRAIN: Duration = Duration::from_secs(20);

/// The service's OpenAPI document, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// A built letters service, bound to its port and ready to run.
pub struct Application {
    bound: BoundService,
}

/// The storage adapters the settings choose.
pub struct Stores {
    pub templates: Arc<dyn TemplateStore>,
    pub letters: Arc<dyn LetterStore>,
    pub bucket: Arc<dyn OutboundBucket>,
}

struct StoreReadiness {
    letters: Arc<dyn LetterStore>,
    bucket: Arc<dyn OutboundBucket>,
}

#[async_trait]
impl Readiness for StoreReadiness {
    async fn check(&self) -> Vec<DependencyCheck> {
        let (letters, bucket) = tokio::join!(self.letters.check(), self.bucket.check());
        vec![
            DependencyCheck::from_result("letter_store", letters),
            DependencyCheck::from_result("outbound_bucket", bucket),
        ]
    }
}

impl Stores {
    /// Opens the embedded or AWS adapters.
    pub async fn open(settings: &LettersSettings, storage: &Storage) -> anyhow::Result<Self> {
        match storage {
            Storage::Embedded { data_dir } => {
                let store = Arc::new(EmbeddedStore::open(data_dir)?);
                let bucket = Arc::new(DirectoryBucket::open(&data_dir.join(OUTBOUND_DIR))?);
                Ok(Self {
                    templates: store.clone(),
                    letters: store,
                    bucket,
                })
            }
            Storage::Aws(sdk) => {
                let table = required_with_aws(&settings.table, "CDD_LETTERS_TABLE")?;
                let bucket = required_with_aws(&settings.bucket, "CDD_OUTBOUND_BUCKET")?;
                let store = Arc::new(DynamoStore::new(cdd_platform::aws::dynamodb(sdk), table));
                Ok(Self {
                    templates: store.clone(),
                    letters: store,
                    bucket: Arc::new(S3Bucket::new(
                        cdd_platform::aws::s3(sdk),
                        bucket,
                        settings.kms_key_id.clone(),
                    )),
                })
            }
        }
    }
}

impl Application {
    /// Opens the stores, installs the built-in templates where missing,
    /// loads the signing key and binds the port.
    pub async fn build(settings: LettersSettings, shutdown: Shutdown) -> anyhow::Result<Self> {
        let common = &settings.common;
        let storage = Storage::of(common).await;
        let stores = Stores::open(&settings, &storage).await?;
        let catalogue = Arc::new(TemplateCatalogue::new(stores.templates.clone()));
        let added = catalogue
            .install_builtins()
            .await
            .map_err(|e| anyhow::anyhow!("installing the built-in templates: {e}"))?;
        if !added.is_empty() {
            let names: Vec<&str> = added.iter().map(|n| n.as_str()).collect();
            tracing::info!(templates = ?names, "built-in templates installed as version 1");
        }
        let fonts = settings.letter.fonts();
        tracing::info!(
            faces = fonts.face_count(),
            dir = %fonts.dir().map_or("(built in only)".into(), |d| d.display().to_string()),
            "PDF fonts loaded"
        );
        let auth = cdd_platform::service::authenticator(common, storage.sdk()).await?;
        let issuer = Arc::new(LetterIssuer::new(
            stores.letters.clone(),
            stores.bucket.clone(),
            settings.letter.clone(),
        ));
        let bound = ServiceRouter {
            service: "letters",
            api: api::routes(AppState { catalogue, issuer }),
            openapi: OPENAPI,
            readiness: Arc::new(StoreReadiness {
                letters: stores.letters,
                bucket: stores.bucket,
            }),
            auth,
            body_limit_bytes: common.body_limit_bytes,
            request_timeout: common.request_timeout,
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
