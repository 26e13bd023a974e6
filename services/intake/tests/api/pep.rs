//! Politically exposed persons, end to end through intake's API: a PEP
//! match becomes an alert disposed `confirmed_pep`, the case then needs
//! enhanced due diligence, evidence of the source of wealth and of funds,
//! and a senior manager (not the proposer) to approve it; a former PEP is
//! rated by the bank's policy; a ticked box needs the same as a match.

use cdd_platform::auth::Role;
use cdd_platform::http::Shutdown;
use serde_json::{Value, json};

use crate::helpers::{TestApp, field_names, problem, spawn_app_in, token, uuid};
use crate::neighbours::{self, Listed};

/// Intake with the real screening (against `listed`) and documents
/// services; letters stays down (decision letters stay pending).
struct Platform {
    app: TestApp,
    documents: String,
    neighbours: Shutdown,
    _dirs: [tempfile::TempDir; 3],
}

impl Platform {
    async fn start(listed: Vec<Listed>, extra: &[(&str, &str)]) -> Self {
        let dirs = [(); 3].map(|_| tempfile::tempdir().unwrap());
        let neighbours = Shutdown::new();
        let documents = neighbours::documents(dirs[1].path(), &neighbours).await;
        let screening = neighbours::screening(dirs[2].path(), &listed, &neighbours).await;
        let mut vars = vec![
            ("CDD_SCREENING_URL", screening.as_str()),
            ("CDD_DOCUMENTS_URL", documents.as_str()),
        ];
        vars.extend_from_slice(extra);
        let app = spawn_app_in(dirs[0].path(), &vars).await;
        Self {
            app,
            documents,
            neighbours,
            _dirs: dirs,
        }
    }

    async fn stop(self) {
        self.neighbours.trigger();
        self.app.stop().await;
    }

    /// Creates the customer; screening runs with the create.
    async fn onboard(&self, body: &Value) -> Value {
        let res = self.app.create(&uuid(), body).await;
        assert_eq!(res.status(), 201);
        res.json().await.unwrap()
    }

    async fn send(&self, role: Role, subject: &str, path: &str, body: Value) -> reqwest::Response {
        let method = if path.ends_with("/disposition") {
            reqwest::Method::PUT
        } else {
            reqwest::Method::POST
        };
        self.app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(token(role, subject))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn dispose(&self, id: &str, alert: &str, outcome: &str) -> reqwest::Response {
        self.send(
            Role::Analyst,
            "ana",
            &format!("/v1/customers/{id}/alerts/{alert}/disposition"),
            json!({"outcome": outcome, "reason": "date of birth and photo compared"}),
        )
        .await
    }

    async fn propose_approval(&self, id: &str) -> reqwest::Response {
        self.send(
            Role::Analyst,
            "ana",
            &format!("/v1/customers/{id}/decision"),
            json!({"outcome": "approve", "reason": "evidence complete"}),
        )
        .await
    }

    async fn approve(&self, id: &str, role: Role, subject: &str) -> reqwest::Response {
        self.send(
            role,
            subject,
            &format!("/v1/customers/{id}/decision/approve"),
            json!({"reason": "relationship accepted"}),
        )
        .await
    }

    async fn provide(&self, id: &str, kinds: &[&str]) {
        for kind in kinds {
            neighbours::provide(&self.documents, id, kind, None).await;
        }
    }

    async fn audit(&self, id: &str) -> Vec<Value> {
        let (status, trail) = self
            .app
            .get_json(&format!("/v1/customers/{id}/audit"), Role::Analyst)
            .await;
        assert_eq!(status, 200, "{trail}");
        assert_eq!(trail["verification"]["valid"], true, "{trail}");
        trail["events"].as_array().unwrap().clone()
    }
}

fn person(name: &str, pep: bool) -> Value {
    json!({"kind":"individual","name":name,"birth_date":"1961-04-12","nationalities":["US"],
           "country_of_residence":"US","address":{"line1":"1 Main St","city":"Salem","country":"US"},
           "pep":pep})
}

const IDENTITY_AND_ADDRESS: &[&str] = &["passport", "proof_of_address"];
const FUNDS_AND_WEALTH: &[&str] = &["source_of_funds_evidence", "source_of_wealth_evidence"];

fn requirements(customer: &Value) -> Vec<String> {
    customer["case"]["risk"]["required_documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["requirement"].as_str().unwrap().to_string())
        .collect()
}

fn factor<'a>(customer: &'a Value, code: &str) -> &'a Value {
    customer["case"]["risk"]["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no factor {code}: {}", customer["case"]["risk"]))
}

fn event<'a>(events: &'a [Value], action: &str) -> &'a Value {
    events
        .iter()
        .rfind(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in the audit trail"))
}

#[tokio::test]
async fn a_confirmed_pep_needs_wealth_and_funds_evidence_and_a_senior_manager_not_the_proposer() {
    let senator = "United States Senator for Oregon";
    let platform = Platform::start(
        vec![Listed::Senator {
            first: "Ann",
            last: "Holder",
            birthday: "1961-04-12",
            state: "OR",
            start: "2021-01-03",
            end: "2033-01-03",
        }],
        &[],
    )
    .await;
    let customer = platform.onboard(&person("Ann Holder", false)).await;
    let id = customer["id"].as_str().unwrap();
    let alert = &customer["case"]["alerts"][0];
    assert_eq!(alert["category"], "pep", "{alert}");
    assert_eq!(alert["positions"][0]["title"], senator);
    assert_eq!(alert["positions"][0]["held_now"], true);
    assert_eq!(alert["pep"]["status"], "current");
    let alert = alert["id"].as_str().unwrap();

    // A PEP alert is not disposed by the sanctions procedure.
    let p = problem(platform.dispose(id, alert, "true_match").await, 422).await;
    assert_eq!(field_names(&p), ["outcome"], "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("must be one of: confirmed_pep, false_positive"),
        "{p}"
    );

    let res = platform.dispose(id, alert, "confirmed_pep").await;
    assert_eq!(res.status(), 200);
    let customer: Value = res.json().await.unwrap();
    let risk = &customer["case"]["risk"];
    assert_eq!(
        (
            &risk["level"],
            &risk["cdd_level"],
            &risk["politically_exposed"]
        ),
        (&json!("high"), &json!("enhanced"), &json!(true))
    );
    let reason = factor(&customer, "pep.confirmed")["reason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("the customer Ann Holder"), "{reason}");
    assert!(
        reason.contains(&format!("{senator} (US), since 2021-01-03")),
        "{reason}"
    );
    let required = requirements(&customer);
    assert!(
        required.contains(&"source_of_wealth".to_string()),
        "{required:?}"
    );
    assert!(
        required.contains(&"source_of_funds".to_string()),
        "{required:?}"
    );

    // Identity and address are not enough.
    platform.provide(id, IDENTITY_AND_ADDRESS).await;
    let p = problem(platform.propose_approval(id).await, 409).await;
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("Evidence of the source of wealth (missing)"),
        "{detail}"
    );
    assert!(
        detail.contains("Evidence of the source of funds (missing)"),
        "{detail}"
    );
    assert!(!detail.contains("Passport"), "{detail}");

    platform.provide(id, FUNDS_AND_WEALTH).await;
    assert_eq!(platform.propose_approval(id).await.status(), 200);

    // An approver may not approve a PEP relationship ...
    let p = problem(
        platform.approve(id, Role::Approver, "approver-1").await,
        403,
    )
    .await;
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("senior_manager"), "{detail}");
    assert!(detail.contains("Ann Holder"), "{detail}");
    // ... nor the analyst who proposed it, even as a senior manager.
    let p = problem(platform.approve(id, Role::SeniorManager, "ana").await, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("four eyes"), "{p}");
    let res = platform.approve(id, Role::SeniorManager, "sam").await;
    assert_eq!(res.status(), 200);
    let customer: Value = res.json().await.unwrap();
    assert_eq!(customer["case"]["status"], "approved");
    assert_eq!(customer["case"]["decision"]["taken"]["by"], "sam");

    // Every step, with who took it.
    let events = platform.audit(id).await;
    let screened = event(&events, "screening.completed");
    assert_eq!(screened["details"]["alerts_raised"][0]["category"], "pep");
    assert!(
        screened["details"]["alerts_raised"][0]["position"]
            .as_str()
            .unwrap()
            .contains(senator)
    );
    let disposed = event(&events, "alert.disposed");
    assert_eq!(disposed["actor"]["subject"], "ana");
    assert_eq!(disposed["details"]["outcome"], "confirmed_pep");
    assert_eq!(disposed["details"]["pep_relationship"]["to"], true);
    assert_eq!(
        disposed["details"]["pep_relationship"]["requires"],
        json!([
            "enhanced_due_diligence",
            "source_of_wealth",
            "source_of_funds",
            "senior_management_approval"
        ])
    );
    let proposed = event(&events, "decision.proposed");
    assert_eq!(
        proposed["details"]["senior_management_approval_required"],
        true
    );
    let evidence = proposed["details"]["verified_documents"]
        .as_array()
        .unwrap();
    for requirement in ["source_of_wealth", "source_of_funds"] {
        let e = evidence
            .iter()
            .find(|e| e["requirement"] == requirement)
            .unwrap_or_else(|| panic!("no {requirement} in {evidence:?}"));
        assert_eq!(e["documents"].as_array().unwrap().len(), 1, "{e}");
    }
    let approved = event(&events, "decision.approved");
    assert_eq!(approved["actor"]["subject"], "sam");
    assert_eq!(approved["actor"]["role"], "senior_manager");
    assert_eq!(
        approved["details"]["senior_management_approval"]["by"],
        "sam"
    );
    assert!(
        approved["details"]["senior_management_approval"]["because"][0]
            .as_str()
            .unwrap()
            .contains(senator)
    );
    platform.stop().await;
}

#[tokio::test]
async fn a_former_pep_is_rated_by_the_banks_policy_with_the_reason() {
    let senator = "United States Senator for Oregon";
    let listed = || {
        vec![Listed::Senator {
            first: "Bob",
            last: "Former",
            birthday: "1961-04-12",
            state: "OR",
            start: "2003-01-03",
            end: "2015-01-03",
        }]
    };

    // Default policy: medium, no PEP measures; an approver may approve.
    let platform = Platform::start(listed(), &[]).await;
    let customer = platform.onboard(&person("Bob Former", false)).await;
    let id = customer["id"].as_str().unwrap();
    let alert = customer["case"]["alerts"][0]["id"].as_str().unwrap();
    let customer: Value = platform
        .dispose(id, alert, "confirmed_pep")
        .await
        .json()
        .await
        .unwrap();
    let risk = &customer["case"]["risk"];
    assert_eq!(
        (
            &risk["level"],
            &risk["cdd_level"],
            &risk["politically_exposed"]
        ),
        (&json!("medium"), &json!("standard"), &json!(false))
    );
    let former = factor(&customer, "pep.former");
    let reason = former["reason"].as_str().unwrap();
    assert!(
        reason.contains("former politically exposed person"),
        "{reason}"
    );
    assert!(
        reason.contains(senator) && reason.contains("2015-01-03"),
        "{reason}"
    );
    assert!(reason.contains("CDD_PEP_FORMER_RATING=medium"), "{reason}");
    assert_eq!(former["requires_enhanced"], false);
    assert!(
        !requirements(&customer)
            .iter()
            .any(|r| r.starts_with("source_of"))
    );
    platform.provide(id, IDENTITY_AND_ADDRESS).await;
    assert_eq!(platform.propose_approval(id).await.status(), 200);
    assert_eq!(
        platform
            .approve(id, Role::Approver, "approver-1")
            .await
            .status(),
        200
    );
    platform.stop().await;

    // A bank that keeps former PEPs under the PEP measures.
    let platform = Platform::start(listed(), &[("CDD_PEP_FORMER_RATING", "high")]).await;
    let customer = platform.onboard(&person("Bob Former", false)).await;
    let id = customer["id"].as_str().unwrap();
    let alert = customer["case"]["alerts"][0]["id"].as_str().unwrap();
    let customer: Value = platform
        .dispose(id, alert, "confirmed_pep")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(customer["case"]["risk"]["politically_exposed"], true);
    assert_eq!(customer["case"]["risk"]["cdd_level"], "enhanced");
    let reason = factor(&customer, "pep.former")["reason"].as_str().unwrap();
    assert!(reason.contains("CDD_PEP_FORMER_RATING=high"), "{reason}");
    assert!(requirements(&customer).contains(&"source_of_wealth".to_string()));
    platform.stop().await;
}

#[tokio::test]
async fn a_ticked_box_needs_the_same_as_a_confirmed_match() {
    // Screened against a list she is not on: only the box says PEP.
    let platform = Platform::start(
        vec![Listed::Senator {
            first: "Dora",
            last: "Elsewhere",
            birthday: "1958-02-01",
            state: "VT",
            start: "2019-01-03",
            end: "2031-01-03",
        }],
        &[],
    )
    .await;
    let customer = platform.onboard(&person("Carla Declared", true)).await;
    let id = customer["id"].as_str().unwrap();
    assert_eq!(customer["case"]["alerts"], json!([]));
    assert_eq!(customer["case"]["risk"]["politically_exposed"], true);
    let reason = factor(&customer, "pep.customer")["reason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("Carla Declared"), "{reason}");

    platform.provide(id, IDENTITY_AND_ADDRESS).await;
    platform.provide(id, &["source_of_funds_evidence"]).await;
    let p = problem(platform.propose_approval(id).await, 409).await;
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("Evidence of the source of wealth (missing)"),
        "{detail}"
    );
    assert!(!detail.contains("source of funds"), "{detail}");
    platform.provide(id, &["source_of_wealth_evidence"]).await;
    assert_eq!(platform.propose_approval(id).await.status(), 200);
    problem(
        platform.approve(id, Role::Approver, "approver-1").await,
        403,
    )
    .await;
    assert_eq!(
        platform
            .approve(id, Role::SeniorManager, "sam")
            .await
            .status(),
        200
    );
    platform.stop().await;
}

#[tokio::test]
async fn confirmed_pep_is_not_a_finding_on_a_sanctions_alert() {
    let platform = Platform::start(
        vec![Listed::Sanctioned {
            name: "BLOCKED, Ivan",
            dob: "12 Apr 1961",
        }],
        &[],
    )
    .await;
    let customer = platform.onboard(&person("Ivan Blocked", false)).await;
    let id = customer["id"].as_str().unwrap();
    let alert = &customer["case"]["alerts"][0];
    assert_eq!(alert["category"], "sanction");
    assert!(
        alert.get("pep").is_none() && alert.get("positions").is_none(),
        "{alert}"
    );
    let alert = alert["id"].as_str().unwrap();
    let p = problem(platform.dispose(id, alert, "confirmed_pep").await, 422).await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("must be one of: true_match, false_positive"),
        "{p}"
    );
    let res = platform.dispose(id, alert, "true_match").await;
    assert_eq!(res.status(), 200);
    let customer: Value = res.json().await.unwrap();
    assert_eq!(customer["case"]["risk"]["politically_exposed"], false);
    assert!(factor(&customer, "screening.confirmed_match")["reason"].is_string());
    platform.stop().await;
}
