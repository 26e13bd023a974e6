//! The outermost middleware: gives each request an id, its place in a
//! trace (W3C `traceparent`) and a span, bounds its time, counts it in the
//! request-duration histogram, and turns every error response into
//! problem+json with that id.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use tracing::Instrument;

use super::body_watch;
use crate::metrics::HttpMetrics;
use crate::problem::{self, Problem};
use crate::trace::{self, SpanContext, Traceparent};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request's id, available to handlers as an extension.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A caller-supplied id is kept when it is short and printable, so ids can be
/// followed across services; anything else is replaced.
fn accept_request_id(value: Option<&HeaderValue>) -> Option<String> {
    let text = value?.to_str().ok()?;
    let ok = !text.is_empty()
        && text.len() <= 128
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    ok.then(|| text.to_string())
}

/// The first query parameter given more than once, with how often. A
/// repeated parameter (`?on=a&on=b`) would otherwise be read as one of its
/// values, silently: no route of this platform takes a list that way, so
/// the caller is told instead.
fn repeated_query_parameter(query: Option<&str>) -> Option<(String, usize)> {
    let query = query?;
    let mut seen: Vec<String> = Vec::new();
    let names: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .map(|(name, _)| name.into_owned())
        .collect();
    for name in &names {
        if seen.contains(name) {
            let times = names.iter().filter(|n| *n == name).count();
            return Some((name.clone(), times));
        }
        seen.push(name.clone());
    }
    None
}

/// The caller's trace, when it sent exactly one well-formed `traceparent`.
/// Anything else starts a new trace: a malformed header is the caller's
/// tracing problem, never a reason to refuse its request.
fn accept_traceparent(req: &Request) -> Option<Traceparent> {
    let mut values = req.headers().get_all(cdd_contracts::TRACEPARENT).iter();
    let (first, second) = (values.next()?, values.next());
    if second.is_some() {
        tracing::debug!("more than one traceparent; a new trace is started");
        return None;
    }
    let text = first.to_str().ok()?;
    match Traceparent::parse(text) {
        Ok(parent) => Some(parent),
        Err(e) => {
            tracing::debug!(error = %e, "traceparent ignored; a new trace is started");
            None
        }
    }
}

/// How long a request may take, and how long the client may leave the server
/// waiting for the next piece of what it sends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLimits {
    pub(crate) timeout: Duration,
    pub(crate) client_read_timeout: Duration,
}

pub(crate) async fn request_context(
    limits: RequestLimits,
    metrics: HttpMetrics,
    req: Request,
    next: Next,
) -> Response {
    let RequestLimits {
        timeout,
        client_read_timeout,
    } = limits;
    let (parts, body) = req.into_parts();
    let (body, body_watch) = body_watch::watch(body, client_read_timeout);
    let mut req = Request::from_parts(parts, body);
    let started = Instant::now();
    let id = accept_request_id(req.headers().get(REQUEST_ID_HEADER))
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let header_value =
        HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    req.headers_mut()
        .insert(REQUEST_ID_HEADER, header_value.clone());
    req.extensions_mut().insert(RequestId(id.clone()));
    let trace_context = SpanContext::for_request(accept_traceparent(&req));
    req.extensions_mut().insert(trace_context);
    let method = req.method().clone();
    // The route template, never the raw path: paths carry customer ids.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    // Every log line of the request carries these (JSON logs flatten the
    // current span's fields into each line).
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        trace_id = %trace_context.trace_id,
        span_id = %trace_context.span_id,
        parent_span_id = tracing::field::Empty,
        method = %method,
        route = %route,
        caller_role = tracing::field::Empty,
    );
    if let Some(parent) = trace_context.parent_id {
        span.record("parent_span_id", tracing::field::display(parent));
    }

    let repeated = repeated_query_parameter(req.uri().query());
    let response = async move {
        if let Some((name, times)) = repeated {
            return Problem::new(
                problem::INVALID_REQUEST,
                format!("query parameter `{name}` is given {times} times: give it once"),
            )
            .into_response();
        }
        let handled = trace::within(trace_context, next.run(req));
        match tokio::time::timeout(timeout, handled).await {
            // The body's error was the client's stall, whatever the handler
            // made of it.
            Ok(_) if body_watch.stalled() => Problem::new(
                problem::REQUEST_TIMEOUT,
                format!(
                    "the client sent no part of the request body for {} ms: send the whole body its Content-Length announces",
                    client_read_timeout.as_millis()
                ),
            )
            .into_response(),
            Ok(res) => res,
            // Still waiting for the client's body: its delay, not ours.
            Err(_) if body_watch.unfinished() => Problem::new(
                problem::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} ms: send the whole body its Content-Length announces",
                    timeout.as_millis()
                ),
            )
            .into_response(),
            Err(_) => Problem::new(
                problem::TIMEOUT,
                format!(
                    "the request did not finish within {} ms",
                    timeout.as_millis()
                ),
            )
            .into_response(),
        }
    }
    .instrument(span.clone())
    .await;

    let mut response = finish(response, &id);
    response
        .headers_mut()
        .insert(REQUEST_ID_HEADER, header_value);
    let status = response.status();
    let elapsed = started.elapsed().as_secs_f64();
    metrics.observe(&method, route, status, elapsed);
    let elapsed_ms = elapsed * 1000.0;
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), elapsed_ms, "request failed");
        } else if status.is_client_error() {
            tracing::info!(status = status.as_u16(), elapsed_ms, "request refused");
        } else {
            tracing::debug!(status = status.as_u16(), elapsed_ms, "request done");
        }
    });
    response
}

/// Renders a [`Problem`] left by a handler, or wraps any other error response
/// (a layer's 413, axum's 405) in problem+json.
fn finish(mut response: Response, request_id: &str) -> Response {
    if let Some(problem) = response.extensions_mut().remove::<Problem>() {
        if let Some(cause) = &problem.internal {
            if problem.status().is_server_error() {
                tracing::error!(problem = problem.kind.slug, cause = %cause, "request error");
            } else {
                tracing::warn!(problem = problem.kind.slug, cause = %cause, "request error");
            }
        }
        let mut finished = problem.into_finished_response(Some(request_id));
        // Keep headers the handler set (Allow, WWW-Authenticate, ...).
        for (name, value) in response.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                finished.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return finished;
    }
    let status = response.status();
    if status.as_u16() < 400 {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.contains("json"))
        .unwrap_or(false);
    if is_json {
        return response;
    }
    let kind = match status {
        StatusCode::NOT_FOUND => problem::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED => problem::METHOD_NOT_ALLOWED,
        StatusCode::PAYLOAD_TOO_LARGE => problem::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => problem::UNSUPPORTED_MEDIA_TYPE,
        StatusCode::UNAUTHORIZED => problem::UNAUTHENTICATED,
        StatusCode::FORBIDDEN => problem::FORBIDDEN,
        s if s.is_server_error() => problem::INTERNAL,
        _ => problem::INVALID_REQUEST,
    };
    let detail = match status {
        StatusCode::NOT_FOUND => "no such resource or route".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "this route does not accept that method".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than this service accepts".to_string()
        }
        other => other.canonical_reason().unwrap_or("error").to_string(),
    };
    let mut p = Problem::new(kind, detail);
    p.kind.status = status;
    let mut finished = p.into_finished_response(Some(request_id));
    if let Some(allow) = response.headers().get(header::ALLOW) {
        finished.headers_mut().insert(header::ALLOW, allow.clone());
    }
    finished
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_kept_only_when_safe() {
        assert_eq!(
            accept_request_id(Some(&HeaderValue::from_static("abc-123"))),
            Some("abc-123".into())
        );
        assert_eq!(
            accept_request_id(Some(&HeaderValue::from_static("has space"))),
            None
        );
        assert_eq!(
            accept_request_id(Some(&HeaderValue::from_str(&"a".repeat(200)).unwrap())),
            None
        );
        assert_eq!(accept_request_id(None), None);
    }

    #[test]
    fn a_query_parameter_given_twice_is_found() {
        assert_eq!(
            repeated_query_parameter(Some("on=a&x=1&on=b&on=c")),
            Some(("on".into(), 3))
        );
        // Percent-encoded names are the same name.
        assert_eq!(
            repeated_query_parameter(Some("on=a&%6Fn=b")),
            Some(("on".into(), 2))
        );
        assert_eq!(repeated_query_parameter(Some("on=a&off=b")), None);
        assert_eq!(repeated_query_parameter(Some("")), None);
        assert_eq!(repeated_query_parameter(None), None);
    }
}
