//! A port in use stops `cdd up` with a message that says which and what to
//! do, before any service starts.

use std::process::Command;

#[test]
fn a_dns_port_in_use_is_named_before_anything_starts() {
    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dns_port = taken.local_addr().unwrap().port();
    let base = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_port = base.local_addr().unwrap().port();
    // Free the service ports' first one; the test only needs the DNS clash.
    drop(base);
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(["up", "--base-port", &base_port.to_string()])
        .args(["--dns-port", &dns_port.to_string(), "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "port {dns_port} (UDP or TCP) for the Cloud Map DNS server is in use; pass --dns-port"
        )),
        "{stderr}"
    );
    assert!(
        std::fs::read_dir(data.path()).unwrap().next().is_none(),
        "no service was started"
    );
}
