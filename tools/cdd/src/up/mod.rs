//! `cdd up`: the platform on a laptop, wired as on Fargate.
//!
//! Each service instance runs as its own process (this binary, `cdd service
//! NAME`), in embedded mode with its data under `--data-dir`, listening on
//! loopback. An embedded Cloud Map DNS server publishes every instance once
//! it is ready, and the services find one another only through it
//! (docs/architecture.md §4). Ctrl-C (or SIGTERM) withdraws every instance from
//! DNS, sends each SIGTERM (they drain and exit), then stops the DNS server.
//!
//! Layout:
//! - [`services`]: the services, and the instances a run starts;
//! - `cloud_map`: the embedded DNS server and its registrations;
//! - `children`: the processes: start, readiness, exit, stop;
//! - `banner`: what is printed once everything is ready.

mod banner;
mod children;
mod cloud_map;
mod services;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::signal::unix::{Signal, SignalKind, signal};

use children::{Launch, ServiceProcess};
use cloud_map::LocalCloudMap;
use services::Instance;

pub use services::SERVICES;

#[derive(clap::Args)]
pub struct UpArgs {
    /// Where each service keeps its data (a sub-folder per service).
    #[arg(long, default_value = ".cdd-data")]
    pub data_dir: PathBuf,
    /// The first service's port; the others follow it.
    #[arg(long, default_value_t = 8080)]
    pub base_port: u16,
    /// The port (UDP and TCP, on 127.0.0.1) of the Cloud Map DNS server the
    /// services find one another through.
    #[arg(long, default_value_t = 8053)]
    pub dns_port: u16,
    /// How many screening instances to run, all registered under
    /// `screening`; the extra ones listen on the ports after letters. Kill
    /// one (its pid is in the banner) to watch intake fail over.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub screening_instances: u16,
    /// List folders for screening, comma-separated (e.g.
    /// `../shared/data/sanctions,../shared/data/pep` for the OFAC, UN and
    /// BIS files and the PEP data); without it, screening uses its small
    /// fictional demo list.
    #[arg(long)]
    pub lists_dir: Option<PathBuf>,
    /// Give up if a service is not ready within this many seconds.
    #[arg(long, default_value_t = 30)]
    pub ready_timeout: u64,
    /// Once everything is up, run `cdd demo` against it (two customers
    /// onboarded end to end, and a serving member of Congress as a PEP when
    /// `--lists-dir` holds the congress-legislators data), then keep serving.
    #[arg(long)]
    pub demo: bool,
}

/// SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is made,
/// so a signal that arrives while the platform starts is not lost (and does
/// not kill `cdd up` before it can stop its services).
struct StopSignal {
    interrupt: Signal,
    terminate: Signal,
}

impl StopSignal {
    fn install() -> anyhow::Result<Self> {
        Ok(Self {
            interrupt: signal(SignalKind::interrupt()).context("listening for Ctrl-C")?,
            terminate: signal(SignalKind::terminate()).context("listening for SIGTERM")?,
        })
    }

    async fn received(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

pub async fn run(args: UpArgs) -> anyhow::Result<()> {
    if args.demo
        && let Some(issuer) = banner::identity_provider()
    {
        anyhow::bail!(
            "--demo signs its clerk, analysts and approvers in with development tokens, which the services refuse for people while CDD_AUTH_ISSUER ({issuer}) is set; unset it for the demo"
        );
    }
    let mut stop = StopSignal::install()?;
    let exe = std::env::current_exe().context("finding the cdd executable")?;
    let data_root = children::data_root(&args.data_dir)?;
    let instances = services::plan(args.base_port, args.screening_instances)?;
    check_ports(&instances, args.dns_port)?;

    let started = Instant::now();
    let mut cloud_map = LocalCloudMap::start(args.dns_port).await?;
    let launch = Launch {
        exe,
        data_root,
        lists_dir: args.lists_dir.clone(),
        dns_server: cloud_map.address(),
    };
    let mut running: Vec<ServiceProcess> = Vec::new();
    let outcome = tokio::select! {
        biased;
        _ = stop.received() => Ok(()),
        failed = serve(&args, &instances, &launch, started, &mut cloud_map, &mut running) => failed,
    };
    // As ECS does: out of DNS first, so no new call is sent to a stopping task.
    for process in running.iter().filter(|p| p.is_running()) {
        cloud_map.deregister(&process.instance);
    }
    children::stop_all(&mut running).await;
    cloud_map.stop().await;
    println!("stopped the Cloud Map DNS server");
    outcome
}

/// Every port the run needs, checked before anything starts, so a clash is
/// one clear message rather than a half-started platform.
fn check_ports(instances: &[Instance], dns_port: u16) -> anyhow::Result<()> {
    let mut taken: Vec<String> = instances
        .iter()
        .filter(|i| std::net::TcpListener::bind(("127.0.0.1", i.port)).is_err())
        .map(|i| format!("port {} for {} is in use", i.port, i.id))
        .collect();
    if !taken.is_empty() {
        taken.push("pass --base-port to use others".into());
    }
    if instances.iter().any(|i| i.port == dns_port) {
        taken.push(format!(
            "--dns-port {dns_port} is also a service's port; choose another"
        ));
    } else if !cloud_map::port_is_free(dns_port) {
        taken.push(format!(
            "port {dns_port} (UDP or TCP) for the Cloud Map DNS server is in use; pass --dns-port to use another"
        ));
    }
    if taken.is_empty() {
        Ok(())
    } else {
        bail!("cannot start: {}", taken.join("; "))
    }
}

/// Starts every instance, publishes each in DNS once it is ready, prints
/// the banner, then watches the processes. Returns only on failure: a
/// service that cannot start, or whose last instance stopped.
async fn serve(
    args: &UpArgs,
    instances: &[Instance],
    launch: &Launch,
    started: Instant,
    cloud_map: &mut LocalCloudMap,
    running: &mut Vec<ServiceProcess>,
) -> anyhow::Result<()> {
    for instance in instances {
        let several = instances
            .iter()
            .filter(|i| i.service == instance.service)
            .count()
            > 1;
        let label = if several {
            instance.id.clone()
        } else {
            instance.service.to_string()
        };
        running.push(ServiceProcess::spawn(instance, label, launch)?);
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()?;
    let deadline = Duration::from_secs(args.ready_timeout);
    for process in running.iter_mut() {
        process.wait_ready(&client, deadline).await?;
        cloud_map.register(&process.instance);
    }
    banner::print(
        running,
        cloud_map,
        args.base_port,
        started.elapsed(),
        &launch.data_root,
    )?;
    if args.demo {
        crate::demo::run(crate::demo::DemoArgs {
            base_port: args.base_port,
            wait: 60,
            congress_member: args
                .lists_dir
                .as_deref()
                .is_some_and(crate::demo::congress_data_in),
        })
        .await
        .context("the demo onboarding failed")?;
        println!();
        println!("The platform keeps running; press Ctrl-C to stop it.");
    }

    loop {
        let (index, how) = children::next_exit(running).await;
        let gone = &running[index];
        cloud_map.deregister(&gone.instance);
        let left = running
            .iter()
            .filter(|p| p.instance.service == gone.instance.service && p.is_running())
            .count();
        if left == 0 {
            bail!("{} stopped unexpectedly ({how})", gone.label);
        }
        // As when an ECS task dies: Cloud Map stops publishing it, and
        // callers that still hold it from their cache fail over.
        eprintln!(
            "cdd: {} stopped unexpectedly ({how}); withdrawn from Cloud Map DNS, {left} {} instance{} still serving",
            gone.label,
            gone.instance.service,
            if left == 1 { "" } else { "s" }
        );
    }
}
