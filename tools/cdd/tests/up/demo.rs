//! `cdd demo` against a running `cdd up`: both customers onboarded end to
//! end, and an account of each that shows it.

use std::process::Command;

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
