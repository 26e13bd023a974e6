//! A fake AWS JSON endpoint (ECS and CodeDeploy speak the same protocol,
//! told apart by `X-Amz-Target`) that answers from a fixture file:
//! successive DescribeServices, GetDeployment and BatchGetDeploymentTargets
//! answers in order (the last one repeats), a registered revision echoed back
//! with the next revision number, and every request kept for assertions.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Output;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/deploy/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[derive(Default)]
struct Script {
    fixture: Value,
    cursors: HashMap<String, usize>,
    requests: Vec<(String, Value)>,
}

impl Script {
    fn answer(&self, key: &str) -> Value {
        let list = self.fixture[key]
            .as_array()
            .unwrap_or_else(|| panic!("fixture has no {key}"));
        list[self
            .cursors
            .get(key)
            .copied()
            .unwrap_or(0)
            .min(list.len() - 1)]
        .clone()
    }

    fn next(&mut self, key: &str) -> Value {
        let answer = self.answer(key);
        *self.cursors.entry(key.to_string()).or_default() += 1;
        answer
    }
}

pub struct FakeAws {
    endpoint: String,
    script: Arc<Mutex<Script>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FakeAws {
    pub async fn start(fixture_name: &str) -> Self {
        let mut fixture = fixture(fixture_name);
        if fixture.get("describeTaskDefinition").is_none() {
            fixture["describeTaskDefinition"] = self::fixture("task_definition.json");
        }
        let script = Arc::new(Mutex::new(Script {
            fixture,
            ..Script::default()
        }));
        let app = Router::new().fallback(answer).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    stopped.await.ok();
                })
                .await
                .unwrap();
        });
        Self {
            endpoint,
            script,
            stop: Some(stop),
        }
    }

    /// Runs `cdd` against this endpoint with test credentials, polling fast.
    pub async fn cdd(&self, args: &[&str]) -> Output {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_cdd"))
            .args(args)
            .args(["--poll-interval", "0.02"])
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "eu-central-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .kill_on_drop(true)
            .output()
            .await
            .unwrap()
    }

    /// The bodies of every request of one operation, in order.
    pub fn requests(&self, operation: &str) -> Vec<Value> {
        let script = self.script.lock().unwrap();
        script
            .requests
            .iter()
            .filter(|(op, _)| op == operation)
            .map(|(_, body)| body.clone())
            .collect()
    }

    pub fn operations(&self) -> Vec<String> {
        let script = self.script.lock().unwrap();
        script.requests.iter().map(|(op, _)| op.clone()).collect()
    }
}

impl Drop for FakeAws {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
    }
}

async fn answer(
    State(script): State<Arc<Mutex<Script>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.rsplit_once('.'))
        .map(|(_, op)| op.to_string())
        .unwrap_or_default();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut script = script.lock().unwrap();
    script.requests.push((operation.clone(), request.clone()));
    let answer = match operation.as_str() {
        "DescribeServices" => script.next("describeServices"),
        "UpdateService" => json!({"service": script.answer("describeServices")["services"][0]}),
        "DescribeTaskDefinition" => script.fixture["describeTaskDefinition"].clone(),
        "RegisterTaskDefinition" => registered(&script.fixture["describeTaskDefinition"], request),
        "ListTaskDefinitions" => json!({"taskDefinitionArns": []}),
        "CreateDeployment" => json!({"deploymentId": "d-CANARY001"}),
        "GetDeployment" => script.next("getDeployment"),
        "ListDeploymentTargets" => json!({"targetIds": ["cdd-prod:intake"]}),
        "BatchGetDeploymentTargets" => script.next("deploymentTargets"),
        other => {
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "application/x-amz-json-1.1")],
                json!({"__type": "UnknownOperationException", "message": other}).to_string(),
            )
                .into_response();
        }
    };
    (
        [(header::CONTENT_TYPE, "application/x-amz-json-1.1")],
        answer.to_string(),
    )
        .into_response()
}

/// RegisterTaskDefinition's answer: the request as the next revision.
fn registered(described: &Value, request: Value) -> Value {
    let current = &described["taskDefinition"];
    let revision = current["revision"].as_i64().unwrap() + 1;
    let arn = current["taskDefinitionArn"].as_str().unwrap();
    let (family_arn, _) = arn.rsplit_once(':').unwrap();
    let mut definition = request.clone();
    definition["taskDefinitionArn"] = json!(format!("{family_arn}:{revision}"));
    definition["revision"] = json!(revision);
    definition["status"] = json!("ACTIVE");
    if let Some(map) = definition.as_object_mut() {
        map.remove("tags");
    }
    json!({"taskDefinition": definition, "tags": request["tags"]})
}
