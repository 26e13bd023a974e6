//! Building the intake service from its settings and running it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use cdd_discovery::{Discovery, DiscoveryConfig};
use cdd_platform::http::{BoundService, DependencyCheck, Readiness, ServiceRouter, Shutdown};
use cdd_platform::service::{Storage, required_with_aws};

use crate::api::{self, AppState};
use crate::casework::{Casework, worker};
use crate::dependencies::ServiceToken;
use crate::dependencies::http::HttpService;
use crate::domain::risk::{FatfLists, RiskRater};
use crate::settings::IntakeSettings;
use crate::settings::{DEFAULT_SERVICE_PORT, DEPENDENCIES};
use crate::store::CustomerStore;
use crate::store::dynamo::DynamoStore;
use crate::store::embedded::EmbeddedStore;

/// How long in-flight requests may take to finish after SIGTERM (ECS waits 30 s).
const DRAIN: Duration = Duration::from_secs(20);

/// A built intake service, bound to its port and ready to run.
pub struct Application {
    bound: BoundService,
    casework: Arc<Casework>,
    casework_interval: Duration,
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
        let storage = Storage::of(common).await;
        let store: Arc<dyn CustomerStore> = match &storage {
            Storage::Embedded { data_dir } => Arc::new(EmbeddedStore::open(data_dir)?),
            Storage::Aws(sdk) => {
                let table = required_with_aws(&settings.table, "CDD_INTAKE_TABLE")?;
                Arc::new(DynamoStore::new(cdd_platform::aws::dynamodb(sdk), table))
            }
        };
        let auth = cdd_platform::service::authenticator(common, storage.sdk()).await?;
        let rater = Arc::new(
            RiskRater::new(FatfLists::bundled()).with_former_pep_rating(settings.former_pep_rating),
        );
        let casework = Arc::new(casework(
            &settings,
            store.clone(),
            rater.clone(),
            auth.clone(),
        )?);
        let state = AppState {
            store: store.clone(),
            rater,
            casework: casework.clone(),
        };
        let bound = ServiceRouter {
            service: "intake",
            api: api::routes(state),
            openapi: include_str!("../openapi.json"),
            readiness: Arc::new(StoreReadiness(store)),
            auth,
            body_limit_bytes: common.body_limit_bytes,
            request_timeout: common.request_timeout,
            client_read_timeout: common.client_read_timeout,
            shutdown: shutdown.clone(),
            metrics: Default::default(),
        }
        .bind(common.listen_ip, common.port)
        .await?;
        Ok(Self {
            bound,
            casework,
            casework_interval: settings.casework_interval,
        })
    }

    /// The bound port (useful with `PORT=0`).
    pub fn port(&self) -> u16 {
        self.bound.port()
    }

    /// Serves until the shutdown triggers, then drains.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let worker = tokio::spawn(worker::run(
            self.casework,
            self.casework_interval,
            self.bound.shutdown().clone(),
        ));
        let served = self.bound.serve(DRAIN).await;
        let _ = worker.await;
        served
    }
}

/// The casework with its dependencies, found by Cloud Map DNS (or the
/// `CDD_<SERVICE>_URL` overrides).
fn casework(
    settings: &IntakeSettings,
    store: Arc<dyn CustomerStore>,
    rater: Arc<RiskRater>,
    auth: Arc<cdd_platform::auth::Authenticator>,
) -> anyhow::Result<Casework> {
    let common = &settings.common;
    let discovery = Discovery::new(DiscoveryConfig {
        // Without a namespace only the overrides resolve; the others fail
        // clearly when called, and their steps stay pending.
        namespace: common
            .namespace
            .clone()
            .unwrap_or_else(|| "cdd.invalid".to_string()),
        dns_server: common.dns_server,
        overrides: settings.service_urls.clone(),
        default_port: DEFAULT_SERVICE_PORT,
    })?;
    let http = reqwest::Client::builder()
        // Give up an idle connection well before the service at the other
        // end closes it, so a request is never sent on one being closed.
        .pool_idle_timeout(Duration::from_millis(
            cdd_platform::settings::DEFAULT_CLIENT_READ_TIMEOUT_MS / 2,
        ))
        .timeout(settings.dependency_timeout)
        .connect_timeout(settings.dependency_timeout.min(Duration::from_secs(2)))
        .build()?;
    let token = ServiceToken::new(auth);
    let [screening, documents, letters] = DEPENDENCIES.map(|name| {
        Arc::new(HttpService::new(
            discovery.client(name, http.clone()),
            token.clone(),
        ))
    });
    Ok(Casework {
        store,
        rater,
        screening,
        documents,
        letters,
    })
}
