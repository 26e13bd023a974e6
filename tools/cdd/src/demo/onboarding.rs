//! One customer's onboarding, end to end, as the bank's staff do it
//! (docs/architecture.md §2): the clerk submits; intake screens and asks for the
//! documents; the analyst clears each alert; the clerk uploads the documents
//! the case requires and the analyst verifies them; the analyst proposes to
//! approve and an approver who is not the analyst approves (a senior
//! manager for a politically exposed person, FATF R.12); the approval
//! letter follows. Each step prints one line as it is done.

use std::time::{Duration, Instant};

use anyhow::bail;
use reqwest::Method;
use serde_json::{Value, json};

use super::applicants::{Applicant, specimen_pdf};
use super::json::{items, text};
use super::platform::{Platform, Service, Staff};

/// How often a case is read again while intake finishes its steps.
const POLL: Duration = Duration::from_millis(200);

/// What the report shows: the case as it ended, its audit trail, and the
/// letters as the letters service holds them.
pub struct Onboarded {
    pub customer: Value,
    pub requirements: Value,
    pub audit: Value,
    pub letters_on_file: Value,
}

/// Onboards `applicant`; `key` makes the submission idempotent within this
/// run (a new run onboards a new customer).
pub async fn onboard(
    platform: &Platform,
    applicant: &Applicant,
    key: &str,
    settle_within: Duration,
) -> anyhow::Result<Onboarded> {
    println!("Onboarding {} ({})", applicant.name, applicant.about);
    let submitted = platform
        .send(
            format!("submitting {}", applicant.name),
            platform
                .request(Staff::Clerk, Method::POST, Service::Intake, "/v1/customers")
                .header("Idempotency-Key", key)
                .json(&applicant.application),
        )
        .await?
        .body;
    let id = text(&submitted, "/id");
    println!(
        "  {} submitted the application: customer {id}, risk {}, {} CDD",
        Staff::Clerk.subject(),
        text(&submitted, "/case/risk/level"),
        text(&submitted, "/case/risk/cdd_level"),
    );

    // Screening and the request-for-information letter happen on submit,
    // or soon after if a service was down: wait for both.
    let customer = settle(
        platform,
        &id,
        settle_within,
        "screening and the RFI letter",
        |_| true,
    )
    .await?;
    println!(
        "  intake screened {} part{} ({} potential match{}) and issued {} letter{}",
        text(&customer, "/case/screening/parties_screened"),
        plural(&customer, "/case/screening/parties_screened", "y", "ies"),
        text(&customer, "/case/screening/potential_matches"),
        plural(&customer, "/case/screening/potential_matches", "", "es"),
        items(&customer, "/case/letters").len(),
        if items(&customer, "/case/letters").len() == 1 {
            ""
        } else {
            "s"
        },
    );

    for alert in items(&customer, "/case/alerts") {
        if !alert["disposition"].is_null() {
            continue;
        }
        let alert_id = text(alert, "/id");
        // The applicant's own PEP entry is confirmed; anything else cleared.
        let (outcome, reason, finding) = match applicant.confirmed_pep_reason {
            Some(reason) if is_own_pep_entry(alert, applicant) => (
                "confirmed_pep",
                reason,
                "confirmed as a politically exposed person",
            ),
            _ => (
                "false_positive",
                applicant.false_positive_reason,
                "cleared as a false positive",
            ),
        };
        platform
            .send(
                format!("disposing alert {alert_id} of {}", applicant.name),
                platform
                    .request(
                        Staff::Analyst,
                        Method::PUT,
                        Service::Intake,
                        &format!("/v1/customers/{id}/alerts/{alert_id}/disposition"),
                    )
                    .json(&json!({"outcome": outcome, "reason": reason})),
            )
            .await?;
        println!(
            "  {} {finding}: alert {alert_id} ({} ~ {}, {} {} entry {})",
            Staff::Analyst.subject(),
            text(alert, "/party"),
            text(alert, "/primary_name"),
            text(alert, "/category"),
            text(alert, "/list"),
            text(alert, "/entity_id"),
        );
    }

    // Read after the alerts are cleared: the risk, and with it the
    // documents required, follow what screening found.
    let requirements = requirements(platform, &id, applicant).await?;
    for requirement in items(&requirements, "/requirements") {
        if text(requirement, "/status") == "verified" {
            continue;
        }
        supply_document(platform, &id, requirement).await?;
    }
    let requirements = self::requirements(platform, &id, applicant).await?;
    if requirements["all_verified"] != json!(true) {
        let open: Vec<String> = items(&requirements, "/requirements")
            .iter()
            .filter(|r| text(r, "/status") != "verified")
            .map(|r| format!("{} ({})", text(r, "/requirement"), text(r, "/status")))
            .collect();
        bail!(
            "the documents of {} were uploaded and verified, yet intake still does not count them: {}",
            applicant.name,
            open.join(", ")
        );
    }

    let proposed = platform
        .send(
            format!("proposing to approve {}", applicant.name),
            platform
                .request(
                    Staff::Analyst,
                    Method::POST,
                    Service::Intake,
                    &format!("/v1/customers/{id}/decision"),
                )
                .json(&json!({
                    "outcome": "approve",
                    "reason": "Every required document verified, every screening alert cleared, risk within appetite.",
                })),
        )
        .await?
        .body;
    println!("  {} proposed to approve", Staff::Analyst.subject());
    // A PEP relationship is approved by senior management (FATF R.12).
    let (approver, authority) =
        if proposed.pointer("/case/risk/politically_exposed") == Some(&Value::Bool(true)) {
            (
                Staff::SeniorManager,
                "senior management, as a PEP relationship requires; four eyes: not the proposer",
            )
        } else {
            (Staff::Approver, "four eyes: not the proposer")
        };
    platform
        .send(
            format!("approving {}", applicant.name),
            platform
                .request(
                    approver,
                    Method::POST,
                    Service::Intake,
                    &format!("/v1/customers/{id}/decision/approve"),
                )
                .json(&json!({
                    "reason": "Four-eyes review: the evidence supports the analyst's proposal.",
                })),
        )
        .await?;
    println!("  {} approved ({authority})", approver.subject());

    let customer = settle(platform, &id, settle_within, "the approval letter", |c| {
        items(c, "/case/letters")
            .iter()
            .any(|l| text(l, "/purpose") == "approval")
    })
    .await?;
    let approval = items(&customer, "/case/letters")
        .iter()
        .find(|l| text(l, "/purpose") == "approval")
        .map(|l| text(l, "/letter_id"))
        .unwrap_or_default();
    println!("  letters issued the approval letter {approval}");

    let audit = platform
        .send(
            format!("reading the audit trail of {}", applicant.name),
            platform.request(
                Staff::Analyst,
                Method::GET,
                Service::Intake,
                &format!("/v1/customers/{id}/audit"),
            ),
        )
        .await?
        .body;
    let letters_on_file = platform
        .send(
            format!("reading the letters of {} from letters", applicant.name),
            platform.request(
                Staff::Analyst,
                Method::GET,
                Service::Letters,
                &format!("/v1/customers/{id}/letters"),
            ),
        )
        .await?
        .body;
    for letter in items(&customer, "/case/letters") {
        let letter_id = text(letter, "/letter_id");
        let on_file = items(&letters_on_file, "/letters")
            .iter()
            .any(|l| text(l, "/id") == letter_id);
        if !on_file {
            bail!(
                "the case of {} lists letter {letter_id}, but the letters service has no such letter for it",
                applicant.name
            );
        }
    }
    println!();
    Ok(Onboarded {
        customer,
        requirements,
        audit,
        letters_on_file,
    })
}

async fn requirements(
    platform: &Platform,
    id: &str,
    applicant: &Applicant,
) -> anyhow::Result<Value> {
    Ok(platform
        .send(
            format!("reading the documents required of {}", applicant.name),
            platform.request(
                Staff::Analyst,
                Method::GET,
                Service::Intake,
                &format!("/v1/customers/{id}/requirements"),
            ),
        )
        .await?
        .body)
}

/// The clerk uploads a document of the first accepted type (for the party
/// the requirement names, if any), and the analyst verifies it.
async fn supply_document(platform: &Platform, id: &str, requirement: &Value) -> anyhow::Result<()> {
    let requirement_name = text(requirement, "/requirement");
    let Some(document_type) = requirement["accepted_types"]
        .as_array()
        .and_then(|types| types.first())
        .and_then(Value::as_str)
    else {
        bail!("intake requires {requirement_name} but names no document type that answers it");
    };
    let party = requirement["party"].as_str();
    let whose = party.unwrap_or("the customer");
    let mut query = vec![("type", document_type)];
    query.extend(party.map(|p| ("party", p)));
    let uploaded = platform
        .send(
            format!("uploading the {document_type} of {whose}"),
            platform
                .request(
                    Staff::Clerk,
                    Method::POST,
                    Service::Documents,
                    &format!("/v1/customers/{id}/documents"),
                )
                .query(&query)
                .header("Content-Type", "application/pdf")
                .body(specimen_pdf(document_type, whose, id)),
        )
        .await?;
    let document_id = text(&uploaded.body, "/id");
    let version = uploaded
        .etag
        .unwrap_or_else(|| text(&uploaded.body, "/version"));
    platform
        .send(
            format!("verifying the {document_type} of {whose} ({document_id})"),
            platform
                .request(
                    Staff::Analyst,
                    Method::PATCH,
                    Service::Documents,
                    &format!("/v1/documents/{document_id}"),
                )
                .header("If-Match", format!("\"{version}\""))
                .json(&json!({"status": "verified"})),
        )
        .await?;
    println!(
        "  {} uploaded the {document_type} of {whose} ({document_id}); {} verified it",
        Staff::Clerk.subject(),
        Staff::Analyst.subject()
    );
    Ok(())
}

/// Reads the customer until intake has no step pending and `done` holds.
async fn settle(
    platform: &Platform,
    id: &str,
    within: Duration,
    waiting_for: &str,
    done: impl Fn(&Value) -> bool,
) -> anyhow::Result<Value> {
    let start = Instant::now();
    loop {
        let customer = platform
            .send(
                format!("reading customer {id}"),
                platform.request(
                    Staff::Analyst,
                    Method::GET,
                    Service::Intake,
                    &format!("/v1/customers/{id}"),
                ),
            )
            .await?
            .body;
        let pending: Vec<String> = items(&customer, "/case/pending")
            .iter()
            .map(|p| text(p, "/step"))
            .collect();
        if pending.is_empty() && done(&customer) {
            return Ok(customer);
        }
        if start.elapsed() > within {
            bail!(
                "waiting for {waiting_for} of customer {id}: not done after {} s (steps still pending: {}); is every service of `cdd up` running?",
                within.as_secs(),
                if pending.is_empty() {
                    "none".to_string()
                } else {
                    pending.join(", ")
                }
            );
        }
        tokio::time::sleep(POLL).await;
    }
}

/// A PEP alert on the applicant (not a related party) for the name applied
/// under: the entry the analyst confirms.
fn is_own_pep_entry(alert: &Value, applicant: &Applicant) -> bool {
    text(alert, "/category") == "pep"
        && text(alert, "/party") == applicant.name
        && text(alert, "/primary_name").eq_ignore_ascii_case(applicant.name)
}

/// "y"/"ies", ""/"es": the ending for the count at `pointer`.
fn plural(value: &Value, pointer: &str, one: &'static str, many: &'static str) -> &'static str {
    if value.pointer(pointer).and_then(Value::as_u64) == Some(1) {
        one
    } else {
        many
    }
}
