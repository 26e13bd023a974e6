//! Reading path, query and header parameters with clear errors.

use std::collections::HashMap;

use http::HeaderMap;

use cdd_platform::problem::{self, FieldError, Problem};

use crate::error::InvalidValue;
use crate::issued::LetterId;
use crate::letter::CustomerId;
use crate::template::{TemplateName, TemplateVersion};

fn invalid(name: &str, e: &InvalidValue) -> Problem {
    let mut p = Problem::new(
        problem::INVALID_REQUEST,
        format!("parameter {name} {}", e.reason),
    );
    p.errors.push(FieldError::new(name, e.reason.clone()));
    p
}

pub fn template_name(raw: &str) -> Result<TemplateName, Problem> {
    TemplateName::parse(raw).map_err(|e| invalid("name", &e))
}

pub fn letter_id(raw: &str) -> Result<LetterId, Problem> {
    LetterId::parse(raw).map_err(|e| invalid("id", &e))
}

pub fn customer_id(raw: &str) -> Result<CustomerId, Problem> {
    CustomerId::parse(raw).map_err(|e| invalid("id", &e))
}

/// `?version=N`, when given.
pub fn version(query: &HashMap<String, String>) -> Result<Option<TemplateVersion>, Problem> {
    let Some(raw) = query.get("version") else {
        return Ok(None);
    };
    raw.parse::<u32>()
        .ok()
        .and_then(|v| TemplateVersion::new(v).ok())
        .map(Some)
        .ok_or_else(|| {
            invalid(
                "version",
                &InvalidValue {
                    what: "template version",
                    reason: "must be a whole number from 1".into(),
                },
            )
        })
}

/// Rejects query parameters the route does not know.
pub fn only_known(query: &HashMap<String, String>, known: &[&str]) -> Result<(), Problem> {
    let unknown: Vec<FieldError> = query
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| {
            let expected = if known.is_empty() {
                "this route takes no query parameters".to_owned()
            } else {
                format!(
                    "unknown query parameter; expected one of: {}",
                    known.join(", ")
                )
            };
            FieldError::new(k.clone(), expected)
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
    let problem = |detail: &str| {
        let mut p = Problem::new(problem::INVALID_REQUEST, detail);
        p.errors.push(FieldError::new("Idempotency-Key", detail));
        p
    };
    let Some(value) = headers.get("idempotency-key") else {
        return Err(problem(
            "the Idempotency-Key header is required so that a retried request cannot issue a second letter",
        ));
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(problem(
            "the Idempotency-Key header must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(key.to_owned())
}
