//! `GET /v1/lists` and `POST /v1/lists/reload`: the demo flag, and a
//! malformed list file that must not take the service down.

use cdd_platform::auth::Role;
use serde_json::json;

use crate::helpers::{add_demo_vintage, person, spawn_app, spawn_app_with, spawn_demo_app};

/// Appends a row to an OFAC CSV (before its end-of-file 0x1A byte).
fn add_row(file: &std::path::Path, row: &str) {
    let mut bytes = std::fs::read(file).unwrap();
    while bytes.last() == Some(&0x1a) {
        bytes.pop();
    }
    bytes.extend_from_slice(row.as_bytes());
    bytes.extend_from_slice(b"\r\n\x1a");
    std::fs::write(file, bytes).unwrap();
}

#[tokio::test]
async fn with_nothing_configured_the_demo_list_says_so() {
    let app = spawn_demo_app().await;
    let (status, body) = app.get_json("/v1/lists", Role::Clerk).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["demo"], true);
    assert!(body["warning"].as_str().unwrap().contains("DEMO"), "{body}");
    assert_eq!(body["current"]["demo"], true);
    assert!(body["current"]["counts"]["entities"].as_u64().unwrap() > 0);
    assert!(body["current"]["loaded_at"].is_string());
    assert_eq!(body["versions"].as_array().unwrap().len(), 1);
    // Reloading the unchanged demo list changes nothing.
    let (status, outcome) = app.reload().await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["changed"], false);
    app.stop().await;
}

#[tokio::test]
async fn a_malformed_list_file_is_refused_and_the_last_good_version_keeps_serving() {
    let lists = tempfile::tempdir().unwrap();
    add_demo_vintage(lists.path(), "ofac_sdn_2024-01-01");
    let app = spawn_app(Some(lists.path())).await;
    let (_, before) = app.get_json("/v1/lists", Role::Clerk).await;
    let good = before["current"]["id"].as_str().unwrap().to_string();

    // A newer vintage whose sdn.csv is an HTML error page (a failed download).
    let bad = lists.path().join("ofac_sdn_2024-02-01");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("sdn.csv"),
        "<html>\n<head><title>503 Service Unavailable</title></head>\n<body>try later</body>\n</html>\n",
    )
    .unwrap();
    let res = app
        .client
        .post(app.url("/v1/lists/reload"))
        .bearer_auth(crate::helpers::token(Role::Approver))
        .send()
        .await
        .unwrap();
    let p = crate::helpers::problem(res, 422).await;
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("ofac_sdn_2024-02-01/sdn.csv:"), "{detail}");
    assert!(detail.contains("still serving"), "{detail}");
    assert!(p["type"].as_str().unwrap().ends_with("list-load-failed"));

    // Still the good version, still screening, and the failure is visible.
    let (_, after) = app.get_json("/v1/lists", Role::Clerk).await;
    assert_eq!(after["current"]["id"], good.as_str());
    assert_eq!(after["last_reload"]["outcome"], "failed");
    assert!(
        after["last_reload"]["error"]
            .as_str()
            .unwrap()
            .contains("sdn.csv")
    );
    let (status, body) = app
        .post_json(
            "/v1/screenings",
            Role::Clerk,
            &person("Ambrose Quillfeather"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["list_version"], good.as_str());
    assert_eq!(body["matches"][0]["is_match"], true);

    // Fixed: the next reload takes the new version.
    std::fs::remove_dir_all(&bad).unwrap();
    add_demo_vintage(lists.path(), "ofac_sdn_2024-02-01");
    add_row(
        &lists.path().join("ofac_sdn_2024-02-01/sdn.csv"),
        "900099,\"NEWLYADDED, Person\",\"individual\",\"DEMO-FICTIONAL\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"FICTIONAL DEMO ENTRY.\"",
    );
    let (status, outcome) = app.reload().await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["changed"], true);
    assert_eq!(outcome["previous_version"], good.as_str());
    assert_eq!(outcome["diff"]["added"], 1, "{outcome}");
    let (_, now) = app.get_json("/v1/lists", Role::Clerk).await;
    assert_ne!(now["current"]["id"], good.as_str());
    assert_eq!(now["versions"].as_array().unwrap().len(), 2);
    assert_eq!(now["last_reload"]["outcome"], "loaded");
    let (_, e) = app
        .get_json("/v1/entities/ofac-sdn:900099", Role::Clerk)
        .await;
    assert_eq!(e["entity"]["primary_name"], "NEWLYADDED, Person");
    app.stop().await;
}

#[tokio::test]
async fn requests_keep_being_answered_during_a_reload() {
    let lists = tempfile::tempdir().unwrap();
    add_demo_vintage(lists.path(), "ofac_sdn_2024-01-01");
    let app = std::sync::Arc::new(spawn_app(Some(lists.path())).await);
    add_demo_vintage(lists.path(), "ofac_sdn_2024-03-01");
    add_row(
        &lists.path().join("ofac_sdn_2024-03-01/sdn.csv"),
        "900098,\"OTHERADDED, Person\",\"individual\",\"DEMO-FICTIONAL\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"FICTIONAL DEMO ENTRY.\"",
    );
    let screening = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut versions = std::collections::BTreeSet::new();
            for _ in 0..100 {
                let (status, body) = app
                    .post_json(
                        "/v1/screenings",
                        Role::Clerk,
                        &json!({"subject": {"kind": "person", "name": "Mirela Zandervolk"}}),
                    )
                    .await;
                assert_eq!(status, 200, "{body}");
                assert_eq!(body["matches"][0]["entity_id"], "ofac-sdn:900002");
                versions.insert(body["list_version"].as_str().unwrap().to_string());
            }
            versions
        })
    };
    let (status, outcome) = app.reload().await;
    assert_eq!(status, 200, "{outcome}");
    let versions = screening.await.unwrap();
    assert!(!versions.is_empty() && versions.len() <= 2, "{versions:?}");
}

#[tokio::test]
async fn every_task_follows_its_list_source_without_being_asked() {
    let lists = tempfile::tempdir().unwrap();
    add_demo_vintage(lists.path(), "ofac_sdn_2024-01-01");
    let app = spawn_app_with(
        Some(lists.path()),
        &[("CDD_LISTS_CHECK_INTERVAL_MS", "100")],
    )
    .await;
    let (_, before) = app.get_json("/v1/lists", Role::Clerk).await;
    let first = before["current"]["id"].as_str().unwrap().to_string();

    // A newer vintage lands in the source (another task was asked to
    // reload, or the list job wrote it): this task picks it up by itself.
    // Written aside and moved in whole, as a list job should.
    let staging = tempfile::tempdir().unwrap();
    add_demo_vintage(staging.path(), "ofac_sdn_2024-03-01");
    let sdn = staging.path().join("ofac_sdn_2024-03-01").join("sdn.csv");
    // OFAC's files end with a DOS end-of-file mark; the new row goes before it.
    let mut text = std::fs::read_to_string(&sdn)
        .unwrap()
        .trim_end_matches('\u{1a}')
        .to_string();
    text.push_str("900099,\"NEWLYLISTED, Oskar\",\"individual\",\"DEMO-FICTIONAL\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"FICTIONAL DEMO ENTRY.\"\r\n\u{1a}");
    std::fs::write(&sdn, text).unwrap();
    std::fs::rename(
        staging.path().join("ofac_sdn_2024-03-01"),
        lists.path().join("ofac_sdn_2024-03-01"),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let after = loop {
        let (_, now) = app.get_json("/v1/lists", Role::Clerk).await;
        if now["current"]["id"] != first.as_str() {
            break now;
        }
        assert!(std::time::Instant::now() < deadline, "no reload: {now}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(after["last_reload"]["outcome"], "loaded", "{after}");
    let (status, found) = app
        .post_json("/v1/screenings", Role::Clerk, &person("Oskar Newlylisted"))
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["matches"][0]["entity_id"], "ofac-sdn:900099",
        "{found}"
    );
    assert_eq!(found["matches"][0]["is_match"], true);
    app.stop().await;
}

/// Sanctions and PEP data from two folders (`CDD_LISTS_DIR=a,b`): the list
/// page shows each source with its category, vintage, counts and age, and a
/// screening of a member of Congress answers a PEP match with positions.
#[tokio::test]
async fn sanctions_and_pep_folders_are_listed_per_source_and_screened_together() {
    let lists = tempfile::tempdir().unwrap();
    add_demo_vintage(lists.path(), "ofac_sdn_2024-01-01");
    let pep = cdd_screening::pep_data_dir();
    let dirs = format!("{},{}", lists.path().display(), pep.display());
    let app = spawn_app_with(None, &[("CDD_LISTS_DIR", dirs.as_str())]).await;

    let (status, body) = app.get_json("/v1/lists", Role::Clerk).await;
    assert_eq!(status, 200, "{body}");
    let sources = body["current"]["sources"].as_array().unwrap();
    let by_list = |list: &str| {
        sources
            .iter()
            .find(|s| s["list"] == list)
            .unwrap_or_else(|| panic!("no {list} in {sources:?}"))
    };
    let sdn = by_list("ofac_sdn");
    assert_eq!(sdn["category"], "sanction");
    assert_eq!(sdn["folder"], "ofac_sdn_2024-01-01");
    assert_eq!(sdn["vintage"], "2024-01-01");
    let congress = by_list("us_congress_legislators");
    assert_eq!(congress["category"], "pep");
    assert_eq!(congress["entities"], 617);
    assert_eq!(congress["by_category"]["pep"], 617);
    assert_eq!(congress["vintage"], "2026-06-15");
    let today = cdd_screening::pep::today();
    assert_eq!(
        congress["age_days"].as_i64(),
        cdd_screening::pep::days_between("2026-06-15", &today)
    );
    assert_eq!(body["current"]["counts"]["by_category"]["pep"], 617);

    let (status, body) = app
        .post_json("/v1/screenings", Role::Clerk, &person("Bernie Sanders"))
        .await;
    assert_eq!(status, 200, "{body}");
    let m = &body["matches"][0];
    assert_eq!(m["category"], "pep", "{body}");
    assert_eq!(m["primary_name"], "Bernard Sanders");
    let titles: Vec<&str> = m["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"United States Senator for Vermont"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"United States Representative for Vermont at large"),
        "{titles:?}"
    );
    assert!(m["pep"]["status"].is_string(), "{m}");
    assert!(!m["pep"]["reason"].as_str().unwrap().is_empty());
    app.stop().await;
}
