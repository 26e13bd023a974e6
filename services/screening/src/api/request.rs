//! Reading a screening request from JSON so that every bad field is named.
//!
//! The checks here are the cheap ones that need no normalisation (type,
//! kind, length, control characters, birth date, list sizes); what only the
//! matcher can tell (a name with no letters, too many words) comes back from
//! [`Screener::screen`](crate::Screener::screen) and is named the same way.

use serde_json::Value;

use cdd_platform::json::{FieldErrors, JsonObject};

use crate::monitoring::valid_subject_ref;
use crate::{EntityKind, MAX_NAME_CHARS, Subject, SubjectBirthDate};

/// Most countries or identifiers per subject.
pub const MAX_ITEMS: usize = 20;
/// Longest country or identifier.
pub const MAX_ITEM_CHARS: usize = 100;

/// One subject to screen, and whether to keep watching it.
#[derive(Debug, Clone)]
pub struct ScreeningRequest {
    pub subject: Subject,
    pub subject_ref: Option<String>,
    pub monitor: bool,
}

pub fn kind(obj: &JsonObject<'_>, name: &str, errors: &mut FieldErrors) -> Option<EntityKind> {
    if !obj.has(name) {
        errors.add(obj.path_of(name), "is required");
        return None;
    }
    let raw = obj.string(name, errors)?;
    match raw {
        "person" => Some(EntityKind::Person),
        "organisation" | "organization" => Some(EntityKind::Organisation),
        "vessel" => Some(EntityKind::Vessel),
        "aircraft" => Some(EntityKind::Aircraft),
        _ => {
            errors.add(
                obj.path_of(name),
                "must be one of person, organisation, vessel, aircraft",
            );
            None
        }
    }
}

/// A name: a string of at most [`MAX_NAME_CHARS`] characters without
/// control characters (a value that cannot be screened is refused here, so
/// screening never sees it).
pub fn name<'a>(obj: &JsonObject<'a>, field: &str, errors: &mut FieldErrors) -> Option<&'a str> {
    if !obj.has(field) {
        errors.add(obj.path_of(field), "is required");
        return None;
    }
    let raw = obj.string(field, errors)?;
    // Bytes first: a huge value is refused without walking it.
    if raw.len() > MAX_NAME_CHARS * 4 || raw.chars().count() > MAX_NAME_CHARS {
        errors.add(
            obj.path_of(field),
            format!("must be at most {MAX_NAME_CHARS} characters"),
        );
        return None;
    }
    if let Some(position) = raw.chars().position(char::is_control) {
        errors.add(
            obj.path_of(field),
            format!("must not contain control characters (one at position {position})"),
        );
        return None;
    }
    Some(raw)
}

fn short_strings(obj: &JsonObject<'_>, field: &str, errors: &mut FieldErrors) -> Vec<String> {
    let Some(items) = obj.strings(field, errors) else {
        return Vec::new();
    };
    if items.len() > MAX_ITEMS {
        errors.add(
            obj.path_of(field),
            format!("must have at most {MAX_ITEMS} items"),
        );
        return Vec::new();
    }
    let mut out = Vec::with_capacity(items.len());
    for (path, item) in items {
        if item.chars().count() > MAX_ITEM_CHARS || item.chars().any(char::is_control) {
            errors.add(
                path,
                format!("must be at most {MAX_ITEM_CHARS} characters, without control characters"),
            );
        } else {
            out.push(item.to_string());
        }
    }
    out
}

/// `{kind, name, birth_date?, countries?, identifiers?}` at `path`.
pub fn subject(path: &str, value: &Value, errors: &mut FieldErrors) -> Option<Subject> {
    let obj = JsonObject::of(path, value, errors)?;
    obj.deny_unknown(
        &["kind", "name", "birth_date", "countries", "identifiers"],
        errors,
    );
    let kind = kind(&obj, "kind", errors);
    let name = name(&obj, "name", errors);
    let birth_date =
        obj.string("birth_date", errors)
            .and_then(|raw| match SubjectBirthDate::parse(raw) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(
                        obj.path_of("birth_date"),
                        "must be YYYY, YYYY-MM or YYYY-MM-DD",
                    );
                    None
                }
            });
    let countries = short_strings(&obj, "countries", errors);
    let identifiers = short_strings(&obj, "identifiers", errors);
    Some(Subject {
        kind: kind?,
        name: name?.to_string(),
        birth_date,
        countries,
        identifiers,
    })
}

/// `{subject, subject_ref?, monitor?}` at `path` (the body, or a batch item).
pub fn screening(path: &str, value: &Value, errors: &mut FieldErrors) -> Option<ScreeningRequest> {
    let obj = JsonObject::of(path, value, errors)?;
    obj.deny_unknown(&["subject", "subject_ref", "monitor"], errors);
    let subject = match obj.required_object("subject", errors) {
        Some((p, v)) => subject(&p, v, errors),
        None => None,
    };
    let subject_ref = obj
        .string("subject_ref", errors)
        .and_then(|r| match valid_subject_ref(r) {
            Ok(()) => Some(r.to_string()),
            Err(message) => {
                errors.add(obj.path_of("subject_ref"), message);
                None
            }
        });
    let monitor = obj.bool("monitor", errors).unwrap_or(false);
    if monitor && subject_ref.is_none() && !obj.has("subject_ref") {
        errors.add(
            obj.path_of("subject_ref"),
            "is required when monitor is true (it names the subject in alerts)",
        );
    }
    Some(ScreeningRequest {
        subject: subject?,
        subject_ref,
        monitor,
    })
}
