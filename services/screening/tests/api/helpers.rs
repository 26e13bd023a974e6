//! Starts the real screening app on port 0 with a fresh data directory and
//! a list folder made for the test.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_platform::http::Shutdown;
use cdd_platform::settings::EnvReader;
use cdd_screening::{Application, ScreeningSettings, sanctions_data_dir};
use serde_json::{Value, json};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub shutdown: Shutdown,
    _data: tempfile::TempDir,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub fn token(role: Role) -> String {
    issue_token(DEVELOPMENT_KEY, "tester", role, Duration::from_secs(600)).unwrap()
}

/// The app on the built-in demo list (nothing configured).
pub async fn spawn_demo_app() -> TestApp {
    spawn_app(None).await
}

/// The app on `lists` (`CDD_LISTS_DIR`), or the demo list without one.
pub async fn spawn_app(lists: Option<&Path>) -> TestApp {
    spawn_app_with(lists, &[]).await
}

/// [`spawn_app`] with more settings.
pub async fn spawn_app_with(lists: Option<&Path>, extra: &[(&str, &str)]) -> TestApp {
    cdd_platform::telemetry::init_for_tests();
    let data = tempfile::tempdir().unwrap();
    let mut vars: HashMap<String, String> = HashMap::from([
        ("PORT".into(), "0".into()),
        ("CDD_ENV".into(), "local".into()),
        ("CDD_BACKEND".into(), "embedded".into()),
        ("CDD_DATA_DIR".into(), data.path().display().to_string()),
    ]);
    if let Some(dir) = lists {
        vars.insert("CDD_LISTS_DIR".into(), dir.display().to_string());
    }
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    let mut env = EnvReader::from_map(vars);
    let settings = ScreeningSettings::read(&mut env).unwrap();
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
        _data: data,
        handle,
    }
}

/// A real list vintage (`ofac_sdn_2024-04-02`), found through
/// `CDD_SANCTIONS_DATA` or next to the workspace. The repository never
/// carries these files: tests link them into a temporary folder.
pub fn real_vintage(name: &str) -> PathBuf {
    let dir = sanctions_data_dir().join(name);
    assert!(
        dir.is_dir(),
        "real list data missing at {} (set CDD_SANCTIONS_DATA)",
        dir.display()
    );
    dir
}

/// Links (or copies) a real vintage folder into `lists`.
pub fn add_real_vintage(lists: &Path, name: &str) {
    let from = real_vintage(name);
    let to = lists.join(name);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&from, &to).unwrap();
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(&from).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
        }
    }
}

/// The crate's fictional demo list as a vintage folder in `lists`.
pub fn add_demo_vintage(lists: &Path, name: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo-lists");
    let to = lists.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for f in ["sdn.csv", "alt.csv"] {
        std::fs::copy(src.join(f), to.join(f)).unwrap();
    }
}

pub fn person(name: &str) -> Value {
    json!({"subject": {"kind": "person", "name": name}})
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post(&self, path: &str, role: Role, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token(role))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, role: Role, body: &Value) -> (u16, Value) {
        let res = self.post(path, role, body).await;
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_json(&self, path: &str, role: Role) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token(role))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn reload(&self) -> (u16, Value) {
        let res = self
            .client
            .post(self.url("/v1/lists/reload"))
            .bearer_auth(token(Role::Service))
            .timeout(Duration::from_secs(300))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Every alert, following the cursor page by page.
    pub async fn all_alerts(&self) -> Vec<Value> {
        let mut out = Vec::new();
        let mut since = String::new();
        loop {
            let (status, page) = self
                .get_json(&format!("/v1/alerts?since={since}&limit=2"), Role::Analyst)
                .await;
            assert_eq!(status, 200, "{page}");
            // Intake reads this feed through the shared contract type.
            let _: cdd_contracts::screening::AlertPage =
                serde_json::from_value(page.clone()).expect("the alert feed keeps the contract");
            let alerts = page["alerts"].as_array().unwrap().clone();
            since = page["next"].as_str().unwrap().to_string();
            if alerts.is_empty() {
                return out;
            }
            out.extend(alerts);
        }
    }

    /// Stops the app and waits for it to finish draining.
    pub async fn stop(self) {
        self.shutdown.trigger();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.handle).await;
    }
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
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["request_id"].is_string(), "{body}");
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
