//! `cdd up --screening-instances 2`: both instances are published under
//! `screening`; when one is killed, `cdd up` withdraws it from DNS and
//! keeps running, and intake, which may still hold the dead instance from
//! its DNS cache, fails over to the other: onboarding completes screening.

use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::helpers::{Platform, onboard, pending_steps};

#[tokio::test]
async fn onboarding_survives_a_killed_screening_instance() {
    let mut platform = Platform::start(&["--screening-instances", "2"], 1);
    let base = platform.base_port;
    assert_eq!(
        platform.published_ports("screening").await,
        vec![base + 1, base + 4],
        "{}",
        platform.banner
    );

    // Intake resolves screening now and keeps both instances for the TTL.
    let first = onboard(&platform, "failover-1", "Maria Lopez").await;
    assert!(pending_steps(&first).is_empty(), "{first}");

    // The instance on screening's usual port goes; only DNS knows the other.
    kill(Pid::from_raw(platform.pid("screening-1")), Signal::SIGKILL).unwrap();
    let dead = format!("127.0.0.1:{}", base + 1);
    let start = Instant::now();
    while std::net::TcpStream::connect(&dead).is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "screening-1 survived SIGKILL"
        );
        std::thread::sleep(Duration::from_millis(10));
    }

    // At once, while intake most likely still holds both instances from its
    // DNS cache (10 s TTL): round-robin sends one of these to the dead
    // instance first, and each must still be screened within its request.
    for (key, name) in [("failover-2", "Ana Torres"), ("failover-3", "Luis Gomez")] {
        let customer = onboard(&platform, key, name).await;
        assert!(
            !pending_steps(&customer).contains("screening"),
            "screening was left pending: {customer}"
        );
        assert_eq!(
            customer["case"]["screening"]["parties_screened"], 1,
            "{customer}"
        );
    }
    let tried_dead =
        platform.stdout.all().iter().any(|l| {
            l.starts_with("[intake]") && l.contains("instance failed") && l.contains(&dead)
        });
    if !tried_dead {
        // Only when intake's cached list expired between the first customer
        // and the kill: it then resolved only the live instance.
        eprintln!("note: intake re-resolved screening before trying the dead instance");
    }

    let notice = platform
        .stderr
        .wait_for(Duration::from_secs(30), |l| {
            l.contains("screening-1 stopped unexpectedly")
        })
        .unwrap_or_else(|| panic!("no notice of the kill:\n{}", platform.stderr.text()));
    assert!(
        notice.contains("1 screening instance still serving"),
        "{notice}"
    );
    assert_eq!(
        platform.published_ports("screening").await,
        vec![base + 4],
        "the dead instance is withdrawn from DNS"
    );
    assert!(
        platform.is_running(),
        "cdd up keeps running with one screening instance"
    );

    let (status, _data) = platform.stop();
    assert!(status.success(), "{status}");
}
