//! `cdd demo` against a running `cdd up`: both customers onboarded end to
//! end, and an account of each that shows it.

use std::io::{Read, Write};
use std::process::Command;
use std::time::Duration;

use crate::helpers::Platform;

#[test]
fn demo_onboards_both_customers_end_to_end() {
    let platform = Platform::start(&[], 0);
    let out = Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(["demo", "--base-port", &platform.base_port.to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cdd demo failed ({})\nstdout:\n{stdout}\nstderr:\n{stderr}\ncdd up stderr:\n{}",
        out.status,
        platform.stderr.text()
    );

    let lines: Vec<&str> = stdout.lines().collect();
    let count = |wanted: &dyn Fn(&str) -> bool| lines.iter().filter(|l| wanted(l)).count();
    // Two accounts, each ending approved with a trail that verifies.
    assert!(stdout.contains("=== Mirela Zandervolk ==="), "{stdout}");
    assert!(
        stdout.contains("=== Northwind Components Ltd ==="),
        "{stdout}"
    );
    assert_eq!(
        count(&|l| l.trim_start().starts_with("status") && l.trim_end().ends_with("approved")),
        2,
        "{stdout}"
    );
    assert_eq!(count(&|l| l.contains("verification: valid")), 2, "{stdout}");
    // The demo list's entry was raised and cleared by the analyst.
    let alert = lines
        .iter()
        .find(|l| l.contains("~ ZANDERVOLK, Mirela") && l.contains(" -> "))
        .unwrap_or_else(|| panic!("no alert on the demo list's entry:\n{stdout}"));
    assert!(alert.contains("900002"), "{alert}");
    assert!(alert.contains("-> false_positive by analyst-1"), "{alert}");
    assert!(
        !stdout.contains("OPEN"),
        "an alert was left open:\n{stdout}"
    );
    // Every case got its request for information and its approval letter,
    // each held by the letters service.
    assert_eq!(
        count(&|l| l.contains(" request_for_information key ")),
        2,
        "{stdout}"
    );
    assert_eq!(count(&|l| l.contains(" approval key ")), 2, "{stdout}");
    assert!(!stdout.contains("NOT in the letters service"), "{stdout}");
    // The owner's passport answered the requirement on him.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("identity_document of Tomasz Brennan: verified")),
        "{stdout}"
    );
    // The timeline: one line per event, with who did what.
    for action in [
        "customer.created",
        "screening.completed",
        "alert.disposed",
        "decision.proposed",
        "decision.approved",
        "letter.issued",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(action)),
            "{action} missing from the timeline:\n{stdout}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("approver-1 (approver)") && l.contains("decision.approved")),
        "{stdout}"
    );
    drop(platform);
}

#[test]
fn demo_without_a_platform_says_how_to_start_one() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = unused.local_addr().unwrap().port();
    drop(unused);
    let out = Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(["demo", "--base-port", &port.to_string()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!(
            "intake is not ready at http://127.0.0.1:{port}/health/ready"
        )) && stderr.contains(&format!("cdd up --base-port {port}")),
        "{stderr}"
    );
}

#[test]
fn up_with_demo_brings_the_platform_up_and_onboards_both_customers() {
    let platform = Platform::start(&["--demo"], 0);
    let done = platform.stdout.wait_for(Duration::from_secs(180), |l| {
        l.starts_with("Onboarded 2 customers end to end")
    });
    assert!(
        done.is_some(),
        "the demo did not finish:\n{}\nstderr:\n{}",
        platform.stdout.text(),
        platform.stderr.text()
    );
    let still = platform.stdout.wait_for(Duration::from_secs(10), |l| {
        l.contains("The platform keeps running")
    });
    assert!(still.is_some(), "{}", platform.stdout.text());
    // Still serving after the demo.
    let mut platform = platform;
    assert!(platform.is_running(), "{}", platform.stderr.text());
    let mut intake = std::net::TcpStream::connect(("127.0.0.1", platform.base_port)).unwrap();
    intake
        .write_all(b"GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    intake.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (status, _) = platform.stop();
    assert!(status.success(), "{status}");
}
