//! Killing the real `intake` binary with SIGKILL loses nothing it acknowledged.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cdd_platform::auth::Role;
use serde_json::Value;

use crate::helpers::{maria, token};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_intake"))
        .env_clear()
        .env("PORT", port.to_string())
        .env("CDD_ENV", "local")
        .env("CDD_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(res) = client.get(format!("{base}/health/ready")).send().await
            && res.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("intake did not become ready");
}

#[tokio::test]
async fn sigkill_after_201_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut child = start(dir.path(), port);
    wait_ready(&client, &base).await;

    // Many creates in flight; every one answered 201 must survive.
    let clerk = token(Role::Clerk, "clerk-1");
    let creates = (0..50).map(|i| {
        client
            .post(format!("{base}/v1/customers"))
            .bearer_auth(&clerk)
            .header("Idempotency-Key", format!("kill-{i}"))
            .json(&maria())
            .send()
    });
    let mut acknowledged = Vec::new();
    for res in futures::future::join_all(creates).await {
        let res = res.unwrap();
        assert_eq!(res.status(), 201);
        acknowledged.push(res.json::<Value>().await.unwrap());
    }
    child.kill().unwrap(); // SIGKILL: no drain, no flush.
    child.wait().unwrap();

    let mut child = start(dir.path(), port);
    wait_ready(&client, &base).await;
    let analyst = token(Role::Analyst, "analyst-1");
    for body in &acknowledged {
        let id = body["id"].as_str().unwrap();
        let res = client
            .get(format!("{base}/v1/customers/{id}"))
            .bearer_auth(&analyst)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{id} lost");
        assert_eq!(&res.json::<Value>().await.unwrap(), body);
    }
    // A retry after the restart still gets the first answer.
    let res = client
        .post(format!("{base}/v1/customers"))
        .bearer_auth(&clerk)
        .header("Idempotency-Key", "kill-0")
        .json(&maria())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Value>().await.unwrap()["id"],
        acknowledged[0]["id"]
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn a_second_process_cannot_share_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut first = start(dir.path(), port);
    wait_ready(&client, &base).await;
    let output = Command::new(env!("CARGO_BIN_EXE_intake"))
        .env_clear()
        .env("PORT", free_port().to_string())
        .env("CDD_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("in use by another intake process"));
    first.kill().unwrap();
    first.wait().unwrap();
}

#[test]
fn bad_settings_stop_the_service_with_every_problem_named() {
    let output = Command::new(env!("CARGO_BIN_EXE_intake"))
        .env_clear()
        .env("PORT", "http")
        .env("CDD_ENV", "prod")
        .env("CDD_BACKEND", "aws")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    for name in [
        "PORT",
        "AWS_REGION",
        "CDD_AUTH_SECRET_ID",
        "CDD_INTAKE_TABLE",
    ] {
        assert!(err.contains(name), "{name} not named in: {err}");
    }
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish_then_exits_cleanly() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut child = start(dir.path(), port);
    wait_ready(&client, &base).await;

    // Send the head and half the body, then SIGTERM, then the rest.
    let body = serde_json::to_vec(&maria()).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nIdempotency-Key: drain-1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        token(Role::Clerk, "clerk-1"),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    nix_kill_term(child.id());
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Draining: not ready any more, but the request in flight is served.
    stream.write_all(rest).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 201"), "{text}");
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
}

fn nix_kill_term(pid: u32) {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
