//! The whole onboarding, through the four services found by DNS.

use cdd_system_tests::{AwsEmulator, Platform, Storage};
use serde_json::json;

use crate::flows::{self, Staff};

async fn individual_and_organisation(platform: &Platform) {
    let staff = Staff::new();
    let person = flows::onboard(platform, &staff, &flows::listed_individual(), "person-1").await;
    // Screening found the demo list's entry and an analyst cleared it.
    let alerts = person["case"]["alerts"].as_array().unwrap();
    assert!(!alerts.is_empty(), "{person}");
    assert!(
        alerts
            .iter()
            .all(|a| a["disposition"]["outcome"] == "false_positive")
    );
    assert_eq!(person["case"]["screening"]["demo"], true);
    assert_eq!(person["case"]["risk"]["level"], "low", "{person}");

    let company = flows::onboard(platform, &staff, &flows::organisation(), "company-1").await;
    assert_eq!(
        company["case"]["screening"]["parties_screened"], 3,
        "{company}"
    );
    // The owner's passport was asked for by name.
    let required = company["case"]["risk"]["required_documents"]
        .as_array()
        .unwrap();
    assert!(
        required.iter().any(|r| r["party"] == "Tomasz Wielgosz"),
        "{company}"
    );

    // A retried submission gets the first answer again (the customer as
    // submitted, before the decision), never a second customer.
    let again = flows::submit(platform, &staff, &flows::listed_individual(), "person-1").await;
    assert_eq!(again["id"], person["id"]);
    assert_eq!(again["case"]["status"], "open");
    assert_eq!(
        flows::submit(platform, &staff, &flows::listed_individual(), "person-1").await,
        again
    );

    // Rejection: proposed and taken, and the rejection letter goes out,
    // without waiting for documents the applicant never sent.
    let created = flows::submit(
        platform,
        &staff,
        &json!({"kind": "individual", "name": "Olav Brekke", "birth_date": "1990-01-01",
                "nationalities": ["NO"], "country_of_residence": "NO",
                "address": {"line1": "Storgata 1", "city": "Oslo", "country": "NO"}}),
        "reject-1",
    )
    .await;
    let id = flows::id(&created);
    flows::settled(platform, &staff, &id).await;
    let (status, body) = flows::propose(&staff, platform, &id, "reject").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = flows::decide(&staff.approver, platform, &id, "reject").await;
    assert_eq!(status, 200, "{body}");
    let rejected = flows::settled(platform, &staff, &id).await;
    assert_eq!(rejected["case"]["status"], "rejected");
    assert!(
        rejected["case"]["letters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["purpose"] == "rejection"),
        "{rejected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_end_to_end_on_embedded_storage() {
    let platform = Platform::start(Storage::Embedded).await;
    individual_and_organisation(&platform).await;
    platform.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_end_to_end_on_aws() {
    let emulator = AwsEmulator::start().await;
    let platform = Platform::start_on_aws(&emulator).await;
    individual_and_organisation(&platform).await;
    platform.stop().await;
}
