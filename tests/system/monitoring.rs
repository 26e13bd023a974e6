//! Ongoing monitoring: screening loads a new list version, rescreens the
//! monitored parties, and intake reopens the approved case that now matches.

use std::collections::HashMap;
use std::time::Duration;

use cdd_platform::auth::Role;
use cdd_screening::{EntityKind, Screener, Subject, diff, load_vintage_dir, sanctions_data_dir};
use cdd_system_tests::{Platform, Session, Storage};

use crate::flows::{self, Staff};

const APRIL: &str = "ofac_sdn_2024-04-02";
const MAY: &str = "ofac_sdn_2024-05-03";
const REGISTRATION: &str = "12345678";

/// An organisation added to the SDN list in May that the April list does not
/// match, screened as intake screens an organisation customer.
fn newly_listed_organisation() -> String {
    let april = load_vintage_dir(sanctions_data_dir().join(APRIL))
        .unwrap()
        .version;
    let may = load_vintage_dir(sanctions_data_dir().join(MAY))
        .unwrap()
        .version;
    let change = diff(&april, &may);
    let (before, after) = (Screener::new(april), Screener::new(may.clone()));
    for id in &change.added {
        let entity = may.entity(id.as_str()).unwrap();
        if entity.kind != EntityKind::Organisation || entity.primary_name.len() > 100 {
            continue;
        }
        let mut subject = Subject::new(EntityKind::Organisation, entity.primary_name.clone());
        subject.countries = vec!["GB".into()];
        subject.identifiers = vec![REGISTRATION.into()];
        let hit = |s: &Screener| s.screen(&subject).unwrap().iter().any(|m| m.is_match);
        if hit(&after) && !hit(&before) {
            return entity.primary_name.clone();
        }
    }
    panic!("no organisation added between {APRIL} and {MAY} fits");
}

fn link(lists: &std::path::Path, vintage: &str) {
    std::os::unix::fs::symlink(sanctions_data_dir().join(vintage), lists.join(vintage)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_list_version_reopens_an_approved_case_that_now_matches() {
    let name = tokio::task::spawn_blocking(newly_listed_organisation)
        .await
        .unwrap();
    let lists = tempfile::tempdir().unwrap();
    link(lists.path(), APRIL);
    let extra = HashMap::from([(
        "screening",
        vec![(
            "CDD_LISTS_DIR".to_string(),
            lists.path().display().to_string(),
        )],
    )]);
    let platform = Platform::start_with(Storage::Embedded, extra).await;
    let staff = Staff::new();
    let mut body = flows::organisation();
    body["legal_name"] = name.clone().into();
    body["registration_number"] = REGISTRATION.into();
    let approved = flows::onboard(&platform, &staff, &body, "to-be-listed").await;
    let id = flows::id(&approved);
    assert!(
        approved["case"]["alerts"].as_array().unwrap().is_empty(),
        "{approved}"
    );

    // Periodic review: due by its date, not before.
    let review_at = approved["case"]["next_review_at"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, due) = staff
        .analyst
        .get(&format!(
            "{}/v1/reviews/due?on={review_at}",
            platform.url("intake")
        ))
        .await;
    assert_eq!(status, 200, "{due}");
    assert!(
        due["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["customer_id"] == id.as_str()),
        "{due}"
    );
    let (_, not_yet) = staff
        .analyst
        .get(&format!(
            "{}/v1/reviews/due?on=2026-01-01",
            platform.url("intake")
        ))
        .await;
    assert!(
        !not_yet["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["customer_id"] == id.as_str())
    );

    // The May list arrives.
    link(lists.path(), MAY);
    let service = Session::new(Role::Service, "list-loader");
    let res = service
        .client
        .post(format!("{}/v1/lists/reload", platform.url("screening")))
        .bearer_auth(&service.token)
        .timeout(Duration::from_secs(300))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let reload: serde_json::Value = res.json().await.unwrap();
    assert!(
        reload["rescreen"]["alerts_raised"].as_u64().unwrap() >= 1,
        "{reload}"
    );

    let reopened = staff
        .analyst
        .poll(
            &format!("{}/v1/customers/{id}", platform.url("intake")),
            Duration::from_secs(30),
            |c| c["case"]["status"] == "open",
        )
        .await;
    let alert = &reopened["case"]["alerts"][0];
    assert_eq!(alert["source"], "monitoring", "{reopened}");
    assert_eq!(alert["party"], name.as_str());
    assert_eq!(reopened["case"]["risk"]["level"], "high");
    assert!(reopened["case"].get("decision").is_none());
    let actions = flows::audit_actions(&platform, &staff, &id).await;
    assert_eq!(
        actions.last().map(String::as_str),
        Some("monitoring.alert_raised")
    );

    // Read again later: the same alert is not added twice.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (_, later) = staff
        .analyst
        .get(&format!("{}/v1/customers/{id}", platform.url("intake")))
        .await;
    assert_eq!(
        later["case"]["alerts"].as_array().unwrap().len(),
        1,
        "{later}"
    );
    platform.stop().await;
}
