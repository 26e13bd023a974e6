//! Starts the real documents app on port 0 with a fresh data directory (or
//! a fresh table and bucket on the moto server).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cdd_documents::store::dynamo::DynamoDocumentStore;
use cdd_documents::store::s3::S3Content;
use cdd_documents::{Application, DocumentsSettings};
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use cdd_platform::http::Shutdown;
use cdd_platform::settings::EnvReader;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    /// With the AWS backend: the S3 client and bucket.
    pub s3: Option<(aws_sdk_s3::Client, String)>,
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
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let temp = tempfile::tempdir().unwrap();
    let mut app = spawn_app_in(temp.path(), extra).await;
    app._temp = Some(temp);
    app
}

/// The app with `extra` settings, on `dir` (kept by the caller).
pub async fn spawn_app_in(dir: &Path, extra: &[(&str, &str)]) -> TestApp {
    let mut vars = vec![
        ("CDD_BACKEND", "embedded".to_string()),
        ("CDD_DATA_DIR", dir.display().to_string()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let mut app = start(vars).await;
    app.data_dir = dir.to_path_buf();
    app
}

async fn start(vars: Vec<(&str, String)>) -> TestApp {
    cdd_platform::telemetry::init_for_tests();
    let mut map: HashMap<String, String> = HashMap::from([
        ("PORT".into(), "0".into()),
        ("CDD_ENV".into(), "local".into()),
    ]);
    for (k, v) in vars {
        map.insert(k.to_string(), v);
    }
    let mut env = EnvReader::from_map(map);
    let settings = DocumentsSettings::read(&mut env);
    env.finish().unwrap();
    let shutdown = Shutdown::new();
    let app = Application::build(settings.unwrap(), shutdown.clone())
        .await
        .unwrap();
    let port = app.port();
    let handle = tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::new(),
        data_dir: PathBuf::new(),
        s3: None,
        shutdown,
        handle,
        _temp: None,
    }
}

pub use cdd_test_support::{aws_clients, aws_endpoint};

/// The app on the AWS backend against moto, with a fresh table and bucket.
pub async fn spawn_aws_app(extra: &[(&str, &str)]) -> TestApp {
    let endpoint = aws_endpoint();
    let (dynamodb, s3) = aws_clients().await;
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let table = format!("documents-api-{suffix}");
    let bucket = format!("documents-api-{suffix}");
    DynamoDocumentStore::create_table(&dynamodb, &table)
        .await
        .unwrap();
    S3Content::create_bucket(&s3, &bucket).await.unwrap();
    let mut vars = vec![
        ("CDD_BACKEND", "aws".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ENDPOINT_URL", endpoint),
        ("CDD_DOCUMENTS_TABLE", table),
        ("CDD_DOCUMENTS_BUCKET", bucket.clone()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let mut app = start(vars).await;
    app.s3 = Some((s3, bucket));
    app
}

/// A PDF-looking file of `size` bytes (the magic number, then a pattern).
pub fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..size.saturating_sub(9)).map(|i| (i % 251) as u8));
    bytes.truncate(size);
    bytes
}

pub fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend_from_slice(&[7u8; 100]);
    bytes
}

pub fn unique_customer() -> String {
    format!("cus_{}", uuid::Uuid::new_v4().simple())
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

    pub async fn post_file(
        &self,
        customer: &str,
        kind: &str,
        content_type: &str,
        bytes: Vec<u8>,
        role: Role,
    ) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/v1/customers/{customer}/documents?type={kind}")))
            .bearer_auth(token(role))
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// Uploads a file and returns its metadata.
    pub async fn upload(&self, customer: &str, kind: &str, bytes: Vec<u8>) -> Value {
        let res = self
            .post_file(customer, kind, "application/pdf", bytes, Role::Clerk)
            .await;
        assert_eq!(res.status(), 201);
        res.json().await.unwrap()
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
        role: Role,
        if_match: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token(role))
            .json(body);
        if let Some(tag) = if_match {
            req = req.header("if-match", tag);
        }
        req.send().await.unwrap()
    }

    /// Sends a raw HTTP/1.1 request head and `body`, then (if `close_early`)
    /// closes the socket without reading; else returns the response text.
    pub async fn raw(&self, head: &str, body: &[u8], close_early: bool) -> String {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        // The server may answer (and stop reading) before the body is sent.
        let _ = stream.write_all(body).await;
        if close_early {
            let _ = stream.shutdown().await;
            drop(stream);
            return String::new();
        }
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Every file under the data directory's content store.
    pub fn content_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.data_dir.join("content"), &mut out);
        out
    }

    /// Stops the app and waits for it to finish draining.
    pub async fn stop(self) {
        self.shutdown.trigger();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.handle).await;
        if let Some((s3, bucket)) = &self.s3 {
            let _ = S3Content::delete_bucket(s3, bucket).await;
        }
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

/// Waits up to five seconds for `check` to hold.
pub async fn eventually<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..50 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
