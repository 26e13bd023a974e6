//! A data volume that fills up, or is read-only, under the real intake
//! binary: reads keep working, writes get 503 and resume by themselves once
//! the disk accepts them, and a read-only volume starts the service
//! read-only with a warning. The failures are the kernel's own: a file-size
//! limit (`prlimit`, writes past it fail as on a full disk) and a read-only
//! bind mount in a user namespace (`unshare`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{maria, token};

struct Intake {
    /// `None` once stopped.
    child: Option<Child>,
    base: String,
    client: reqwest::Client,
    log: std::path::PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Intake {
    /// Starts the intake binary through `wrapper` (a shell line that ends
    /// by running `"$0"`, the binary) on `data_dir`.
    async fn start(wrapper: &str, data_dir: &Path, log_dir: &Path) -> Intake {
        let port = free_port();
        let log = log_dir.join(format!("intake-{port}.log"));
        let child = Command::new("sh")
            .arg("-c")
            .arg(wrapper)
            .arg(env!("CARGO_BIN_EXE_intake"))
            .arg(data_dir)
            .env("PORT", port.to_string())
            .env("CDD_ENV", "local")
            .env("CDD_BACKEND", "embedded")
            .env("CDD_DATA_DIR", data_dir)
            .env("CDD_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .env("CDD_SCREENING_URL", "http://127.0.0.1:1")
            .env("CDD_DOCUMENTS_URL", "http://127.0.0.1:1")
            .env("CDD_LETTERS_URL", "http://127.0.0.1:1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            // Not the test's own stderr: a child left running would keep
            // the test harness waiting on the pipe.
            .stderr(std::fs::File::create(log.with_extension("stderr")).unwrap())
            .spawn()
            .unwrap();
        let intake = Intake {
            child: Some(child),
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            log,
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(res) = intake.client.get(intake.url("/health/live")).send().await
                && res.status() == 200
            {
                return intake;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("intake did not start: {}", intake.logs());
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn create(&self, key: &str) -> (u16, Value) {
        let mut body = maria();
        body["name"] = json!(format!("Maria {key}"));
        let res = self
            .client
            .post(self.url("/v1/customers"))
            .bearer_auth(token(Role::Clerk, "clerk-1"))
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap();
        (
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        )
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token(Role::Analyst, "analyst-1"))
            .send()
            .await
            .unwrap();
        (
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        )
    }

    async fn customers(&self) -> Vec<String> {
        let (status, list) = self.get("/v1/customers?limit=200").await;
        assert_eq!(status, 200, "{list}");
        list["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// SIGTERM, and waits for the drain.
    fn pid(&self) -> String {
        self.child
            .as_ref()
            .map(|c| c.id().to_string())
            .unwrap_or_default()
    }

    async fn stop(mut self) {
        let _ = Command::new("kill").arg(self.pid()).status();
        if let Some(mut child) = self.child.take() {
            let _ = tokio::task::spawn_blocking(move || child.wait()).await;
        }
    }
}

impl Drop for Intake {
    // A failed assertion must not leave the service running.
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Polls `probe` until it is true, for at most `within`.
async fn eventually<F, Fut>(within: Duration, mut probe: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < within {
        if probe().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

const NORMAL: &str = r#"exec "$0""#;
/// Writes past 48 KiB fail (EFBIG, as ENOSPC would); the soft limit can be
/// raised later from outside, which is the disk getting space back.
const SMALL_DISK: &str = r#"trap '' XFSZ; exec prlimit --fsize=49152:unlimited "$0""#;
/// The data directory bind-mounted read-only, for this process alone.
const READ_ONLY: &str = r#"exec unshare --user --map-root-user --mount sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$0"' "$0" "$1""#;

#[tokio::test]
async fn a_full_disk_refuses_writes_keeps_reads_and_recovers_by_itself() {
    let data = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let intake = Intake::start(SMALL_DISK, data.path(), logs.path()).await;
    let mut stored = Vec::new();
    let mut refused_key = None;
    for i in 0..200 {
        let key = format!("fill-{i}");
        let (status, body) = intake.create(&key).await;
        match status {
            201 => stored.push(body["id"].as_str().unwrap().to_string()),
            503 => {
                assert!(
                    body["detail"].as_str().unwrap().contains("unavailable"),
                    "{body}"
                );
                refused_key = Some(key);
                break;
            }
            other => panic!("a create on a full disk got {other}: {body}"),
        }
    }
    let refused_key = refused_key.expect("the disk filled up");
    assert!(!stored.is_empty(), "some customers fit before it filled");

    // Reads go on, and show exactly what was acknowledged.
    for id in &stored {
        let (status, _) = intake.get(&format!("/v1/customers/{id}")).await;
        assert_eq!(status, 200);
    }
    assert_eq!(intake.customers().await, stored);
    let (ready, checks) = intake.get("/health/ready").await;
    assert_eq!(ready, 503, "not ready while writes fail: {checks}");

    // Space comes back; nothing is restarted.
    let raised = Command::new("prlimit")
        .args(["--pid", &intake.pid(), "--fsize=unlimited:unlimited"])
        .status()
        .unwrap();
    assert!(raised.success());
    assert!(
        eventually(Duration::from_secs(10), || async {
            intake.get("/health/ready").await.0 == 200
        })
        .await,
        "ready again once the disk takes writes"
    );
    // The refused create was undone, so its retry creates it now.
    let (status, body) = intake.create(&refused_key).await;
    assert_eq!(status, 201, "{body}");
    stored.push(body["id"].as_str().unwrap().to_string());
    assert_eq!(intake.customers().await, stored);
    intake.stop().await;

    // And the journal, cut where the write failed, replays whole.
    let restarted = Intake::start(NORMAL, data.path(), logs.path()).await;
    assert_eq!(restarted.customers().await, stored);
    restarted.stop().await;
}

#[tokio::test]
async fn a_read_only_volume_starts_read_only_with_a_warning() {
    let data = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let first = Intake::start(NORMAL, data.path(), logs.path()).await;
    let (status, customer) = first.create("before").await;
    assert_eq!(status, 201);
    let id = customer["id"].as_str().unwrap().to_string();
    first.stop().await;

    let intake = Intake::start(READ_ONLY, data.path(), logs.path()).await;
    assert!(
        intake.logs().contains("starting read-only"),
        "the warning says so: {}",
        intake.logs()
    );
    let (status, read) = intake.get(&format!("/v1/customers/{id}")).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["id"], customer["id"]);
    let (status, refused) = intake.create("during").await;
    assert_eq!(status, 503, "{refused}");
    let (ready, checks) = intake.get("/health/ready").await;
    assert_eq!(ready, 503);
    assert!(checks.to_string().contains("cannot be written"), "{checks}");
    // A refused write leaves reads as they were.
    assert_eq!(intake.customers().await, vec![id]);
    intake.stop().await;
}
