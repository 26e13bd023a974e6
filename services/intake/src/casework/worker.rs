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

/// Batches one round works through at most, so that the monitoring feed
/// is read too while a long backlog drains.
const MAX_BATCHES: usize = 50;

/// One round: pending steps, batch after batch while they get done, then
/// the monitoring feed.
pub async fn round(casework: &Casework) {
    for _ in 0..MAX_BATCHES {
        let ids = match casework.store.with_pending_steps(BATCH).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "could not list pending work");
                break;
            }
        };
        let mut finished = 0;
        for id in &ids {
            match casework.run_pending(id).await {
                Ok(customer) if customer.case.pending.is_empty() => finished += 1,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(customer_id = %id, error = %e.detail, "pending steps not finished")
                }
            }
        }
        // A short batch was the whole backlog; a batch where nothing
        // finished means the services are still down: wait for the next round.
        if ids.len() < BATCH || finished == 0 {
            break;
        }
    }
    match casework.collect_monitoring_alerts().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(alerts = n, "monitoring alerts collected"),
        Err(e) => tracing::debug!(error = %e.detail, "monitoring alerts not collected this round"),
    }
}
