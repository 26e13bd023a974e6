//! `cdd up` brings the platform up, serves its main job, and stops cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A base port with the three ports after it free too (`cdd up` uses base..base+3).
fn free_base_port() -> u16 {
    loop {
        let base = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if base < 65000
            && (0..4).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok())
        {
            return base;
        }
    }
}

#[tokio::test]
async fn up_serves_onboarding_and_stops_on_ctrl_c() {
    let data = tempfile::tempdir().unwrap();
    let port = free_base_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(["up", "--base-port", &port.to_string(), "--data-dir"])
        .arg(data.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
            .join("\n")
    });
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut banner = Vec::new();
    loop {
        let line = match rx.recv_timeout(Duration::from_secs(90)) {
            Ok(line) => line,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "cdd up printed no banner ({e}); its stderr:\n{}",
                    errors.join().unwrap()
                );
            }
        };
        let done = line.contains("Press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let text = banner.join("\n");
    assert!(
        text.contains(&format!("intake     http://127.0.0.1:{port}")),
        "{text}"
    );
    let clerk = banner
        .iter()
        .find(|l| l.trim_start().starts_with("clerk "))
        .unwrap();
    let token = clerk.split_whitespace().nth(1).unwrap().to_string();

    let token_cmd = Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(["token", "--role", "analyst", "--sub", "a-1"])
        .output()
        .unwrap();
    assert!(token_cmd.status.success());
    let analyst = String::from_utf8(token_cmd.stdout)
        .unwrap()
        .trim()
        .to_string();

    let client = reqwest::Client::new();
    let res = client
        .post(format!("http://127.0.0.1:{port}/v1/customers"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "up-test")
        .json(&serde_json::json!({"kind":"individual","name":"Maria Lopez","birth_date":"1980-02-03","nationalities":["ES"],
            "country_of_residence":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = client
        .get(format!("http://127.0.0.1:{port}/v1/customers/{id}"))
        .bearer_auth(&analyst)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "a token from `cdd token` is accepted");

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(
        rest.iter().any(|l| l.contains("stopped intake")),
        "{rest:?}"
    );
    assert!(
        client
            .get(format!("http://127.0.0.1:{port}/health/live"))
            .send()
            .await
            .is_err(),
        "intake is gone"
    );
    assert!(data.path().join("intake").join("intake.journal").exists());
}
