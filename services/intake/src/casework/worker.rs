//! The casework worker: in the background, finishes pending steps and
//! collects monitoring alerts, every `CDD_CASEWORK_INTERVAL_MS`.
//!
//! Several intake tasks may run it at once: every change is conditional on
//! the version read, letters are keyed, and alerts are recognised by their
//! screening id, so doing a step twice changes nothing.

use std::sync::Arc;
use std::time::Duration;

use cdd_platform::http::Shutdown;

use super::Casework;

/// Customers handled per round.
const BATCH: usize = 100;

/// Runs rounds until the shutdown triggers.
pub async fn run(casework: Arc<Casework>, interval: Duration, shutdown: Shutdown) {
    loop {
        round(&casework).await;
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

/// One round: pending steps, then the monitoring feed.
pub async fn round(casework: &Casework) {
    match casework.store.with_pending_steps(BATCH).await {
        Ok(ids) => {
            for id in ids {
                if let Err(e) = casework.run_pending(&id).await {
                    tracing::warn!(customer_id = %id, error = %e.detail, "pending steps not finished");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not list pending work"),
    }
    match casework.collect_monitoring_alerts().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(alerts = n, "monitoring alerts collected"),
        Err(e) => tracing::debug!(error = %e.detail, "monitoring alerts not collected this round"),
    }
}
