//! The demo's line to a running `cdd up`: where each service listens, the
//! bank staff it acts as (development tokens), and requests whose failure
//! reads as the step that failed with the service's problem+json detail.

use std::fmt::Display;
use std::time::Duration;

use anyhow::{Context, anyhow};
use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};
use reqwest::{Method, RequestBuilder, StatusCode, header};
use serde_json::Value;

/// How long one request may take; every call here is quick.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the staff's tokens live: one demo run.
const TOKEN_TTL: Duration = Duration::from_secs(3600);

/// Who does a step (four eyes: the approver is not the analyst).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staff {
    Clerk,
    Analyst,
    Approver,
    /// Approves what is reserved for senior management: a PEP relationship.
    SeniorManager,
}

impl Staff {
    pub fn subject(self) -> &'static str {
        match self {
            Self::Clerk => "clerk-1",
            Self::Analyst => "analyst-1",
            Self::Approver => "approver-1",
            Self::SeniorManager => "senior-manager-1",
        }
    }

    fn role(self) -> Role {
        match self {
            Self::Clerk => Role::Clerk,
            Self::Analyst => Role::Analyst,
            Self::Approver => Role::Approver,
            Self::SeniorManager => Role::SeniorManager,
        }
    }
}

/// A service the demo calls, by its offset from `--base-port` (as `cdd up`
/// lays them out). Screening is intake's business: the demo never calls it,
/// so it works with any screening instance up, wherever it listens.
#[derive(Debug, Clone, Copy)]
pub enum Service {
    Intake = 0,
    Documents = 2,
    Letters = 3,
}

impl Service {
    const ALL: [Service; 3] = [Self::Intake, Self::Documents, Self::Letters];

    fn name(self) -> &'static str {
        match self {
            Self::Intake => "intake",
            Self::Documents => "documents",
            Self::Letters => "letters",
        }
    }

    fn port_offset(self) -> u16 {
        self as u16
    }
}

/// A successful answer.
pub struct Reply {
    pub body: Value,
    /// The `ETag` header without its quotes (documents: the version).
    pub etag: Option<String>,
}

/// A running platform, as the bank's staff reach it.
pub struct Platform {
    http: reqwest::Client,
    base_port: u16,
    tokens: [(Staff, String); 4],
}

impl Platform {
    pub fn new(base_port: u16) -> anyhow::Result<Self> {
        if base_port
            .checked_add(Service::Letters.port_offset())
            .is_none()
        {
            anyhow::bail!("--base-port {base_port} leaves no room for the services' ports");
        }
        let token = |staff: Staff| -> anyhow::Result<(Staff, String)> {
            Ok((
                staff,
                issue_token(DEVELOPMENT_KEY, staff.subject(), staff.role(), TOKEN_TTL)?,
            ))
        };
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .build()?,
            base_port,
            tokens: [
                token(Staff::Clerk)?,
                token(Staff::Analyst)?,
                token(Staff::Approver)?,
                token(Staff::SeniorManager)?,
            ],
        })
    }

    pub fn url(&self, service: Service, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}{path}",
            self.base_port + service.port_offset()
        )
    }

    /// Every service answers `GET /health/ready`, or a message that says
    /// how to start them.
    pub async fn check_ready(&self) -> anyhow::Result<()> {
        for service in Service::ALL {
            let url = self.url(service, "/health/ready");
            let ready = match self.http.get(&url).send().await {
                Ok(res) if res.status().is_success() => Ok(()),
                Ok(res) => Err(format!("it answered {}", res.status())),
                Err(e) => Err(format!("no answer: {e}")),
            };
            if let Err(why) = ready {
                anyhow::bail!(
                    "{} is not ready at {url} ({why}); start the platform first with `cdd up --base-port {}`",
                    service.name(),
                    self.base_port
                );
            }
        }
        Ok(())
    }

    /// A request to `service` made by `staff`.
    pub fn request(
        &self,
        staff: Staff,
        method: Method,
        service: Service,
        path: &str,
    ) -> RequestBuilder {
        let token = self
            .tokens
            .iter()
            .find(|(s, _)| *s == staff)
            .map(|(_, t)| t.as_str())
            .unwrap_or_default();
        self.http
            .request(method, self.url(service, path))
            .bearer_auth(token)
    }

    /// Sends `request`; anything but a 2xx is an error naming `step`, the
    /// request and the problem the service described.
    pub async fn send(&self, step: impl Display, request: RequestBuilder) -> anyhow::Result<Reply> {
        let request = request
            .build()
            .with_context(|| format!("{step}: building the request"))?;
        let what = format!("{} {}", request.method(), request.url());
        let res = self
            .http
            .execute(request)
            .await
            .with_context(|| format!("{step}: {what} got no answer"))?;
        let status = res.status();
        let etag = res
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim_start_matches("W/").trim_matches('"').to_string());
        let text = res
            .text()
            .await
            .with_context(|| format!("{step}: reading the answer to {what}"))?;
        if !status.is_success() {
            return Err(anyhow!(
                "{step}: {what} answered {status}: {}",
                problem_summary(status, &text)
            ));
        }
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .with_context(|| format!("{step}: the answer to {what} is not JSON"))?
        };
        Ok(Reply { body, etag })
    }
}

/// A problem+json body as one readable line: its detail, every invalid
/// field, its type and request id. Anything else is shown as it came.
fn problem_summary(status: StatusCode, body: &str) -> String {
    let Ok(problem) = serde_json::from_str::<Value>(body) else {
        let shown: String = body.chars().take(300).collect();
        return if shown.is_empty() {
            status.canonical_reason().unwrap_or("no body").to_string()
        } else {
            shown
        };
    };
    let text = |key: &str| problem.get(key).and_then(Value::as_str);
    let mut out = text("detail")
        .or_else(|| text("title"))
        .unwrap_or("no detail given")
        .to_string();
    if let Some(errors) = problem.get("errors").and_then(Value::as_array) {
        let fields: Vec<String> = errors
            .iter()
            .map(|e| {
                let field = e.get("field").and_then(Value::as_str).unwrap_or("?");
                let message = e.get("message").and_then(Value::as_str).unwrap_or("?");
                format!("{field} {message}")
            })
            .collect();
        if !fields.is_empty() {
            out.push_str(&format!(" [{}]", fields.join("; ")));
        }
    }
    let mut about = Vec::new();
    if let Some(kind) = text("type") {
        about.push(format!("type {kind}"));
    }
    if let Some(id) = text("request_id") {
        about.push(format!("request id {id}"));
    }
    if !about.is_empty() {
        out.push_str(&format!(" ({})", about.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_reads_as_one_line_with_every_field() {
        let body = r#"{"type":"https://cdd.example/problems/invalid-request","title":"The request is not valid","status":400,
            "detail":"2 fields are invalid","request_id":"req-1",
            "errors":[{"field":"name","message":"is required"},{"field":"birth_date","message":"must be a date"}]}"#;
        assert_eq!(
            problem_summary(StatusCode::BAD_REQUEST, body),
            "2 fields are invalid [name is required; birth_date must be a date] (type https://cdd.example/problems/invalid-request, request id req-1)"
        );
    }

    #[test]
    fn a_body_that_is_not_a_problem_is_shown_as_it_came() {
        assert_eq!(
            problem_summary(StatusCode::BAD_GATEWAY, "upstream down"),
            "upstream down"
        );
        assert_eq!(problem_summary(StatusCode::BAD_GATEWAY, ""), "Bad Gateway");
    }
}
