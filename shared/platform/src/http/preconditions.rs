//! The request headers that make a change safe, read by one rule in every
//! service: `Idempotency-Key` (a POST that may be retried) and `If-Match` (a
//! change to the version the caller read).
//!
//! Both are extractors whose rejection is a [`Problem`] naming the header:
//! a malformed value is 400 `invalid-request`, a missing `Idempotency-Key`
//! 400, a missing `If-Match` 428. A handler that checks the caller's role
//! first takes `Result<IfMatch, Problem>` and applies `?` where it wants
//! the check.

use axum::extract::FromRequestParts;
use http::header::IF_MATCH;
use http::request::Parts;
use http::{HeaderMap, HeaderValue};

// The header's name, as the callers send it.
use cdd_contracts::IDEMPOTENCY_KEY as IDEMPOTENCY_KEY_HEADER;

use crate::problem::{self, FieldError, Problem};

/// The longest `Idempotency-Key` accepted.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The `Idempotency-Key` header: required, 1 to 255 visible ASCII characters
/// (surrounding spaces ignored). OpenAPI: `^[!-~]{1,255}$`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub String);

impl IdempotencyKey {
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, Problem> {
        let Some(value) = headers.get(IDEMPOTENCY_KEY_HEADER) else {
            return Err(Problem::invalid_parameter(
                "header",
                IDEMPOTENCY_KEY_HEADER,
                "is required, so that a retried request is not carried out twice",
            ));
        };
        let key = value.to_str().unwrap_or("").trim();
        if key.is_empty()
            || key.len() > MAX_IDEMPOTENCY_KEY_LEN
            || !key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Problem::invalid_parameter(
                "header",
                IDEMPOTENCY_KEY_HEADER,
                "must be 1 to 255 visible ASCII characters",
            ));
        }
        Ok(Self(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::from_headers(&parts.headers)
    }
}

/// The version an `If-Match` header names: `"3"`, `W/"3"` or `3` (the ETag
/// every service gives a changeable resource is its version in quotes).
/// OpenAPI: `^(W/)?("[0-9]{1,19}"|[0-9]{1,19})$`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub u64);

impl IfMatch {
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, Problem> {
        let Some(value) = headers.get(IF_MATCH) else {
            let message = "is required: send the ETag (version) of what you read";
            return Err(Problem {
                errors: vec![FieldError::new(IF_MATCH_HEADER, message)],
                ..Problem::new(
                    problem::PRECONDITION_REQUIRED,
                    format!("header {IF_MATCH_HEADER} {message}"),
                )
            });
        };
        let raw = value.to_str().unwrap_or("").trim();
        let raw = raw.strip_prefix("W/").unwrap_or(raw);
        let raw = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        match raw.parse::<u64>() {
            Ok(version) if raw.bytes().all(|b| b.is_ascii_digit()) => Ok(Self(version)),
            _ => Err(Problem::invalid_parameter(
                "header",
                IF_MATCH_HEADER,
                "must be the ETag you read, a version number such as \"3\"",
            )),
        }
    }

    pub fn version(self) -> u64 {
        self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Problem;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::from_headers(&parts.headers)
    }
}

/// The `If-Match` header's name as written in documents and errors.
pub const IF_MATCH_HEADER: &str = "If-Match";

/// The ETag for `version`, which [`IfMatch`] reads back.
pub fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &'static str, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn idempotency_keys() {
        let key = IdempotencyKey::from_headers(&headers("idempotency-key", " k-1 ")).unwrap();
        assert_eq!(key.as_str(), "k-1");
        for (h, status) in [
            (HeaderMap::new(), 400),
            (headers("idempotency-key", ""), 400),
            (headers("idempotency-key", "a b"), 400),
        ] {
            let p = IdempotencyKey::from_headers(&h).unwrap_err();
            assert_eq!(p.status().as_u16(), status);
            assert!(p.detail.contains("Idempotency-Key"), "{}", p.detail);
            assert_eq!(p.errors[0].field, "Idempotency-Key");
        }
        let long = "k".repeat(256);
        let mut h = HeaderMap::new();
        h.insert("idempotency-key", HeaderValue::from_str(&long).unwrap());
        assert!(IdempotencyKey::from_headers(&h).is_err());
    }

    #[test]
    fn if_match_versions() {
        for raw in ["\"3\"", "W/\"3\"", "3", " \"3\" "] {
            assert_eq!(
                IfMatch::from_headers(&headers("if-match", raw)).unwrap(),
                IfMatch(3)
            );
        }
        let missing = IfMatch::from_headers(&HeaderMap::new()).unwrap_err();
        assert_eq!(missing.status().as_u16(), 428);
        assert_eq!(missing.errors[0].field, "If-Match");
        for raw in [
            "*",
            "\"x\"",
            "\"3",
            "3\"",
            "+3",
            "\"\"",
            "99999999999999999999",
        ] {
            let p = IfMatch::from_headers(&headers("if-match", raw)).unwrap_err();
            assert_eq!(p.status().as_u16(), 400, "{raw}");
            assert!(p.detail.contains("If-Match"), "{}", p.detail);
            assert_eq!(p.errors[0].field, "If-Match");
        }
        assert_eq!(etag(7), "\"7\"");
    }
}
