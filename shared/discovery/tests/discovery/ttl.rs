//! How long a resolved instance list is used: the records' TTL, no longer
//! (neither in discovery's cache nor in hickory's), and not at all once a
//! call found every instance dead.

use std::time::{Duration, Instant};

use cdd_discovery::Instance;

use crate::helpers::*;

fn ports(instances: &[Instance]) -> Vec<u16> {
    instances
        .iter()
        .map(|i| i.base_url.port().unwrap())
        .collect()
}

/// Waits until `ttl` (plus a margin for the clock) has passed since `since`.
async fn until_expired(since: Instant, ttl: Duration) {
    tokio::time::sleep_until((since + ttl + Duration::from_millis(100)).into()).await;
}

#[tokio::test]
async fn changed_records_are_used_once_the_ttl_has_passed_and_not_before() {
    let ttl = Duration::from_secs(1);
    let dns = dns(ttl).await;
    dns.register("screening", "task-a", LOOPBACK, 4101);
    dns.register("screening", "task-b", LOOPBACK, 4102);
    let discovery = discovery(&dns);

    let resolved_at = Instant::now();
    assert_eq!(
        ports(&discovery.instances("screening").await.unwrap()),
        [4101, 4102]
    );
    let queries = dns.queries();

    // A third task registers: the cached list is still served, without asking.
    dns.register("screening", "task-c", LOOPBACK, 4103);
    assert_eq!(
        ports(&discovery.instances("screening").await.unwrap()),
        [4101, 4102]
    );
    assert!(
        resolved_at.elapsed() < ttl,
        "the check above ran inside the TTL"
    );
    assert_eq!(dns.queries(), queries, "served from cache");

    until_expired(resolved_at, ttl).await;
    let resolved_at = Instant::now();
    assert_eq!(
        ports(&discovery.instances("screening").await.unwrap()),
        [4101, 4102, 4103]
    );
    assert!(dns.queries() > queries, "asked DNS again");

    // A task stops: it is still listed until the TTL runs out, then gone.
    dns.deregister("screening", "task-b");
    assert_eq!(
        ports(&discovery.instances("screening").await.unwrap()),
        [4101, 4102, 4103]
    );
    assert!(
        resolved_at.elapsed() < ttl,
        "the check above ran inside the TTL"
    );
    until_expired(resolved_at, ttl).await;
    assert_eq!(
        ports(&discovery.instances("screening").await.unwrap()),
        [4101, 4103]
    );
    dns.stop().await;
}

#[tokio::test]
async fn a_call_that_finds_every_instance_dead_resolves_again_at_once() {
    // A TTL far longer than the test: only dropping the cached list (ours,
    // and hickory's if it kept one) can make the new task visible.
    let dns = dns(Duration::from_secs(30)).await;
    let dead = closed_port().await;
    dns.register("screening", "task-old", LOOPBACK, dead.port());
    let client = discovery(&dns).client("screening", http_client(Duration::from_secs(5)));

    assert!(ping(&client, true).await.is_err());

    // The old task is replaced by a new one, as in an ECS deployment.
    let new = HttpServer::start("new").await;
    dns.deregister("screening", "task-old");
    dns.register("screening", "task-new", LOOPBACK, new.port());
    assert_eq!(ping(&client, true).await.unwrap(), "new");
    dns.stop().await;
}

#[tokio::test]
async fn a_zero_ttl_is_still_cached_for_a_second() {
    let dns = dns(Duration::ZERO).await;
    dns.register("screening", "task-a", LOOPBACK, 4101);
    let discovery = discovery(&dns);

    discovery.instances("screening").await.unwrap();
    let queries = dns.queries();
    discovery.instances("screening").await.unwrap();

    assert_eq!(
        dns.queries(),
        queries,
        "the second call was served from cache"
    );
    dns.stop().await;
}
