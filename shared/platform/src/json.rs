//! Reading JSON request bodies so that bad input gets a clear 4xx.
//!
//! [`JsonBody`] checks the content type and the syntax and yields a
//! `serde_json::Value`; [`JsonObject`] then reads fields one by one and
//! collects a [`FieldError`] for *every* missing, mistyped or unknown field,
//! which serde's derive (stopping at the first) cannot do.

use axum::extract::{FromRequest, Request};
use bytes::Bytes;
use http::header;
use serde_json::{Map, Value};

use crate::problem::{self, FieldError, Problem};

/// A JSON body that is syntactically valid.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| {
                let essence = ct
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(Problem::new(
                problem::UNSUPPORTED_MEDIA_TYPE,
                "the request body must be JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses bytes as JSON, naming the line and column of a syntax error.
pub fn parse_json(bytes: &[u8]) -> Result<Value, Problem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::new(
            problem::MALFORMED_JSON,
            "the request body is empty",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        Problem::new(
            problem::MALFORMED_JSON,
            format!(
                "malformed JSON at line {} column {}: {}",
                e.line(),
                e.column(),
                syntax_reason(&e)
            ),
        )
    })
}

fn syntax_reason(e: &serde_json::Error) -> String {
    // serde_json's message ends with " at line X column Y"; we say that ourselves.
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Maps axum's body rejections (size limit, broken stream) to problems.
pub fn body_rejection(rejection: axum::extract::rejection::BytesRejection) -> Problem {
    if rejection.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
        Problem::new(
            problem::PAYLOAD_TOO_LARGE,
            "the request body is larger than this service accepts",
        )
    } else {
        Problem::new(
            problem::INVALID_REQUEST,
            format!(
                "the request body could not be read: {}",
                rejection.body_text()
            ),
        )
    }
}

/// Collected field errors for one request.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(value)` when no error was recorded, else a 422 naming every field.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Problem> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ if self.0.is_empty() => Err(Problem::new(
                problem::VALIDATION,
                "the request is not valid",
            )),
            _ => Err(Problem::validation(self.0)),
        }
    }
    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// A JSON object being read, with its path for error messages.
#[derive(Clone, Copy)]
pub struct JsonObject<'a> {
    path: &'a str,
    map: &'a Map<String, Value>,
}

/// Joins a parent path and a field name: `address` + `city` → `address.city`.
pub fn join_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> JsonObject<'a> {
    /// Reads `value` as an object; records an error at `path` otherwise.
    pub fn of(path: &'a str, value: &'a Value, errors: &mut FieldErrors) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Self { path, map }),
            other => {
                let field = if path.is_empty() { "(body)" } else { path };
                errors.add(
                    field,
                    format!("must be an object, not {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn path_of(&self, name: &str) -> String {
        join_path(self.path, name)
    }

    /// A field's value; `null` counts as absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Records every field not in `allowed` as unknown.
    pub fn deny_unknown(&self, allowed: &[&str], errors: &mut FieldErrors) {
        for key in self.map.keys() {
            if !allowed.contains(&key.as_str()) {
                errors.add(
                    self.path_of(key),
                    format!("unknown field; expected one of: {}", allowed.join(", ")),
                );
            }
        }
    }

    fn missing(&self, name: &str, errors: &mut FieldErrors) {
        errors.add(self.path_of(name), "is required");
    }

    /// An optional string field, trimmed; an empty string is an error.
    pub fn string(&self, name: &str, errors: &mut FieldErrors) -> Option<&'a str> {
        match self.get(name)? {
            Value::String(s) if s.trim().is_empty() => {
                errors.add(self.path_of(name), "must not be empty");
                None
            }
            Value::String(s) => Some(s.trim()),
            other => {
                errors.add(
                    self.path_of(name),
                    format!("must be a string, not {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn required_string(&self, name: &str, errors: &mut FieldErrors) -> Option<&'a str> {
        if !self.has(name) {
            self.missing(name, errors);
            return None;
        }
        self.string(name, errors)
    }

    pub fn bool(&self, name: &str, errors: &mut FieldErrors) -> Option<bool> {
        match self.get(name)? {
            Value::Bool(b) => Some(*b),
            other => {
                errors.add(
                    self.path_of(name),
                    format!("must be true or false, not {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn number(&self, name: &str, errors: &mut FieldErrors) -> Option<f64> {
        match self.get(name)? {
            Value::Number(n) => n.as_f64(),
            other => {
                errors.add(
                    self.path_of(name),
                    format!("must be a number, not {}", type_name(other)),
                );
                None
            }
        }
    }

    pub fn object(&self, name: &str, errors: &mut FieldErrors) -> Option<(String, &'a Value)> {
        let value = self.get(name)?;
        if value.is_object() {
            Some((self.path_of(name), value))
        } else {
            errors.add(
                self.path_of(name),
                format!("must be an object, not {}", type_name(value)),
            );
            None
        }
    }

    pub fn required_object(
        &self,
        name: &str,
        errors: &mut FieldErrors,
    ) -> Option<(String, &'a Value)> {
        if !self.has(name) {
            self.missing(name, errors);
            return None;
        }
        self.object(name, errors)
    }

    /// An array field's items with their paths (`parties[0]`).
    pub fn array(&self, name: &str, errors: &mut FieldErrors) -> Option<Vec<(String, &'a Value)>> {
        match self.get(name)? {
            Value::Array(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{}[{i}]", self.path_of(name)), v))
                    .collect(),
            ),
            other => {
                errors.add(
                    self.path_of(name),
                    format!("must be an array, not {}", type_name(other)),
                );
                None
            }
        }
    }

    /// An array of strings.
    pub fn strings(&self, name: &str, errors: &mut FieldErrors) -> Option<Vec<(String, &'a str)>> {
        let items = self.array(name, errors)?;
        let mut out = Vec::with_capacity(items.len());
        for (path, v) in items {
            match v {
                Value::String(s) if !s.trim().is_empty() => out.push((path, s.trim())),
                Value::String(_) => errors.add(path, "must not be empty"),
                other => errors.add(path, format!("must be a string, not {}", type_name(other))),
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_bad_field_is_named() {
        let body = json!({"name": 7, "pep": "yes", "address": {"city": ""}, "extra": 1});
        let mut errors = FieldErrors::new();
        let obj = JsonObject::of("", &body, &mut errors).unwrap();
        obj.deny_unknown(&["name", "pep", "address", "birth_date"], &mut errors);
        obj.required_string("name", &mut errors);
        obj.required_string("birth_date", &mut errors);
        obj.bool("pep", &mut errors);
        let (path, addr) = obj.required_object("address", &mut errors).unwrap();
        let addr = JsonObject::of(&path, addr, &mut errors).unwrap();
        addr.required_string("city", &mut errors);
        let fields: Vec<String> = errors.into_vec().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["extra", "name", "birth_date", "pep", "address.city"]
        );
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = parse_json(b"{\n  \"a\": 1,\n  oops\n}").unwrap_err();
        assert!(err.detail.contains("line 3 column 3"), "{}", err.detail);
        assert_eq!(err.status(), http::StatusCode::BAD_REQUEST);
    }
}
