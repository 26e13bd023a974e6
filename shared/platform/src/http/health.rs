//! Liveness and readiness.
//!
//! Live means the process answers. Ready means its dependencies answer too
//! (DynamoDB, S3, the data directory, ...) and it is not draining: once
//! shutdown starts, ready turns 503 so the load balancer stops sending work
//! while in-flight requests finish.

use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One dependency's state.
#[derive(Debug, Clone, Serialize)]
pub struct DependencyCheck {
    pub name: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl DependencyCheck {
    pub fn ok(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ok: true,
            detail: None,
        }
    }
    pub fn failed(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ok: false,
            detail: Some(detail.into()),
        }
    }
    pub fn from_result<E: std::fmt::Display>(name: impl Into<String>, r: Result<(), E>) -> Self {
        match r {
            Ok(()) => Self::ok(name),
            Err(e) => Self::failed(name, e.to_string()),
        }
    }
}

/// What a service checks before it says it is ready.
#[async_trait]
pub trait Readiness: Send + Sync + 'static {
    async fn check(&self) -> Vec<DependencyCheck>;
}

/// `--health-check`: asks the service on `127.0.0.1:port` whether it is live,
/// without curl in the image. Returns whether it answered 200.
pub async fn probe_live(port: u16) -> bool {
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()?;
        stream
            .write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut buf = Vec::with_capacity(256);
        stream.read_to_end(&mut buf).await.ok()?;
        let head = String::from_utf8_lossy(&buf);
        let status_line = head.lines().next()?;
        Some(status_line.split_whitespace().nth(1) == Some("200"))
    };
    tokio::time::timeout(Duration::from_secs(3), attempt)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}
