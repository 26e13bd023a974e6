//! Four eyes: a decision letter comes only from intake, with the recorded
//! decision it reports; changing a template cannot break its callers.

use cdd_platform::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, field_names, problem, rfi_request, spawn_app, unique};

fn decision_request(template: &str, customer_id: &str) -> Value {
    let mut body = rfi_request(customer_id, "text");
    body["template"] = json!(template);
    let data = body["data"].as_object_mut().unwrap();
    data.remove("documents");
    data.remove("respond_by");
    body
}

fn with_decision(mut body: Value, outcome: &str) -> Value {
    let reference = format!("{}:decision:42", body["customer_id"].as_str().unwrap());
    body["decision"] = json!({"reference": reference, "outcome": outcome});
    body
}

#[tokio::test]
async fn people_cannot_issue_decision_letters() {
    let app = spawn_app().await;
    for (template, outcome) in [("onboarding-approval", "approve"), ("rejection", "reject")] {
        for role in [
            Role::Clerk,
            Role::Analyst,
            Role::Approver,
            Role::TemplateAuthor,
        ] {
            // Even with a well-formed decision reference: only intake
            // knows whether that decision was recorded.
            for body in [
                decision_request(template, "cus_6f70656e000000000000000000000000"),
                with_decision(
                    decision_request(template, "cus_6f70656e000000000000000000000000"),
                    outcome,
                ),
            ] {
                let res = app.post_letter(&unique("k"), &body, role).await;
                let p = problem(res, 403).await;
                assert!(p["detail"].as_str().unwrap().contains("intake"), "{p}");
            }
        }
    }
    let (_, list) = app
        .get_json(
            "/v1/customers/cus_6f70656e000000000000000000000000/letters",
            Role::Clerk,
        )
        .await;
    assert_eq!(list["letters"], json!([]), "nothing is issued");
    app.stop().await;
}

#[tokio::test]
async fn a_decision_letter_names_the_decision_it_reports() {
    let app = spawn_app().await;
    let res = app
        .post_letter(
            &unique("k"),
            &decision_request(
                "onboarding-approval",
                "cus_64000000000000000000000000000000",
            ),
            Role::Service,
        )
        .await;
    assert_eq!(field_names(&problem(res, 422).await), ["decision"]);

    let wrong = with_decision(
        decision_request("rejection", "cus_64000000000000000000000000000000"),
        "approve",
    );
    let res = app.post_letter(&unique("k"), &wrong, Role::Service).await;
    assert_eq!(field_names(&problem(res, 422).await), ["decision.outcome"]);

    let mut bad = decision_request("rejection", "cus_64000000000000000000000000000000");
    bad["decision"] = json!({"reference": "no spaces allowed", "outcome": "maybe"});
    let res = app.post_letter(&unique("k"), &bad, Role::Service).await;
    assert_eq!(
        field_names(&problem(res, 422).await),
        ["decision.reference", "decision.outcome"]
    );

    let rfi = with_decision(
        rfi_request("cus_64000000000000000000000000000000", "text"),
        "approve",
    );
    let res = app.post_letter(&unique("k"), &rfi, Role::Service).await;
    assert_eq!(field_names(&problem(res, 422).await), ["decision"]);

    let letter = app
        .issue(&with_decision(
            decision_request("rejection", "cus_64000000000000000000000000000000"),
            "reject",
        ))
        .await;
    assert_eq!(
        letter["decision"],
        json!({"reference": "cus_64000000000000000000000000000000:decision:42", "outcome": "reject"})
    );
    let (_, read) = app
        .get_json(
            &format!("/v1/letters/{}", letter["id"].as_str().unwrap()),
            Role::Clerk,
        )
        .await;
    assert_eq!(read["decision"], letter["decision"], "{read}");
    app.stop().await;
}

/// Publishes `body` as `name`, expects 422 and returns the fields it names.
async fn refused(app: &TestApp, name: &str, body: &Value) -> Vec<String> {
    let res = app.put_template(name, body, Role::TemplateAuthor).await;
    let p = problem(res, 422).await;
    assert!(p["errors"].is_array(), "{p}");
    field_names(&p)
}

#[tokio::test]
async fn a_new_version_must_accept_what_callers_send() {
    let app = spawn_app().await;
    let dropped = json!({"subject": "RFI", "fields": [{"name": "pages", "type": "integer"}],
                         "body": "Dear {{ customer_name }}"});
    assert_eq!(
        refused(&app, "rfi", &dropped).await,
        ["fields.documents", "fields.respond_by", "fields.pages"]
    );

    let retyped = json!({"subject": "RFI",
                         "fields": [{"name": "documents", "type": "string"},
                                    {"name": "respond_by", "type": "date"}],
                         "body": "Dear {{ customer_name }}"});
    assert_eq!(
        refused(&app, "rfi", &retyped).await,
        ["fields.documents", "fields.respond_by"]
    );

    let turned = json!({"subject": "Sorry", "decision": "reject",
                        "body": "Dear {{ customer_name }}"});
    assert_eq!(
        refused(&app, "onboarding-approval", &turned).await,
        ["decision"]
    );
    // A template of the bank's own that reports a decision keeps reporting it.
    let own = json!({"subject": "Approved", "decision": "approve",
                     "body": "Dear {{ customer_name }}"});
    let res = app
        .put_template("sme-approval", &own, Role::TemplateAuthor)
        .await;
    assert_eq!(res.status(), 201);
    let ordinary = json!({"subject": "Approved", "body": "Dear {{ customer_name }}"});
    assert_eq!(refused(&app, "sme-approval", &ordinary).await, ["decision"]);
    // A template without a declared decision under a built-in decision
    // letter's name still reports the built-in's decision.
    let plain = json!({"subject": "Welcome aboard", "body": "Dear {{ customer_name }}"});
    let res = app
        .put_template("onboarding-approval", &plain, Role::TemplateAuthor)
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post_letter(
            &unique("k"),
            &decision_request(
                "onboarding-approval",
                "cus_74000000000000000000000000000000",
            ),
            Role::Clerk,
        )
        .await;
    problem(res, 403).await;

    let (_, rfi) = app.get_json("/v1/templates/rfi", Role::Clerk).await;
    assert_eq!(rfi["version"], 1, "refused versions are not stored");
    // Intake's request still works.
    app.issue(&rfi_request("cus_74000000000000000000000000000000", "text"))
        .await;

    let compatible = json!({"subject": "Documents we need",
                            "fields": [{"name": "documents", "type": "string_list"},
                                       {"name": "respond_by", "type": "date", "optional": true},
                                       {"name": "branch", "type": "string", "optional": true}],
                            "body": "Dear {{ customer_name }}, please send {{ documents | join(', ') }}."});
    let res = app
        .put_template("rfi", &compatible, Role::TemplateAuthor)
        .await;
    assert_eq!(res.status(), 201);
    let letter = app
        .issue(&rfi_request("cus_74000000000000000000000000000000", "text"))
        .await;
    assert_eq!(letter["version"], 2);
    app.stop().await;
}
