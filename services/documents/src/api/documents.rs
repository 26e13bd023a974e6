//! `/v1/customers/{id}/documents` and `/v1/documents/{id}[...]`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use cdd_platform::auth::Caller;
use cdd_platform::http::IfMatch;
use cdd_platform::json::{FieldErrors, JsonBody, JsonObject};
use cdd_platform::problem::{self, Problem};

use super::{ANY_ROLE, AppState, RECORD_KEEPERS, UPLOADERS, VERIFIERS};
use crate::domain::document::{Document, DocumentType, VerificationStatus};
use crate::domain::ids::{CustomerId, DocumentId};
use crate::domain::media::MediaType;
use crate::register::{Content, DOWNLOAD_LINK_TTL, Upload};

/// Longest reason kept for a verdict or a legal hold.
const MAX_REASON_CHARS: usize = 1000;

/// The `{id}` path parameter of `/v1/customers/{id}/...`: 400 naming `id`
/// when it is no customer id, as in every service.
fn customer_id(raw: String) -> Result<CustomerId, Problem> {
    CustomerId::parse(raw).map_err(|e| Problem::invalid_parameter("path parameter", "id", e.reason))
}

/// The `{id}` path parameter of `/v1/documents/{id}...`: 400 naming `id`.
fn document_id(raw: String) -> Result<DocumentId, Problem> {
    DocumentId::parse(raw).map_err(|e| Problem::invalid_parameter("path parameter", "id", e.reason))
}

fn etag(document: &Document) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", document.version))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// The document as JSON with its version as the ETag.
fn document_response(status: StatusCode, document: &Document) -> Response {
    let mut res = (status, Json(document)).into_response();
    res.headers_mut().insert(header::ETAG, etag(document));
    res
}

/// The longest related party name a document may carry (as intake allows).
const MAX_PARTY_CHARS: usize = 200;

/// `POST /v1/customers/{id}/documents?type=...[&party=...]`: the file is the body.
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_customer): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    caller.require(UPLOADERS)?;
    let customer = customer_id(raw_customer)?;
    let mut errors = FieldErrors::new();
    for key in query
        .keys()
        .filter(|k| !["type", "party"].contains(&k.as_str()))
    {
        errors.add(
            key.clone(),
            "unknown query parameter; expected: type, party",
        );
    }
    let party = match query.get("party").map(|p| p.trim()) {
        None => None,
        Some(p)
            if p.is_empty()
                || p.chars().count() > MAX_PARTY_CHARS
                || p.chars().any(char::is_control) =>
        {
            errors.add(
                "party",
                format!("must be the related party's name: 1 to {MAX_PARTY_CHARS} characters, no control characters"),
            );
            None
        }
        Some(p) => Some(p.to_string()),
    };
    let document_type = match query.get("type") {
        None => {
            errors.add("type", "is required");
            None
        }
        Some(raw) => raw
            .parse::<DocumentType>()
            .map_err(|reason| errors.add("type", reason))
            .ok(),
    };
    let document_type = errors.finish(document_type)?;

    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(MediaType::from_declared)
        .ok_or_else(|| {
            Problem::new(
                problem::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "Content-Type must be one of: {}",
                    MediaType::accepted_list()
                ),
            )
        })?;
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());

    let upload = Upload {
        customer_id: customer,
        document_type,
        party,
        declared,
        declared_length,
        uploaded_by: caller.subject.clone(),
    };
    let document = state
        .register
        .upload(upload, body.into_data_stream())
        .await?;
    let mut res = document_response(StatusCode::CREATED, &document);
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/documents/{}", document.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}

/// `GET /v1/customers/{id}/documents`
pub async fn for_customer(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw_customer): Path<String>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    let customer = customer_id(raw_customer)?;
    let documents = state.register.customer_documents(&customer).await?;
    Ok(Json(json!({ "customer_id": customer, "documents": documents })).into_response())
}

/// `GET /v1/documents/{id}`
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    let id = document_id(raw)?;
    let document = state.register.document(&id).await?;
    Ok(document_response(StatusCode::OK, &document))
}

/// `GET /v1/documents/{id}/content`
pub async fn content(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    let id = document_id(raw)?;
    let (document, content) = state.register.content(&id).await?;
    let body = match content {
        Content::Whole(bytes) => Body::from(bytes),
        Content::Streamed(stream) => Body::from_stream(stream),
    };
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(document.content_type.mime()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(document.size));
    h.insert(header::ETAG, etag(&document));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    // RFC 9530: the digest of the whole file, for the client to check too.
    if let Ok(digest) = HeaderValue::from_str(&format!("sha-256=:{}:", document.sha256.base64())) {
        h.insert("repr-digest", digest);
    }
    Ok(res)
}

/// `GET /v1/documents/{id}/download-url`
pub async fn download_url(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    caller.require(ANY_ROLE)?;
    let id = document_id(raw)?;
    let (document, url) = state.register.download_url(&id).await?;
    let expires_at = (OffsetDateTime::now_utc() + DOWNLOAD_LINK_TTL)
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default();
    let mut res = Json(json!({
        "document_id": document.id,
        "url": url,
        "expires_at": expires_at,
        "sha256": document.sha256,
    }))
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn reason(obj: &JsonObject<'_>, required: bool, errors: &mut FieldErrors) -> Option<String> {
    let value = if required {
        obj.required_string("reason", errors)
    } else {
        obj.string("reason", errors)
    }?;
    if value.chars().count() > MAX_REASON_CHARS {
        errors.add(
            "reason",
            format!("must be at most {MAX_REASON_CHARS} characters"),
        );
        return None;
    }
    Some(value.to_owned())
}

/// `PATCH /v1/documents/{id}` `{"status": "verified"|"rejected", "reason": "..."}`
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    if_match: Result<IfMatch, Problem>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(VERIFIERS)?;
    let id = document_id(raw)?;
    let mut errors = FieldErrors::new();
    let mut verdict = None;
    if let Some(obj) = JsonObject::of("", &body, &mut errors) {
        obj.deny_unknown(&["status", "reason"], &mut errors);
        let status = obj
            .required_string("status", &mut errors)
            .and_then(|s| match s {
                "verified" => Some(VerificationStatus::Verified),
                "rejected" => Some(VerificationStatus::Rejected),
                _ => {
                    errors.add("status", "must be one of: verified, rejected");
                    None
                }
            });
        let required = status == Some(VerificationStatus::Rejected);
        let reason = reason(&obj, required, &mut errors);
        verdict = status.map(|s| (s, reason));
    }
    let (status, reason) = errors.finish(verdict)?;
    let expected = if_match?.version();
    let document = state
        .register
        .verify(&id, expected, status, reason, &caller.subject)
        .await?;
    Ok(document_response(StatusCode::OK, &document))
}

/// `PUT /v1/documents/{id}/legal-hold` `{"on": true, "reason": "..."}`
pub async fn legal_hold(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(RECORD_KEEPERS)?;
    let id = document_id(raw)?;
    let mut errors = FieldErrors::new();
    let mut hold = None;
    if let Some(obj) = JsonObject::of("", &body, &mut errors) {
        obj.deny_unknown(&["on", "reason"], &mut errors);
        if !obj.has("on") {
            errors.add("on", "is required");
        }
        let on = obj.bool("on", &mut errors);
        let reason = reason(&obj, true, &mut errors);
        hold = on.zip(reason);
    }
    let (on, reason) = errors.finish(hold)?;
    let document = state
        .register
        .legal_hold(&id, on, reason, &caller.subject)
        .await?;
    Ok(document_response(StatusCode::OK, &document))
}

/// `DELETE /v1/documents/{id}`: erasure after retention, never under a hold.
pub async fn erase(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Response, Problem> {
    caller.require(RECORD_KEEPERS)?;
    let id = document_id(raw)?;
    let document = state.register.erase(&id, &caller.subject).await?;
    Ok(document_response(StatusCode::OK, &document))
}
