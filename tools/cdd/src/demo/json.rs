//! Reading the services' JSON answers without a type for each: the demo
//! shows what came back, and a field that is missing shows as `?` instead
//! of stopping the run.

use serde_json::Value;

/// The value at `pointer` (RFC 6901, e.g. `/case/status`) as text: strings
/// as they are, numbers and booleans written out, anything else `?`.
pub fn text(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
        _ => "?".to_string(),
    }
}

/// The array at `pointer`, or none.
pub fn items<'a>(value: &'a Value, pointer: &str) -> &'a [Value] {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_read_as_a_question_mark() {
        let v = serde_json::json!({"case": {"status": "open", "alerts": [1, 2], "score": 3}});
        assert_eq!(text(&v, "/case/status"), "open");
        assert_eq!(text(&v, "/case/score"), "3");
        assert_eq!(text(&v, "/case/nothing"), "?");
        assert_eq!(items(&v, "/case/alerts").len(), 2);
        assert!(items(&v, "/case/status").is_empty());
    }
}
