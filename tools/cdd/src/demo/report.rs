//! The demo's account of each customer: who, the risk and CDD level, the
//! alerts and how they were cleared, the documents, the decision, the
//! letters, and the audit trail, one line per event, with whether its hash
//! chain verifies.

use serde_json::Value;

use super::json::{items, text};
use super::onboarding::Onboarded;

/// Longest details column of a timeline line, in characters.
const MAX_DETAILS: usize = 140;
/// Characters of a hash worth showing: enough to recognise it.
const HASH_PREFIX: usize = 12;

pub fn print(onboarded: &Onboarded) {
    let c = &onboarded.customer;
    let name = c
        .pointer("/customer/name")
        .or_else(|| c.pointer("/customer/legal_name"))
        .and_then(Value::as_str)
        .unwrap_or("?");
    println!("=== {name} ===");
    field(
        "customer",
        format!("{} ({})", text(c, "/id"), text(c, "/kind")),
    );
    field(
        "risk",
        format!(
            "{} (score {}), {} CDD, next review {}",
            text(c, "/case/risk/level"),
            text(c, "/case/risk/score"),
            text(c, "/case/risk/cdd_level"),
            text(c, "/case/next_review_at"),
        ),
    );
    let factors: Vec<String> = items(c, "/case/risk/factors")
        .iter()
        .map(|f| text(f, "/code"))
        .collect();
    if !factors.is_empty() {
        field("factors", factors.join(", "));
    }
    let demo = if c.pointer("/case/screening/demo") == Some(&Value::Bool(true)) {
        " (FICTIONAL demo list)"
    } else {
        ""
    };
    field(
        "screening",
        format!(
            "{} screened against list version {}{demo}: {}",
            counted(c, "/case/screening/parties_screened", "party", "parties"),
            text(c, "/case/screening/list_version"),
            counted(
                c,
                "/case/screening/potential_matches",
                "potential match",
                "potential matches"
            ),
        ),
    );
    print_alerts(c);
    print_documents(&onboarded.requirements);
    print_decision(c);
    print_letters(c, &onboarded.letters_on_file);
    field("status", text(c, "/case/status"));
    print_timeline(&onboarded.audit);
    println!();
}

/// "1 party", "3 parties": the count at `pointer` with its noun.
fn counted(value: &Value, pointer: &str, one: &str, many: &str) -> String {
    let n = text(value, pointer);
    format!("{n} {}", if n == "1" { one } else { many })
}

fn field(label: &str, value: impl AsRef<str>) {
    println!("  {label:<12} {}", value.as_ref());
}

/// A second or later line under the same label.
fn more(value: impl AsRef<str>) {
    println!("  {:<12} {}", "", value.as_ref());
}

fn print_lines(label: &str, lines: Vec<String>) {
    let mut lines = lines.into_iter();
    match lines.next() {
        Some(first) => field(label, first),
        None => field(label, "none"),
    }
    lines.for_each(more);
}

fn print_alerts(c: &Value) {
    let lines = items(c, "/case/alerts")
        .iter()
        .map(|a| {
            let disposed = match a.get("disposition") {
                Some(d) if !d.is_null() => format!(
                    "{} by {}: \"{}\"",
                    text(d, "/outcome"),
                    text(d, "/by"),
                    text(d, "/reason")
                ),
                _ => "OPEN".to_string(),
            };
            format!(
                "{} {} ~ {} ({} {}, score {}) -> {disposed}",
                text(a, "/id"),
                text(a, "/party"),
                text(a, "/primary_name"),
                text(a, "/list"),
                text(a, "/entity_id"),
                text(a, "/score"),
            )
        })
        .collect();
    print_lines("alerts", lines);
}

fn print_documents(requirements: &Value) {
    let lines = items(requirements, "/requirements")
        .iter()
        .map(|r| {
            let whose = r["party"]
                .as_str()
                .map(|p| format!(" of {p}"))
                .unwrap_or_default();
            let documents: Vec<String> = items(r, "/documents")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            format!(
                "{}{whose}: {} {}",
                text(r, "/requirement"),
                text(r, "/status"),
                documents.join(", ")
            )
        })
        .collect();
    print_lines("documents", lines);
}

fn print_decision(c: &Value) {
    let Some(decision) = c.pointer("/case/decision").filter(|d| !d.is_null()) else {
        field("decision", "none");
        return;
    };
    let taken = match decision.get("taken") {
        Some(t) if !t.is_null() => format!(
            "; {} by {}",
            match text(t, "/outcome").as_str() {
                "approve" => "approved",
                "reject" => "rejected",
                other => other,
            },
            text(t, "/by")
        ),
        _ => "; not taken yet".to_string(),
    };
    field(
        "decision",
        format!(
            "{} proposed by {}{taken}",
            text(decision, "/proposed/outcome"),
            text(decision, "/proposed/by"),
        ),
    );
}

fn print_letters(c: &Value, on_file: &Value) {
    let lines = items(c, "/case/letters")
        .iter()
        .map(|l| {
            let id = text(l, "/letter_id");
            let filed = items(on_file, "/letters")
                .iter()
                .find(|f| text(f, "/id") == id)
                .map(|f| {
                    format!(
                        "{} {}, {} bytes",
                        text(f, "/template"),
                        text(f, "/format"),
                        text(f, "/size")
                    )
                })
                .unwrap_or_else(|| "NOT in the letters service".to_string());
            format!(
                "{id} {} key {} ({filed})",
                text(l, "/purpose"),
                text(l, "/key")
            )
        })
        .collect();
    print_lines("letters", lines);
}

fn print_timeline(audit: &Value) {
    let events = items(audit, "/events");
    let verification = match audit.pointer("/verification/valid") {
        Some(Value::Bool(true)) => "valid".to_string(),
        Some(Value::Bool(false)) => format!(
            "BROKEN at event {}: {}",
            text(audit, "/verification/broken_at_seq"),
            text(audit, "/verification/problem")
        ),
        _ => "unknown".to_string(),
    };
    field(
        "audit trail",
        format!("{} events, verification: {verification}", events.len()),
    );
    for event in events {
        let actor = format!(
            "{} ({})",
            text(event, "/actor/subject"),
            text(event, "/actor/role")
        );
        println!(
            "    {:>3}  {}  {actor:<22} {:<22} {}",
            text(event, "/seq"),
            short_time(&text(event, "/at")),
            text(event, "/action"),
            details(event.get("details").unwrap_or(&Value::Null)),
        );
    }
}

/// `2026-05-01T10:00:00.123456789Z` to the millisecond.
fn short_time(at: &str) -> String {
    match at.split_once('.') {
        Some((seconds, fraction)) => {
            let digits: String = fraction
                .chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect();
            let zone = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
            format!("{seconds}.{digits:0<3}{zone}")
        }
        None => match at.strip_suffix('Z') {
            Some(seconds) => format!("{seconds}.000Z"),
            None => at.to_string(),
        },
    }
}

/// Details that say what happened, shown first; the rest follow by name,
/// and free text last, where the cut at [`MAX_DETAILS`] falls.
const HEADLINE: &[&str] = &[
    "outcome",
    "purpose",
    "letter_id",
    "template",
    "kind",
    "risk_level",
    "cdd_level",
    "party",
    "entity_id",
    "parties_screened",
    "alerts_raised",
];
const FREE_TEXT: &[&str] = &["reason", "documents_requested"];

fn rank(key: &str) -> usize {
    match HEADLINE.iter().position(|k| *k == key) {
        Some(at) => at,
        None if FREE_TEXT.contains(&key) => HEADLINE.len() + 1,
        None => HEADLINE.len(),
    }
}

/// An event's details as `key=value` pairs on one line.
fn details(details: &Value) -> String {
    let line = match details {
        Value::Object(map) => {
            let mut pairs: Vec<(&String, &Value)> =
                map.iter().filter(|(_, v)| !v.is_null()).collect();
            pairs.sort_by_key(|(k, _)| (rank(k), k.as_str()));
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={}", value(v)))
                .collect::<Vec<_>>()
                .join(" ")
        }
        Value::Null => String::new(),
        other => other.to_string(),
    };
    if line.chars().count() > MAX_DETAILS {
        let cut: String = line.chars().take(MAX_DETAILS - 3).collect();
        format!("{cut}...")
    } else {
        line
    }
}

fn value(v: &Value) -> String {
    match v {
        // Digests and list versions: the first characters identify them.
        Value::String(s) if s.len() >= 32 && s.chars().all(|c| c.is_ascii_hexdigit()) => {
            format!("{}...", &s[..HASH_PREFIX])
        }
        Value::String(s) => quoted(s.clone()),
        Value::Array(items) if items.is_empty() => "none".to_string(),
        // Records (e.g. the alerts a screening raised) are shown in full
        // elsewhere in the account; the timeline says how many.
        Value::Array(items) if items.iter().any(Value::is_object) => match items.len() {
            1 => "[1 item]".to_string(),
            n => format!("[{n} items]"),
        },
        Value::Array(items) => quoted(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Value::Object(map) if map.contains_key("from") && map.contains_key("to") => {
            format!("{}->{}", value(&map["from"]), value(&map["to"]))
        }
        other => other.to_string(),
    }
}

/// Text with spaces in quotes, so that pairs stay apart.
fn quoted(text: String) -> String {
    if text.contains(' ') {
        format!("\"{text}\"")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_fit_on_one_readable_line() {
        let line = details(&json!({
            "kind": "individual",
            "risk_level": {"from": "high", "to": "low"},
            "reason": "Different person",
            "sha256": "0123456789abcdef0123456789abcdef",
            "previous": null,
        }));
        assert_eq!(
            line,
            "kind=individual risk_level=high->low sha256=0123456789ab... reason=\"Different person\""
        );
        let lists = details(&json!({
            "factors": [],
            "raised": [{"alert_id": "alt_1"}],
            "requested": ["Proof of address", "Passport"],
        }));
        assert_eq!(
            lists,
            "factors=none raised=[1 item] requested=\"Proof of address; Passport\""
        );
        let long = details(&json!({"reason": "x".repeat(500)}));
        assert_eq!(long.chars().count(), MAX_DETAILS);
        assert!(long.ends_with("..."));
    }

    #[test]
    fn times_are_shown_to_the_millisecond() {
        assert_eq!(
            short_time("2026-05-01T10:00:00.123456789Z"),
            "2026-05-01T10:00:00.123Z"
        );
        assert_eq!(
            short_time("2026-05-01T10:00:00.5Z"),
            "2026-05-01T10:00:00.500Z"
        );
        assert_eq!(
            short_time("2026-05-01T10:00:00Z"),
            "2026-05-01T10:00:00.000Z"
        );
    }
}
