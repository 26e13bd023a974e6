//! Serving a test router through the platform's HTTP stack on loopback,
//! and the small service of the observability tests: one route that
//! answers the trace it ran in, logs a line, and logs another from a
//! spawned task.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use cdd_platform::auth::{Authenticator, Role, issue_token};
use cdd_platform::http::{DependencyCheck, Readiness, ServiceRouter, Shutdown};
use cdd_platform::trace;
use serde_json::json;

struct Ready;

#[async_trait]
impl Readiness for Ready {
    async fn check(&self) -> Vec<DependencyCheck> {
        vec![]
    }
}

/// Serves `api` as service `name` through [`ServiceRouter`] (request ids,
/// traces, auth, limits) on a loopback port; its base URL and server task.
pub async fn serve(
    name: &'static str,
    api: Router,
    auth: Arc<Authenticator>,
) -> (String, tokio::task::JoinHandle<Option<()>>) {
    let service = ServiceRouter {
        service: name,
        api,
        openapi: "{}",
        readiness: Arc::new(Ready),
        auth,
        body_limit_bytes: 1024,
        request_timeout: Duration::from_secs(10),
        client_read_timeout: Duration::from_secs(10),
        shutdown: Shutdown::new(),
        metrics: Default::default(),
    }
    .bind([127, 0, 0, 1].into(), 0)
    .await
    .unwrap();
    let base = format!("http://127.0.0.1:{}", service.port());
    let server = tokio::spawn(async move { service.serve(Duration::ZERO).await.ok() });
    (base, server)
}

/// A service whose one route answers the trace it ran in, and logs a line.
pub async fn start() -> (String, String) {
    let auth = Arc::new(Authenticator::development().await.unwrap());
    let token = issue_token(
        &auth.current_key().await,
        "test",
        Role::Service,
        Duration::from_secs(60),
    )
    .unwrap();
    let api = Router::new().route(
        "/v1/customers/{id}",
        get(|Path(_id): Path<String>| async move {
            tracing::info!("customer read");
            // Work handed to its own task, as intake's first steps are.
            tokio::spawn(trace::carry(async { tracing::info!("carried step") }))
                .await
                .unwrap();
            let span = trace::current().expect("the request layer sets the span");
            axum::Json(json!({
                "trace_id": span.trace_id.to_string(),
                "span_id": span.span_id.to_string(),
                "parent_id": span.parent_id.map(|p| p.to_string()),
            }))
        }),
    );
    let (base, _server) = serve("observed", api, auth).await;
    (base, token)
}

pub const PARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
