//! How a service name becomes instances: SRV then A, the A-only fallback,
//! missing names, overrides.

use std::collections::HashMap;
use std::time::Duration;

use cdd_discovery::{Discovery, DiscoveryError, Instance};
use url::Url;

use crate::helpers::*;

const TTL: Duration = Duration::from_secs(10);

fn instance(port: u16, id: &str) -> Instance {
    Instance {
        base_url: Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
        id: id.to_owned(),
    }
}

#[tokio::test]
async fn srv_records_give_one_instance_per_task_on_its_srv_port() {
    let dns = dns(TTL).await;
    dns.register("screening", "task-a", LOOPBACK, 4101);
    dns.register("screening", "task-b", LOOPBACK, 4102);

    let instances = discovery(&dns).instances("screening").await.unwrap();

    assert_eq!(
        instances,
        [
            instance(4101, "task-a.screening.cdd.local"),
            instance(4102, "task-b.screening.cdd.local"),
        ]
    );
    dns.stop().await;
}

#[tokio::test]
async fn srv_targets_are_asked_for_when_the_additional_section_is_empty() {
    let dns = dns(TTL).await;
    dns.set_additional_records(false);
    dns.register("screening", "task-a", LOOPBACK, 4101);
    dns.register("screening", "task-b", LOOPBACK, 4102);

    let instances = discovery(&dns).instances("screening").await.unwrap();

    assert_eq!(
        instances,
        [
            instance(4101, "task-a.screening.cdd.local"),
            instance(4102, "task-b.screening.cdd.local"),
        ]
    );
    // One SRV query, then one A query per target.
    assert_eq!(dns.queries(), 3);
    dns.stop().await;
}

#[tokio::test]
async fn additional_records_save_the_per_target_queries() {
    let dns = dns(TTL).await;
    dns.register("screening", "task-a", LOOPBACK, 4101);
    dns.register("screening", "task-b", LOOPBACK, 4102);

    discovery(&dns).instances("screening").await.unwrap();

    assert_eq!(dns.queries(), 1, "the SRV answer alone was enough");
    dns.stop().await;
}

#[tokio::test]
async fn a_records_only_give_instances_on_the_default_port() {
    let dns = dns(TTL).await;
    dns.register_a_only("letters", LOOPBACK);

    let instances = discovery(&dns).instances("letters").await.unwrap();

    assert_eq!(instances, [instance(8080, "127.0.0.1")]);
    dns.stop().await;
}

#[tokio::test]
async fn a_only_service_is_called_on_the_default_port() {
    let dns = dns(TTL).await;
    let letters = HttpServer::start("letters-1").await;
    dns.register_a_only("letters", LOOPBACK);
    let discovery = Discovery::new(cdd_discovery::DiscoveryConfig {
        default_port: letters.port(),
        ..config(dns.local_addr())
    })
    .unwrap();

    let client = discovery.client("letters", http_client(Duration::from_secs(5)));
    assert_eq!(ping(&client, true).await.unwrap(), "letters-1");
    assert_eq!(letters.hits(), 1);
    dns.stop().await;
}

#[tokio::test]
async fn a_name_with_no_records_is_not_found_naming_the_name_and_the_server() {
    let dns = dns(TTL).await;
    dns.register("screening", "task-a", LOOPBACK, 4101);

    let error = discovery(&dns).instances("nosuch").await.unwrap_err();

    let server = dns.local_addr().to_string();
    match &error {
        DiscoveryError::NotFound {
            name,
            server: asked,
        } => {
            assert_eq!(name, "nosuch.cdd.local");
            assert_eq!(asked, &server);
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        format!("nosuch.cdd.local does not resolve (asked {server}): no SRV or A records")
    );
    dns.stop().await;
}

#[tokio::test]
async fn a_name_outside_the_served_namespace_is_refused() {
    let dns = dns(TTL).await;
    let discovery = Discovery::new(cdd_discovery::DiscoveryConfig {
        namespace: "other.local".into(),
        ..config(dns.local_addr())
    })
    .unwrap();

    let error = discovery.instances("screening").await.unwrap_err();

    let text = error.to_string();
    assert!(matches!(error, DiscoveryError::Resolver(_)), "{error:?}");
    assert!(text.contains("screening.other.local"), "{text}");
    assert!(text.contains(&dns.local_addr().to_string()), "{text}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
    dns.stop().await;
}

#[tokio::test]
async fn an_override_bypasses_dns() {
    // Nothing answers DNS at this address.
    let no_dns = closed_port().await;
    let screening = HttpServer::start("fixed").await;
    let override_url = Url::parse(&format!("http://{}", screening.addr)).unwrap();
    let discovery = Discovery::new(cdd_discovery::DiscoveryConfig {
        overrides: HashMap::from([("screening".to_owned(), override_url.clone())]),
        ..config(no_dns)
    })
    .unwrap();

    assert_eq!(
        discovery.instances("screening").await.unwrap(),
        [Instance {
            base_url: override_url.clone(),
            id: override_url.to_string(),
        }]
    );
    let client = discovery.client("screening", http_client(Duration::from_secs(5)));
    assert_eq!(ping(&client, false).await.unwrap(), "fixed");
    assert_eq!(screening.hits(), 1);

    // A service without an override does go to DNS, and says which server
    // it could not reach.
    let error = discovery.instances("letters").await.unwrap_err();
    assert!(matches!(error, DiscoveryError::Resolver(_)), "{error:?}");
    assert!(error.to_string().contains(&no_dns.to_string()), "{error}");
}

#[tokio::test]
async fn many_instances_arrive_over_tcp_when_udp_is_too_small() {
    let dns = dns(TTL).await;
    // ~60 bytes of SRV plus ~30 of A each: far over the 1232-byte UDP
    // payload hickory advertises, so the answer comes truncated over UDP
    // and whole over TCP on the same port.
    for task in 0..60 {
        dns.register(
            "screening",
            &format!("task-{task:02}-0123456789abcdef"),
            LOOPBACK,
            5000 + task,
        );
    }

    let instances = discovery(&dns).instances("screening").await.unwrap();

    assert_eq!(instances.len(), 60);
    assert_eq!(instances[59].base_url.port(), Some(5059));
    assert_eq!(dns.queries(), 2, "truncated over UDP, then again over TCP");
    dns.stop().await;
}

#[tokio::test]
async fn a_service_name_that_is_not_a_dns_label_is_rejected() {
    let dns = dns(TTL).await;
    let error = discovery(&dns)
        .instances("screening.evil.com")
        .await
        .unwrap_err();
    assert!(
        matches!(error, DiscoveryError::InvalidConfig(_)),
        "{error:?}"
    );
    assert_eq!(dns.queries(), 0);
    dns.stop().await;
}
