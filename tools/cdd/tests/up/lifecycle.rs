//! `cdd up` brings the platform up, publishes it in its Cloud Map DNS
//! server, serves onboarding through discovery, and stops cleanly.

use std::process::Command;

use cdd_platform::auth::Role;

use crate::helpers::{NAMESPACE, Platform, onboard, pending_steps, token};

#[tokio::test]
async fn up_serves_onboarding_through_cloud_map_and_stops_on_ctrl_c() {
    let platform = Platform::start(&[], 0);
    let port = platform.base_port;
    let dns = platform.dns_port;
    let banner = &platform.banner;
    assert!(
        banner.contains(&format!("intake     http://127.0.0.1:{port}")),
        "{banner}"
    );
    assert!(
        banner.contains(&format!(
            "Cloud Map DNS on 127.0.0.1:{dns} (UDP and TCP), namespace {NAMESPACE}, TTL 10 s"
        )),
        "{banner}"
    );
    for (service, offset) in [
        ("intake", 0),
        ("screening", 1),
        ("documents", 2),
        ("letters", 3),
    ] {
        let record = format!(
            "{service}.{NAMESPACE} SRV 1 1 {} {service}-1.{service}.{NAMESPACE}",
            port + offset
        );
        assert!(
            banner
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == record),
            "{record} missing from\n{banner}"
        );
        assert_eq!(
            platform.published_ports(service).await,
            vec![port + offset],
            "{service} is published in DNS at its port"
        );
    }

    let clerk = banner
        .lines()
        .find(|l| l.trim_start().starts_with("clerk "))
        .unwrap();
    let clerk_token = clerk.split_whitespace().nth(1).unwrap().to_string();
    let token_cmd = Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(["token", "--role", "analyst", "--sub", "a-1"])
        .output()
        .unwrap();
    assert!(token_cmd.status.success());
    let analyst = String::from_utf8(token_cmd.stdout)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(
        clerk_token.split('.').count(),
        3,
        "the banner's clerk token is a JWT"
    );

    // Intake has no fixed URL for screening or letters: it found both by
    // name through the DNS server, or the case would list them as pending.
    let created = onboard(&platform, "up-test", "Maria Lopez").await;
    assert!(pending_steps(&created).is_empty(), "{created}");
    assert_eq!(
        created["case"]["screening"]["parties_screened"], 1,
        "{created}"
    );
    assert_eq!(
        created["case"]["letters"][0]["purpose"], "request_for_information",
        "{created}"
    );
    let id = created["id"].as_str().unwrap();
    let client = reqwest::Client::new();
    let res = client
        .get(platform.url(0, &format!("/v1/customers/{id}")))
        .bearer_auth(&analyst)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "a token from `cdd token` is accepted");
    let res = client
        .get(platform.url(0, &format!("/v1/customers/{id}/requirements")))
        .bearer_auth(token(Role::Analyst, "analyst-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "intake reaches documents through DNS");

    let stdout = platform.stdout.clone();
    let (status, data) = platform.stop();
    assert!(status.success(), "{status}");
    assert!(data.path().join("intake").join("intake.journal").exists());
    let out = stdout.all();
    let position = |wanted: &str| {
        out.iter()
            .position(|l| l == wanted)
            .unwrap_or_else(|| panic!("{wanted:?} missing from {out:#?}"))
    };
    assert!(
        position("stopped intake") < position("stopped the Cloud Map DNS server"),
        "the services stop before the DNS server"
    );
    assert!(
        client
            .get(format!("http://127.0.0.1:{port}/health/live"))
            .send()
            .await
            .is_err(),
        "intake is gone"
    );
    assert!(
        std::net::UdpSocket::bind(("127.0.0.1", dns)).is_ok()
            && std::net::TcpListener::bind(("127.0.0.1", dns)).is_ok(),
        "the DNS server released its port"
    );
}
