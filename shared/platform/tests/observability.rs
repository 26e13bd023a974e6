//! Over real HTTP: a request joins its caller's trace (or starts one when
//! the `traceparent` is missing or malformed, never refusing the request),
//! and `GET /metrics` (no token) counts by route template what was asked.
//! (The log lines are checked in `trace_logs.rs`.)

mod common;

use cdd_test_support::prometheus_text;
use common::{PARENT, start};
use serde_json::Value;

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
