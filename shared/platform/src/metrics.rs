//! Metrics a platform team can alarm on, as Prometheus text (format 0.0.4)
//! at `GET /metrics` (no token, like `/health/*`).
//!
//! A service registers its own metrics in a [`Registry`] at start and hands
//! it to the `ServiceRouter`, which adds what every service has:
//! `http_server_request_duration_seconds`, the OpenTelemetry semantic
//! convention `http.server.request.duration` under its Prometheus name, by
//! method, route TEMPLATE and status. Labels never carry a raw path: paths
//! carry customer ids.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
pub use prometheus_client::registry::Registry;
use prometheus_client::registry::Unit;

/// The semantic convention's advisory buckets for
/// `http.server.request.duration`, in seconds.
const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// One series of the request-duration histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    http_request_method: &'static str,
    /// The route template (`/v1/customers/{id}`), `unmatched` for a path no
    /// route takes (so a scan of random paths adds one series, not many).
    http_route: String,
    http_response_status_code: u16,
}

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

/// The request-duration histogram the request layer feeds.
#[derive(Clone)]
pub(crate) struct HttpMetrics {
    durations: Family<HttpLabels, Histogram, fn() -> Histogram>,
}

impl HttpMetrics {
    /// Registers the histogram in `registry`.
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let durations: Family<HttpLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(duration_histogram);
        registry.register_with_unit(
            "http_server_request_duration",
            "Duration of HTTP server requests",
            Unit::Seconds,
            durations.clone(),
        );
        Self { durations }
    }

    pub(crate) fn observe(&self, method: &Method, route: String, status: StatusCode, secs: f64) {
        let labels = HttpLabels {
            http_request_method: method_label(method),
            http_route: route,
            http_response_status_code: status.as_u16(),
        };
        self.durations.get_or_create(&labels).observe(secs);
    }
}

/// The method as the semantic convention names it; any other is `_OTHER`,
/// so a client inventing methods cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::PATCH => "PATCH",
        _ => "_OTHER",
    }
}

/// The registry as Prometheus text.
pub(crate) fn exposition(registry: &Registry) -> Response {
    let mut text = String::new();
    match prometheus_client::encoding::prometheus_text::encode(&mut text, registry) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
                ),
            )],
            text,
        )
            .into_response(),
        Err(_) => {
            tracing::error!("encoding the metrics failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_methods_become_labels() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(
            method_label(&Method::from_bytes(b"BREW").unwrap()),
            "_OTHER"
        );
    }
}
