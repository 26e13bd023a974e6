//! The HTTP adapters: each finds its service through [`cdd_discovery`]
//! (Cloud Map DNS, or a fixed `CDD_<SERVICE>_URL`) and calls it with
//! intake's service token and a W3C `traceparent`, so the called service's
//! work joins the trace of the request (or background step) that made the
//! call.
//!
//! Every request here is safe to repeat (GETs, screening which is keyed by
//! subject, and letters with an `Idempotency-Key`), so a timed-out instance
//! is retried on the next one; a refused connection always is.

use async_trait::async_trait;
use cdd_contracts::documents::{CustomerDocuments, Document};
use cdd_contracts::letters::{Letter, LetterRequest};
use cdd_contracts::screening::{AlertPage, BatchRequest, BatchScreening};
use cdd_contracts::{IDEMPOTENCY_KEY, TRACEPARENT};
use cdd_discovery::ServiceClient;
use cdd_platform::trace::OutboundCall;
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::{DependencyError, DependencyResult, Documents, Letters, Screening, ServiceToken};

/// One service reached over HTTP.
#[derive(Clone)]
pub struct HttpService {
    client: ServiceClient,
    token: ServiceToken,
}

impl HttpService {
    pub fn new(client: ServiceClient, token: ServiceToken) -> Self {
        Self { client, token }
    }

    /// The HTTP client the service client was made with (its timeouts).
    fn http(&self) -> &reqwest::Client {
        self.client.http()
    }

    fn name(&self) -> String {
        self.client.service().to_string()
    }

    fn unavailable(&self, detail: impl Into<String>) -> DependencyError {
        DependencyError::Unavailable {
            service: self.name(),
            detail: detail.into(),
        }
    }

    async fn send<F>(&self, build: F) -> DependencyResult<Response>
    where
        F: Fn(&reqwest::Url) -> reqwest::RequestBuilder,
    {
        let bearer = self.token.bearer().await.map_err(|e| self.unavailable(e))?;
        // One span for the call, failover included: every attempt carries
        // the same parent, so the callee's spans hang under this call.
        let call = OutboundCall::start(self.client.service());
        let traceparent = call.traceparent();
        self.client
            .send(true, |base| {
                build(base)
                    .bearer_auth(&bearer)
                    .header(TRACEPARENT, &traceparent)
            })
            .instrument(call.span)
            .await
            .map_err(|e| self.unavailable(e.to_string()))
    }

    /// The body as `T` on success; otherwise the problem's detail, as
    /// unavailable (5xx, 429) or refused (other 4xx).
    async fn read<T: DeserializeOwned>(&self, res: Response, what: &str) -> DependencyResult<T> {
        let status = res.status();
        if status.is_success() {
            return res.json::<T>().await.map_err(|e| {
                self.unavailable(format!("its answer to {what} could not be read: {e}"))
            });
        }
        let body = res.text().await.unwrap_or_default();
        let problem = serde_json::from_str::<serde_json::Value>(&body).ok();
        let mut detail = problem
            .as_ref()
            .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_string))
            .unwrap_or_else(|| body.chars().take(300).collect());
        // Each invalid field's message too: the words that say what to fix.
        let fields: Vec<String> = problem
            .as_ref()
            .and_then(|v| v.get("errors").and_then(|e| e.as_array()).cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                Some(format!(
                    "{} {}",
                    e.get("field")?.as_str()?,
                    e.get("message")?.as_str()?
                ))
            })
            .collect();
        if !fields.is_empty() {
            detail = format!("{detail} ({})", fields.join("; "));
        }
        let detail = format!("{what}: {detail}");
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            Err(self.unavailable(format!("{status}, {detail}")))
        } else {
            Err(DependencyError::Refused {
                service: self.name(),
                status: status.as_u16(),
                detail,
            })
        }
    }
}

/// `path` (relative, no leading `/`) under the instance's base URL; base
/// URLs end in `/`, so a path prefix of an override URL is kept.
fn join(base: &reqwest::Url, path: &str) -> reqwest::Url {
    base.join(path).unwrap_or_else(|_| base.clone())
}

#[async_trait]
impl Screening for HttpService {
    async fn screen(&self, key: &str, batch: &BatchRequest) -> DependencyResult<BatchScreening> {
        let res = self
            .send(|base| {
                self.http()
                    .post(join(base, "v1/screenings/batch"))
                    .header(IDEMPOTENCY_KEY, key)
                    .json(batch)
            })
            .await?;
        self.read(res, "screening the customer's parties").await
    }

    async fn alerts(&self, since: Option<&str>, limit: usize) -> DependencyResult<AlertPage> {
        let res = self
            .send(|base| {
                let mut url = join(base, "v1/alerts");
                url.query_pairs_mut()
                    .append_pair("since", since.unwrap_or(""))
                    .append_pair("limit", &limit.to_string());
                self.http().get(url)
            })
            .await?;
        self.read(res, "reading the monitoring alerts").await
    }
}

#[async_trait]
impl Documents for HttpService {
    async fn customer_documents(&self, customer_id: &str) -> DependencyResult<Vec<Document>> {
        let res = self
            .send(|base| {
                self.http()
                    .get(join(base, &format!("v1/customers/{customer_id}/documents")))
            })
            .await?;
        let list: CustomerDocuments = self.read(res, "listing the customer's documents").await?;
        Ok(list.documents)
    }
}

#[async_trait]
impl Letters for HttpService {
    async fn issue(&self, key: &str, request: &LetterRequest) -> DependencyResult<Letter> {
        let res = self
            .send(|base| {
                self.http()
                    .post(join(base, "v1/letters"))
                    .header(IDEMPOTENCY_KEY, key)
                    .json(request)
            })
            .await?;
        self.read(res, "issuing a letter").await
    }
}
