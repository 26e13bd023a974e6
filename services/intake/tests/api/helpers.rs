//! Starts the real intake app on port 0 with a fresh data directory.

use std::collections::HashMap;
use std::time::Duration;

use cdd_intake::{Application, IntakeSettings};
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_platform::http::Shutdown;
use cdd_platform::settings::EnvReader;
use serde_json::{Value, json};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub shutdown: Shutdown,
    pub data_dir: std::path::PathBuf,
    _temp: Option<tempfile::TempDir>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub fn token(role: Role, subject: &str) -> String {
    issue_token(DEVELOPMENT_KEY, subject, role, Duration::from_secs(600)).unwrap()
}

pub async fn spawn_app() -> TestApp {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().to_path_buf();
    let mut app = spawn_app_in(&dir, &[]).await;
    app._temp = Some(temp);
    app
}

/// Starts the app on an existing data directory, with extra settings.
pub async fn spawn_app_in(dir: &std::path::Path, extra: &[(&str, &str)]) -> TestApp {
    cdd_platform::telemetry::init_for_tests();
    let mut vars: HashMap<String, String> = HashMap::from([
        ("PORT".into(), "0".into()),
        ("CDD_ENV".into(), "local".into()),
        ("CDD_BACKEND".into(), "embedded".into()),
        ("CDD_DATA_DIR".into(), dir.display().to_string()),
        // Intake alone: the services it calls are down (nothing listens on
        // port 1), so their steps stay pending. The system tests run them.
        ("CDD_SCREENING_URL".into(), "http://127.0.0.1:1".into()),
        ("CDD_DOCUMENTS_URL".into(), "http://127.0.0.1:1".into()),
        ("CDD_LETTERS_URL".into(), "http://127.0.0.1:1".into()),
    ]);
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    let mut env = EnvReader::from_map(vars);
    let settings = IntakeSettings::read(&mut env).unwrap();
    env.finish().unwrap();
    let shutdown = Shutdown::new();
    let app = Application::build(settings, shutdown.clone())
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        shutdown,
        data_dir: dir.to_path_buf(),
        _temp: None,
        handle,
    }
}

pub fn maria() -> Value {
    json!({"kind":"individual","name":"Maria Lopez","birth_date":"1980-02-03","nationalities":["ES"],
           "country_of_residence":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"}})
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn create(&self, key: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/v1/customers"))
            .bearer_auth(token(Role::Clerk, "clerk-1"))
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn created_id(&self, body: &Value) -> String {
        let res = self.create(&uuid(), body).await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn get_json(&self, path: &str, role: Role) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token(role, "reader"))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn patch(&self, id: &str, version: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(&format!("/v1/customers/{id}")))
            .bearer_auth(token(Role::Analyst, "analyst-1"))
            .header("If-Match", version)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Stops the app and waits for it to finish draining.
    pub async fn stop(self) -> Option<tempfile::TempDir> {
        self.shutdown.trigger();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.handle).await;
        self._temp
    }
}

pub fn uuid() -> String {
    format!("key-{}", std::process::id()) + &format!("-{}", rand_suffix())
}

fn rand_suffix() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst) as u128;
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    t * 1000 + n
}

/// Asserts a problem+json answer with the status, and returns its body.
pub async fn problem(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "unexpected status");
    let ct = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(ct, "application/problem+json");
    let has_id = res.headers().contains_key("x-request-id");
    let body: Value = res.json().await.unwrap();
    assert!(has_id, "x-request-id header");
    assert_eq!(body["status"], status);
    assert!(body["request_id"].is_string(), "{body}");
    assert!(
        body["type"].as_str().unwrap().starts_with("https://"),
        "{body}"
    );
    body
}

pub fn field_names(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}
