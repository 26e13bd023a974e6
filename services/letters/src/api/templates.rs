//! `/v1/templates`: publish, read and list letter templates.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;

use cdd_contracts::letters::DecisionOutcome;
use cdd_platform::auth::Caller;
use cdd_platform::json::{FieldErrors, JsonBody, JsonObject};
use cdd_platform::problem::Problem;

use super::{ANY_ROLE, AppState, TEMPLATE_AUTHORS, params};
use crate::catalogue::Publication;
use crate::store::StoredTemplate;
use crate::template::{FieldName, FieldSpec, FieldType, TemplateSource, effective_decision};

fn view(template: &StoredTemplate) -> Value {
    serde_json::json!({
        "name": template.name,
        "version": template.version,
        "description": template.source.description,
        "subject": template.source.subject,
        "fields": template.source.fields,
        "body": template.source.body,
        "decision": effective_decision(&template.name, &template.source),
        "published_at": template.published_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "published_by": template.published_by,
    })
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A text field taken as written (not trimmed: line numbers must match).
fn text(obj: &JsonObject<'_>, name: &str, required: bool, errors: &mut FieldErrors) -> String {
    match obj.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            errors.add(
                obj.path_of(name),
                format!("must be a string, not {}", json_kind(other)),
            );
            String::new()
        }
        None if required => {
            errors.add(obj.path_of(name), "is required");
            String::new()
        }
        None => String::new(),
    }
}

fn field_type(raw: &str) -> Option<FieldType> {
    serde_json::from_value(Value::String(raw.to_owned())).ok()
}

fn field_spec(path: &str, value: &Value, errors: &mut FieldErrors) -> Option<FieldSpec> {
    let obj = JsonObject::of(path, value, errors)?;
    obj.deny_unknown(&["name", "type", "optional"], errors);
    let name = obj.required_string("name", errors).and_then(|raw| {
        FieldName::parse(raw)
            .map_err(|e| errors.add(obj.path_of("name"), e.reason))
            .ok()
    });
    let field_type = obj.required_string("type", errors).and_then(|raw| {
        let parsed = field_type(raw);
        if parsed.is_none() {
            errors.add(
                obj.path_of("type"),
                "must be one of string, date, integer, boolean, string_list",
            );
        }
        parsed
    });
    let optional = obj.bool("optional", errors).unwrap_or(false);
    Some(FieldSpec {
        name: name?,
        field_type: field_type?,
        optional,
    })
}

/// Reads a template declaration, naming every field that is missing or of
/// the wrong type (compiling comes after).
fn parse_source(body: &Value) -> Result<TemplateSource, Problem> {
    let mut errors = FieldErrors::new();
    let source = JsonObject::of("", body, &mut errors).map(|obj| {
        obj.deny_unknown(
            &["description", "subject", "fields", "body", "decision"],
            &mut errors,
        );
        let description = text(&obj, "description", false, &mut errors);
        let subject = text(&obj, "subject", true, &mut errors);
        let body = text(&obj, "body", true, &mut errors);
        let fields = obj
            .array("fields", &mut errors)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(path, value)| field_spec(&path, value, &mut errors))
            .collect();
        let decision = match obj.get("decision") {
            None | Some(Value::Null) => None,
            Some(value) => {
                let outcome = value.as_str().and_then(DecisionOutcome::parse);
                if outcome.is_none() {
                    errors.add(obj.path_of("decision"), "must be approve, reject or null");
                }
                outcome
            }
        };
        TemplateSource {
            description,
            subject,
            fields,
            body,
            decision,
        }
    });
    errors.finish(source)
}

fn located(template: &StoredTemplate, status: StatusCode) -> Response {
    let mut res = (status, Json(view(template))).into_response();
    let location = format!(
        "/v1/templates/{}?version={}",
        template.name, template.version
    );
    if let Ok(value) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, value);
    }
    res
}

/// `PUT /v1/templates/{name}`: 201 with a new version, or 200 when the
/// latest version already has exactly this declaration.
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(TEMPLATE_AUTHORS)?;
    let name = params::template_name(&name)?;
    let source = parse_source(&body)?;
    match state
        .catalogue
        .publish(&name, source, &caller.subject)
        .await?
    {
        Publication::Published(template) => {
            tracing::info!(template = %template.name, version = %template.version, "template published");
            Ok(located(&template, StatusCode::CREATED))
        }
        Publication::Unchanged(template) => Ok(located(&template, StatusCode::OK)),
    }
}

/// `GET /v1/templates/{name}[?version=N]`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    params::only_known(&query, &["version"])?;
    let name = params::template_name(&name)?;
    let version = params::version(&query)?;
    let template = state.catalogue.stored(&name, version).await?;
    Ok(Json(view(&template)).into_response())
}

/// `GET /v1/templates`: every name with its latest version.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    params::only_known(&query, &[])?;
    let templates = state.catalogue.list().await?;
    Ok(Json(serde_json::json!({ "templates": templates })).into_response())
}
