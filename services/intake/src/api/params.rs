//! Reading path, query and header parameters with clear errors.

use std::collections::HashMap;

use http::HeaderMap;

use cdd_platform::problem::{self, FieldError, Problem};

use crate::domain::record::CustomerId;

pub fn customer_id(raw: &str) -> Result<CustomerId, Problem> {
    CustomerId::parse(raw).map_err(|e| {
        let mut p = Problem::new(problem::INVALID_REQUEST, format!("path parameter id {e}"));
        p.errors.push(FieldError::new("id", e));
        p
    })
}

/// Rejects query parameters the route does not know.
pub fn only_known(query: &HashMap<String, String>, known: &[&str]) -> Result<(), Problem> {
    let unknown: Vec<FieldError> = query
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| {
            FieldError::new(
                k.clone(),
                format!(
                    "unknown query parameter; expected one of: {}",
                    known.join(", ")
                ),
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        let mut p = Problem::new(problem::INVALID_REQUEST, "unknown query parameters");
        p.errors = unknown;
        Err(p)
    }
}

/// The `Idempotency-Key` header: required, 1 to 255 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<String, Problem> {
    let Some(value) = headers.get("idempotency-key") else {
        return Err(Problem::new(
            problem::INVALID_REQUEST,
            "the Idempotency-Key header is required so that a retried request cannot create a second customer",
        ));
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Problem::new(
            problem::INVALID_REQUEST,
            "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(key.to_string())
}

/// The `If-Match` version: `"3"`, `W/"3"` or `3`.
pub fn if_match_version(headers: &HeaderMap) -> Result<u64, Problem> {
    let Some(value) = headers.get(http::header::IF_MATCH) else {
        return Err(Problem::new(
            problem::PRECONDITION_REQUIRED,
            "send If-Match with the version you read (the ETag of GET /v1/customers/{id})",
        ));
    };
    let raw = value.to_str().unwrap_or("").trim();
    let raw = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
    raw.parse::<u64>().map_err(|_| {
        Problem::new(
            problem::INVALID_REQUEST,
            "If-Match must be a version number such as \"3\"",
        )
    })
}

pub fn etag(version: u64) -> http::HeaderValue {
    http::HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header")
}
