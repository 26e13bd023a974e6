//! The audit trail: every change recorded, and tampering detected.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{maria, spawn_app, spawn_app_in};

#[tokio::test]
async fn every_change_is_in_a_trail_that_verifies() {
    let app = spawn_app().await;
    let id = app.created_id(&maria()).await;
    assert_eq!(
        app.patch(&id, "\"1\"", &json!({"pep": true}))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.patch(&id, "\"2\"", &json!({"occupation": "Judge"}))
            .await
            .status(),
        200
    );
    let (status, trail) = app
        .get_json(&format!("/v1/customers/{id}/audit"), Role::Analyst)
        .await;
    assert_eq!(status, 200);
    let events = trail["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["customer.created", "customer.updated", "customer.updated"]
    );
    assert_eq!(events[0]["actor"]["subject"], "clerk-1");
    assert_eq!(events[1]["actor"]["role"], "analyst");
    assert_eq!(events[1]["details"]["changed"], json!(["pep"]));
    assert_eq!(events[1]["details"]["risk_level"]["to"], "high");
    assert_eq!(events[1]["prev_hash"], events[0]["hash"]);
    assert_eq!(
        trail["verification"],
        json!({"valid": true, "events_checked": 3})
    );
    // A clerk may not read the trail.
    let (status, _) = app
        .get_json(&format!("/v1/customers/{id}/audit"), Role::Clerk)
        .await;
    assert_eq!(status, 403);
    app.stop().await;
}

async fn tampered(edit: impl Fn(&mut Value) -> bool) -> Value {
    let app = spawn_app().await;
    let id = app.created_id(&maria()).await;
    assert_eq!(
        app.patch(&id, "\"1\"", &json!({"pep": true}))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.patch(&id, "\"2\"", &json!({"occupation": "Judge"}))
            .await
            .status(),
        200
    );
    let dir = app.data_dir.clone();
    let temp = app.stop().await;
    cdd_intake::store::embedded::rewrite_journal(&dir, edit).unwrap();
    let app = spawn_app_in(&dir, &[]).await;
    let (_, trail) = app
        .get_json(&format!("/v1/customers/{id}/audit"), Role::Approver)
        .await;
    app.stop().await;
    drop(temp);
    trail["verification"].clone()
}

#[tokio::test]
async fn editing_a_stored_event_is_detected() {
    let v = tampered(|entry| {
        if let Some(events) = entry["events"].as_array_mut() {
            for e in events {
                if e["seq"] == 2 {
                    e["actor"]["subject"] = json!("someone-else");
                }
            }
        }
        true
    })
    .await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["broken_at_seq"], 2);
    assert!(v["problem"].as_str().unwrap().contains("altered"), "{v}");
}

#[tokio::test]
async fn deleting_a_stored_event_is_detected() {
    let v = tampered(|entry| {
        if let Some(events) = entry["events"].as_array_mut() {
            events.retain(|e| e["seq"] != 2);
        }
        true
    })
    .await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["broken_at_seq"], 2);
}

#[tokio::test]
async fn deleting_the_newest_event_is_detected() {
    let v = tampered(|entry| {
        if let Some(events) = entry["events"].as_array_mut() {
            events.retain(|e| e["seq"] != 3);
        }
        true
    })
    .await;
    assert_eq!(v["valid"], false);
    assert!(
        v["problem"].as_str().unwrap().contains("ends at event 2"),
        "{v}"
    );
}
