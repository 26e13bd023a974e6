//! The bearer token intake presents to the other services: role `service`,
//! signed with the platform's current key, renewed well before it expires.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cdd_platform::auth::{Authenticator, Role, issue_token};
use tokio::sync::Mutex;

/// How long a minted token is valid.
const LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Renew when less than this is left, so no call carries an expiring token.
const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);
/// The subject other services see (their idempotency keys are scoped to it).
pub const SUBJECT: &str = "intake";

/// Mints and caches intake's service token.
#[derive(Clone)]
pub struct ServiceToken {
    auth: Arc<Authenticator>,
    cached: Arc<Mutex<Option<(String, Instant)>>>,
}

impl ServiceToken {
    pub fn new(auth: Arc<Authenticator>) -> Self {
        Self {
            auth,
            cached: Arc::new(Mutex::new(None)),
        }
    }

    pub async fn bearer(&self) -> Result<String, String> {
        let mut cached = self.cached.lock().await;
        if let Some((token, minted)) = cached.as_ref()
            && minted.elapsed() < LIFETIME - RENEW_BEFORE
        {
            return Ok(token.clone());
        }
        let key = self.auth.current_key().await;
        let token = issue_token(&key, SUBJECT, Role::Service, LIFETIME)
            .map_err(|e| format!("could not sign intake's service token: {e:#}"))?;
        *cached = Some((token.clone(), Instant::now()));
        Ok(token)
    }
}
