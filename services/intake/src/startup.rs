//! Building the intake service from its settings and running it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::net::TcpListener;

use cdd_platform::http::{DependencyCheck, Readiness, ServiceRouter, Shutdown, serve};
use cdd_platform::settings::Backend;

use crate::api::{self, AppState};
use crate::domain::risk::{FatfLists, RiskRater};
use crate::settings::IntakeSettings;
use crate::store::CustomerStore;
use crate::store::dynamo::DynamoStore;
use crate::store::embedded::EmbeddedStore;

/// How long in-flight requests may take to finish after SIGTERM (ECS waits 30 s).
const DRAIN: Duration = Duration::from_secs(20);

/// A built intake service, bound to its port and ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    shutdown: Shutdown,
    port: u16,
}

struct StoreReadiness(Arc<dyn CustomerStore>);

#[async_trait]
impl Readiness for StoreReadiness {
    async fn check(&self) -> Vec<DependencyCheck> {
        vec![DependencyCheck::from_result(
            "customer_store",
            self.0.check().await,
        )]
    }
}

impl Application {
    /// Opens the store, loads the signing key, binds the port.
    pub async fn build(settings: IntakeSettings, shutdown: Shutdown) -> anyhow::Result<Self> {
        let common = &settings.common;
        let sdk = match common.backend {
            Backend::Aws => Some(cdd_platform::aws::sdk_config(common).await),
            Backend::Embedded { .. } => None,
        };
        let store: Arc<dyn CustomerStore> = match (&common.backend, &sdk) {
            (Backend::Embedded { data_dir }, _) => Arc::new(EmbeddedStore::open(data_dir)?),
            (Backend::Aws, Some(sdk)) => {
                let table = settings.table.clone().ok_or_else(|| {
                    anyhow::anyhow!("CDD_INTAKE_TABLE is required with the AWS backend")
                })?;
                Arc::new(DynamoStore::new(cdd_platform::aws::dynamodb(sdk), table))
            }
            (Backend::Aws, None) => unreachable!("the SDK is configured for the AWS backend"),
        };
        let auth = cdd_platform::service::authenticator(common, sdk.as_ref()).await?;
        let state = AppState {
            store: store.clone(),
            rater: Arc::new(RiskRater::new(FatfLists::bundled())),
        };
        let router = ServiceRouter {
            service: "intake",
            api: api::routes(state),
            openapi: include_str!("../openapi.json"),
            readiness: Arc::new(StoreReadiness(store)),
            auth,
            body_limit_bytes: common.body_limit_bytes,
            request_timeout: common.request_timeout,
            shutdown: shutdown.clone(),
        }
        .into_router();
        let listener = TcpListener::bind((common.listen_ip, common.port)).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            router,
            shutdown,
            port,
        })
    }

    /// The bound port (useful with `PORT=0`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the shutdown triggers, then drains.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(port = self.port, "intake listening");
        serve(self.listener, self.router, self.shutdown, DRAIN).await
    }
}
