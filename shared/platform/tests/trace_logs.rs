//! The JSON log lines of a request carry `trace_id`, `span_id`,
//! `parent_span_id` and `request_id`, also from a task it spawned.
//!
//! Alone in its test binary: a subscriber set for one thread only sees
//! every line when no other test's thread meets the same log call sites
//! first (tracing caches which call sites are enabled).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{PARENT, start};
use serde_json::Value;

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
    let carried: Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["message"] == "carried step")
        .unwrap_or_else(|| panic!("no `carried step` line in {text}"));
    assert_eq!(
        carried["span"], line["span"],
        "a spawned task logs under the request"
    );
    // The route template, never the customer id of the path.
    assert_eq!(line["span"]["route"], "/v1/customers/{id}");
}
