//! `cargo bench -p cdd-system-tests --bench onboarding`: onboarding speed
//! through the whole platform: intake, screening (the real OFAC, UN and BIS
//! lists from `../shared/data/sanctions`), documents and letters, found by
//! Cloud Map names on the embedded DNS server, embedded storage (every write
//! `fdatasync`ed). All four services and the load generator share this
//! process and the machine's cores.
//!
//! - create latency at `BENCH_RATE` customers/s (default 100) for
//!   `BENCH_SECONDS` (default 10), open loop: each request is timed from
//!   when it was due. A create screens the customer, records the alerts,
//!   reads the documents and issues the RFI letter (a PDF) before its 201;
//! - peak creates/s with 16 concurrent clients for 5 s;
//! - one whole onboarding (create, dispose alerts, upload and verify the
//!   documents, propose, approve, approval letter), median of 10.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_system_tests::{Platform, Session, Storage};
use serde_json::{Value, json};
use tokio::sync::Mutex;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn customer(i: u64) -> Value {
    json!({"kind": "individual", "name": format!("Bench Customer {i}"), "birth_date": "1980-02-03",
        "nationalities": ["ES"], "country_of_residence": "ES",
        "address": {"line1": "Calle 1", "city": "Madrid", "country": "ES"}})
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Created {
    latencies: Vec<Duration>,
    errors: usize,
    /// Answered with every onboarding step done (nothing pending).
    complete: usize,
}

async fn create(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    key: String,
    i: u64,
) -> Option<bool> {
    let res = client
        .post(url)
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&customer(i))
        .send()
        .await
        .ok()?;
    if res.status() != 201 {
        return None;
    }
    let body: Value = res.json().await.ok()?;
    Some(
        body["case"]["pending"]
            .as_array()
            .is_some_and(|p| p.is_empty()),
    )
}

async fn open_loop(url: &str, token: &str, rate: u64, seconds: u64) -> Created {
    let client = reqwest::Client::new();
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let (errors, complete) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..rate * seconds {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, latencies, errors, complete) = (
            client.clone(),
            latencies.clone(),
            errors.clone(),
            complete.clone(),
        );
        let (url, token) = (url.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            match create(&client, &url, &token, format!("open-{i}"), i).await {
                Some(done) => {
                    latencies.lock().await.push(due.elapsed());
                    if done {
                        complete.fetch_add(1, Ordering::Relaxed);
                    }
                }
                None => {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let mut latencies = Arc::try_unwrap(latencies).unwrap().into_inner();
    latencies.sort();
    Created {
        latencies,
        errors: errors.load(Ordering::Relaxed),
        complete: complete.load(Ordering::Relaxed),
    }
}

async fn peak(url: &str, token: &str, workers: u64, seconds: u64) -> f64 {
    let client = reqwest::Client::new();
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (client, done) = (client.clone(), done.clone());
        let (url, token) = (url.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while Instant::now() < deadline {
                let n = 1_000_000 + w * 100_000 + i;
                if create(&client, &url, &token, format!("peak-{n}"), n)
                    .await
                    .is_some()
                {
                    done.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// One customer from submission to the approval letter.
async fn whole_onboarding(platform: &Platform, i: u64) -> Duration {
    let clerk = Session::new(Role::Clerk, "clerk-1");
    let analyst = Session::new(Role::Analyst, "analyst-1");
    let approver = Session::new(Role::Approver, "approver-1");
    let intake = platform.url("intake");
    let documents = platform.url("documents");
    let start = Instant::now();
    let (status, created) = clerk
        .call(
            reqwest::Method::POST,
            &format!("{intake}/v1/customers"),
            Some(&customer(2_000_000 + i)),
            &[("idempotency-key", &format!("whole-{i}"))],
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    for alert in created["case"]["alerts"].as_array().unwrap() {
        let (status, body) = analyst
            .call(
                reqwest::Method::PUT,
                &format!(
                    "{intake}/v1/customers/{id}/alerts/{}/disposition",
                    alert["id"].as_str().unwrap()
                ),
                Some(&json!({"outcome": "false_positive", "reason": "other person"})),
                &[],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    for req in created["case"]["risk"]["required_documents"]
        .as_array()
        .unwrap()
    {
        let doc = clerk
            .upload(
                &documents,
                &id,
                req["accepted_types"][0].as_str().unwrap(),
                req["party"].as_str(),
            )
            .await;
        analyst.verify(&documents, &doc).await;
    }
    let (status, body) = analyst
        .post(
            &format!("{intake}/v1/customers/{id}/decision"),
            &json!({"outcome": "approve", "reason": "verified"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = approver
        .post(
            &format!("{intake}/v1/customers/{id}/decision/approve"),
            &json!({"reason": "agreed"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["case"]["letters"].as_array().unwrap().len(),
        2,
        "{body}"
    );
    start.elapsed()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let lists = cdd_screening::sanctions_data_dir();
        let extra = HashMap::from([(
            "screening",
            vec![("CDD_LISTS_DIR".to_string(), lists.display().to_string())],
        )]);
        let platform = Platform::start_with(Storage::Embedded, extra).await;
        let token = issue_token(DEVELOPMENT_KEY, "clerk-1", Role::Clerk, Duration::from_secs(3600)).unwrap();
        let url = format!("{}/v1/customers", platform.url("intake"));
        let (rate, seconds) = (env_or("BENCH_RATE", 100), env_or("BENCH_SECONDS", 10));
        // Warm up connections and caches.
        open_loop(&url, &token, 50, 1).await;

        let run = open_loop(&url, &token, rate, seconds).await;
        let l = &run.latencies;
        println!(
            "create with screening and RFI letter at {rate}/s for {seconds} s: p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms; {} ok ({} with every step done), {} errors",
            ms(percentile(l, 0.50)), ms(percentile(l, 0.99)), ms(percentile(l, 0.999)),
            ms(l.last().copied().unwrap_or_default()), l.len(), run.complete, run.errors
        );
        println!("peak creates, 16 concurrent clients, 5 s: {:.0} /s", peak(&url, &token, 16, 5).await);

        let mut whole = Vec::new();
        for i in 0..10 {
            whole.push(whole_onboarding(&platform, i).await);
        }
        whole.sort();
        println!(
            "whole onboarding (create, dispose, 2 uploads + verifications, propose, approve, letter), median of 10: {:.1} ms (max {:.1} ms)",
            ms(percentile(&whole, 0.5)), ms(whole[whole.len() - 1])
        );
        platform.stop().await;
    });
}
