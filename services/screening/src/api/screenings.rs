//! `POST /v1/screenings` and `POST /v1/screenings/batch`: subjects against
//! the current list version, with explained matches; `monitor: true` with a
//! `subject_ref` also enrols the subject in ongoing monitoring.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use cdd_platform::auth::{Caller, Role};
use cdd_platform::json::{FieldErrors, JsonBody, JsonObject};
use cdd_platform::problem::Problem;

use super::AppState;
use super::error::{subject_field_error, validation};
use super::request::{self, ScreeningRequest};
use crate::Match;
use crate::monitoring::{LoadedLists, MonitoredSubject};

/// Most subjects in one batch.
pub const MAX_BATCH: usize = 1_000;

/// Everyone who works a case may screen; intake screens as `service`.
pub const SCREENERS: &[Role] = &[Role::Clerk, Role::Analyst, Role::Approver, Role::Service];

/// A match on the wire: the core [`Match`] plus `program` (the programs
/// joined, for readers that show one line).
#[derive(Serialize)]
struct MatchView<'a> {
    program: String,
    #[serde(flatten)]
    found: &'a Match,
}

#[derive(Serialize)]
struct ScreeningView<'a> {
    list_version: &'a str,
    demo: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_ref: Option<&'a str>,
    monitored: bool,
    matches: Vec<MatchView<'a>>,
}

#[derive(Serialize)]
struct BatchResultView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_ref: Option<&'a str>,
    monitored: bool,
    matches: Vec<MatchView<'a>>,
}

#[derive(Serialize)]
struct BatchView<'a> {
    list_version: &'a str,
    demo: bool,
    results: Vec<BatchResultView<'a>>,
}

fn views(matches: &[Match]) -> Vec<MatchView<'_>> {
    matches
        .iter()
        .map(|m| MatchView {
            program: m.programs.join(", "),
            found: m,
        })
        .collect()
}

fn enrolment(
    req: &ScreeningRequest,
    matches: &[Match],
    lists: &LoadedLists,
) -> Option<MonitoredSubject> {
    let subject_ref = req.subject_ref.as_ref().filter(|_| req.monitor)?;
    Some(MonitoredSubject {
        subject_ref: subject_ref.clone(),
        subject: req.subject.clone(),
        known_matches: matches
            .iter()
            .filter(|m| m.is_match)
            .map(|m| m.entity_id.clone())
            .collect::<BTreeSet<_>>(),
        list_version: lists.version().id.clone(),
        enrolled_at: OffsetDateTime::now_utc(),
    })
}

pub async fn screen(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(SCREENERS)?;
    let mut errors = FieldErrors::new();
    let req = request::screening("", &body, &mut errors);
    let req = errors.finish(req)?;
    let lists = state.lists.current();
    // One subject is tens of microseconds of CPU: cheaper inline than a
    // hand-off to the blocking pool.
    let matches = lists
        .screener
        .screen(&req.subject)
        .map_err(|e| validation(vec![subject_field_error("subject", &e)]))?;
    state.metrics.screened(&matches);
    let monitored = match enrolment(&req, &matches, &lists) {
        Some(subject) => {
            state.monitor.store().enroll(subject).await?;
            true
        }
        None => false,
    };
    Ok(Json(ScreeningView {
        list_version: &lists.version().id,
        demo: lists.version().demo,
        subject_ref: req.subject_ref.as_deref(),
        monitored,
        matches: views(&matches),
    })
    .into_response())
}

fn batch_requests(body: &Value, errors: &mut FieldErrors) -> Option<Vec<ScreeningRequest>> {
    let obj = JsonObject::of("", body, errors)?;
    obj.deny_unknown(&["subjects"], errors);
    if !obj.has("subjects") {
        errors.add("subjects", "is required");
        return None;
    }
    let items = obj.array("subjects", errors)?;
    if items.is_empty() {
        errors.add("subjects", "must not be empty");
        return None;
    }
    if items.len() > MAX_BATCH {
        errors.add(
            "subjects",
            format!("must have at most {MAX_BATCH} items; split the batch"),
        );
        return None;
    }
    let parsed: Vec<Option<ScreeningRequest>> = items
        .iter()
        .map(|(path, v)| request::screening(path, v, errors))
        .collect();
    parsed.into_iter().collect()
}

pub async fn batch(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    caller.require(SCREENERS)?;
    let mut errors = FieldErrors::new();
    let requests = batch_requests(&body, &mut errors);
    let requests = errors.finish(requests)?;
    let lists = state.lists.current();
    let (requests, results) = {
        let lists = lists.clone();
        tokio::task::spawn_blocking(move || {
            let subjects: Vec<crate::Subject> =
                requests.iter().map(|r| r.subject.clone()).collect();
            let results = lists.screener.screen_batch(&subjects);
            (requests, results)
        })
        .await
        .map_err(Problem::internal)?
    };
    let mut field_errors = Vec::new();
    let mut matches = Vec::with_capacity(results.len());
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(m) => matches.push(m),
            Err(e) => {
                field_errors.push(subject_field_error(&format!("subjects[{i}].subject"), &e));
                matches.push(Vec::new());
            }
        }
    }
    if !field_errors.is_empty() {
        return Err(validation(field_errors));
    }
    for found in &matches {
        state.metrics.screened(found);
    }
    let enrolments: Vec<MonitoredSubject> = requests
        .iter()
        .zip(&matches)
        .filter_map(|(r, m)| enrolment(r, m, &lists))
        .collect();
    // Concurrent enrolments share the store's flushes.
    let store = state.monitor.store();
    futures::future::try_join_all(enrolments.into_iter().map(|s| store.enroll(s))).await?;
    let results = requests
        .iter()
        .zip(&matches)
        .map(|(r, m)| BatchResultView {
            subject_ref: r.subject_ref.as_deref(),
            monitored: r.monitor && r.subject_ref.is_some(),
            matches: views(m),
        })
        .collect();
    Ok(Json(BatchView {
        list_version: &lists.version().id,
        demo: lists.version().demo,
        results,
    })
    .into_response())
}
