//! Starts the real letters app on port 0 with a fresh data directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cdd_letters::{Application, LettersSettings};
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_platform::http::Shutdown;
use cdd_platform::settings::EnvReader;
use serde_json::{Value, json};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    shutdown: Shutdown,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
    _temp: Option<tempfile::TempDir>,
}

pub fn token(role: Role) -> String {
    let subject = format!("{role}-1");
    issue_token(DEVELOPMENT_KEY, &subject, role, Duration::from_secs(600)).unwrap()
}

/// The app on the embedded backend, in a fresh directory.
pub async fn spawn_app() -> TestApp {
    let temp = tempfile::tempdir().unwrap();
    let mut app = spawn_app_in(temp.path(), &[]).await;
    app._temp = Some(temp);
    app
}

/// The app with `extra` settings, on `dir` (kept by the caller).
pub async fn spawn_app_in(dir: &Path, extra: &[(&str, &str)]) -> TestApp {
    cdd_platform::telemetry::init_for_tests();
    let mut vars: HashMap<String, String> = HashMap::from([
        ("PORT".into(), "0".into()),
        ("CDD_ENV".into(), "local".into()),
        ("CDD_BACKEND".into(), "embedded".into()),
        ("CDD_DATA_DIR".into(), dir.display().to_string()),
        ("CDD_BANK_NAME".into(), "Northbridge Savings Bank".into()),
        (
            "CDD_BANK_ADDRESS".into(),
            "1 Harbour Street|London EC2A 4NE".into(),
        ),
        ("CDD_SIGNATORY_NAME".into(), "Helen Carter".into()),
        (
            "CDD_SIGNATORY_TITLE".into(),
            "Head of Customer Due Diligence".into(),
        ),
    ]);
    // The fonts: Debian's directory unless the environment names another.
    if let Ok(dir) = std::env::var("CDD_LETTERS_FONTS_DIR") {
        vars.insert("CDD_LETTERS_FONTS_DIR".into(), dir);
    }
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    let mut env = EnvReader::from_map(vars);
    let settings = LettersSettings::read(&mut env);
    env.finish().unwrap();
    let shutdown = Shutdown::new();
    let app = Application::build(settings.unwrap(), shutdown.clone())
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        data_dir: dir.to_path_buf(),
        shutdown,
        handle,
        _temp: None,
    }
}

pub fn rfi_request(customer_id: &str, format: &str) -> Value {
    json!({
        "template": "rfi",
        "customer_id": customer_id,
        "format": format,
        "data": {
            "customer_name": "José Müller-Łukasiewicz",
            "reference": "CDD-2026-000123",
            "address": ["Flat 4", "12 Rue des Fleurs", "75011 Paris", "France"],
            "documents": ["Passport or national identity card", "Proof of address"],
            "respond_by": "2026-04-30"
        }
    })
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, role: Role) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token(role))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str, role: Role) -> (u16, Value) {
        let res = self.get(path, role).await;
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn put_template(&self, name: &str, body: &Value, role: Role) -> reqwest::Response {
        self.client
            .put(self.url(&format!("/v1/templates/{name}")))
            .bearer_auth(token(role))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_letter(&self, key: &str, body: &Value, role: Role) -> reqwest::Response {
        self.client
            .post(self.url("/v1/letters"))
            .bearer_auth(token(role))
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Issues a letter and returns its metadata.
    pub async fn issue(&self, body: &Value) -> Value {
        let res = self.post_letter(&unique("key"), body, Role::Service).await;
        assert_eq!(res.status(), 201);
        res.json().await.unwrap()
    }

    /// Stops the app and waits for it to finish draining.
    pub async fn stop(self) -> Option<tempfile::TempDir> {
        self.shutdown.trigger();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.handle).await;
        self._temp
    }
}

/// Asserts a problem+json answer with `status`, and returns its body.
pub async fn problem(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "unexpected status");
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(ct, "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status, "{body}");
    assert!(body["request_id"].is_string(), "{body}");
    body
}

/// The `field` of every error in a problem.
pub fn field_names(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The text of a PDF, from poppler's `pdftotext`.
pub fn pdftotext(pdf: &[u8]) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "cdd-letters-api-{}-{}.pdf",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    let output = output.unwrap_or_else(|e| {
        panic!("cannot run pdftotext ({e}): install poppler-utils (apt-get install poppler-utils)")
    });
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}
