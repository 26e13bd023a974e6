//! A step the other service refuses for what was asked (not because it is
//! down) stops: it leaves the pending steps, the case says why in that
//! service's words, the audit trail records it once, and the worker does not
//! retry it. Here the PDF renderer refuses a name with a character no font
//! has (an unassigned code point; every script has a font).

use std::time::Duration;

use cdd_system_tests::{Platform, Storage};
use serde_json::json;

use crate::flows::{self, Staff};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_the_renderer_refuses_fails_its_step_with_the_reason_and_is_not_retried() {
    let platform = Platform::start(Storage::Embedded).await;
    let staff = Staff::new();
    let applicant = json!({
        "kind": "individual",
        "name": "Ana Pop \u{0378}",
        "birth_date": "1984-03-02",
        "nationalities": ["CN"],
        "country_of_residence": "GB",
        "address": {"line1": "8 Gerrard Street", "postal_code": "W1D 5PJ", "city": "London", "country": "GB"},
        "products": ["current_account"]
    });
    let created = flows::submit(&platform, &staff, &applicant, "unprintable").await;
    let id = flows::id(&created);
    let customer = flows::settled(&platform, &staff, &id).await;
    let case = &customer["case"];
    assert!(case["screening"]["list_version"].is_string(), "{case}");
    let failed = case["failed_steps"].as_array().expect("a failed step");
    assert_eq!(failed.len(), 1, "{case}");
    assert_eq!(failed[0]["step"], "request_information");
    let reason = failed[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("letters service refused") && reason.contains("U+0378"),
        "the reason names the service and what it could not print: {reason}"
    );

    // The worker runs every 200 ms here: give it many rounds.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let actions = flows::audit_actions(&platform, &staff, &id).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "step.failed").count(),
        1,
        "refused once, never retried: {actions:?}"
    );
    assert!(!actions.iter().any(|a| a == "letter.issued"), "{actions:?}");
}
