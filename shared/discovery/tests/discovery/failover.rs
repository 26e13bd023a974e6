//! Calls spread over the instances, and what happens when one of them fails.

use std::time::Duration;

use cdd_discovery::CallError;

use crate::helpers::*;

const TTL: Duration = Duration::from_secs(10);
const PATIENT: Duration = Duration::from_secs(5);
/// Short enough for a quick test, long enough for loopback.
const IMPATIENT: Duration = Duration::from_millis(300);

#[tokio::test]
async fn calls_alternate_between_the_instances() {
    let dns = dns(TTL).await;
    let a = HttpServer::start("a").await;
    let b = HttpServer::start("b").await;
    dns.register("screening", "task-a", LOOPBACK, a.port());
    dns.register("screening", "task-b", LOOPBACK, b.port());
    let client = discovery(&dns).client("screening", http_client(PATIENT));

    let mut answered = Vec::new();
    for _ in 0..4 {
        answered.push(ping(&client, false).await.unwrap());
    }

    assert_eq!(answered, ["a", "b", "a", "b"]);
    assert_eq!((a.hits(), b.hits()), (2, 2));
    dns.stop().await;
}

#[tokio::test]
async fn a_stopped_instance_is_passed_over_and_all_stopped_is_unavailable() {
    let dns = dns(TTL).await;
    let a = HttpServer::start("a").await;
    let b = HttpServer::start("b").await;
    let (a_addr, b_addr) = (a.addr, b.addr);
    dns.register("screening", "task-a", LOOPBACK, a.port());
    dns.register("screening", "task-b", LOOPBACK, b.port());
    let client = discovery(&dns).client("screening", http_client(PATIENT));

    a.stop().await;
    for call in 0..4 {
        // Not repeatable: a refused connection never delivered the request,
        // so moving on is safe for any request.
        let answer = ping(&client, false).await;
        assert_eq!(answer.unwrap(), "b", "call {call}");
    }
    assert_eq!(b.hits(), 4);

    b.stop().await;
    match ping(&client, false).await.unwrap_err() {
        CallError::Unavailable { service, attempts } => {
            assert_eq!(service, "screening");
            let mut attempts = attempts;
            attempts.sort();
            let mut expected = vec![
                format!("{a_addr}: connection refused"),
                format!("{b_addr}: connection refused"),
            ];
            expected.sort();
            assert_eq!(attempts, expected);
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    dns.stop().await;
}

#[tokio::test]
async fn unavailable_reads_as_a_sentence_naming_every_instance() {
    let dns = dns(TTL).await;
    let (a, b) = (closed_port().await, closed_port().await);
    dns.register("screening", "task-a", LOOPBACK, a.port());
    dns.register("screening", "task-b", LOOPBACK, b.port());
    let client = discovery(&dns).client("screening", http_client(PATIENT));

    let text = ping(&client, true).await.unwrap_err().to_string();

    assert!(
        text.starts_with("screening is unavailable: 2 instances tried: "),
        "{text}"
    );
    assert!(text.contains(&format!("{a}: connection refused")), "{text}");
    assert!(text.contains(&format!("{b}: connection refused")), "{text}");
    dns.stop().await;
}

#[tokio::test]
async fn a_timeout_is_not_sent_elsewhere_unless_the_request_is_repeatable() {
    let dns = dns(TTL).await;
    let hanging = HangingServer::start().await;
    let good = HttpServer::start("good").await;
    dns.register("screening", "task-a", LOOPBACK, hanging.addr.port());
    dns.register("screening", "task-b", LOOPBACK, good.port());
    let client = discovery(&dns).client("screening", http_client(IMPATIENT));

    // Two calls start at the two instances in turn, so one of them meets the
    // hanging instance first (and later ones skip it while it cools down).
    let first = ping(&client, false).await;
    let second = ping(&client, false).await;
    let (failed, succeeded): (Vec<_>, Vec<_>) =
        [first, second].into_iter().partition(Result::is_err);
    assert_eq!(succeeded.len(), 1, "one call answered by the good instance");
    match failed.into_iter().next().unwrap().unwrap_err() {
        CallError::Unavailable { attempts, .. } => {
            assert_eq!(attempts.len(), 1, "not retried: {attempts:?}");
            assert!(
                attempts[0].starts_with(&format!("{}: timed out", hanging.addr)),
                "{attempts:?}"
            );
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(good.hits(), 1, "the timed-out request was not sent again");
    assert_eq!(hanging.accepted(), 1);
    dns.stop().await;
}

#[tokio::test]
async fn a_repeatable_request_that_times_out_goes_to_the_next_instance() {
    let dns = dns(TTL).await;
    let hanging = HangingServer::start().await;
    let good = HttpServer::start("good").await;
    dns.register("screening", "task-a", LOOPBACK, hanging.addr.port());
    dns.register("screening", "task-b", LOOPBACK, good.port());
    let client = discovery(&dns).client("screening", http_client(IMPATIENT));

    assert_eq!(ping(&client, true).await.unwrap(), "good");
    assert_eq!(ping(&client, true).await.unwrap(), "good");

    // One of the two calls started at the hanging instance, timed out there
    // and was answered by the good one.
    assert_eq!(hanging.accepted(), 1);
    assert_eq!(good.hits(), 2);
    dns.stop().await;
}

#[tokio::test]
async fn an_unknown_service_is_a_discovery_error() {
    let dns = dns(TTL).await;
    let client = discovery(&dns).client("nosuch", http_client(PATIENT));

    let error = ping(&client, true).await.unwrap_err();

    assert!(
        matches!(
            error,
            CallError::Discovery(cdd_discovery::DiscoveryError::NotFound { .. })
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("nosuch.cdd.local does not resolve")
    );
    dns.stop().await;
}
