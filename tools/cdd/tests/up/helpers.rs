//! A real `cdd up` for a test: started on free ports with a temporary data
//! folder, its output collected line by line, and always stopped (Ctrl-C,
//! then SIGKILL of it and of every service pid its banner named).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cdd_discovery::{Discovery, DiscoveryConfig};
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

pub const NAMESPACE: &str = "local.cdd.local";
/// The last line of `cdd up`'s banner.
const READY_LINE: &str = "Press Ctrl-C to stop.";
/// Generous: the tests start several platforms at once on a small machine.
const START_TIMEOUT: Duration = Duration::from_secs(180);
const STOP_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(20);

/// Ports handed out in this test process, so that tests running at the
/// same time never pick overlapping ranges.
static HANDED_OUT: Mutex<Vec<u16>> = Mutex::new(Vec::new());

/// `count` consecutive free TCP ports on loopback, and a port free for both
/// UDP and TCP for the DNS server.
fn free_ports(count: u16) -> (u16, u16) {
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|p| p.into_inner());
    let free_tcp = |port: u16| std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok();
    loop {
        let base = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dns = base.saturating_add(count);
        if dns > 65000 {
            continue;
        }
        let ports: Vec<u16> = (base..=dns).collect();
        if ports.iter().any(|p| handed_out.contains(p)) {
            continue;
        }
        let dns_free = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, dns)).is_ok();
        if dns_free && ports.iter().all(|p| free_tcp(*p)) {
            handed_out.extend(ports);
            return (base, dns);
        }
    }
}

/// Lines a child wrote, shared with the thread that reads them.
#[derive(Clone, Default)]
pub struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn collect_from(stream: impl Read + Send + 'static) -> Self {
        let lines = Self::default();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                sink.0.lock().unwrap().push(line);
            }
        });
        lines
    }

    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    pub fn text(&self) -> String {
        self.all().join("\n")
    }

    /// The first line that satisfies `wanted`, waiting up to `timeout`.
    pub fn wait_for(&self, timeout: Duration, wanted: impl Fn(&str) -> bool) -> Option<String> {
        let start = Instant::now();
        loop {
            if let Some(line) = self.all().into_iter().find(|l| wanted(l)) {
                return Some(line);
            }
            if start.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(POLL);
        }
    }
}

/// A running `cdd up`.
pub struct Platform {
    child: Child,
    pub base_port: u16,
    pub dns_port: u16,
    pub stdout: Lines,
    pub stderr: Lines,
    /// Instance label (`intake`, `screening-2`, ...) → pid, from the banner.
    pub pids: HashMap<String, i32>,
    pub banner: String,
    /// Kept until the platform has stopped (the services write to it).
    data: Option<tempfile::TempDir>,
}

impl Platform {
    /// `cdd up` with `args` on free ports; panics with its output if it does
    /// not print its banner. Tries other ports if another program took one
    /// of the chosen ports in the meantime.
    pub fn start(args: &[&str], extra_ports: u16) -> Self {
        let mut last_failure = String::new();
        for _ in 0..3 {
            match Self::try_start(args, extra_ports) {
                Ok(platform) => return platform,
                Err(failure) if failure.contains("is in use") => last_failure = failure,
                Err(failure) => panic!("{failure}"),
            }
        }
        panic!("cdd up found its ports taken three times: {last_failure}");
    }

    fn try_start(args: &[&str], extra_ports: u16) -> Result<Self, String> {
        let data = tempfile::tempdir().unwrap();
        let (base_port, dns_port) = free_ports(4 + extra_ports);
        let mut child = Command::new(env!("CARGO_BIN_EXE_cdd"))
            .arg("up")
            .args(["--base-port", &base_port.to_string()])
            .args(["--dns-port", &dns_port.to_string()])
            .args(["--ready-timeout", "150"])
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .env("RUST_LOG", "warn")
            // Fixed URLs that lead nowhere: `cdd up` must not pass them on,
            // so everything that works below was found through DNS.
            .env("CDD_SCREENING_URL", "http://127.0.0.1:9/")
            .env("CDD_DOCUMENTS_URL", "http://127.0.0.1:9/")
            .env("CDD_LETTERS_URL", "http://127.0.0.1:9/")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Lines::collect_from(child.stdout.take().unwrap());
        let stderr = Lines::collect_from(child.stderr.take().unwrap());
        let start = Instant::now();
        loop {
            if stdout.all().iter().any(|l| l == READY_LINE) {
                break;
            }
            let exited = child.try_wait().unwrap();
            if exited.is_some() || start.elapsed() > START_TIMEOUT {
                if exited.is_none() {
                    let _ = child.kill();
                }
                let _ = child.wait();
                // Let the readers take the last lines.
                std::thread::sleep(Duration::from_millis(200));
                return Err(format!(
                    "cdd up printed no banner ({}); stdout:\n{}\nstderr:\n{}",
                    exited.map_or("timed out".to_string(), |s| s.to_string()),
                    stdout.text(),
                    stderr.text()
                ));
            }
            std::thread::sleep(POLL);
        }
        let banner = stdout.text();
        let pids = banner_pids(&banner);
        Ok(Self {
            child,
            base_port,
            dns_port,
            stdout,
            stderr,
            pids,
            banner,
            data: Some(data),
        })
    }

    pub fn url(&self, offset: u16, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.base_port + offset)
    }

    pub fn pid(&self, label: &str) -> i32 {
        *self
            .pids
            .get(label)
            .unwrap_or_else(|| panic!("no pid for {label} in the banner:\n{}", self.banner))
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// A resolver that asks `cdd up`'s DNS server, as the services do.
    pub fn discovery(&self) -> Discovery {
        Discovery::new(DiscoveryConfig {
            namespace: NAMESPACE.into(),
            dns_server: Some(SocketAddr::from((Ipv4Addr::LOCALHOST, self.dns_port))),
            overrides: HashMap::new(),
            default_port: 8080,
        })
        .unwrap()
    }

    /// The ports of the instances DNS publishes for `service`, sorted.
    pub async fn published_ports(&self, service: &str) -> Vec<u16> {
        let instances = self
            .discovery()
            .instances(service)
            .await
            .unwrap_or_else(|e| panic!("resolving {service}: {e}"));
        let mut ports: Vec<u16> = instances
            .iter()
            .map(|i| i.base_url.port().unwrap())
            .collect();
        ports.sort();
        ports
    }

    /// Ctrl-C, then waits for `cdd up` to stop every service; returns how
    /// it exited and its data folder.
    pub fn stop(mut self) -> (ExitStatus, tempfile::TempDir) {
        let status = self
            .interrupt_and_wait()
            .unwrap_or_else(|| panic!("cdd up did not stop within {STOP_TIMEOUT:?}"));
        (
            status,
            self.data
                .take()
                .expect("the data folder is kept until stop"),
        )
    }

    fn interrupt_and_wait(&mut self) -> Option<ExitStatus> {
        if let Some(status) = self.child.try_wait().unwrap() {
            return Some(status);
        }
        let _ = kill(Pid::from_raw(self.child.id() as i32), Signal::SIGINT);
        let start = Instant::now();
        while start.elapsed() < STOP_TIMEOUT {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(POLL);
        }
        None
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        if self.interrupt_and_wait().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // Whatever happened to `cdd up`, none of its services outlives the test.
        for pid in self.pids.values() {
            let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
    }
}

/// `  <label> http://127.0.0.1:<port>   pid <pid> ...` lines of the banner.
fn banner_pids(banner: &str) -> HashMap<String, i32> {
    banner
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [label, url, "pid", pid, ..] if url.starts_with("http://") => {
                    Some((label.to_string(), pid.parse().ok()?))
                }
                _ => None,
            }
        })
        .collect()
}

/// A development token, as `cdd up` prints them.
pub fn token(role: Role, subject: &str) -> String {
    issue_token(DEVELOPMENT_KEY, subject, role, Duration::from_secs(3600)).unwrap()
}

/// Submits an individual no list names, as a clerk; returns the 201 body.
pub async fn onboard(platform: &Platform, key: &str, name: &str) -> serde_json::Value {
    let res = reqwest::Client::new()
        .post(platform.url(0, "/v1/customers"))
        .bearer_auth(token(Role::Clerk, "clerk-1"))
        .header("Idempotency-Key", key)
        .json(&serde_json::json!({"kind":"individual","name":name,"birth_date":"1980-02-03","nationalities":["ES"],
            "country_of_residence":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"}}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// The steps of a case still pending, e.g. `["screening"]`.
pub fn pending_steps(customer: &serde_json::Value) -> HashSet<String> {
    customer["case"]["pending"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["step"].as_str().map(str::to_string))
        .collect()
}
