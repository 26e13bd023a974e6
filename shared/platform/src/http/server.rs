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

use super::context::request_context;
use super::health::Readiness;
use crate::auth::{Authenticator, require_token};

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
    /// Set when shutdown starts; ready answers 503 from then on.
    pub shutdown: Shutdown,
}

/// A service's router bound to its port: what every service's
/// `Application` holds between `build` and `run_until_stopped`.
pub struct BoundService {
    service: &'static str,
    listener: TcpListener,
    router: Router,
    shutdown: Shutdown,
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
        serve(self.listener, self.router, self.shutdown, drain).await
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
        let router = self.into_router();
        let listener = TcpListener::bind((ip, port)).await?;
        let port = listener.local_addr()?.port();
        Ok(BoundService {
            service,
            listener,
            router,
            shutdown,
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
        let timeout = self.request_timeout;
        Router::new()
            .route("/health/live", get(live))
            .route("/health/ready", get(ready))
            .with_state(health)
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
                request_context(timeout, req, next)
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

/// Serves `router` on `listener` until `shutdown` triggers, then lets
/// in-flight requests finish for at most `drain` (ECS gives 30 s by default
/// between SIGTERM and SIGKILL; keep `drain` well inside it).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: Shutdown,
    drain: Duration,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Small JSON answers must not wait for Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let graceful = shutdown.clone();
    let server =
        axum::serve(listener, router).with_graceful_shutdown(async move { graceful.wait().await });
    let deadline = async {
        shutdown.wait().await;
        tokio::time::sleep(drain).await;
    };
    tokio::select! {
        result = server => result,
        _ = deadline => {
            tracing::warn!(drain_secs = drain.as_secs(), "requests still in flight after the drain period; stopping anyway");
            Ok(())
        }
    }
}
