//! `POST /v1/compare`: two names scored with the screening scorer, for
//! analysts checking why a name did or did not match.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use cdd_platform::auth::{Caller, Role};
use cdd_platform::json::{FieldErrors, JsonBody, JsonObject};
use cdd_platform::problem::Problem;

use super::AppState;
use super::error::{subject_field_error, validation};
use super::request;
use crate::compare as score_names;

pub async fn compare(
    State(_): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(&[Role::Analyst, Role::Approver, Role::Service])?;
    let mut errors = FieldErrors::new();
    let parsed = JsonObject::of("", &body, &mut errors).and_then(|obj| {
        obj.deny_unknown(&["kind", "a", "b"], &mut errors);
        let kind = request::kind(&obj, "kind", &mut errors);
        let a = request::name(&obj, "a", &mut errors);
        let b = request::name(&obj, "b", &mut errors);
        Some((kind?, a?.to_string(), b?.to_string()))
    });
    let (kind, a, b) = errors.finish(parsed)?;
    match score_names(kind, &a, &b) {
        Ok(result) => Ok(Json(result).into_response()),
        Err(_) => {
            // Name the side(s) that cannot be screened.
            let mut field_errors = Vec::new();
            for (field, name) in [("a", &a), ("b", &b)] {
                if let Err(e) = score_names(kind, name, name) {
                    let mut fe = subject_field_error("", &e);
                    fe.field = field.to_string();
                    field_errors.push(fe);
                }
            }
            Err(validation(field_errors))
        }
    }
}
