//! A serving member of the US Congress onboarded through the four services,
//! screened against the real congress-legislators data
//! (`/work/shared/data/pep`, not in the repository): the PEP alert is
//! confirmed, source of wealth and funds are evidenced, and a senior
//! manager who did not propose it approves the relationship.

use std::collections::HashMap;

use cdd_platform::auth::Role;
use cdd_system_tests::{Platform, Session, Storage};
use serde_json::{Value, json};

use crate::flows::{self, Staff};

/// A senator whose term runs to 2031 in the 2026-06-15 vintage, as a bank
/// customer would give their details.
fn senator() -> Value {
    json!({
        "kind": "individual",
        "name": "Bernard Sanders",
        "birth_date": "1941-09-08",
        "nationalities": ["US"],
        "country_of_residence": "US",
        "address": {"line1": "1 Church Street", "city": "Burlington", "country": "US"},
        "products": ["current_account"]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serving_senator_is_approved_only_by_a_senior_manager_with_wealth_and_funds_evidenced() {
    let lists = cdd_screening::pep_data_dir();
    assert!(
        lists.is_dir(),
        "the PEP data is not at {} (set CDD_PEP_DATA)",
        lists.display()
    );
    let extra = HashMap::from([(
        "screening",
        vec![("CDD_LISTS_DIR".to_string(), lists.display().to_string())],
    )]);
    let platform = Platform::start_with(Storage::Embedded, extra).await;
    let staff = Staff::new();
    let intake = |path: String| format!("{}{path}", platform.url("intake"));

    let created = flows::submit(&platform, &staff, &senator(), "senator-1").await;
    let id = flows::id(&created);
    let customer = flows::settled(&platform, &staff, &id).await;
    let alerts = customer["case"]["alerts"].as_array().unwrap();
    let pep = alerts
        .iter()
        .find(|a| a["category"] == "pep" && a["pep"]["status"] == "current")
        .unwrap_or_else(|| panic!("no current PEP alert: {customer}"));
    let held: Vec<&str> = pep["positions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["held_now"] == true)
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert!(
        held.iter().any(|t| t.contains("Senator")),
        "{held:?} in {pep}"
    );

    // The analyst disposes every alert: the senator's by the PEP procedure.
    for alert in alerts {
        let alert_id = alert["id"].as_str().unwrap();
        let path = intake(format!("/v1/customers/{id}/alerts/{alert_id}/disposition"));
        let is_senator = alert["entity_id"] == pep["entity_id"];
        if is_senator {
            let (status, body) = staff
                .analyst
                .call(
                    reqwest::Method::PUT,
                    &path,
                    Some(&json!({"outcome": "true_match", "reason": "same person"})),
                    &[],
                )
                .await;
            assert_eq!(status, 422, "{body}");
        }
        let outcome = if is_senator {
            "confirmed_pep"
        } else {
            "false_positive"
        };
        let (status, body) = staff
            .analyst
            .call(
                reqwest::Method::PUT,
                &path,
                Some(&json!({"outcome": outcome, "reason": "name, date of birth and state compared"})),
                &[],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let customer = flows::settled(&platform, &staff, &id).await;
    let risk = &customer["case"]["risk"];
    assert_eq!(risk["politically_exposed"], true, "{risk}");
    assert_eq!(risk["cdd_level"], "enhanced", "{risk}");
    let reason = risk["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "pep.confirmed")
        .and_then(|f| f["reason"].as_str())
        .unwrap_or_else(|| panic!("no pep.confirmed factor: {risk}"));
    assert!(
        reason.contains("Bernard Sanders") && reason.contains("Senator"),
        "{reason}"
    );

    // Nothing is approved while source of wealth and funds are missing.
    let (status, body) = flows::propose(&staff, &platform, &id, "approve").await;
    assert_eq!(status, 409, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("source of wealth"), "{detail}");
    assert!(detail.contains("source of funds"), "{detail}");

    flows::provide_documents(&platform, &staff, &id, true).await;
    let (status, body) = flows::propose(&staff, &platform, &id, "approve").await;
    assert_eq!(status, 200, "{body}");

    // An approver may not; the proposer may not even as a senior manager.
    let (status, body) = flows::decide(&staff.approver, &platform, &id, "approve").await;
    assert_eq!(status, 403, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("senior_manager"));
    let proposer = Session::new(Role::SeniorManager, "analyst-1");
    let (status, body) = flows::decide(&proposer, &platform, &id, "approve").await;
    assert_eq!(status, 403, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("four eyes"));
    let senior = Session::new(Role::SeniorManager, "senior-1");
    let (status, body) = flows::decide(&senior, &platform, &id, "approve").await;
    assert_eq!(status, 200, "{body}");
    let approved = flows::settled(&platform, &staff, &id).await;
    assert_eq!(approved["case"]["status"], "approved");
    assert!(
        approved["case"]["letters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["purpose"] == "approval"),
        "{approved}"
    );

    let (status, trail) = staff
        .analyst
        .get(&intake(format!("/v1/customers/{id}/audit")))
        .await;
    assert_eq!(status, 200, "{trail}");
    assert_eq!(trail["verification"]["valid"], true);
    let events = trail["events"].as_array().unwrap();
    let find = |action: &str| {
        events
            .iter()
            .rfind(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action}: {trail}"))
    };
    let confirmed = events
        .iter()
        .find(|e| e["action"] == "alert.disposed" && e["details"]["outcome"] == "confirmed_pep")
        .unwrap_or_else(|| panic!("no confirmed_pep disposition: {trail}"));
    assert_eq!(confirmed["actor"]["subject"], "analyst-1");
    let approval = find("decision.approved");
    assert_eq!(approval["actor"]["role"], "senior_manager");
    assert_eq!(
        approval["details"]["senior_management_approval"]["by"],
        "senior-1"
    );
    platform.stop().await;
}
