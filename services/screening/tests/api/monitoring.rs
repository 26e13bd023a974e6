//! Ongoing monitoring on the real OFAC pair: subjects monitored against
//! `ofac_sdn_2024-04-02`, then `ofac_sdn_2024-05-03` arrives. Those named
//! after an entity added in May get exactly one alert each; nobody else gets
//! one; a second reload raises nothing. An entry the bank adds to one of its
//! own lists reaches monitoring the same way.

use std::collections::{BTreeMap, HashSet};

use cdd_platform::auth::Role;
use cdd_screening::{EntityKind, Screener, Subject, diff, load_vintage_dir};
use serde_json::{Value, json};

use crate::helpers::{add_real_vintage, real_vintage, spawn_app};

const UNRELATED: &[&str] = &[
    "Maria Lopez Fernandez",
    "Johan Peter Andersson",
    "Aoife Ni Bhriain",
    "Kwame Mensah Boateng",
];

/// Subjects (name → the added entity it should be alerted on), chosen so
/// that, against May's lists, each matches exactly one added-or-changed
/// entity and did not match it in April.
fn subjects_named_after_added_entities(
    count: usize,
) -> (BTreeMap<String, (EntityKind, String)>, Vec<String>) {
    let april = load_vintage_dir(real_vintage("ofac_sdn_2024-04-02"))
        .unwrap()
        .version;
    let may = load_vintage_dir(real_vintage("ofac_sdn_2024-05-03"))
        .unwrap()
        .version;
    let change = diff(&april, &may);
    assert!(
        change.added.len() > 50,
        "the pair adds entities: {}",
        change.added.len()
    );
    let in_scope: HashSet<&str> = change
        .added
        .iter()
        .chain(&change.changed)
        .map(|e| e.as_str())
        .collect();
    let may_screener = Screener::new(may.clone());
    let april_screener = Screener::new(april);
    let mut chosen = BTreeMap::new();
    for id in change.added.iter().step_by(7) {
        let e = may.entity(id.as_str()).unwrap();
        if !matches!(e.kind, EntityKind::Person | EntityKind::Organisation) {
            continue;
        }
        let subject = Subject::new(e.kind, e.primary_name.clone());
        let hits: Vec<String> = may_screener
            .screen(&subject)
            .unwrap()
            .into_iter()
            .filter(|m| m.is_match && in_scope.contains(m.entity_id.as_str()))
            .map(|m| m.entity_id.0)
            .collect();
        let known_before: HashSet<String> = april_screener
            .screen(&subject)
            .unwrap()
            .into_iter()
            .filter(|m| m.is_match)
            .map(|m| m.entity_id.0)
            .collect();
        if hits == [id.0.clone()] && !known_before.contains(&id.0) {
            chosen.insert(e.primary_name.clone(), (e.kind, id.0.clone()));
        }
        if chosen.len() == count {
            break;
        }
    }
    assert_eq!(
        chosen.len(),
        count,
        "enough added entities with a unique name"
    );
    // The unrelated names must not hit anything that changed.
    for name in UNRELATED {
        let hits = may_screener
            .screen(&Subject::new(EntityKind::Person, *name))
            .unwrap();
        assert!(
            !hits
                .iter()
                .any(|m| m.is_match && in_scope.contains(m.entity_id.as_str())),
            "{name} is not unrelated"
        );
    }
    // And a subject named after an entity listed in both versions.
    let unchanged = may
        .entities()
        .iter()
        .filter(|e| e.kind == EntityKind::Person && !in_scope.contains(e.id.as_str()))
        .find(|e| {
            let hits = may_screener
                .screen(&Subject::new(EntityKind::Person, e.primary_name.clone()))
                .unwrap();
            !hits
                .iter()
                .any(|m| m.is_match && in_scope.contains(m.entity_id.as_str()))
        })
        .unwrap()
        .primary_name
        .clone();
    (chosen, vec![unchanged])
}

async fn monitor(
    app: &crate::helpers::TestApp,
    subject_ref: &str,
    kind: &str,
    name: &str,
) -> Value {
    let (status, body) = app
        .post_json(
            "/v1/screenings",
            Role::Service,
            &json!({"subject": {"kind": kind, "name": name}, "subject_ref": subject_ref, "monitor": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["monitored"], true);
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_list_version_alerts_exactly_the_subjects_it_newly_matches() {
    let (chosen, already_listed) =
        tokio::task::spawn_blocking(|| subjects_named_after_added_entities(6))
            .await
            .unwrap();
    let lists = tempfile::tempdir().unwrap();
    add_real_vintage(lists.path(), "ofac_sdn_2024-04-02");
    let app = spawn_app(Some(lists.path())).await;
    let (_, listed) = app.get_json("/v1/lists", Role::Clerk).await;
    assert_eq!(listed["demo"], false, "{listed}");
    assert!(listed.get("warning").is_none());
    let april_version = listed["current"]["id"].as_str().unwrap().to_string();

    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    for (i, (name, (kind, entity))) in chosen.iter().enumerate() {
        let kind = kind.to_string();
        let subject_ref = format!("cust-added-{i}");
        let body = monitor(&app, &subject_ref, &kind, name).await;
        assert_eq!(body["list_version"], april_version.as_str());
        expected.insert(subject_ref, entity.clone());
    }
    for (i, name) in UNRELATED.iter().enumerate() {
        monitor(&app, &format!("cust-unrelated-{i}"), "person", name).await;
    }
    for (i, name) in already_listed.iter().enumerate() {
        let body = monitor(&app, &format!("cust-listed-{i}"), "person", name).await;
        assert_eq!(body["matches"][0]["is_match"], true, "{body}");
    }
    // Re-enrolling the same ref updates it; it does not make a second subject.
    monitor(&app, "cust-unrelated-0", "person", UNRELATED[0]).await;
    assert!(app.all_alerts().await.is_empty());

    add_real_vintage(lists.path(), "ofac_sdn_2024-05-03");
    let (status, outcome) = app.reload().await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["changed"], true);
    assert_eq!(outcome["previous_version"], april_version.as_str());
    assert!(outcome["diff"]["added"].as_u64().unwrap() > 50, "{outcome}");
    let subjects = expected.len() + UNRELATED.len() + already_listed.len();
    assert_eq!(
        outcome["rescreen"]["subjects_rescreened"], subjects,
        "{outcome}"
    );
    assert_eq!(
        outcome["rescreen"]["alerts_raised"],
        expected.len(),
        "{outcome}"
    );
    let may_version = outcome["list_version"].as_str().unwrap().to_string();

    let alerts = app.all_alerts().await;
    let got: BTreeMap<String, String> = alerts
        .iter()
        .map(|a| {
            (
                a["subject_ref"].as_str().unwrap().to_string(),
                a["entity_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        alerts.len(),
        expected.len(),
        "one alert per subject: {alerts:#?}"
    );
    assert_eq!(got, expected);
    let mut last_seq = 0;
    for a in &alerts {
        assert!(a["id"].is_string());
        assert_eq!(a["list_version"], may_version.as_str());
        assert!(a["score"].as_f64().unwrap() >= 0.8);
        assert!(a["explanation"]["name"].is_object(), "{a}");
        assert!(a["raised_at"].is_string());
        let seq = a["seq"].as_u64().unwrap();
        assert!(seq > last_seq, "alerts come in order");
        last_seq = seq;
    }

    // Reloading again: nothing changed, nothing raised.
    let (status, again) = app.reload().await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["changed"], false);
    assert_eq!(again["rescreen"]["alerts_raised"], 0);
    assert_eq!(app.all_alerts().await.len(), expected.len());

    // The cursor: nothing after the last alert, and `next` stays put.
    let (_, page) = app
        .get_json(&format!("/v1/alerts?since={last_seq}"), Role::Service)
        .await;
    assert_eq!(page["alerts"], json!([]));
    assert_eq!(page["next"], last_seq.to_string());
    let (status, bad) = app
        .get_json("/v1/alerts?since=abc&x=1", Role::Service)
        .await;
    assert_eq!(status, 400, "{bad}");
    app.stop().await;
}

/// The bank adds a customer it is monitoring to one of its own lists (an
/// exited-customers CSV dropped into the lists folder): the next reload
/// raises one alert for that customer, with the category `internal`, and
/// nobody else gets one.
#[tokio::test]
async fn an_internal_list_entry_alerts_the_monitored_customer_it_names() {
    let lists = tempfile::tempdir().unwrap();
    crate::helpers::add_demo_vintage(lists.path(), "ofac_sdn_2024-01-01");
    let app = spawn_app(Some(lists.path())).await;
    monitor(&app, "cust-exited", "person", "Hollis Marchetti-Grange").await;
    monitor(&app, "cust-other", "person", UNRELATED[1]).await;
    assert!(app.all_alerts().await.is_empty());

    let internal = lists.path().join("internal");
    std::fs::create_dir(&internal).unwrap();
    std::fs::write(
        internal.join("exited-customers.csv"),
        "id,kind,name,aliases,birth date,countries,identifiers,reason,added by,added on\n\
         C-1001,person,Hollis Marchetti-Grange,H. Grange,1974-02,GB,,Undisclosed third-party payments,j.smith,2026-11-03\n",
    )
    .unwrap();
    let (status, outcome) = app.reload().await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["changed"], true, "{outcome}");
    let alerts = app.all_alerts().await;
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0]["subject_ref"], "cust-exited");
    assert_eq!(alerts[0]["entity_id"], "internal:exited-customers:C-1001");
    assert_eq!(alerts[0]["category"], "internal");
    app.stop().await;
}

/// PEP data added to the lists (a bank that starts PEP screening, or a
/// customer elected): the monitored customer gets a PEP alert that carries
/// the person's functions and standing, so intake can rate them.
#[tokio::test]
async fn pep_data_added_to_the_lists_alerts_with_positions_and_standing() {
    let lists = tempfile::tempdir().unwrap();
    crate::helpers::add_demo_vintage(lists.path(), "ofac_sdn_2024-01-01");
    let app = spawn_app(Some(lists.path())).await;
    monitor(&app, "cust-senator", "person", "Bernie Sanders").await;
    assert!(app.all_alerts().await.is_empty());

    let folder = "us_congress-legislators_2026-06-15";
    let from = cdd_screening::pep_data_dir().join(folder);
    std::os::unix::fs::symlink(&from, lists.path().join(folder)).unwrap();
    let (status, outcome) = app.reload().await;
    assert_eq!(status, 200, "{outcome}");
    let alerts = app.all_alerts().await;
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let alert = &alerts[0];
    assert_eq!(alert["entity_id"], "us-congress:S000033");
    assert_eq!(alert["category"], "pep");
    assert!(
        alert["positions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["title"] == "United States Senator for Vermont"),
        "{alert}"
    );
    assert!(alert["pep"]["status"].is_string(), "{alert}");
    app.stop().await;
}
