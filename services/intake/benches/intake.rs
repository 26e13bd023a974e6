//! `cargo bench -p cdd-intake`: the intake service's speed and size, measured
//! on the real binary (release build) with the embedded store.
//!
//! - start-to-ready: from spawning the process to `/health/ready` answering 200;
//! - idle RSS, and RSS after the load;
//! - create latency under an open-loop load of 1,000 requests/s: requests are
//!   sent on a fixed schedule and timed from when they were due, so a stall
//!   shows up in the percentiles instead of slowing the load down;
//! - peak create throughput with 32 concurrent clients.
//!
//! `BENCH_SECONDS` (default 10) sets the length of the open-loop run.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use tokio::sync::Mutex;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn spawn(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_intake"))
        .env_clear()
        .env("PORT", port.to_string())
        .env("CDD_ENV", "local")
        .env("CDD_DATA_DIR", dir)
        // Intake on its own: its dependencies refuse connections at once,
        // so this measures intake's own work (the onboarding steps stay
        // pending). `cargo bench -p cdd-system-tests --bench onboarding`
        // measures creates with screening and the RFI letter done.
        .env("CDD_SCREENING_URL", "http://127.0.0.1:1")
        .env("CDD_DOCUMENTS_URL", "http://127.0.0.1:1")
        .env("CDD_LETTERS_URL", "http://127.0.0.1:1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start intake")
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Polls readiness with a raw socket so the measurement is not a client's start-up.
fn ready_now(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.write_all(b"GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && &buf[9..12] == b"200")
}

fn start_to_ready() -> (Duration, Child, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let started = Instant::now();
    let child = spawn(dir.path(), port);
    while !ready_now(port) {
        std::thread::sleep(Duration::from_micros(500));
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "intake did not start"
        );
    }
    (started.elapsed(), child, port, dir)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn body(i: u64) -> serde_json::Value {
    serde_json::json!({"kind":"individual","name":format!("Bench Customer {i}"),"birth_date":"1980-02-03","nationalities":["ES"],
        "country_of_residence":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"}})
}

async fn open_loop(
    base: &str,
    rate: u64,
    seconds: u64,
    token: &str,
) -> (Vec<Duration>, usize, Duration) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let latencies = Arc::new(Mutex::new(Vec::with_capacity((rate * seconds) as usize)));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let total = rate * seconds;
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, latencies, errors) = (client.clone(), latencies.clone(), errors.clone());
        let url = format!("{base}/v1/customers");
        let token = token.to_string();
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", format!("open-{i}"))
                .json(&body(i))
                .send()
                .await;
            let took = due.elapsed();
            match res {
                Ok(r) if r.status() == 201 => latencies.lock().await.push(took),
                _ => {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed();
    let mut l = Arc::try_unwrap(latencies).unwrap().into_inner();
    l.sort();
    (
        l,
        errors.load(std::sync::atomic::Ordering::Relaxed),
        elapsed,
    )
}

async fn closed_loop(base: &str, workers: usize, seconds: u64, token: &str) -> f64 {
    let client = reqwest::Client::new();
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (client, done, token) = (client.clone(), done.clone(), token.to_string());
        let url = format!("{base}/v1/customers");
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while Instant::now() < deadline {
                let n = (w as u64) << 32 | i;
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("closed-{n}"))
                    .json(&body(n))
                    .send()
                    .await;
                if matches!(res, Ok(r) if r.status() == 201) {
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                i += 1;
            }
        }));
    }
    let start = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    done.load(std::sync::atomic::Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("intake bench: run with `cargo bench -p cdd-intake`");
        return;
    }
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let mut starts: Vec<Duration> = Vec::new();
    for _ in 0..10 {
        let (took, mut child, _, _dir) = start_to_ready();
        starts.push(took);
        child.kill().unwrap();
        child.wait().unwrap();
    }
    starts.sort();
    let (_, mut child, port, _dir) = start_to_ready();
    std::thread::sleep(Duration::from_secs(2));
    let idle_rss = rss_kib(child.id());
    let base = format!("http://127.0.0.1:{port}");
    let token = issue_token(
        DEVELOPMENT_KEY,
        "bench",
        Role::Clerk,
        Duration::from_secs(3600),
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Warm up connections and the store.
    rt.block_on(open_loop(&base, 200, 1, &token));
    let (lat, errors, elapsed) = rt.block_on(open_loop(&base, 1000, seconds, &token));
    let loaded_rss = rss_kib(child.id());
    let peak = rt.block_on(closed_loop(&base, 32, 5, &token));
    child.kill().unwrap();
    child.wait().unwrap();

    println!(
        "intake benchmark (embedded store, release build, {} CPUs)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!(
        "start-to-ready          median {:>8.1} ms   max {:>8.1} ms   (10 starts)",
        starts[5].as_secs_f64() * 1e3,
        starts[9].as_secs_f64() * 1e3
    );
    println!(
        "idle RSS                {:>8.1} MB",
        idle_rss as f64 / 1024.0
    );
    println!(
        "create @1000/s x {seconds}s   p50 {:>6.2} ms   p99 {:>6.2} ms   p99.9 {:>6.2} ms   max {:>6.2} ms   ok {}   errors {}   achieved {:.0}/s",
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        percentile(&lat, 0.999).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        lat.len(),
        errors,
        lat.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "RSS after load          {:>8.1} MB   ({} customers stored)",
        loaded_rss as f64 / 1024.0,
        lat.len() + 200
    );
    println!("peak creates            {peak:>8.0} /s  (32 concurrent clients)");
}
