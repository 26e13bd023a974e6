//! `/v1/templates`: built-ins, versions, refusals.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{field_names, problem, spawn_app, spawn_app_in};

fn notice(greeting: &str) -> Value {
    json!({
        "description": "A notice",
        "subject": "Notice for {{ customer_name }}",
        "fields": [{"name": "amount", "type": "integer"}, {"name": "due", "type": "date", "optional": true}],
        "body": format!("{greeting} {{{{ customer_name }}}},\n\nYou owe {{{{ amount }}}}.\n"),
    })
}

#[tokio::test]
async fn the_builtins_are_there_as_version_one() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/v1/templates", Role::Clerk).await;
    assert_eq!(status, 200);
    let names: Vec<(&str, u64)> = body["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["latest_version"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("onboarding-approval", 1),
            ("periodic-review-reminder", 1),
            ("rejection", 1),
            ("rfi", 1)
        ]
    );
    let (status, rfi) = app.get_json("/v1/templates/rfi", Role::Analyst).await;
    assert_eq!(status, 200);
    assert_eq!(rfi["version"], 1);
    assert_eq!(rfi["published_by"], "builtin");
    assert_eq!(
        rfi["fields"][0],
        json!({"name": "documents", "type": "string_list"})
    );
    assert!(
        rfi["body"]
            .as_str()
            .unwrap()
            .contains("{% for document in documents %}")
    );
    app.stop().await;
}

#[tokio::test]
async fn put_publishes_versions_and_get_reads_any_of_them() {
    let app = spawn_app().await;
    let res = app
        .put_template("notice", &notice("Hello"), Role::TemplateAuthor)
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["location"], "/v1/templates/notice?version=1");
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["version"], 1);
    assert_eq!(first["published_by"], "template_author-1");

    // The same declaration again is not a new version.
    let res = app
        .put_template("notice", &notice("Hello"), Role::TemplateAuthor)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 1);

    let res = app
        .put_template("notice", &notice("Dear"), Role::TemplateAuthor)
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.unwrap()["version"], 2);

    let (_, latest) = app.get_json("/v1/templates/notice", Role::Clerk).await;
    assert_eq!(latest["version"], 2);
    assert!(latest["body"].as_str().unwrap().starts_with("Dear"));
    let (_, v1) = app
        .get_json("/v1/templates/notice?version=1", Role::Clerk)
        .await;
    assert!(v1["body"].as_str().unwrap().starts_with("Hello"));
    assert_eq!(
        v1["fields"][1],
        json!({"name": "due", "type": "date", "optional": true})
    );

    let res = app.get("/v1/templates/notice?version=3", Role::Clerk).await;
    problem(res, 404).await;
    problem(app.get("/v1/templates/absent", Role::Clerk).await, 404).await;
    let p = problem(
        app.get("/v1/templates/notice?version=0", Role::Clerk).await,
        400,
    )
    .await;
    assert_eq!(field_names(&p), ["version"]);
    let p = problem(app.get("/v1/templates/Not_A_Name", Role::Clerk).await, 400).await;
    assert_eq!(field_names(&p), ["name"]);
    let p = problem(app.get("/v1/templates/notice?v=1", Role::Clerk).await, 400).await;
    assert_eq!(field_names(&p), ["v"]);

    let (_, list) = app.get_json("/v1/templates", Role::Clerk).await;
    let notice = list["templates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "notice")
        .unwrap();
    assert_eq!(notice["latest_version"], 2);
    app.stop().await;
}

#[tokio::test]
async fn a_template_that_does_not_compile_is_refused_with_lines_and_reasons() {
    let app = spawn_app().await;
    let body = json!({
        "subject": "Hello {{ customer_name",
        "fields": [{"name": "amount", "type": "integer"}, {"name": "amount", "type": "string"}],
        "body": "Dear {{ customer_name }},\n\nline two\n{% for x in documents %}\n- {{ x }}\n{% endfor %}\n{{ amount }} {{ mistake }}\n",
    });
    let res = app
        .put_template("broken", &body, Role::TemplateAuthor)
        .await;
    let p = problem(res, 422).await;
    let errors = p["errors"].as_array().unwrap();
    let messages: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["field"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with("subject: line 1:")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("fields: ") && m.contains("twice")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("body: line 4:") && m.contains("documents")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("body: line 7:") && m.contains("mistake")),
        "{messages:?}"
    );
    let syntax = json!({"subject": "S", "body": "Dear {{ customer_name }}\n\n{% if %}\n"});
    let p = problem(
        app.put_template("broken", &syntax, Role::TemplateAuthor)
            .await,
        422,
    )
    .await;
    assert_eq!(field_names(&p), ["body"]);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 3:"),
        "{p}"
    );
    problem(app.get("/v1/templates/broken", Role::Clerk).await, 404).await;
    app.stop().await;
}

#[tokio::test]
async fn a_malformed_declaration_names_every_bad_field() {
    let app = spawn_app().await;
    let body = json!({
        "subject": 5,
        "fields": [{"name": "Bad-Name", "type": "money", "optional": "yes", "extra": 1}, "x"],
        "colour": "red",
    });
    let p = problem(
        app.put_template("notice", &body, Role::TemplateAuthor)
            .await,
        422,
    )
    .await;
    let mut fields = field_names(&p);
    fields.sort();
    assert_eq!(
        fields,
        [
            "body",
            "colour",
            "fields[0].extra",
            "fields[0].name",
            "fields[0].optional",
            "fields[0].type",
            "fields[1]",
            "subject"
        ]
    );
    let res = app
        .client
        .put(app.url("/v1/templates/notice"))
        .bearer_auth(crate::helpers::token(Role::TemplateAuthor))
        .header("content-type", "application/json")
        .body("{\"subject\": ")
        .send()
        .await
        .unwrap();
    problem(res, 400).await;
    app.stop().await;
}

#[tokio::test]
async fn templates_survive_a_restart_and_builtins_are_not_reinstalled() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir.path(), &[]).await;
    let custom = json!({"subject": "Our own RFI",
                        "fields": [{"name": "documents", "type": "string_list"},
                                   {"name": "respond_by", "type": "date", "optional": true}],
                        "body": "Dear {{ customer_name }}, please call us."});
    assert_eq!(
        app.put_template("rfi", &custom, Role::TemplateAuthor)
            .await
            .status(),
        201
    );
    app.stop().await;

    let app = spawn_app_in(dir.path(), &[]).await;
    let (_, rfi) = app.get_json("/v1/templates/rfi", Role::Clerk).await;
    assert_eq!(rfi["version"], 2);
    assert_eq!(rfi["subject"], "Our own RFI");
    let (_, list) = app.get_json("/v1/templates", Role::Clerk).await;
    assert_eq!(list["templates"].as_array().unwrap().len(), 4);
    app.stop().await;
}
