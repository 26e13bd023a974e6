//! The platform under test: an embedded Cloud Map DNS server and the four
//! services, each instance on its own loopback port and registered by name.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use cdd_discovery::dns::CloudMapDns;
use cdd_platform::http::Shutdown;
use cdd_platform::service::Service;
use cdd_platform::settings::EnvReader;

use crate::emulator::{AwsEmulator, AwsResources};

/// The namespace the services are registered in.
pub const NAMESPACE: &str = "cdd.test";
/// Short, so a test sees a change of instances quickly (Cloud Map uses 10 s).
pub const DNS_TTL: Duration = Duration::from_secs(1);

/// Where the services keep their state.
pub enum Storage {
    /// Each service's embedded store in its own directory.
    Embedded,
    /// DynamoDB, S3 and Secrets Manager on an emulator.
    Aws(Box<AwsResources>),
}

/// One running service instance, on its own thread and Tokio runtime so
/// that killing it drops everything it runs, open connections included,
/// as a crashed process would.
pub struct Instance {
    pub service: &'static str,
    pub id: String,
    pub port: u16,
    shutdown: Shutdown,
    kill: Option<tokio::sync::oneshot::Sender<()>>,
    thread: std::thread::JoinHandle<()>,
}

/// Builds a service from `vars` as its `main` would, reports its port, and
/// serves until it is stopped (drained) or killed.
macro_rules! serve_instance {
    ($app:ty, $vars:expr, $shutdown:expr, $port_tx:expr, $kill_rx:expr) => {{
        let mut env = EnvReader::from_map($vars);
        let settings = <$app as Service>::read_settings(&mut env);
        if let Err(e) = env.finish() {
            panic!("{} settings: {e}", <$app as Service>::NAME);
        }
        let settings = settings.unwrap_or_else(|| panic!("{} settings", <$app as Service>::NAME));
        let app = <$app>::build(settings, $shutdown.clone())
            .await
            .unwrap_or_else(|e| panic!("{} does not start: {e:#}", <$app as Service>::NAME));
        let _ = $port_tx.send(app.port());
        tokio::select! {
            _ = app.run_until_stopped() => {}
            _ = $kill_rx => {}
        }
    }};
}

/// The four services, found by DNS.
pub struct Platform {
    pub dns: CloudMapDns,
    pub storage: Storage,
    pub dir: tempfile::TempDir,
    /// Extra settings per service (e.g. screening's lists).
    pub extra: HashMap<&'static str, Vec<(String, String)>>,
    instances: Vec<Instance>,
    started: HashMap<&'static str, usize>,
}

impl Platform {
    /// The DNS server and one instance of every service, intake last (it
    /// finds the others by name).
    pub async fn start(storage: Storage) -> Self {
        Self::start_with(storage, HashMap::new()).await
    }

    pub async fn start_with(
        storage: Storage,
        extra: HashMap<&'static str, Vec<(String, String)>>,
    ) -> Self {
        cdd_platform::telemetry::init_for_tests();
        let dns = CloudMapDns::start(SocketAddr::from(([127, 0, 0, 1], 0)), NAMESPACE, DNS_TTL)
            .await
            .expect("the embedded DNS server starts");
        let mut platform = Self {
            dns,
            storage,
            dir: tempfile::tempdir().expect("a temporary directory"),
            extra,
            instances: Vec::new(),
            started: HashMap::new(),
        };
        for service in ["screening", "documents", "letters", "intake"] {
            platform.add_instance(service).await;
        }
        platform
    }

    /// An AWS-backed platform on the emulator, with fresh resources.
    pub async fn start_on_aws(emulator: &AwsEmulator) -> Self {
        let resources = AwsResources::create(emulator)
            .await
            .expect("the test's tables, buckets and secret are created");
        Self::start(Storage::Aws(Box::new(resources))).await
    }

    fn settings(&self, service: &'static str, n: usize) -> HashMap<String, String> {
        let mut vars: HashMap<String, String> = [
            ("PORT", "0".to_string()),
            ("CDD_LISTEN_ADDR", "127.0.0.1".to_string()),
            ("CDD_ENV", "local".to_string()),
            ("CDD_NAMESPACE", NAMESPACE.to_string()),
            ("CDD_DNS_SERVER", self.dns.local_addr().to_string()),
            ("CDD_CASEWORK_INTERVAL_MS", "200".to_string()),
            ("CDD_DEPENDENCY_TIMEOUT_MS", "3000".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        match &self.storage {
            Storage::Embedded => {
                let dir: PathBuf = self.dir.path().join(format!("{service}-{n}"));
                vars.insert("CDD_BACKEND".into(), "embedded".into());
                vars.insert("CDD_DATA_DIR".into(), dir.display().to_string());
            }
            Storage::Aws(r) => {
                for (k, v) in [
                    ("CDD_BACKEND", "aws"),
                    ("AWS_ENDPOINT_URL", &r.endpoint),
                    ("AWS_REGION", "us-east-1"),
                    ("AWS_ACCESS_KEY_ID", "test"),
                    ("AWS_SECRET_ACCESS_KEY", "test"),
                    ("CDD_AUTH_SECRET_ID", &r.auth_secret),
                    ("CDD_INTAKE_TABLE", &r.intake_table),
                    ("CDD_SCREENING_TABLE", &r.screening_table),
                    ("CDD_DOCUMENTS_TABLE", &r.documents_table),
                    ("CDD_DOCUMENTS_BUCKET", &r.documents_bucket),
                    ("CDD_LETTERS_TABLE", &r.letters_table),
                    ("CDD_OUTBOUND_BUCKET", &r.outbound_bucket),
                ] {
                    vars.insert(k.to_string(), v.to_string());
                }
            }
        }
        for (k, v) in self.extra.get(service).into_iter().flatten() {
            vars.insert(k.clone(), v.clone());
        }
        vars
    }

    /// Starts one more instance of `service` and registers it in DNS.
    /// Returns its instance id.
    pub async fn add_instance(&mut self, service: &'static str) -> String {
        let n = {
            let count = self.started.entry(service).or_insert(0);
            *count += 1;
            *count
        };
        let vars = self.settings(service, n);
        let shutdown = Shutdown::new();
        let (port_tx, port_rx) = tokio::sync::oneshot::channel();
        let (kill, kill_rx) = tokio::sync::oneshot::channel::<()>();
        let stop = shutdown.clone();
        let thread = std::thread::Builder::new()
            .name(format!("{service}-{n}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("a runtime for the instance");
                runtime.block_on(async move {
                    match service {
                        "intake" => {
                            serve_instance!(cdd_intake::Application, vars, stop, port_tx, kill_rx)
                        }
                        "screening" => serve_instance!(
                            cdd_screening::Application,
                            vars,
                            stop,
                            port_tx,
                            kill_rx
                        ),
                        "documents" => serve_instance!(
                            cdd_documents::Application,
                            vars,
                            stop,
                            port_tx,
                            kill_rx
                        ),
                        "letters" => {
                            serve_instance!(cdd_letters::Application, vars, stop, port_tx, kill_rx)
                        }
                        other => panic!("no service named {other}"),
                    }
                });
                // Whatever the instance still runs (connections, workers) goes.
                runtime.shutdown_background();
            })
            .expect("a thread for the instance");
        let port = port_rx
            .await
            .unwrap_or_else(|_| panic!("{service}-{n} did not start; see the panic above"));
        let id = format!("{service}-{n}");
        self.dns.register(service, &id, Ipv4Addr::LOCALHOST, port);
        self.instances.push(Instance {
            service,
            id: id.clone(),
            port,
            shutdown,
            kill: Some(kill),
            thread,
        });
        id
    }

    /// The base URL of the first live instance of `service`.
    pub fn url(&self, service: &str) -> String {
        let i = self
            .instances
            .iter()
            .find(|i| i.service == service)
            .unwrap_or_else(|| panic!("no running {service}"));
        format!("http://127.0.0.1:{}", i.port)
    }

    pub fn instance_ids(&self, service: &str) -> Vec<String> {
        self.instances
            .iter()
            .filter(|i| i.service == service)
            .map(|i| i.id.clone())
            .collect()
    }

    /// Kills an instance without warning: its runtime is dropped with
    /// every task on it, so its port and its open connections close and
    /// in-flight requests are cut. It stays registered in DNS, as a crashed
    /// task does until Cloud Map's health check notices.
    pub async fn kill(&mut self, id: &str) {
        let at = self
            .instances
            .iter()
            .position(|i| i.id == id)
            .unwrap_or_else(|| panic!("no instance {id}"));
        let mut instance = self.instances.remove(at);
        if let Some(kill) = instance.kill.take() {
            let _ = kill.send(());
        }
        let _ = tokio::task::spawn_blocking(move || instance.thread.join()).await;
    }

    /// Stops every instance (draining), the DNS server, and removes the
    /// test's AWS resources.
    pub async fn stop(self) {
        for i in &self.instances {
            i.shutdown.trigger();
        }
        for i in self.instances {
            let joined = tokio::task::spawn_blocking(move || i.thread.join());
            let _ = tokio::time::timeout(Duration::from_secs(15), joined).await;
        }
        self.dns.stop().await;
        if let Storage::Aws(resources) = self.storage {
            resources.remove().await;
        }
    }
}
