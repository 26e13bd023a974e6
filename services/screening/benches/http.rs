//! `cargo bench -p cdd-screening --bench http`: HTTP throughput of the real
//! `screening` binary (release) on all bundled lists.
//!
//! - start-to-ready with every list loaded, and idle RSS;
//! - `POST /v1/screenings` driven for `BENCH_SECONDS` (default 10) over
//!   `BENCH_CONNECTIONS` (default 64) keep-alive connections by a minimal
//!   HTTP/1.1 client on one thread (so most of the CPU is left to the
//!   server): screenings/s, p50, p99;
//! - the brute-force baseline beside it: `bench/baseline.py` scores every
//!   listed name with rapidfuzz Jaro-Winkler for the same queries (run when
//!   `python3` can import `rapidfuzz`).
//!
//! The queries are a fixed mix: one in five is a listed name (so matches and
//! their explanations are part of the cost), the rest are made-up customer
//! names. They are written to `target/.../screening-bench/queries.tsv`, and
//! every listed name to `names.txt`, for the baseline script.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_screening::{
    EntityKind, ListVersion, Screener, Subject, load_lists_dir, sanctions_data_dir,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FIRST: &[&str] = &[
    "Maria", "John", "Aoife", "Kwame", "Li", "Fatima", "Olga", "Pedro", "Hans", "Yuki", "Amara",
    "Noah", "Chen", "Sofia", "Ivan", "Leila", "Tomasz", "Grace", "Rahul", "Ingrid",
];
const LAST: &[&str] = &[
    "Lopez", "Smith", "Murphy", "Mensah", "Wang", "Haddad", "Petrova", "Silva", "Schmidt",
    "Tanaka", "Okafor", "Johnson", "Liu", "Rossi", "Kowalski", "Nasser", "Berg", "Novak", "Sharma",
    "Dubois",
];
const COMPANY: &[&str] = &[
    "Northwind",
    "Bluewater",
    "Granite",
    "Meridian",
    "Harbor",
    "Sunrise",
    "Atlas",
    "Evergreen",
];
const SUFFIX: &[&str] = &[
    "Trading Ltd",
    "Holdings GmbH",
    "Logistics LLC",
    "Partners SA",
];

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn ready_now(port: u16) -> bool {
    use std::io::Read;
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.write_all(b"GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && &buf[9..12] == b"200")
}

fn spawn(lists: &Path, data: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_screening"))
        .env_clear()
        .env("PORT", port.to_string())
        .env("CDD_ENV", "local")
        .env("CDD_DATA_DIR", data)
        .env("CDD_LISTS_DIR", lists)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the screening binary")
}

/// The query mix, every listed name (for the baseline), and the lists.
fn queries(lists: &Path) -> (Vec<(EntityKind, String)>, Vec<String>, ListVersion) {
    let report = load_lists_dir(lists).expect("lists load");
    let entities = report.version.entities();
    let names: Vec<String> = entities
        .iter()
        .flat_map(|e| e.names().map(|(n, _)| n.to_string()).collect::<Vec<_>>())
        .collect();
    let mut out = Vec::new();
    let mut listed = entities
        .iter()
        .filter(|e| matches!(e.kind, EntityKind::Person | EntityKind::Organisation))
        .step_by(37);
    for i in 0..1000usize {
        if i % 5 == 0
            && let Some(e) = listed.next()
        {
            out.push((e.kind, e.primary_name.clone()));
        } else if i % 5 == 4 {
            let name = format!(
                "{} {} {}",
                COMPANY[i % COMPANY.len()],
                LAST[(i / 3) % LAST.len()],
                SUFFIX[(i / 7) % SUFFIX.len()]
            );
            out.push((EntityKind::Organisation, name));
        } else {
            let name = format!(
                "{} {} {}",
                FIRST[i % FIRST.len()],
                FIRST[(i / 11) % FIRST.len()],
                LAST[(i / 3) % LAST.len()]
            );
            out.push((EntityKind::Person, name));
        }
    }
    (out, names, report.version)
}

/// The matcher alone, in this process, on one thread: what HTTP adds is
/// the difference.
fn in_process(version: ListVersion, queries: &[(EntityKind, String)]) -> (Duration, Duration) {
    let screener = Screener::new(version);
    let mut lat: Vec<Duration> = queries
        .iter()
        .map(|(kind, name)| {
            let t = Instant::now();
            let _ = screener.screen(&Subject::new(*kind, name.clone()));
            t.elapsed()
        })
        .collect();
    lat.sort_unstable();
    (percentile(&lat, 0.5), percentile(&lat, 0.99))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn request_bytes(port: u16, token: &str, kind: EntityKind, name: &str) -> Vec<u8> {
    let body = serde_json::json!({"subject": {"kind": kind.to_string(), "name": name}}).to_string();
    format!(
        "POST /v1/screenings HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Reads one response; returns its status.
async fn read_response(
    stream: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<u16> {
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}

struct LoadResult {
    latencies: Vec<Duration>,
    errors: u64,
    elapsed: Duration,
}

async fn drive(
    port: u16,
    requests: std::sync::Arc<Vec<Vec<u8>>>,
    connections: usize,
    run: Duration,
) -> LoadResult {
    let started = Instant::now();
    let deadline = started + run;
    let mut tasks = Vec::new();
    for c in 0..connections {
        let requests = requests.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap();
            stream.set_nodelay(true).unwrap();
            let mut latencies = Vec::with_capacity(200_000 / connections.max(1));
            let mut errors = 0u64;
            let mut buf = Vec::with_capacity(64 * 1024);
            let mut i = c * 7919;
            while Instant::now() < deadline {
                let req = &requests[i % requests.len()];
                i += 1;
                let t = Instant::now();
                if stream.write_all(req).await.is_err() {
                    errors += 1;
                    break;
                }
                match read_response(&mut stream, &mut buf).await {
                    Ok(200) => latencies.push(t.elapsed()),
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        latencies.extend(l);
        errors += e;
    }
    LoadResult {
        latencies,
        errors,
        elapsed: started.elapsed(),
    }
}

fn bench_dir() -> PathBuf {
    // target/<profile>/deps/http-xxxx → target/screening-bench
    let exe = std::env::current_exe().unwrap();
    let dir = exe
        .ancestors()
        .nth(3)
        .map(|p| p.join("screening-bench"))
        .unwrap_or_else(|| std::env::temp_dir().join("screening-bench"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run_baseline(queries_file: &Path, names_file: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/baseline.py");
    let available = Command::new("python3")
        .args(["-c", "import rapidfuzz"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        println!(
            "baseline: skipped (python3 with rapidfuzz not available: `pip install rapidfuzz`)"
        );
        return;
    }
    let out = Command::new("python3")
        .arg(&script)
        .arg(queries_file)
        .arg(names_file)
        .args([
            "--limit",
            &std::env::var("BENCH_BASELINE_QUERIES").unwrap_or_else(|_| "200".into()),
        ])
        .output()
        .expect("run baseline.py");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    if !out.status.success() {
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
    }
}

fn main() {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let connections: usize = std::env::var("BENCH_CONNECTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let lists = sanctions_data_dir();
    assert!(
        lists.is_dir(),
        "no lists at {} (set CDD_SANCTIONS_DATA)",
        lists.display()
    );

    let (queries, names, version) = queries(&lists);
    let (in_p50, in_p99) = in_process(version, &queries);
    let dir = bench_dir();
    let queries_file = dir.join("queries.tsv");
    let names_file = dir.join("names.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&queries_file).unwrap());
        for (kind, name) in &queries {
            writeln!(f, "{kind}\t{name}").unwrap();
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(&names_file).unwrap());
        for n in &names {
            writeln!(f, "{n}").unwrap();
        }
    }

    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let started = Instant::now();
    let mut child = spawn(&lists, data.path(), port);
    while !ready_now(port) {
        std::thread::sleep(Duration::from_millis(5));
        if started.elapsed() > Duration::from_secs(120) || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!("the screening binary did not become ready");
        }
    }
    let ready = started.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = rss_mib(child.id());

    let token = issue_token(
        DEVELOPMENT_KEY,
        "bench",
        Role::Service,
        Duration::from_secs(3600),
    )
    .unwrap();
    let requests: Vec<Vec<u8>> = queries
        .iter()
        .map(|(k, n)| request_bytes(port, &token, *k, n))
        .collect();
    let requests = std::sync::Arc::new(requests);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Warm-up, then the measured run.
    runtime.block_on(drive(
        port,
        requests.clone(),
        connections,
        Duration::from_secs(1),
    ));
    let result = runtime.block_on(drive(
        port,
        requests,
        connections,
        Duration::from_secs(seconds),
    ));
    let loaded_rss = rss_mib(child.id());
    let _ = child.kill();
    let _ = child.wait();

    let mut lat = result.latencies;
    lat.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "screening HTTP bench on all bundled lists: {} listed names, {} distinct queries",
        names.len(),
        queries.len()
    );
    println!(
        "matcher alone (in process, 1 thread): p50 {:.3} ms, p99 {:.3} ms per screening",
        in_p50.as_secs_f64() * 1e3,
        in_p99.as_secs_f64() * 1e3
    );
    println!(
        "start to ready (all lists loaded and indexed): {:.0} ms",
        ms(ready)
    );
    println!("idle RSS with all lists: {idle_rss:.0} MiB; after the load: {loaded_rss:.0} MiB");
    println!(
        "POST /v1/screenings, {connections} keep-alive connections, {:.1} s: {} screenings, {:.0} screenings/s, p50 {:.2} ms, p99 {:.2} ms, errors {}",
        result.elapsed.as_secs_f64(),
        lat.len(),
        lat.len() as f64 / result.elapsed.as_secs_f64(),
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99)),
        result.errors,
    );
    run_baseline(&queries_file, &names_file);
}
