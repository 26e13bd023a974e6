//! `/v1/letters`: issue a letter, read it and its file, list a customer's.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use cdd_contracts::letters::{
    DecisionOutcome, DecisionReference, MAX_DECISION_REFERENCE_CHARS, is_decision_reference,
};
use cdd_platform::auth::Caller;
use cdd_platform::http::IdempotencyKey;
use cdd_platform::json::{FieldErrors, JsonBody, JsonObject};
use cdd_platform::problem::{self, Problem};

use super::{ANY_ROLE, AppState, DECISION_LETTER_ISSUERS, params};
use crate::catalogue::CatalogueError;
use crate::issued::base64_digest;
use crate::issuing::{IssueAnswer, IssueRequest};
use crate::letter::{CustomerId, LetterFormat};
use crate::template::{Template, TemplateName, TemplateVersion};

const FIELDS: [&str; 6] = [
    "template",
    "version",
    "customer_id",
    "data",
    "format",
    "decision",
];

/// The body with object keys sorted at every level, so the same request
/// with its keys in another order hashes the same.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

fn request_hash(body: &Value) -> String {
    let bytes = serde_json::to_vec(&canonical(body)).unwrap_or_default();
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The request's fields, each checked; `None` where a field is bad.
struct Fields {
    template: Option<TemplateName>,
    version: Option<TemplateVersion>,
    customer_id: Option<CustomerId>,
    data: Option<Map<String, Value>>,
    format: Option<LetterFormat>,
    /// `Some(None)` when absent, `None` when given but bad.
    decision: Option<Option<DecisionReference>>,
}

fn decision_reference(
    obj: &JsonObject<'_>,
    errors: &mut FieldErrors,
) -> Option<Option<DecisionReference>> {
    if !obj.has("decision") {
        return Some(None);
    }
    let (path, value) = obj.object("decision", errors)?;
    let decision = JsonObject::of(&path, value, errors)?;
    decision.deny_unknown(&["reference", "outcome"], errors);
    let reference = decision.required_string("reference", errors).and_then(|raw| {
        if is_decision_reference(raw) {
            Some(raw.to_owned())
        } else {
            errors.add(
                decision.path_of("reference"),
                format!(
                    "must be 1 to {MAX_DECISION_REFERENCE_CHARS} characters of A-Z, a-z, 0-9, _, -, : and ."
                ),
            );
            None
        }
    });
    let outcome = decision.required_string("outcome", errors).and_then(|raw| {
        let outcome = DecisionOutcome::parse(raw);
        if outcome.is_none() {
            errors.add(decision.path_of("outcome"), "must be approve or reject");
        }
        outcome
    });
    Some(Some(DecisionReference {
        reference: reference?,
        outcome: outcome?,
    }))
}

fn parse_fields(obj: &JsonObject<'_>, errors: &mut FieldErrors) -> Fields {
    obj.deny_unknown(&FIELDS, errors);
    let template = obj.required_string("template", errors).and_then(|raw| {
        TemplateName::parse(raw)
            .map_err(|e| errors.add("template", e.reason))
            .ok()
    });
    let version = obj.get("version").and_then(|raw| {
        let parsed = raw
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .and_then(|v| TemplateVersion::new(v).ok());
        if parsed.is_none() {
            errors.add("version", "must be a whole number from 1");
        }
        parsed
    });
    let customer_id = obj.required_string("customer_id", errors).and_then(|raw| {
        CustomerId::parse(raw)
            .map_err(|e| errors.add("customer_id", e.reason))
            .ok()
    });
    let data = obj
        .required_object("data", errors)
        .and_then(|(_, value)| value.as_object().cloned());
    let format = obj
        .required_string("format", errors)
        .and_then(|raw| match raw {
            "pdf" => Some(LetterFormat::Pdf),
            "html" => Some(LetterFormat::Html),
            "text" => Some(LetterFormat::Text),
            _ => {
                errors.add("format", "must be one of pdf, html, text");
                None
            }
        });
    let decision = decision_reference(obj, errors);
    Fields {
        template,
        version,
        customer_id,
        data,
        format,
        decision,
    }
}

/// A decision letter only from intake, for a recorded decision with the
/// template's outcome; no decision reference on any other letter.
fn check_decision(
    template: &Template,
    decision: Option<&DecisionReference>,
    caller: &Caller,
    errors: &mut FieldErrors,
) -> Result<(), Problem> {
    match (template.decision(), decision) {
        (Some(reports), given) => {
            caller.require(DECISION_LETTER_ISSUERS).map_err(|_| {
                Problem::new(
                    problem::FORBIDDEN,
                    format!(
                        "template {} is a decision letter: only intake issues it, after the decision it reports is recorded (four eyes); people cannot request it",
                        template.name()
                    ),
                )
            })?;
            match given {
                None => errors.add(
                    "decision",
                    format!(
                        "template {} reports a decision: give the decision's reference and outcome",
                        template.name()
                    ),
                ),
                Some(d) if d.outcome != reports => errors.add(
                    "decision.outcome",
                    format!(
                        "template {} reports the decision `{}`, not `{}`",
                        template.name(),
                        reports.as_str(),
                        d.outcome.as_str()
                    ),
                ),
                Some(_) => {}
            }
        }
        (None, Some(_)) => errors.add(
            "decision",
            format!("template {} reports no decision", template.name()),
        ),
        (None, None) => {}
    }
    Ok(())
}

fn answer(answer: IssueAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::CREATED);
    let mut res = (status, Json(answer.body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/letters/{}", answer.letter_id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    res
}

/// `POST /v1/letters` (needs `Idempotency-Key`).
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    key: Result<IdempotencyKey, Problem>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    let key = format!("{}#{}", caller.subject, key?.as_str());

    // Every bad field is named in one answer: the request's own fields, the
    // template it names, and the letter data checked against that template.
    let mut errors = FieldErrors::new();
    let fields = JsonObject::of("", &body, &mut errors).map(|obj| parse_fields(&obj, &mut errors));
    let mut template = None;
    if let Some(Fields {
        template: Some(name),
        version,
        ..
    }) = &fields
    {
        match state.catalogue.compiled(name, *version).await {
            Ok(found) => template = Some(found),
            Err(CatalogueError::NotFound {
                version: Some(v), ..
            }) => errors.add("version", format!("template {name} has no version {v}")),
            Err(CatalogueError::NotFound { .. }) => {
                errors.add("template", format!("there is no template {name}"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let (
        Some(template),
        Some(Fields {
            data: Some(data), ..
        }),
    ) = (&template, &fields)
        && let Err(bad) = template.check_data(data)
    {
        for e in bad {
            errors.add(format!("data.{}", e.field), e.to_string());
        }
    }
    if let (
        Some(template),
        Some(Fields {
            decision: Some(decision),
            ..
        }),
    ) = (&template, &fields)
    {
        check_decision(template, decision.as_ref(), &caller, &mut errors)?;
    }
    let request = fields.and_then(|f| {
        Some(IssueRequest {
            template: template?,
            customer_id: f.customer_id?,
            data: f.data?,
            format: f.format?,
            decision: f.decision?,
            idempotency_key: key,
            request_hash: request_hash(&body),
            requested_by: caller.subject.clone(),
        })
    });
    let request = errors.finish(request)?;
    Ok(answer(state.issuer.issue(request).await?))
}

/// `GET /v1/letters/{id}`: the letter's metadata.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    let id = params::letter_id(&id)?;
    let letter = state.issuer.letter(&id).await?;
    Ok(Json(letter.view()).into_response())
}

/// `GET /v1/letters/{id}/content`: the file, checked against its SHA-256.
pub async fn content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    let id = params::letter_id(&id)?;
    let (letter, bytes) = state.issuer.content(&id).await?;
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(letter.format.content_type()),
    );
    let pairs = [
        (header::ETAG, format!("\"{}\"", letter.sha256)),
        (
            header::CONTENT_DISPOSITION,
            format!(
                "inline; filename=\"{}.{}\"",
                letter.id,
                letter.format.file_extension()
            ),
        ),
        (
            header::HeaderName::from_static("repr-digest"),
            format!("sha-256=:{}:", base64_digest(&letter.sha256)),
        ),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    Ok(res)
}

/// `GET /v1/customers/{id}/letters`: oldest first.
pub async fn for_customer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    params::only_known(&query, &[])?;
    let customer = params::customer_id(&id)?;
    let letters = state.issuer.customer_letters(&customer).await?;
    let views: Vec<Value> = letters.iter().map(|l| l.view()).collect();
    Ok(Json(serde_json::json!({ "customer_id": customer, "letters": views })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_ignores_key_order() {
        let a: Value =
            serde_json::from_str(r#"{"a":1,"b":{"x":[1,{"q":1,"p":2}],"y":2}}"#).unwrap();
        let b: Value =
            serde_json::from_str(r#"{"b":{"y":2,"x":[1,{"p":2,"q":1}]},"a":1}"#).unwrap();
        assert_eq!(request_hash(&a), request_hash(&b));
        let c: Value = serde_json::from_str(r#"{"a":2}"#).unwrap();
        assert_ne!(request_hash(&a), request_hash(&c));
    }
}
