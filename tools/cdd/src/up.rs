//! `cdd up`: the platform on a laptop.
//!
//! Each service runs as its own process (this binary, `cdd service NAME`),
//! in embedded mode with its data under `--data-dir`, listening on loopback.
//! Their output is prefixed with the service name. Ctrl-C (or SIGTERM) sends
//! SIGTERM to every service, which drain and exit.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_platform::service::run_from_env;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

type RunService = fn() -> Pin<Box<dyn Future<Output = ExitCode> + Send>>;

/// A service `cdd up` starts.
pub struct Service {
    pub name: &'static str,
    /// Offset from `--base-port`.
    pub port_offset: u16,
    pub run: RunService,
}

/// Every service of the platform that has landed.
pub const SERVICES: &[Service] = &[
    Service {
        name: "intake",
        port_offset: 0,
        run: || Box::pin(run_from_env::<cdd_intake::Application>()),
    },
    Service {
        name: "screening",
        port_offset: 1,
        run: || Box::pin(run_from_env::<cdd_screening::Application>()),
    },
    Service {
        name: "documents",
        port_offset: 2,
        run: || Box::pin(run_from_env::<cdd_documents::Application>()),
    },
    Service {
        name: "letters",
        port_offset: 3,
        run: || Box::pin(run_from_env::<cdd_letters::Application>()),
    },
];

#[derive(clap::Args)]
pub struct UpArgs {
    /// Where each service keeps its data (a sub-folder per service).
    #[arg(long, default_value = ".cdd-data")]
    pub data_dir: PathBuf,
    /// The first service's port; the others follow it.
    #[arg(long, default_value_t = 8080)]
    pub base_port: u16,
    /// Sanctions lists for screening (e.g. the folder of OFAC, UN and BIS
    /// files); without it, screening uses its small fictional demo list.
    #[arg(long)]
    pub lists_dir: Option<PathBuf>,
    /// Give up if a service is not ready within this many seconds.
    #[arg(long, default_value_t = 30)]
    pub ready_timeout: u64,
}

struct Running {
    name: &'static str,
    url: String,
    child: Child,
}

pub async fn run(args: UpArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("finding the cdd executable")?;
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating {}", args.data_dir.display()))?;
    let data_dir = args.data_dir.canonicalize()?;
    let mut running: Vec<Running> = Vec::new();
    let started = Instant::now();
    for service in SERVICES {
        let port = args.base_port + service.port_offset;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            stop_all(&mut running).await;
            bail!(
                "port {port} for {} is in use; pass --base-port to use others",
                service.name
            );
        }
        let mut command = Command::new(&exe);
        if let Some(lists) = &args.lists_dir {
            command.env("CDD_LISTS_DIR", lists);
        }
        let mut child = command
            .args(["service", service.name])
            .env("PORT", port.to_string())
            .env("CDD_ENV", "local")
            .env("CDD_BACKEND", "embedded")
            .env("CDD_DATA_DIR", data_dir.join(service.name))
            .env("CDD_LOG_FORMAT", "pretty")
            .env("CDD_NAMESPACE", "local.cdd.local")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", service.name))?;
        prefix_output(service.name, &mut child);
        running.push(Running {
            name: service.name,
            url: format!("http://127.0.0.1:{port}"),
            child,
        });
    }
    let client = reqwest::Client::new();
    let deadline = Duration::from_secs(args.ready_timeout);
    for r in running.iter_mut() {
        if let Err(e) = wait_ready(&client, r, deadline).await {
            stop_all(&mut running).await;
            return Err(e);
        }
    }
    print_banner(&running, started.elapsed(), &data_dir)?;

    let outcome = tokio::select! {
        _ = cdd_platform::http::shutdown_signal() => Ok(()),
        exited = first_exit(&mut running) => Err(exited),
    };
    stop_all(&mut running).await;
    outcome
}

fn prefix_output(name: &'static str, child: &mut Child) {
    if let Some(out) = child.stdout.take() {
        tokio::spawn(async move {
            let mut lines = BufReader::new(out).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                println!("[{name}] {line}");
            }
        });
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(async move {
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[{name}] {line}");
            }
        });
    }
}

async fn wait_ready(
    client: &reqwest::Client,
    r: &mut Running,
    timeout: Duration,
) -> anyhow::Result<()> {
    let start = Instant::now();
    loop {
        if let Some(status) = r.child.try_wait()? {
            bail!(
                "{} exited during start-up ({status}); see its output above",
                r.name
            );
        }
        if let Ok(res) = client.get(format!("{}/health/ready", r.url)).send().await
            && res.status().is_success()
        {
            return Ok(());
        }
        if start.elapsed() > timeout {
            bail!("{} was not ready within {} s", r.name, timeout.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn print_banner(
    running: &[Running],
    took: Duration,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let day = Duration::from_secs(24 * 3600);
    println!();
    println!(
        "CDD platform is up in {} ms (embedded storage in {})",
        took.as_millis(),
        data_dir.display()
    );
    for r in running {
        println!(
            "  {:<10} {}   (OpenAPI: {}/openapi.json)",
            r.name, r.url, r.url
        );
    }
    println!();
    println!("Development tokens (valid 24 h, local only):");
    for (role, sub) in [
        (Role::Clerk, "clerk-1"),
        (Role::Analyst, "analyst-1"),
        (Role::Approver, "approver-1"),
    ] {
        println!(
            "  {:<9} {}",
            role.as_str(),
            issue_token(DEVELOPMENT_KEY, sub, role, day)?
        );
    }
    if let Some(intake) = running.iter().find(|r| r.name == "intake") {
        let clerk = issue_token(DEVELOPMENT_KEY, "clerk-1", Role::Clerk, day)?;
        println!();
        println!("Onboard a customer:");
        println!(
            "  curl -s -X POST {}/v1/customers -H 'Authorization: Bearer {clerk}' -H 'Idempotency-Key: demo-1' -H 'Content-Type: application/json' \\\n    -d '{{\"kind\":\"individual\",\"name\":\"Maria Lopez\",\"birth_date\":\"1980-02-03\",\"nationalities\":[\"ES\"],\"country_of_residence\":\"ES\",\"address\":{{\"line1\":\"Calle 1\",\"city\":\"Madrid\",\"country\":\"ES\"}}}}'",
            intake.url
        );
    }
    if let Some(screening) = running.iter().find(|r| r.name == "screening") {
        let service = issue_token(DEVELOPMENT_KEY, "intake", Role::Service, day)?;
        println!();
        println!(
            "Screen a name (without --lists-dir this is the FICTIONAL demo list; see GET /v1/lists):"
        );
        println!(
            "  curl -s -X POST {}/v1/screenings -H 'Authorization: Bearer {service}' -H 'Content-Type: application/json' \\\n    -d '{{\"subject\":{{\"kind\":\"person\",\"name\":\"Ambrose Quilfeather\",\"birth_date\":\"1970-02-02\"}}}}'",
            screening.url
        );
    }
    if let Some(letters) = running.iter().find(|r| r.name == "letters") {
        let analyst = issue_token(DEVELOPMENT_KEY, "analyst-1", Role::Analyst, day)?;
        println!();
        println!(
            "Write a request-for-information letter (PDF), then fetch it from GET /v1/letters/{{id}}/content:"
        );
        println!(
            "  curl -s -X POST {}/v1/letters -H 'Authorization: Bearer {analyst}' -H 'Idempotency-Key: demo-letter-1' -H 'Content-Type: application/json' \\\n    -d '{{\"template\":\"rfi\",\"customer_id\":\"demo-customer\",\"format\":\"pdf\",\"data\":{{\"customer_name\":\"Maria Lopez\",\"reference\":\"CDD-2026-000001\",\"address\":[\"Calle 1\",\"28001 Madrid\",\"Spain\"],\"documents\":[\"Proof of address\"]}}}}'",
            letters.url
        );
    }
    println!();
    println!("Press Ctrl-C to stop.");
    Ok(())
}

async fn first_exit(running: &mut [Running]) -> anyhow::Error {
    loop {
        for r in running.iter_mut() {
            if let Ok(Some(status)) = r.child.try_wait() {
                return anyhow::anyhow!("{} stopped unexpectedly ({status})", r.name);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn stop_all(running: &mut [Running]) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    for r in running.iter() {
        if let Some(pid) = r.child.id() {
            let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
        }
    }
    for r in running.iter_mut() {
        match tokio::time::timeout(Duration::from_secs(25), r.child.wait()).await {
            Ok(_) => println!("stopped {}", r.name),
            Err(_) => {
                let _ = r.child.kill().await;
                println!("killed {} (it did not stop within 25 s)", r.name);
            }
        }
    }
}
