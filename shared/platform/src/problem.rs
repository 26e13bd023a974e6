//! Errors on the wire: `application/problem+json` (RFC 9457).
//!
//! A handler returns a [`Problem`]; it travels in the response extensions
//! and is written out by the server's outer middleware, which adds the
//! request id and logs one line per failure. That way every error, including
//! those raised by extractors and layers, leaves the service in one shape.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A stable problem type; the URI is a name, not a page to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType {
    pub slug: &'static str,
    pub title: &'static str,
    pub status: StatusCode,
}

impl ProblemType {
    pub fn uri(&self) -> String {
        format!("https://cdd.example/problems/{}", self.slug)
    }
}

macro_rules! problem_types {
    ($($name:ident = ($slug:literal, $status:ident, $title:literal);)*) => {
        $(pub const $name: ProblemType = ProblemType { slug: $slug, title: $title, status: StatusCode::$status };)*
    };
}

problem_types! {
    MALFORMED_JSON = ("malformed-json", BAD_REQUEST, "The request body is not valid JSON");
    INVALID_REQUEST = ("invalid-request", BAD_REQUEST, "The request is not valid");
    VALIDATION = ("validation-failed", UNPROCESSABLE_ENTITY, "One or more fields are invalid");
    UNAUTHENTICATED = ("unauthenticated", UNAUTHORIZED, "A valid bearer token is required");
    FORBIDDEN = ("forbidden", FORBIDDEN, "Your role does not allow this action");
    NOT_FOUND = ("not-found", NOT_FOUND, "Not found");
    METHOD_NOT_ALLOWED = ("method-not-allowed", METHOD_NOT_ALLOWED, "Method not allowed");
    CONFLICT = ("conflict", CONFLICT, "The request conflicts with the current state");
    PRECONDITION_FAILED = ("precondition-failed", PRECONDITION_FAILED, "The resource has changed since you read it");
    PRECONDITION_REQUIRED = ("precondition-required", PRECONDITION_REQUIRED, "A precondition header is required");
    PAYLOAD_TOO_LARGE = ("payload-too-large", PAYLOAD_TOO_LARGE, "The request body is too large");
    UNSUPPORTED_MEDIA_TYPE = ("unsupported-media-type", UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
    IDEMPOTENCY_KEY_REUSED = ("idempotency-key-reused", UNPROCESSABLE_ENTITY, "The Idempotency-Key was already used with a different request");
    REQUEST_TIMEOUT = ("request-timeout", REQUEST_TIMEOUT, "The client did not send its request in time");
    TIMEOUT = ("timeout", SERVICE_UNAVAILABLE, "The request took too long");
    DEPENDENCY_UNAVAILABLE = ("dependency-unavailable", SERVICE_UNAVAILABLE, "A service this request depends on is unavailable");
    DEPENDENCY_REFUSED = ("dependency-refused", BAD_GATEWAY, "A service this request depends on refused it");
    INTERNAL = ("internal-error", INTERNAL_SERVER_ERROR, "Internal error");
}

/// One invalid field: a JSON pointer-like path and what is wrong with it.
/// The message never repeats the submitted value (it may be personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An error response in the making.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemType,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Seconds for `Retry-After` (with 503).
    pub retry_after: Option<u64>,
    /// The cause, for the log line only; never sent to the caller.
    pub internal: Option<String>,
}

impl Problem {
    pub fn new(kind: ProblemType, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            internal: None,
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let detail = format!("invalid fields: {}", names.join(", "));
        Self {
            errors,
            ..Self::new(VALIDATION, detail)
        }
    }

    /// A path parameter, query parameter or header (`place`) that breaks its
    /// rule: 400 `invalid-request`, with a detail and an error that name it.
    /// Every service answers a bad id, `Idempotency-Key` or `If-Match` so.
    pub fn invalid_parameter(place: &str, name: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            errors: vec![FieldError::new(name, message.clone())],
            ..Self::new(INVALID_REQUEST, format!("{place} {name} {message}"))
        }
    }

    /// An unexpected failure: the caller sees a generic message, the log the cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            internal: Some(format!("{cause:#}")),
            ..Self::new(
                INTERNAL,
                "an unexpected error occurred; quote the request id",
            )
        }
    }

    pub fn unavailable(
        detail: impl Into<String>,
        retry_after: u64,
        cause: impl std::fmt::Display,
    ) -> Self {
        Self {
            retry_after: Some(retry_after),
            internal: Some(format!("{cause:#}")),
            ..Self::new(DEPENDENCY_UNAVAILABLE, detail)
        }
    }

    pub fn status(&self) -> StatusCode {
        self.kind.status
    }

    /// The JSON body, with the request id.
    pub fn body(&self, request_id: Option<&str>) -> serde_json::Value {
        let mut body = serde_json::json!({
            "type": self.kind.uri(),
            "title": self.kind.title,
            "status": self.kind.status.as_u16(),
            "detail": self.detail,
        });
        if !self.errors.is_empty() {
            body["errors"] = serde_json::to_value(&self.errors).unwrap_or_default();
        }
        if let Some(id) = request_id {
            body["request_id"] = serde_json::Value::String(id.to_string());
        }
        body
    }

    /// The finished response; used by the middleware.
    pub fn into_finished_response(self, request_id: Option<&str>) -> Response {
        let body = serde_json::to_vec(&self.body(request_id)).unwrap_or_default();
        let mut res = (self.status(), body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        // Rendered by `http::middleware::finish_problems`, which knows the request id.
        let mut res = self.status().into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.slug, self.detail)
    }
}
