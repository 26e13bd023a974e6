//! Reading path and query parameters with clear errors (the
//! `Idempotency-Key` header is `cdd_platform::http`'s).

use std::collections::HashMap;

use cdd_platform::problem::{self, FieldError, Problem};

use crate::issued::LetterId;
use crate::letter::CustomerId;
use crate::template::{TemplateName, TemplateVersion};

/// The `{name}` path parameter of `/v1/templates/{name}`: 400 naming `name`.
pub fn template_name(raw: &str) -> Result<TemplateName, Problem> {
    TemplateName::parse(raw)
        .map_err(|e| Problem::invalid_parameter("path parameter", "name", e.reason))
}

/// The `{id}` path parameter of `/v1/letters/{id}`: 400 naming `id`.
pub fn letter_id(raw: &str) -> Result<LetterId, Problem> {
    LetterId::parse(raw).map_err(|e| Problem::invalid_parameter("path parameter", "id", e.reason))
}

/// The `{id}` path parameter of `/v1/customers/{id}/letters`: 400 naming
/// `id` when it is no customer id, as in every service.
pub fn customer_id(raw: &str) -> Result<CustomerId, Problem> {
    CustomerId::parse(raw).map_err(|e| Problem::invalid_parameter("path parameter", "id", e.reason))
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
            Problem::invalid_parameter(
                "query parameter",
                "version",
                "must be a whole number from 1",
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
