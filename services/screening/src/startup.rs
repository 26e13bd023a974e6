//! Building the screening service from its settings and running it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use cdd_platform::http::{BoundService, DependencyCheck, Readiness, ServiceRouter, Shutdown};
use cdd_platform::service::{Storage, required_with_aws};

use crate::api::{self, AppState};
use crate::monitoring::{LiveLists, Monitor, load_from_source};
use crate::settings::{ListSource, ScreeningSettings};
use crate::store::MonitoringStore;
use crate::store::dynamo::DynamoStore;
use crate::store::embedded::EmbeddedStore;

/// How long in-flight requests may take to finish after SIGTERM (ECS waits 30 s).
const DRAIN: Duration = Duration::from_secs(20);

/// A built screening service, bound to its port and ready to run.
pub struct Application {
    bound: BoundService,
    monitor: Arc<Monitor>,
    /// The list source's fingerprint at start and how often to check it.
    follow: Option<(Option<String>, Duration)>,
}

struct ServiceReadiness(Arc<Monitor>);

#[async_trait]
impl Readiness for ServiceReadiness {
    async fn check(&self) -> Vec<DependencyCheck> {
        let lists = self.0.lists().current();
        vec![
            DependencyCheck::from_result("monitoring_store", self.0.store().check().await),
            // Always loaded (start fails otherwise); reported so that the
            // version serving traffic is visible to whoever probes.
            DependencyCheck {
                name: "lists".into(),
                ok: true,
                detail: Some(format!(
                    "version {} ({} entities{})",
                    lists.version().id,
                    lists.version().counts.entities,
                    if lists.version().demo {
                        ", DEMO DATA"
                    } else {
                        ""
                    }
                )),
            },
        ]
    }
}

impl Application {
    /// Opens the store, loads the lists (a start with malformed list files
    /// fails, naming file and line), loads the signing key, binds the port.
    pub async fn build(settings: ScreeningSettings, shutdown: Shutdown) -> anyhow::Result<Self> {
        let common = &settings.common;
        let storage = Storage::of(common).await;
        let store: Arc<dyn MonitoringStore> = match &storage {
            Storage::Embedded { data_dir } => Arc::new(EmbeddedStore::open(data_dir)?),
            Storage::Aws(sdk) => {
                let table = required_with_aws(&settings.table, "CDD_SCREENING_TABLE")?;
                Arc::new(DynamoStore::new(cdd_platform::aws::dynamodb(sdk), table))
            }
        };
        let s3 = match (&settings.lists, storage.sdk()) {
            (ListSource::S3 { .. }, Some(sdk)) => Some(cdd_platform::aws::s3(sdk)),
            _ => None,
        };
        // Taken before the load, so a change made while loading is noticed.
        let fingerprint = crate::monitoring::follow::fingerprint(&settings.lists, s3.as_ref())
            .await
            .ok();
        let first = load_from_source(&settings.lists, s3.as_ref(), settings.pep_policy)
            .await
            .map_err(|e| anyhow::anyhow!("loading the lists from {}: {e}", settings.lists))?;
        crate::monitoring::reload::announce(&first);
        let lists = Arc::new(LiveLists::new(
            first,
            settings.lists.clone(),
            s3,
            settings.pep_policy,
        ));
        let monitor = Arc::new(Monitor::new(lists.clone(), store));
        let auth = cdd_platform::service::authenticator(common, storage.sdk()).await?;
        let mut registry = cdd_platform::metrics::Registry::default();
        let metrics = api::ScreeningMetrics::register(&mut registry, lists.clone());
        let bound = ServiceRouter {
            service: "screening",
            api: api::routes(AppState {
                lists,
                monitor: monitor.clone(),
                metrics,
            }),
            openapi: include_str!("../openapi.json"),
            readiness: Arc::new(ServiceReadiness(monitor.clone())),
            auth,
            body_limit_bytes: common.body_limit_bytes,
            request_timeout: common.request_timeout,
            client_read_timeout: common.client_read_timeout,
            shutdown: shutdown.clone(),
            metrics: registry,
        }
        .bind(common.listen_ip, common.port)
        .await?;
        Ok(Self {
            bound,
            monitor,
            follow: settings
                .lists_check_interval
                .map(|every| (fingerprint, every)),
        })
    }

    /// The bound port (useful with `PORT=0`).
    pub fn port(&self) -> u16 {
        self.bound.port()
    }

    /// The lists and monitored subjects (for tests and tools).
    pub fn monitor(&self) -> Arc<Monitor> {
        self.monitor.clone()
    }

    /// Serves until the shutdown triggers, then drains. Subjects left on an
    /// older list version by a previous run are rescreened in the background.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let monitor = self.monitor.clone();
        tokio::spawn(async move {
            if let Err(e) = monitor.catch_up(None).await {
                tracing::error!(error = %e, "rescreening monitored subjects at start failed; the next reload retries");
            }
        });
        if let Some((seen, every)) = self.follow {
            tokio::spawn(crate::monitoring::follow::follow(
                self.monitor.clone(),
                seen,
                every,
                self.bound.shutdown().clone(),
            ));
        }
        self.bound.serve(DRAIN).await
    }
}
