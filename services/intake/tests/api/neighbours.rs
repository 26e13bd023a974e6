//! The services intake calls, for the tests that carry a case through to a
//! decision: the real documents service on its own port, and a screening
//! service that answers screening's contract (`cdd_contracts::screening`)
//! from a few entries the test names.
//!
//! Why not the real screening service: on this branch it has no parser for
//! a PEP list yet (the congress-legislators parser comes separately), so it
//! cannot produce a PEP match; the system tests screen against the real
//! lists. The entries here are written for these tests, not copied from a
//! list.

use std::sync::Arc;

use axum::Json;
use axum::routing::{get, post};
use cdd_contracts::screening::{
    AlertPage, BatchRequest, BatchResult, BatchScreening, ListCategory, Match, MatchedPosition,
    PepStanding, PepStatus,
};
use cdd_platform::auth::Role;
use cdd_platform::http::Shutdown;
use cdd_platform::service::Service;
use cdd_platform::settings::EnvReader;
use serde_json::Value;

use crate::helpers::token;

/// A listed entry the screening service reports for a subject of that name.
#[derive(Clone)]
pub struct Listed {
    pub name: &'static str,
    pub category: ListCategory,
    pub positions: Vec<MatchedPosition>,
    pub pep: Option<PepStanding>,
}

impl Listed {
    /// A current PEP holding `title` for `country` since `start`.
    pub fn current_pep(name: &'static str, title: &str, country: &str, start: &str) -> Self {
        Self {
            name,
            category: ListCategory::Pep,
            positions: vec![MatchedPosition {
                title: title.into(),
                country: Some(country.into()),
                start: Some(start.into()),
                end: None,
                held_now: true,
            }],
            pep: Some(PepStanding {
                status: PepStatus::Current,
                reason: format!("holds the function {title} since {start}"),
            }),
        }
    }

    /// A PEP whose last function ended `end`, longer ago than the bank's period.
    pub fn former_pep(name: &'static str, title: &str, country: &str, end: &str) -> Self {
        Self {
            name,
            category: ListCategory::Pep,
            positions: vec![MatchedPosition {
                title: title.into(),
                country: Some(country.into()),
                start: Some("2005-01-03".into()),
                end: Some(end.into()),
                held_now: false,
            }],
            pep: Some(PepStanding {
                status: PepStatus::Former,
                reason: format!(
                    "last function ended {end}, more than the 12 months the bank treats a PEP as current"
                ),
            }),
        }
    }

    pub fn sanctioned(name: &'static str) -> Self {
        Self {
            name,
            category: ListCategory::Sanction,
            positions: Vec::new(),
            pep: None,
        }
    }

    fn to_match(&self, n: usize) -> Match {
        let list = match self.category {
            ListCategory::Pep => "us_congress_legislators",
            _ => "ofac_sdn",
        };
        Match {
            entity_id: format!("{list}:T{n}"),
            list: list.into(),
            category: self.category,
            programs: Vec::new(),
            primary_name: self.name.into(),
            matched_name: self.name.into(),
            score: 1.0,
            is_match: true,
            explanation: serde_json::json!({"exact": true}),
            positions: self.positions.clone(),
            pep: self.pep.clone(),
        }
    }
}

/// Starts a screening service that matches a subject by exact name
/// (ignoring case) against `listed`; its monitoring feed is empty.
pub async fn screening(listed: Vec<Listed>) -> String {
    let listed = Arc::new(listed);
    let batch = move |Json(req): Json<BatchRequest>| {
        let listed = listed.clone();
        async move {
            let results = req
                .subjects
                .iter()
                .map(|s| BatchResult {
                    subject_ref: s.subject_ref.clone(),
                    monitored: s.monitor,
                    matches: listed
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.name.eq_ignore_ascii_case(s.subject.name.trim()))
                        .map(|(n, l)| l.to_match(n))
                        .collect(),
                })
                .collect();
            Json(BatchScreening {
                list_version: "test-lists-1".into(),
                demo: false,
                results,
            })
        }
    };
    let alerts = || async {
        Json(AlertPage {
            alerts: Vec::new(),
            next: "0".into(),
        })
    };
    let app = axum::Router::new()
        .route("/v1/screenings/batch", post(batch))
        .route("/v1/alerts", get(alerts));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// The real documents service on embedded storage in `dir`.
pub async fn documents(dir: &std::path::Path, shutdown: &Shutdown) -> String {
    let vars = [
        ("PORT", "0".to_string()),
        ("CDD_ENV", "local".to_string()),
        ("CDD_BACKEND", "embedded".to_string()),
        ("CDD_DATA_DIR", dir.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut env = EnvReader::from_map(vars);
    let settings = cdd_documents::Application::read_settings(&mut env).unwrap();
    env.finish().unwrap();
    let app = cdd_documents::Application::build(settings, shutdown.clone())
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    url
}

/// A small PDF, as the documents service checks the type from the bytes.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%intake-test\n".to_vec();
    bytes.resize(500, b'0');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

/// A clerk uploads a document of `kind` for the customer (or a related
/// party), and an analyst verifies it.
pub async fn provide(documents: &str, customer: &str, kind: &str, party: Option<&str>) {
    let client = reqwest::Client::new();
    let mut url =
        reqwest::Url::parse(&format!("{documents}/v1/customers/{customer}/documents")).unwrap();
    url.query_pairs_mut().append_pair("type", kind);
    if let Some(party) = party {
        url.query_pairs_mut().append_pair("party", party);
    }
    let res = client
        .post(url)
        .bearer_auth(token(Role::Clerk, "clerk-1"))
        .header("content-type", "application/pdf")
        .body(pdf())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "upload of {kind}");
    let doc: Value = res.json().await.unwrap();
    let res = client
        .patch(format!(
            "{documents}/v1/documents/{}",
            doc["id"].as_str().unwrap()
        ))
        .bearer_auth(token(Role::Analyst, "analyst-docs"))
        .header("if-match", format!("\"{}\"", doc["version"]))
        .json(&serde_json::json!({"status": "verified"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "verifying {kind}");
}
