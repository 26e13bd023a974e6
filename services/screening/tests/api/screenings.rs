//! `POST /v1/screenings`, `/v1/screenings/batch`, `/v1/compare`,
//! `GET /v1/entities/{id}` on the demo list, and bad input: always a 4xx
//! naming the field (or a normal answer), never a 5xx or a hang.

use std::time::{Duration, Instant};

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{field_names, person, problem, spawn_demo_app};

#[tokio::test]
async fn a_listed_name_is_matched_and_explained() {
    let app = spawn_demo_app().await;
    let (status, body) = app
        .post_json(
            "/v1/screenings",
            Role::Clerk,
            &json!({"subject": {"kind": "person", "name": "Ambrose Quillfeather", "birth_date": "1970-02-02",
                    "countries": ["Ruritania"], "identifiers": ["RX1234567"]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["demo"], true);
    assert_eq!(body["monitored"], false);
    assert_eq!(body["list_version"].as_str().unwrap().len(), 64);
    let top = &body["matches"][0];
    assert_eq!(top["entity_id"], "ofac-sdn:900001", "{body}");
    assert_eq!(top["list"], "ofac_sdn");
    assert_eq!(top["program"], "DEMO-FICTIONAL");
    assert_eq!(top["is_match"], true);
    assert!(top["score"].as_f64().unwrap() >= 0.8);
    assert!(top["matched_name"].is_string());
    assert!(top["explanation"]["name"]["matched"].is_array(), "{top}");
    assert!(top["explanation"]["threshold"].is_number());

    let (status, body) = app
        .post_json(
            "/v1/screenings",
            Role::Service,
            &person("Maria Lopez Fernandez"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["is_match"] == false),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn every_invalid_field_is_named() {
    let app = spawn_demo_app().await;
    let body = json!({
        "subject": {"kind": "dragon", "name": "", "birth_date": "02/02/1970",
                    "countries": ["x".repeat(101)], "identifiers": "RX1", "nickname": "Q"},
        "monitor": true,
        "extra": 1
    });
    let res = app.post("/v1/screenings", Role::Clerk, &body).await;
    let p = problem(res, 422).await;
    let fields = field_names(&p);
    for f in [
        "extra",
        "subject_ref",
        "subject.nickname",
        "subject.kind",
        "subject.name",
        "subject.birth_date",
        "subject.countries[0]",
        "subject.identifiers",
    ] {
        assert!(fields.contains(&f.to_string()), "{f} missing in {fields:?}");
    }
    // The problem never repeats the submitted values.
    assert!(!p.to_string().contains("02/02/1970"), "{p}");

    let res = app.post("/v1/screenings", Role::Clerk, &json!({})).await;
    assert_eq!(field_names(&problem(res, 422).await), ["subject"]);
    let res = app.post("/v1/screenings", Role::Clerk, &json!([1])).await;
    assert_eq!(field_names(&problem(res, 422).await), ["(body)"]);
    let res = app
        .client
        .post(app.url("/v1/screenings"))
        .bearer_auth(crate::helpers::token(Role::Clerk))
        .header("content-type", "application/json")
        .body("{\"subject\": ")
        .send()
        .await
        .unwrap();
    problem(res, 400).await;
    app.stop().await;
}

#[tokio::test]
async fn bad_names_get_a_4xx_naming_the_field_or_a_normal_answer_quickly() {
    let app = spawn_demo_app().await;
    let long = "a".repeat(501);
    let many_words = "ab ".repeat(60);
    let bad: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("blank", "   ".into()),
        ("punctuation only", " ,.-;".into()),
        ("too long", long),
        ("control character", "John\u{0}Smith".into()),
        ("escape", "John\u{1b}[31mSmith".into()),
        ("too many words", many_words),
    ];
    for (what, name) in bad {
        let started = Instant::now();
        let res = app
            .post("/v1/screenings", Role::Clerk, &person(&name))
            .await;
        let p = problem(res, 422).await;
        assert_eq!(field_names(&p), ["subject.name"], "{what}: {p}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{what} was slow"
        );
    }
    // Mixed scripts, other scripts, emoji, very long words: normal answers.
    for name in [
        "Vl\u{430}dimir Put\u{456}n",
        "Владимир Путин",
        "محمد علي",
        "習近平",
        "😀 Smiley Holdings",
        &"x".repeat(500),
        "a b c d e f g h i j",
        // Right-to-left and zero-width marks, every script the matcher
        // romanises, a name made only of a legal form or of titles.
        "\u{200F}محمد\u{200E} \u{200B}Ali",
        "김정은",
        "アレクサンドル・ルカシェンコ",
        "亚历山大·卢卡申科",
        "Αλεξάντρ Λουκασένκο",
        "วลาดีมีร์ ปูติน",
        "व्लादिमीर पुतिन",
        "ולדימיר פוטין",
        "Mr. Dr. President",
        "\u{0301}\u{0301}a",
        &"ع".repeat(400),
        &"אב ".repeat(39),
    ] {
        let started = Instant::now();
        let (status, body) = app
            .post_json("/v1/screenings", Role::Clerk, &person(name))
            .await;
        assert!(status == 200 || status == 422, "{name}: {status} {body}");
        if status == 422 {
            assert_eq!(field_names(&body), ["subject.name"], "{name}: {body}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{name} was slow"
        );
    }
    // A body over the limit is a 413, not a hang.
    let huge = person(&"x".repeat(2 * 1024 * 1024));
    let res = app.post("/v1/screenings", Role::Clerk, &huge).await;
    problem(res, 413).await;
    app.stop().await;
}

#[tokio::test]
async fn batches_answer_in_order_and_are_bounded() {
    let app = spawn_demo_app().await;
    let subjects: Vec<Value> = (0..300)
        .map(|i| {
            if i % 100 == 7 {
                person("Mirela Zandervolk")
            } else {
                person(&format!("Customer Number {i}"))
            }
        })
        .collect();
    let (status, body) = app
        .post_json(
            "/v1/screenings/batch",
            Role::Service,
            &json!({ "subjects": subjects }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Intake reads this answer through the shared contract type.
    let typed: cdd_contracts::screening::BatchScreening =
        serde_json::from_value(body.clone()).expect("the batch answer keeps the contract");
    assert!(typed.demo);
    assert_eq!(typed.results.len(), 300);
    assert!(typed.results[7].matches.iter().any(|m| m.is_match));
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 300);
    for (i, r) in results.iter().enumerate() {
        let hit = r["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["entity_id"] == "ofac-sdn:900002" && m["is_match"] == true);
        assert_eq!(hit, i % 100 == 7, "result {i}: {r}");
    }

    let too_many: Vec<Value> = (0..1001).map(|_| person("A B")).collect();
    let res = app
        .post(
            "/v1/screenings/batch",
            Role::Service,
            &json!({ "subjects": too_many }),
        )
        .await;
    assert_eq!(field_names(&problem(res, 422).await), ["subjects"]);

    let res = app
        .post(
            "/v1/screenings/batch",
            Role::Service,
            &json!({"subjects": [person("Good Name"), person(""), {"subject": {"kind": "person"}}, person("...")]}),
        )
        .await;
    let p = problem(res, 422).await;
    let fields = field_names(&p);
    assert!(
        fields.contains(&"subjects[1].subject.name".to_string()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"subjects[2].subject.name".to_string()),
        "{fields:?}"
    );
    let res = app
        .post(
            "/v1/screenings/batch",
            Role::Service,
            &json!({"subjects": [person("..."), person("Fine Name")]}),
        )
        .await;
    assert_eq!(
        field_names(&problem(res, 422).await),
        ["subjects[0].subject.name"]
    );
    app.stop().await;
}

#[tokio::test]
async fn compare_scores_two_names_and_names_the_bad_one() {
    let app = spawn_demo_app().await;
    let (status, body) = app
        .post_json(
            "/v1/compare",
            Role::Analyst,
            &json!({"kind": "person", "a": "Mirella Zanderwolk", "b": "ZANDERVOLK, Mirela"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["is_match"], true, "{body}");
    assert!(body["score"].as_f64().unwrap() > 0.8);
    assert!(body["explanation"].is_object());
    let (_, body) = app
        .post_json(
            "/v1/compare",
            Role::Service,
            &json!({"kind": "person", "a": "John Smith", "b": "Olga Petrova"}),
        )
        .await;
    assert_eq!(body["is_match"], false, "{body}");

    let res = app
        .post(
            "/v1/compare",
            Role::Analyst,
            &json!({"kind": "person", "a": "John", "b": "---"}),
        )
        .await;
    assert_eq!(field_names(&problem(res, 422).await), ["b"]);
    let res = app
        .post("/v1/compare", Role::Analyst, &json!({"a": 1}))
        .await;
    assert_eq!(field_names(&problem(res, 422).await), ["kind", "a", "b"]);
    app.stop().await;
}

#[tokio::test]
async fn listed_entities_can_be_read() {
    let app = spawn_demo_app().await;
    let (status, body) = app
        .get_json("/v1/entities/ofac-sdn:900001", Role::Clerk)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["entity"]["id"], "ofac-sdn:900001");
    assert_eq!(
        body["entity"]["primary_name"],
        "QUILLFEATHER, Ambrose Tiberius"
    );
    let res = app
        .client
        .get(app.url("/v1/entities/ofac-sdn:1"))
        .bearer_auth(crate::helpers::token(Role::Clerk))
        .send()
        .await
        .unwrap();
    problem(res, 404).await;
    app.stop().await;
}
