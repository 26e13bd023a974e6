//! `GET /metrics` (no token) as Prometheus text, counting what this test
//! did: subjects screened, matches by list and category, and the age of
//! the list folder in force.

use cdd_platform::auth::Role;
use cdd_test_support::prometheus_text::{self, Exposition};
use serde_json::{Value, json};
use time::{Date, Month, OffsetDateTime};

use crate::helpers::{TestApp, add_demo_vintage, person, spawn_app};

async fn scrape(app: &TestApp) -> Exposition {
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    prometheus_text::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The matches (at or over the threshold) in a list of matches.
fn matched(matches: &Value) -> Vec<(String, String)> {
    matches
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["is_match"] == true)
        .map(|m| {
            (
                m["list"].as_str().unwrap().to_string(),
                m["category"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn metrics_count_screenings_matches_and_list_age() {
    let lists = tempfile::tempdir().unwrap();
    add_demo_vintage(lists.path(), "ofac_sdn_2024-01-01");
    let app = spawn_app(Some(lists.path())).await;

    let before = scrape(&app).await;
    assert_eq!(before.value("screenings_total", &[]), Some(0.0));

    let mut found = Vec::new();
    let (status, one) = app
        .post_json(
            "/v1/screenings",
            Role::Clerk,
            &person("Ambrose Tiberius Quillfeather"),
        )
        .await;
    assert_eq!(status, 200, "{one}");
    found.extend(matched(&one["matches"]));
    let (status, batch) = app
        .post_json(
            "/v1/screenings/batch",
            Role::Clerk,
            &json!({"subjects": [person("Mirela Zandervolk"), person("Nobody Atall")]}),
        )
        .await;
    assert_eq!(status, 200, "{batch}");
    for result in batch["results"].as_array().unwrap() {
        found.extend(matched(&result["matches"]));
    }
    // Refused: not a screening.
    let (status, _) = app
        .post_json("/v1/screenings", Role::Clerk, &person(""))
        .await;
    assert_eq!(status, 422);
    assert!(found.len() >= 2, "the demo names match: {found:?}");
    assert!(
        found
            .iter()
            .all(|(list, category)| list == "ofac_sdn" && category == "sanction"),
        "{found:?}"
    );

    let after = scrape(&app).await;
    assert_eq!(after.types["screenings_total"], "counter");
    assert_eq!(after.value("screenings_total", &[]), Some(3.0));
    assert_eq!(
        after.value(
            "screening_matches_total",
            &[("list", "ofac-sdn"), ("category", "sanction")]
        ),
        Some(found.len() as f64)
    );
    assert_eq!(after.matching("screening_matches_total", &[]).count(), 1);

    let vintage = Date::from_calendar_date(2024, Month::January, 1).unwrap();
    let age = (OffsetDateTime::now_utc().date() - vintage).whole_days();
    assert_eq!(after.types["screening_list_age_days"], "gauge");
    assert_eq!(
        after.value(
            "screening_list_age_days",
            &[
                ("list", "ofac-sdn"),
                ("category", "sanction"),
                ("folder", "ofac_sdn_2024-01-01")
            ]
        ),
        Some(age as f64)
    );
    // The screenings' requests are in the platform's histogram too.
    assert_eq!(
        after.value(
            "http_server_request_duration_seconds_count",
            &[
                ("http_request_method", "POST"),
                ("http_route", "/v1/screenings"),
                ("http_response_status_code", "200"),
            ]
        ),
        Some(1.0)
    );
    app.stop().await;
}
