//! Assembling a service's router and running it until shutdown.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};
use tokio::net::TcpListener;

use super::context::{RequestLimits, request_context};
use super::health::Readiness;
use crate::auth::{Authenticator, require_token};
use crate::metrics::{self, HttpMetrics, Registry};

/// A service's own routes plus what the platform adds around them.
pub struct ServiceRouter {
    /// The service's name, for the health answers.
    pub service: &'static str,
    /// The service's API; every route here needs a bearer token.
    pub api: Router,
    /// The service's OpenAPI document (JSON text).
    pub openapi: &'static str,
    pub readiness: Arc<dyn Readiness>,
    pub auth: Arc<Authenticator>,
    pub body_limit_bytes: usize,
    pub request_timeout: Duration,
    /// How long a client may take to send its headers, or leave the server
    /// waiting for the next piece of its body; also how long an idle
    /// keep-alive connection stays open.
    pub client_read_timeout: Duration,
    /// Set when shutdown starts; ready answers 503 from then on.
    pub shutdown: Shutdown,
    /// The service's own metrics (`Registry::default()` when it has none);
    /// the platform adds the request-duration histogram and serves them all
    /// at `GET /metrics`.
    pub metrics: Registry,
}

/// A service's router bound to its port: what every service's
/// `Application` holds between `build` and `run_until_stopped`.
pub struct BoundService {
    service: &'static str,
    listener: TcpListener,
    router: Router,
    shutdown: Shutdown,
    client_read_timeout: Duration,
    port: u16,
}

impl BoundService {
    /// The bound port (useful with `PORT=0`).
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn shutdown(&self) -> &Shutdown {
        &self.shutdown
    }

    /// Serves until the shutdown triggers, then drains for at most `drain`.
    pub async fn serve(self, drain: Duration) -> std::io::Result<()> {
        tracing::info!(port = self.port, "{} listening", self.service);
        let connections = Connections {
            client_read_timeout: self.client_read_timeout,
            drain,
        };
        serve(self.listener, self.router, self.shutdown, connections).await
    }
}

#[derive(Clone)]
struct HealthState {
    service: &'static str,
    readiness: Arc<dyn Readiness>,
    shutdown: Shutdown,
}

impl ServiceRouter {
    /// Builds the router and binds `ip:port` (port 0: any free port).
    pub async fn bind(self, ip: std::net::IpAddr, port: u16) -> std::io::Result<BoundService> {
        let (service, shutdown) = (self.service, self.shutdown.clone());
        let client_read_timeout = self.client_read_timeout;
        let router = self.into_router();
        let listener = TcpListener::bind((ip, port)).await?;
        let port = listener.local_addr()?.port();
        Ok(BoundService {
            service,
            listener,
            router,
            shutdown,
            client_read_timeout,
            port,
        })
    }

    pub fn into_router(self) -> Router {
        let health = HealthState {
            service: self.service,
            readiness: self.readiness,
            shutdown: self.shutdown,
        };
        let openapi = self.openapi;
        let api = self.api.layer(axum::middleware::from_fn_with_state(
            self.auth,
            require_token,
        ));
        let limits = RequestLimits {
            timeout: self.request_timeout,
            client_read_timeout: self.client_read_timeout,
        };
        let mut registry = self.metrics;
        let http_metrics = HttpMetrics::register(&mut registry);
        let registry = Arc::new(registry);
        Router::new()
            .route("/health/live", get(live))
            .route("/health/ready", get(ready))
            .with_state(health)
            // No token, like health: scraped from inside the network
            // (the collector sidecar), never through the public load balancer.
            .route(
                "/metrics",
                get(move || async move { metrics::exposition(&registry) }),
            )
            .route(
                "/openapi.json",
                get(move || async move {
                    (
                        [(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static("application/json"),
                        )],
                        openapi,
                    )
                }),
            )
            .merge(api)
            .fallback(|| async { StatusCode::NOT_FOUND })
            .layer(DefaultBodyLimit::max(self.body_limit_bytes))
            .layer(axum::middleware::from_fn(move |req, next| {
                request_context(limits, http_metrics.clone(), req, next)
            }))
    }
}

async fn live(State(h): State<HealthState>) -> Response {
    axum::Json(serde_json::json!({"service": h.service, "status": "live"})).into_response()
}

async fn ready(State(h): State<HealthState>) -> Response {
    if h.shutdown.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                serde_json::json!({"service": h.service, "status": "draining", "checks": []}),
            ),
        )
            .into_response();
    }
    let checks = h.readiness.check().await;
    let ok = checks.iter().all(|c| c.ok);
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "service": h.service,
        "status": if ok { "ready" } else { "not_ready" },
        "checks": checks,
    });
    (status, axum::Json(body)).into_response()
}

/// A shutdown trigger shared by the server, the readiness check and tests.
#[derive(Clone, Default)]
pub struct Shutdown {
    draining: Arc<AtomicBool>,
    notify: Arc<tokio::sync::Notify>,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }
    /// Starts draining: ready turns 503, the server stops accepting and
    /// finishes what is in flight.
    pub fn trigger(&self) {
        self.draining.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
        self.notify.notify_one();
    }
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
    pub async fn wait(&self) {
        if self.is_draining() {
            return;
        }
        let notified = self.notify.notified();
        if self.is_draining() {
            return;
        }
        notified.await;
    }
    /// Triggers this shutdown when `signal` completes (SIGTERM, Ctrl-C).
    pub fn trigger_on(&self, signal: impl Future<Output = ()> + Send + 'static) {
        let me = self.clone();
        tokio::spawn(async move {
            signal.await;
            me.trigger();
        });
    }
}

/// Completes on SIGTERM (ECS stopping the task) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("Ctrl-C received; draining"),
        _ = term => tracing::info!("SIGTERM received; draining"),
    }
}

/// How the server treats connections.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    /// Headers must arrive within this, and an idle keep-alive connection is
    /// closed after it (the slowloris defence; bodies are bounded per piece
    /// by the same figure in the request layer).
    pub client_read_timeout: Duration,
    /// How long in-flight requests may finish once shutdown starts.
    pub drain: Duration,
}

/// Serves `router` on `listener` until `shutdown` triggers, then lets
/// in-flight requests finish for at most `connections.drain` (ECS gives 30 s
/// by default between SIGTERM and SIGKILL; keep `drain` well inside it).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: Shutdown,
    connections: Connections,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(connections.client_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.wait() => break,
        };
        let tcp = match accepted {
            Ok((tcp, _peer)) => tcp,
            Err(error) => {
                accept_failed(&error).await;
                continue;
            }
        };
        // Small JSON answers must not wait for Nagle's algorithm.
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone().map_request(
            |req: http::Request<hyper::body::Incoming>| req.map(axum::body::Body::new),
        ));
        let connection = graceful.watch(http1.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                // A client that stalls, or hangs up mid-request: theirs to
                // see, not an error of ours.
                tracing::debug!(%error, "connection ended early");
            }
        });
    }
    // No new connections from here; the ones open finish what they have.
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => Ok(()),
        () = tokio::time::sleep(connections.drain) => {
            tracing::warn!(drain_secs = connections.drain.as_secs(), "requests still in flight after the drain period; stopping anyway");
            Ok(())
        }
    }
}

/// A failed accept: a connection reset before it was taken is nothing; out
/// of file descriptors (or the like) gets a pause, so the loop does not spin.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept connections; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
