//! What a failed HTTP attempt means: a short reason for the operator, and
//! whether the same request may be sent to another instance.
//!
//! Sending it again is safe when the connection was never made (refused,
//! reset or timed out while connecting): the instance cannot have seen the
//! request. Once the request may have been received (a response timeout, a
//! connection dropped mid-exchange), only a repeatable request (a GET, or a
//! POST with an `Idempotency-Key`) is sent again; anything else could, say,
//! create the same customer twice.

use std::error::Error as _;
use std::io;

/// One failed attempt at one instance.
pub(crate) struct Failure {
    pub reason: String,
    /// Whether the request may be sent to the next instance.
    pub try_next: bool,
    /// Whether the instance is to blame (not so for a request that could
    /// not even be built).
    pub instance_at_fault: bool,
}

pub(crate) fn classify(error: &reqwest::Error, repeatable: bool) -> Failure {
    if error.is_builder() {
        return Failure {
            reason: format!("the request could not be built: {}", root_cause(error)),
            try_next: false,
            instance_at_fault: false,
        };
    }
    if error.is_connect() {
        let reason = if error.is_timeout() {
            "timed out while connecting".to_owned()
        } else {
            root_cause(error)
        };
        return Failure {
            reason,
            try_next: true,
            instance_at_fault: true,
        };
    }
    let reason = if error.is_timeout() {
        "timed out".to_owned()
    } else {
        root_cause(error)
    };
    if repeatable {
        Failure {
            reason,
            try_next: true,
            instance_at_fault: true,
        }
    } else {
        Failure {
            reason: format!(
                "{reason} (not sent to another instance: the request may have been received \
                 and is not repeatable)"
            ),
            try_next: false,
            instance_at_fault: true,
        }
    }
}

/// The innermost useful cause: `connection refused` rather than reqwest's
/// `error sending request for url (...)`.
fn root_cause(error: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = error.source();
    let mut last = None;
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
                io::ErrorKind::ConnectionAborted => "connection aborted".to_owned(),
                io::ErrorKind::TimedOut => "timed out".to_owned(),
                _ => io.to_string(),
            };
        }
        last = Some(cause);
        source = cause.source();
    }
    match last {
        Some(cause) => cause.to_string(),
        None => error.to_string(),
    }
}
