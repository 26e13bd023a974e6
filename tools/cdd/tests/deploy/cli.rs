//! The command line: what is refused before any AWS call, and the help.

use std::process::Command;

use crate::text;

fn cdd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn help_documents_every_exit_code() {
    let out = cdd(&["deploy", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for line in [
        "  0  deployed",
        "  1  error",
        "  3  failed",
        "  4  rolled back",
        "  5  timed out",
    ] {
        assert!(help.contains(line), "{line}\n{help}");
    }
}

#[test]
fn a_deploy_that_asks_for_nothing_or_for_contradictions_is_a_usage_error() {
    let base = ["deploy", "--cluster", "c", "--service", "s"];
    for extra in [
        &[][..],
        &["--rollback", "--image", "app=repo:1"][..],
        &["--image", "app"][..],
        &["--tag", "not:a:tag"][..],
        &["--env", "app", "ONLY_TWO"][..],
        &["--tag", "1", "--timeout", "0"][..],
    ] {
        let out = cdd(&[&base[..], extra].concat());
        assert_eq!(
            out.status.code(),
            Some(2),
            "{extra:?}: {}",
            text(&out.stderr)
        );
    }
}
