//! [`ServiceClient`]: calls one service, moving on to its next instance when
//! that is safe (see `failure` for when it is).
//!
//! Any HTTP response, a 503 included, ends the call: the instance answered,
//! and what the answer means is the caller's business. Timeouts are the
//! caller's too, set on the `reqwest::Client` or on each request.

use std::sync::Arc;
use std::time::Instant;

use url::Url;

use crate::discovery::Discovery;
use crate::error::CallError;
use crate::failure::classify;

/// Calls one service with failover. Cheap to clone.
#[derive(Clone)]
pub struct ServiceClient {
    discovery: Discovery,
    service: Arc<str>,
    http: reqwest::Client,
}

impl ServiceClient {
    pub(crate) fn new(discovery: Discovery, service: &str, http: reqwest::Client) -> Self {
        Self {
            discovery,
            service: Arc::from(service),
            http,
        }
    }

    /// The service this client calls, e.g. `screening`.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The HTTP client the requests should be built with (`build` receives
    /// only the base URL, so callers that keep just this `ServiceClient` use
    /// this to start their request).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends the request built by `build(base_url)` to one instance after
    /// another (round-robin start) until one answers with any HTTP response.
    ///
    /// Moves to the next instance when the connection is refused, reset or
    /// cannot be made (the request was never received), and on a timeout or
    /// a connection lost mid-request only when `repeatable` is true (GETs,
    /// and POSTs carrying an `Idempotency-Key`). Gives up with
    /// [`CallError::Unavailable`] naming every instance tried and why. An
    /// instance that failed is tried after the others for a few seconds, and
    /// a call that gets no response drops the cached instance list, so the
    /// next call asks DNS again.
    ///
    /// Each attempt runs under the caller's timeout afresh, so a repeatable
    /// call may take up to that timeout once per instance.
    pub async fn send<F>(&self, repeatable: bool, build: F) -> Result<reqwest::Response, CallError>
    where
        F: Fn(&Url) -> reqwest::RequestBuilder,
    {
        let service: &str = &self.service;
        let instances = self.discovery.current(service).await?;
        let balancer = self.discovery.balancer();
        let mut attempts = Vec::new();
        for instance in balancer.order(service, &instances, Instant::now()) {
            let error = match build(&instance.base_url).send().await {
                Ok(response) => {
                    balancer.succeeded(&instance);
                    return Ok(response);
                }
                Err(error) => error,
            };
            let failure = classify(&error, repeatable);
            let address = instance.address();
            if failure.instance_at_fault {
                balancer.failed(&instance, Instant::now());
            }
            tracing::warn!(
                service,
                instance = %address,
                reason = %failure.reason,
                "instance failed"
            );
            attempts.push(format!("{address}: {}", failure.reason));
            if !failure.try_next {
                break;
            }
        }
        // The instances may have been replaced (a deployment, a scale-in);
        // the cached list may be what is wrong.
        self.discovery.invalidate(service);
        Err(CallError::Unavailable {
            service: service.to_owned(),
            attempts,
        })
    }
}
