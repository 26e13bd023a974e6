//! Reading path and query parameters with clear errors (the
//! `Idempotency-Key` and `If-Match` headers are `cdd_platform::http`'s).

use std::collections::HashMap;

use cdd_platform::problem::{self, FieldError, Problem};

use crate::domain::record::CustomerId;

/// The `{id}` path parameter: 400 naming `id` when it is no customer id.
pub fn customer_id(raw: &str) -> Result<CustomerId, Problem> {
    CustomerId::parse(raw).map_err(|e| Problem::invalid_parameter("path parameter", "id", e.reason))
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
