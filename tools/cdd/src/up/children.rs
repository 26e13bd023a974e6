//! The service processes of `cdd up`: each instance runs as `cdd service
//! NAME` with its settings in the environment, its output prefixed with its
//! name; `cdd up` waits until it is ready, notices when it dies, and stops it
//! with SIGTERM (the services drain in-flight requests and exit).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::future::select_all;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::cloud_map::NAMESPACE;
use super::services::{Instance, SERVICES};

/// How long a service may take to drain after SIGTERM before it is killed
/// (a little more than the services' own 20 s drain).
const STOP_TIMEOUT: Duration = Duration::from_secs(25);
/// How often readiness is asked while a service starts.
const READY_POLL: Duration = Duration::from_millis(20);

/// What every instance is started with.
pub struct Launch {
    /// This binary, which runs a service with `cdd service NAME`.
    pub exe: PathBuf,
    pub data_root: PathBuf,
    pub lists_dir: Option<PathBuf>,
    /// The Cloud Map DNS server the services ask.
    pub dns_server: SocketAddr,
}

/// One running instance.
pub struct ServiceProcess {
    pub instance: Instance,
    /// How its output and messages name it: the service, or the instance id
    /// when the service runs several.
    pub label: String,
    pub pid: u32,
    child: Child,
    exited: bool,
}

impl ServiceProcess {
    /// Starts `instance`. The services find one another only through the
    /// Cloud Map DNS server: no `CDD_<SERVICE>_URL` is set, as on Fargate.
    pub fn spawn(instance: &Instance, label: String, launch: &Launch) -> anyhow::Result<Self> {
        let mut command = Command::new(&launch.exe);
        if let Some(lists) = &launch.lists_dir {
            command.env("CDD_LISTS_DIR", lists);
        }
        // Not even from the caller's shell: a fixed URL would bypass DNS.
        for service in SERVICES {
            command.env_remove(format!("CDD_{}_URL", service.name.to_ascii_uppercase()));
        }
        let mut child = command
            .args(["service", instance.service])
            .env("PORT", instance.port.to_string())
            .env("CDD_ENV", "local")
            .env("CDD_BACKEND", "embedded")
            .env("CDD_DATA_DIR", instance.data_dir(&launch.data_root))
            .env("CDD_LOG_FORMAT", "pretty")
            .env("CDD_NAMESPACE", NAMESPACE)
            .env("CDD_DNS_SERVER", launch.dns_server.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {label}"))?;
        let pid = child.id().context("a just-started process has a pid")?;
        prefix_output(&label, &mut child);
        Ok(Self {
            instance: instance.clone(),
            label,
            pid,
            child,
            exited: false,
        })
    }

    pub fn is_running(&self) -> bool {
        !self.exited
    }

    /// Waits until `GET /health/ready` answers 2xx.
    pub async fn wait_ready(
        &mut self,
        client: &reqwest::Client,
        timeout: Duration,
    ) -> anyhow::Result<()> {
        let start = Instant::now();
        let url = format!("{}/health/ready", self.instance.url());
        loop {
            if let Some(status) = self.child.try_wait()? {
                self.exited = true;
                bail!(
                    "{} exited during start-up ({status}); see its output above",
                    self.label
                );
            }
            if let Ok(res) = client.get(&url).send().await
                && res.status().is_success()
            {
                return Ok(());
            }
            if start.elapsed() > timeout {
                bail!(
                    "{} was not ready within {} s",
                    self.label,
                    timeout.as_secs()
                );
            }
            tokio::time::sleep(READY_POLL).await;
        }
    }
}

fn prefix_output(label: &str, child: &mut Child) {
    if let Some(out) = child.stdout.take() {
        let label = label.to_string();
        tokio::spawn(async move {
            let mut lines = BufReader::new(out).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                println!("[{label}] {line}");
            }
        });
    }
    if let Some(err) = child.stderr.take() {
        let label = label.to_string();
        tokio::spawn(async move {
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[{label}] {line}");
            }
        });
    }
}

/// Waits until one of the running processes exits; returns its index in
/// `running` and how it ended. Never returns while none is running.
pub async fn next_exit(running: &mut [ServiceProcess]) -> (usize, String) {
    let mut indices = Vec::new();
    let mut waits = Vec::new();
    for (index, process) in running.iter_mut().enumerate() {
        if !process.exited {
            indices.push(index);
            waits.push(Box::pin(process.child.wait()));
        }
    }
    if waits.is_empty() {
        return std::future::pending().await;
    }
    let (result, position, _) = select_all(waits).await;
    let index = indices[position];
    running[index].exited = true;
    // `wait` fails only if the process cannot be waited for at all; it is
    // then as good as gone.
    let how = match result {
        Ok(status) => status.to_string(),
        Err(error) => format!("it can no longer be waited for: {error}"),
    };
    (index, how)
}

/// SIGTERM to every process still running, then waits for each to drain
/// and exit (killing any that takes longer than [`STOP_TIMEOUT`]).
pub async fn stop_all(running: &mut [ServiceProcess]) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    for process in running.iter().filter(|p| p.is_running()) {
        if let Ok(pid) = i32::try_from(process.pid) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
    }
    for process in running.iter_mut().filter(|p| p.is_running()) {
        match tokio::time::timeout(STOP_TIMEOUT, process.child.wait()).await {
            Ok(_) => {
                process.exited = true;
                println!("stopped {}", process.label);
            }
            Err(_) => {
                let _ = process.child.kill().await;
                process.exited = true;
                println!(
                    "killed {} (it did not stop within {} s)",
                    process.label,
                    STOP_TIMEOUT.as_secs()
                );
            }
        }
    }
}

/// The data root as an absolute path (the services run with it as given).
pub fn data_root(dir: &Path) -> anyhow::Result<PathBuf> {
    cdd_platform::private_files::create_dir_all(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    dir.canonicalize()
        .with_context(|| format!("resolving {}", dir.display()))
}
