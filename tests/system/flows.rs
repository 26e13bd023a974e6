//! The onboarding flow as the bank's people run it, step by step, with the
//! checks every step must pass.

use std::time::Duration;

use cdd_platform::auth::Role;
use cdd_system_tests::{Platform, Session};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The people working the cases.
pub struct Staff {
    pub clerk: Session,
    pub analyst: Session,
    pub approver: Session,
    /// The analyst who proposes, holding the approver role too: four eyes
    /// must still stop them approving their own proposal.
    pub analyst_as_approver: Session,
}

impl Staff {
    pub fn new() -> Self {
        Self {
            clerk: Session::new(Role::Clerk, "clerk-1"),
            analyst: Session::new(Role::Analyst, "analyst-1"),
            approver: Session::new(Role::Approver, "approver-1"),
            analyst_as_approver: Session::new(Role::Approver, "analyst-1"),
        }
    }
}

/// An individual whose name is on the fictional demo list.
pub fn listed_individual() -> Value {
    json!({
        "kind": "individual",
        "name": "Mirela Zandervolk",
        "birth_date": "1981-06-14",
        "nationalities": ["GB"],
        "country_of_residence": "GB",
        "address": {"line1": "4 Elm Row", "postal_code": "EH7 4AA", "city": "Edinburgh", "country": "GB"},
        "products": ["current_account"]
    })
}

/// An organisation with a director and a beneficial owner.
pub fn organisation() -> Value {
    json!({
        "kind": "organisation",
        "legal_name": "Northwind Components Ltd",
        "registration_number": "09876543",
        "country_of_incorporation": "GB",
        "address": {"line1": "1 Dock Street", "postal_code": "LS10 1JF", "city": "Leeds", "country": "GB"},
        "related_parties": [
            {"name": "Harriet Osei", "roles": ["director"], "birth_date": "1975-09-01", "nationalities": ["GB"]},
            {"name": "Tomasz Wielgosz", "roles": ["beneficial_owner"], "ownership_share": 60.0,
             "birth_date": "1969-02-11", "nationalities": ["PL"], "country_of_residence": "GB"}
        ],
        "business_activity": "wholesale of machine parts"
    })
}

pub async fn submit(platform: &Platform, staff: &Staff, body: &Value, key: &str) -> Value {
    let (status, customer) = staff
        .clerk
        .call(
            reqwest::Method::POST,
            &format!("{}/v1/customers", platform.url("intake")),
            Some(body),
            &[("idempotency-key", key)],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    customer
}

pub fn id(customer: &Value) -> String {
    customer["id"].as_str().expect("a customer id").to_string()
}

/// Waits until intake has finished every pending step of the case.
pub async fn settled(platform: &Platform, staff: &Staff, id: &str) -> Value {
    staff
        .analyst
        .poll(
            &format!("{}/v1/customers/{id}", platform.url("intake")),
            Duration::from_secs(30),
            |c| {
                c["case"]["pending"]
                    .as_array()
                    .is_some_and(|p| p.is_empty())
            },
        )
        .await
}

fn intake(platform: &Platform, path: &str) -> String {
    format!("{}{path}", platform.url("intake"))
}

/// Every alert of the case disposed as a false positive.
pub async fn clear_alerts(platform: &Platform, staff: &Staff, customer: &Value) {
    let id = id(customer);
    for alert in customer["case"]["alerts"].as_array().expect("alerts") {
        let alert_id = alert["id"].as_str().expect("an alert id");
        let (status, body) = staff
            .analyst
            .call(
                reqwest::Method::PUT,
                &intake(platform, &format!("/v1/customers/{id}/alerts/{alert_id}/disposition")),
                Some(&json!({"outcome": "false_positive", "reason": "different date of birth and nationality"})),
                &[],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
}

/// Uploads one document for each requirement; verified when `verify`.
pub async fn provide_documents(platform: &Platform, staff: &Staff, id: &str, verify: bool) {
    let (status, reqs) = staff
        .analyst
        .get(&intake(
            platform,
            &format!("/v1/customers/{id}/requirements"),
        ))
        .await;
    assert_eq!(status, 200, "{reqs}");
    let documents = platform.url("documents");
    for req in reqs["requirements"].as_array().expect("requirements") {
        if req["status"] == "verified" {
            continue;
        }
        let kind = req["accepted_types"][0].as_str().expect("a document type");
        let doc = staff
            .clerk
            .upload(&documents, id, kind, req["party"].as_str())
            .await;
        if verify {
            staff.analyst.verify(&documents, &doc).await;
        }
    }
}

pub async fn propose(
    staff: &Staff,
    platform: &Platform,
    id: &str,
    outcome: &str,
) -> (StatusCode, Value) {
    staff
        .analyst
        .post(
            &intake(platform, &format!("/v1/customers/{id}/decision")),
            &json!({"outcome": outcome, "reason": "identity verified; alerts cleared as false positives"}),
        )
        .await
}

pub async fn decide(
    session: &Session,
    platform: &Platform,
    id: &str,
    outcome: &str,
) -> (StatusCode, Value) {
    session
        .post(
            &intake(platform, &format!("/v1/customers/{id}/decision/{outcome}")),
            &json!({"reason": "agree with the analyst's assessment"}),
        )
        .await
}

/// The audit trail's actions, checked to verify.
pub async fn audit_actions(platform: &Platform, staff: &Staff, id: &str) -> Vec<String> {
    let (status, trail) = staff
        .analyst
        .get(&intake(platform, &format!("/v1/customers/{id}/audit")))
        .await;
    assert_eq!(status, 200, "{trail}");
    assert_eq!(trail["verification"]["valid"], true, "{trail}");
    trail["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The whole onboarding of one customer, from submission to the approval
/// letter, asserting each rule on the way. Returns the approved customer.
pub async fn onboard(platform: &Platform, staff: &Staff, body: &Value, key: &str) -> Value {
    let created = submit(platform, staff, body, key).await;
    let id = id(&created);
    let customer = settled(platform, staff, &id).await;
    let case = &customer["case"];
    assert!(case["screening"]["list_version"].is_string(), "{case}");
    let rfi: Vec<&Value> = case["letters"]
        .as_array()
        .expect("letters")
        .iter()
        .filter(|l| l["purpose"] == "request_for_information")
        .collect();
    assert_eq!(rfi.len(), 1, "one request for information: {case}");

    let has_alerts = !case["alerts"].as_array().expect("alerts").is_empty();
    if has_alerts {
        // Open alerts: high risk, and no decision yet.
        assert_eq!(case["risk"]["level"], "high", "{case}");
        let (status, body) = propose(staff, platform, &id, "approve").await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body["detail"].as_str().unwrap().contains("not disposed"),
            "{body}"
        );
        clear_alerts(platform, staff, &customer).await;
    }

    // Documents received but not verified: approval is refused.
    provide_documents(platform, staff, &id, false).await;
    let (status, body) = propose(staff, platform, &id, "approve").await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("not verified"),
        "{body}"
    );
    // Verify them (each requirement has one document now).
    let (_, reqs) = staff
        .analyst
        .get(&intake(
            platform,
            &format!("/v1/customers/{id}/requirements"),
        ))
        .await;
    let documents = platform.url("documents");
    for req in reqs["requirements"].as_array().expect("requirements") {
        for doc_id in req["documents"].as_array().expect("documents") {
            let (_, doc) = staff
                .analyst
                .get(&format!(
                    "{documents}/v1/documents/{}",
                    doc_id.as_str().unwrap()
                ))
                .await;
            if doc["verification"]["status"] == "pending" {
                staff.analyst.verify(&documents, &doc).await;
            }
        }
    }
    let (status, body) = propose(staff, platform, &id, "approve").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["case"]["status"], "pending_approval");

    // Four eyes: the proposer cannot approve, whatever roles they hold.
    let (status, body) = decide(&staff.analyst_as_approver, platform, &id, "approve").await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("four eyes"),
        "{body}"
    );

    let (status, body) = decide(&staff.approver, platform, &id, "approve").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["case"]["status"], "approved");
    let approved = settled(platform, staff, &id).await;
    let purposes: Vec<&str> = approved["case"]["letters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["purpose"].as_str().unwrap())
        .collect();
    assert_eq!(
        purposes,
        ["request_for_information", "approval"],
        "{approved}"
    );

    // The letters service holds both, under the customer.
    let (status, letters) = staff
        .analyst
        .get(&format!(
            "{}/v1/customers/{id}/letters",
            platform.url("letters")
        ))
        .await;
    assert_eq!(status, 200, "{letters}");
    let templates: Vec<&str> = letters["letters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["template"].as_str().unwrap())
        .collect();
    assert_eq!(templates, ["rfi", "onboarding-approval"]);

    // The approval letter names the decision intake recorded, and a person
    // cannot get one from letters directly (four eyes).
    let (_, trail) = staff
        .analyst
        .get(&intake(platform, &format!("/v1/customers/{id}/audit")))
        .await;
    let approved_event = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "decision.approved")
        .expect("decision.approved in the audit trail");
    let reference = &approved_event["details"]["decision_reference"];
    assert!(reference.is_string(), "{approved_event}");
    assert_eq!(
        letters["letters"][1]["decision"],
        json!({"reference": reference, "outcome": "approve"}),
        "{letters}"
    );
    let (status, refused) = staff
        .approver
        .call(
            reqwest::Method::POST,
            &format!("{}/v1/letters", platform.url("letters")),
            Some(&json!({"template": "onboarding-approval", "customer_id": id, "format": "text",
                         "decision": {"reference": reference, "outcome": "approve"},
                         "data": {"customer_name": "Anyone", "reference": "X", "address": ["1 Road"]}})),
            &[("Idempotency-Key", "by-hand")],
        )
        .await;
    assert_eq!(status, 403, "{refused}");

    let actions = audit_actions(platform, staff, &id).await;
    let mut expected = vec!["customer.created", "screening.completed", "letter.issued"];
    if has_alerts {
        expected.push("alert.disposed");
    }
    expected.extend(["decision.proposed", "decision.approved", "letter.issued"]);
    let seen: Vec<&str> = actions
        .iter()
        .map(String::as_str)
        .filter(|a| expected.contains(a))
        .collect();
    let mut deduped = seen.clone();
    deduped.dedup();
    assert_eq!(deduped, expected, "audit trail: {actions:?}");
    approved
}
