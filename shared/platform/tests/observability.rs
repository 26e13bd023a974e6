//! Over real HTTP: a request joins its caller's trace (or starts one when
//! the `traceparent` is missing or malformed, never refusing the request),
//! its log lines carry `trace_id`, `span_id` and `request_id`, and
//! `GET /metrics` (no token) counts by route template what was asked.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use cdd_platform::auth::{Authenticator, Role, issue_token};
use cdd_platform::http::{DependencyCheck, Readiness, ServiceRouter, Shutdown};
use cdd_platform::trace;
use cdd_test_support::prometheus_text;
use serde_json::{Value, json};

struct Ready;

#[async_trait]
impl Readiness for Ready {
    async fn check(&self) -> Vec<DependencyCheck> {
        vec![]
    }
}

/// A service whose one route answers the trace it ran in, and logs a line.
async fn start() -> (String, String) {
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
            let span = trace::current().expect("the request layer sets the span");
            axum::Json(json!({
                "trace_id": span.trace_id.to_string(),
                "span_id": span.span_id.to_string(),
                "parent_id": span.parent_id.map(|p| p.to_string()),
            }))
        }),
    );
    let service = ServiceRouter {
        service: "observed",
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
    tokio::spawn(async move { service.serve(Duration::ZERO).await.ok() });
    (base, token)
}

const PARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

#[tokio::test]
async fn a_request_joins_the_callers_trace_or_starts_one() {
    let (base, token) = start().await;
    let client = reqwest::Client::new();
    let get = |traceparent: Option<&'static str>| {
        let mut req = client
            .get(format!("{base}/v1/customers/c-1"))
            .bearer_auth(&token);
        if let Some(t) = traceparent {
            req = req.header("traceparent", t);
        }
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };

    let joined = get(Some(PARENT)).await;
    assert_eq!(joined["trace_id"], "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(joined["parent_id"], "b7ad6b7169203331");
    assert_ne!(joined["span_id"], "b7ad6b7169203331");

    let started = get(None).await;
    assert_eq!(started["parent_id"], Value::Null);
    assert_ne!(started["trace_id"], joined["trace_id"]);

    // Malformed: uppercase hex, a zero trace id. Served all the same, in a
    // new trace.
    for bad in [
        "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",
    ] {
        let answer = get(Some(bad)).await;
        assert_eq!(answer["parent_id"], Value::Null, "{bad}");
        assert_ne!(answer["trace_id"], "0af7651916cd43dd8448eb211c80319c");
    }
}

/// The log lines, as the JSON subscriber writes them in a container.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn every_log_line_of_a_request_carries_its_trace_and_request_id() {
    use tracing_subscriber::layer::SubscriberExt;
    let captured = Captured::default();
    let writer = captured.clone();
    // The same layer settings as `telemetry::init` for JSON.
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(move || writer.clone()),
    );
    // This thread runs the server and the client alike (current_thread).
    let _guard = tracing::subscriber::set_default(subscriber);
    let (base, token) = start().await;
    let res = reqwest::Client::new()
        .get(format!("{base}/v1/customers/c-2"))
        .bearer_auth(&token)
        .header("traceparent", PARENT)
        .header("x-request-id", "req-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line: Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["message"] == "customer read")
        .unwrap_or_else(|| panic!("no `customer read` line in {text}"));
    assert_eq!(line["span"]["trace_id"], "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(line["span"]["parent_span_id"], "b7ad6b7169203331");
    assert_eq!(line["span"]["request_id"], "req-42");
    assert_eq!(line["span"]["span_id"].as_str().unwrap().len(), 16);
    // The route template, never the customer id of the path.
    assert_eq!(line["span"]["route"], "/v1/customers/{id}");
}

#[tokio::test]
async fn metrics_count_each_request_by_route_template_and_status() {
    let (base, token) = start().await;
    let client = reqwest::Client::new();
    for id in ["c-1", "c-2", "c-3"] {
        let res = client
            .get(format!("{base}/v1/customers/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    // Refused without a token: counted with its status.
    let res = client
        .get(format!("{base}/v1/customers/c-4"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = client
        .get(format!("{base}/no/such/path"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // No token needed.
    let res = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = res.text().await.unwrap();
    let metrics = prometheus_text::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        metrics.types["http_server_request_duration_seconds"],
        "histogram"
    );
    let count = |route: &str, status: &str| {
        metrics.value(
            "http_server_request_duration_seconds_count",
            &[
                ("http_request_method", "GET"),
                ("http_route", route),
                ("http_response_status_code", status),
            ],
        )
    };
    assert_eq!(count("/v1/customers/{id}", "200"), Some(3.0));
    assert_eq!(count("/v1/customers/{id}", "401"), Some(1.0));
    assert_eq!(count("unmatched", "404"), Some(1.0));
    // No raw path, so no customer id, in any label.
    assert!(
        !text.contains("c-1") && !text.contains("/no/such/path"),
        "{text}"
    );
}
