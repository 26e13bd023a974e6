//! One onboarding is one trace: a create that arrives with a `traceparent`
//! calls screening (and the others) with a `traceparent` of the same trace
//! and a new parent id, intake's own call span. The services called here
//! are one real HTTP server that writes down what it receives.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use cdd_platform::trace::Traceparent;
use cdd_test_support::prometheus_text;

use crate::helpers::{maria, spawn_app_in};

/// Path and `traceparent` of each request received.
type Received = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A server that notes every request and answers 503, so intake's steps
/// stay pending (what it sent is all this test reads).
async fn recording_service() -> (String, Received) {
    let received: Received = Arc::default();
    let noted = received.clone();
    let app = Router::new().fallback(move |req: Request| {
        let noted = noted.clone();
        async move {
            let traceparent = req
                .headers()
                .get("traceparent")
                .map(|v| v.to_str().unwrap().to_string());
            noted
                .lock()
                .unwrap()
                .push((req.uri().path().to_string(), traceparent));
            StatusCode::SERVICE_UNAVAILABLE
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, received)
}

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

#[tokio::test]
async fn intake_calls_the_other_services_in_the_callers_trace() {
    let (url, received) = recording_service().await;
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(
        dir.path(),
        &[
            ("CDD_SCREENING_URL", url.as_str()),
            ("CDD_DOCUMENTS_URL", url.as_str()),
            ("CDD_LETTERS_URL", url.as_str()),
            // The worker's own rounds would add calls of their own traces.
            ("CDD_CASEWORK_INTERVAL_MS", "3600000"),
        ],
    )
    .await;
    let res = app
        .client
        .post(app.url("/v1/customers"))
        .bearer_auth(crate::helpers::token(
            cdd_platform::auth::Role::Clerk,
            "clerk-1",
        ))
        .header("Idempotency-Key", "traced-create")
        .header("traceparent", format!("00-{TRACE}-{CALLER_SPAN}-01"))
        .json(&maria())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());

    let calls = received.lock().unwrap().clone();
    let in_create: Vec<_> = calls
        .iter()
        .filter(|(path, _)| path != "/v1/alerts")
        .collect();
    assert!(
        in_create
            .iter()
            .any(|(path, _)| path == "/v1/screenings/batch"),
        "the create screens the customer: {calls:?}"
    );
    let mut parents = Vec::new();
    for (path, traceparent) in &in_create {
        let sent = traceparent
            .as_deref()
            .unwrap_or_else(|| panic!("{path} was called without a traceparent"));
        let sent = Traceparent::parse(sent).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(sent.trace_id.to_string(), TRACE, "{path}");
        assert_ne!(sent.parent_id.to_string(), CALLER_SPAN, "{path}");
        parents.push(sent.parent_id);
    }
    // Each call is a span of its own.
    let distinct: std::collections::HashSet<_> = parents.iter().collect();
    assert_eq!(distinct.len(), parents.len(), "{calls:?}");

    // And the create is counted under its route template.
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let metrics = prometheus_text::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        metrics.value(
            "http_server_request_duration_seconds_count",
            &[
                ("http_request_method", "POST"),
                ("http_route", "/v1/customers"),
                ("http_response_status_code", "201"),
            ],
        ),
        Some(1.0)
    );
    app.stop().await;
}
