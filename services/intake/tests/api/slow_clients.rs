//! Clients that stall or break off, on a raw socket: each is answered or cut
//! off within the client read timeout (a slowloris defence), gets a 4xx and
//! never a 5xx, and leaves nothing half-stored.

use std::time::{Duration, Instant};

use cdd_platform::auth::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, spawn_app_in, token};

async fn connect(app: &TestApp) -> TcpStream {
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    TcpStream::connect(("127.0.0.1", port)).await.unwrap()
}

/// Everything the server sends until it closes the connection; panics if
/// it neither answers nor closes within `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept a stalled connection open");
    String::from_utf8_lossy(&received).into_owned()
}

/// A create whose headers promise 1000 bytes of body, and the body's start.
fn create_with_half_a_body(key: &str) -> String {
    format!(
        "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nIdempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"kind\":",
        token(Role::Clerk, "clerk-1")
    )
}

async fn customers_stored(app: &TestApp) -> usize {
    let res = app
        .client
        .get(app.url("/v1/customers"))
        .bearer_auth(token(Role::Analyst, "analyst-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    body["customers"]
        .as_array()
        .expect("a list of customers")
        .len()
}

#[tokio::test]
async fn a_body_that_stops_coming_gets_408_within_the_client_read_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(
        dir.path(),
        &[
            ("CDD_REQUEST_TIMEOUT_MS", "20000"),
            ("CDD_CLIENT_READ_TIMEOUT_MS", "300"),
        ],
    )
    .await;
    let mut stream = connect(&app).await;
    stream
        .write_all(create_with_half_a_body("stalled-body").as_bytes())
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("application/problem+json") && answer.contains("/request-timeout"),
        "{answer}"
    );
    assert!(
        answer.contains("Content-Length"),
        "the detail says what to do: {answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(customers_stored(&app).await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_body_still_arriving_at_the_request_timeout_is_the_clients_delay_408_not_503() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir.path(), &[("CDD_REQUEST_TIMEOUT_MS", "200")]).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(create_with_half_a_body("slow-body").as_bytes())
        .await
        .unwrap();
    // Trickle: each piece inside the read timeout, the whole past the
    // request timeout.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if stream.write_all(b" ").await.is_err() {
            break;
        }
    }
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("/request-timeout"), "{answer}");
    assert_eq!(customers_stored(&app).await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_body_cut_short_by_the_client_is_never_a_5xx_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir.path(), &[]).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(create_with_half_a_body("cut-short").as_bytes())
        .await
        .unwrap();
    // The client says it is done sending, 992 bytes early.
    stream.shutdown().await.unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
    assert_eq!(customers_stored(&app).await, 0);
    app.stop().await;
}

#[tokio::test]
async fn unfinished_headers_are_cut_off_within_the_client_read_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir.path(), &[("CDD_CLIENT_READ_TIMEOUT_MS", "300")]).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Trickle: a")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.is_empty(), "no answer to half a request: {answer}");
    assert!(started.elapsed() < Duration::from_secs(3));
    app.stop().await;
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_client_read_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir.path(), &[("CDD_CLIENT_READ_TIMEOUT_MS", "300")]).await;
    // Never a byte sent.
    let mut silent = connect(&app).await;
    // One request answered, then nothing more on a keep-alive connection.
    let mut kept_alive = connect(&app).await;
    kept_alive
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    assert!(
        read_until_closed(&mut silent, Duration::from_secs(5))
            .await
            .is_empty()
    );
    let answered = read_until_closed(&mut kept_alive, Duration::from_secs(5)).await;
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert!(started.elapsed() < Duration::from_secs(3));
    app.stop().await;
}
