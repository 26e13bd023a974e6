//! Calls to the running platform as the people who work a case: a clerk,
//! analysts and approvers, each with their own development token.

use std::time::{Duration, Instant};

use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A caller with a role, talking to one service's base URL.
pub struct Session {
    pub client: reqwest::Client,
    pub token: String,
}

/// A `%PDF` file of about `size` bytes, as the documents service expects.
pub fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%system-test\n".to_vec();
    bytes.resize(size.max(64) - 6, b'0');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

impl Session {
    pub fn new(role: Role, subject: &str) -> Self {
        Self {
            client: reqwest::Client::new(),
            token: issue_token(DEVELOPMENT_KEY, subject, role, Duration::from_secs(3600))
                .expect("a development token"),
        }
    }

    /// A caller with a token from elsewhere (the identity provider's).
    pub fn with_token(token: impl Into<String>) -> Self {
        Self {
            client: reqwest::Client::new(),
            token: token.into(),
        }
    }

    /// Sends JSON (or nothing) and returns the status and the JSON answer.
    pub async fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, url)
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(30));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, url: &str) -> (StatusCode, Value) {
        self.call(Method::GET, url, None, &[]).await
    }

    pub async fn post(&self, url: &str, body: &Value) -> (StatusCode, Value) {
        self.call(Method::POST, url, Some(body), &[]).await
    }

    /// Uploads a PDF as a document of the customer (of a related party when `party` is set).
    pub async fn upload(
        &self,
        documents: &str,
        customer: &str,
        kind: &str,
        party: Option<&str>,
    ) -> Value {
        let mut url =
            reqwest::Url::parse(&format!("{documents}/v1/customers/{customer}/documents"))
                .expect("a documents URL");
        url.query_pairs_mut().append_pair("type", kind);
        if let Some(party) = party {
            url.query_pairs_mut().append_pair("party", party);
        }
        let res = self
            .client
            .post(url)
            .bearer_auth(&self.token)
            .header("content-type", "application/pdf")
            .body(pdf(2_000))
            .send()
            .await
            .expect("the upload is answered");
        assert_eq!(res.status(), 201, "upload of {kind}");
        res.json().await.expect("the stored document")
    }

    /// Marks a document verified (an analyst's check of it).
    pub async fn verify(&self, documents: &str, document: &Value) {
        let id = document["id"].as_str().expect("a document id");
        let version = document["version"].as_u64().expect("a document version");
        let (status, body) = self
            .call(
                Method::PATCH,
                &format!("{documents}/v1/documents/{id}"),
                Some(&serde_json::json!({"status": "verified"})),
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, 200, "verifying {id}: {body}");
    }

    /// Reads `url` until `done` holds for the answer, or panics after `within`.
    pub async fn poll(&self, url: &str, within: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(url).await;
            if status == 200 && done(&body) {
                return body;
            }
            if start.elapsed() > within {
                panic!("{url} did not reach the expected state within {within:?}: {status} {body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
