//! Upload bench: starts the real release binary, streams a 1 GiB file into
//! it (generated on the fly: one 1 MiB buffer sent 1024 times, never the
//! whole file in memory), and reports the service's resident memory growth
//! and the throughput, to the embedded store and, when
//! `CDD_TEST_AWS_ENDPOINT` names a moto server, to S3 and DynamoDB there.
//!
//! Targets: RSS growth ≤ 64 MB; ≥ 300 MB/s to the embedded store.
//!
//! `cargo bench -p cdd-documents --bench upload` (`BENCH_MIB=256` for a
//! shorter run).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cdd_documents::store::dynamo::DynamoDocumentStore;
use cdd_documents::store::s3::S3Content;
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MIB: usize = 1024 * 1024;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// (VmRSS, VmHWM) of `pid` in bytes.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The 1 MiB buffer: a PDF header, then a pattern.
fn chunk() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..MIB - 9).map(|i| (i * 7 % 253) as u8));
    bytes
}

struct Service {
    child: Child,
    port: u16,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(env: &[(&str, String)]) -> Service {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_documents"));
    command
        .env("PORT", port.to_string())
        .env("CDD_ENV", "local")
        .env("RUST_LOG", "warn")
        .env("CDD_LOG_FORMAT", "json")
        .env("CDD_DOCUMENT_MAX_BYTES", (4u64 << 30).to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        command.env(k, v);
    }
    let child = command.spawn().expect("start the documents binary");
    let service = Service { child, port };
    for _ in 0..100 {
        if cdd_platform::http::probe_live(port).await {
            return service;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the documents service did not start");
}

/// Uploads `mib` MiB and returns (seconds, peak RSS growth, response body).
async fn upload(service: &Service, mib: usize) -> (f64, u64, String) {
    let pid = service.child.id();
    let (baseline, _) = memory(pid);
    let token = issue_token(
        DEVELOPMENT_KEY,
        "bench",
        Role::Service,
        Duration::from_secs(3600),
    )
    .unwrap();
    let total = mib * MIB;
    let head = format!(
        "POST /v1/customers/cus-bench/documents?type=other HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nContent-Type: application/pdf\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n"
    );
    let buffer = chunk();
    let sampler = tokio::spawn(async move {
        let mut peak = 0u64;
        loop {
            let (rss, _) = memory(pid);
            peak = peak.max(rss);
            tokio::time::sleep(Duration::from_millis(10)).await;
            if rss == 0 {
                return peak;
            }
        }
    });
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", service.port))
        .await
        .unwrap();
    stream.set_nodelay(true).unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..mib {
        stream.write_all(&buffer).await.unwrap();
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    sampler.abort();
    let (_, hwm) = memory(pid);
    let growth = hwm.saturating_sub(baseline);
    (
        seconds,
        growth,
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

fn expected_sha256(mib: usize) -> String {
    let buffer = chunk();
    let mut hasher = Sha256::new();
    for _ in 0..mib {
        hasher.update(&buffer);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn report(target: &str, mib: usize, seconds: f64, growth: u64, answer: &str, sha: &str) {
    let ok = answer.starts_with("HTTP/1.1 201");
    assert!(ok, "upload failed: {}", &answer[..answer.len().min(600)]);
    assert!(answer.contains(sha), "the stored checksum differs");
    let mb_s = (mib * MIB) as f64 / 1e6 / seconds;
    println!(
        "upload {mib} MiB to {target}: {seconds:.2} s, {mb_s:.0} MB/s, service RSS growth {:.1} MB",
        growth as f64 / 1e6
    );
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let mib: usize = std::env::var("BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let sha = expected_sha256(mib);

    let dir = tempfile::tempdir().unwrap();
    let service = start(&[
        ("CDD_BACKEND", "embedded".into()),
        ("CDD_DATA_DIR", dir.path().display().to_string()),
    ])
    .await;
    let (seconds, growth, answer) = upload(&service, mib).await;
    report("the embedded store", mib, seconds, growth, &answer, &sha);
    let mb_s = (mib * MIB) as f64 / 1e6 / seconds;
    println!(
        "  targets: RSS growth <= 64 MB: {}; >= 300 MB/s: {}",
        if growth <= 64_000_000 {
            "met"
        } else {
            "MISSED"
        },
        if mb_s >= 300.0 { "met" } else { "MISSED" }
    );
    drop(service);

    match std::env::var("CDD_TEST_AWS_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => {
            let region = aws_config::Region::new("us-east-1");
            let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(region)
                .endpoint_url(&endpoint)
                .load()
                .await;
            let suffix = uuid::Uuid::new_v4().simple().to_string();
            let table = format!("documents-bench-{suffix}");
            let bucket = format!("documents-bench-{suffix}");
            let s3 = cdd_platform::aws::s3(&sdk);
            DynamoDocumentStore::create_table(&cdd_platform::aws::dynamodb(&sdk), &table)
                .await
                .unwrap();
            S3Content::create_bucket(&s3, &bucket).await.unwrap();
            let service = start(&[
                ("CDD_BACKEND", "aws".into()),
                ("AWS_REGION", "us-east-1".into()),
                ("AWS_ENDPOINT_URL", endpoint.clone()),
                ("CDD_DOCUMENTS_TABLE", table.clone()),
                ("CDD_DOCUMENTS_BUCKET", bucket.clone()),
            ])
            .await;
            let (seconds, growth, answer) = upload(&service, mib).await;
            report("S3 on moto", mib, seconds, growth, &answer, &sha);
            drop(service);
            let _ = S3Content::delete_bucket(&s3, &bucket).await;
            let _ = cdd_platform::aws::dynamodb(&sdk)
                .delete_table()
                .table_name(&table)
                .send()
                .await;
        }
        _ => println!("upload to S3 on moto: skipped (set CDD_TEST_AWS_ENDPOINT to run it)"),
    }
}
