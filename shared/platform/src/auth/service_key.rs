//! The platform's own tokens: HS256, signed with the key in Secrets Manager
//! (or a key file; the development key on a laptop). Services call each
//! other with them, and `cdd token` mints them for people on a laptop.
//!
//! Tokens are accepted under the current key and, during a rotation, the
//! previous one. A token that fails under both triggers one early refresh of
//! the key, so a rotation is picked up within seconds rather than at the
//! next cache expiry.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{CLOCK_LEEWAY_SECS, Caller, Role, TokenError, check_lifetime};
use crate::secrets::{CachedSecret, SecretSource, StaticSecret};

/// The key shared by the services and `cdd token` when `CDD_ENV=local` and
/// no key is configured. Anyone can read it here: that is the point, and why
/// every other environment refuses to start without a real key.
pub const DEVELOPMENT_KEY: &str = "cdd-local-development-signing-key--not-for-any-real-environment";

const ISSUER: &str = "cdd";
const MIN_KEY_BYTES: usize = 32;

/// The claims of the platform's own tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub role: Role,
    pub iat: u64,
    pub exp: u64,
}

/// Signs tokens (for `cdd token`, tests and service-to-service calls).
pub fn issue_token(key: &str, subject: &str, role: Role, ttl: Duration) -> anyhow::Result<String> {
    anyhow::ensure!(
        key.len() >= MIN_KEY_BYTES,
        "the signing key must be at least {MIN_KEY_BYTES} bytes"
    );
    let now = jsonwebtoken::get_current_timestamp();
    let claims = Claims {
        iss: ISSUER.to_string(),
        sub: subject.to_string(),
        role,
        iat: now,
        exp: now + ttl.as_secs(),
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )?)
}

/// Verifies the platform's own tokens against the current (and previous)
/// signing key.
pub struct ServiceKeys {
    key: Arc<CachedSecret>,
    validation: Validation,
}

impl ServiceKeys {
    pub fn new(key: Arc<CachedSecret>) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = CLOCK_LEEWAY_SECS;
        Self { key, validation }
    }

    /// The development key, for `CDD_ENV=local` without a configured key.
    pub async fn development() -> anyhow::Result<Self> {
        let key = CachedSecret::load(
            Box::new(StaticSecret(DEVELOPMENT_KEY.to_string())),
            Duration::from_secs(u64::MAX / 4),
            Duration::from_secs(u64::MAX / 4),
        )
        .await?;
        Ok(Self::new(key))
    }

    /// A key from any secret source, refreshed every `max_age`, and early
    /// (at most once per `min_refresh_gap`) when a signature does not verify.
    pub async fn from_source(
        source: Box<dyn SecretSource>,
        max_age: Duration,
        min_refresh_gap: Duration,
    ) -> anyhow::Result<Self> {
        let key = CachedSecret::load(source, max_age, min_refresh_gap).await?;
        let versions = key.get().await;
        anyhow::ensure!(
            versions.current.len() >= MIN_KEY_BYTES,
            "the signing key in {} is shorter than {MIN_KEY_BYTES} bytes",
            key.describe()
        );
        Ok(Self::new(key))
    }

    pub fn describe(&self) -> String {
        self.key.describe()
    }

    /// The current signing key (for issuing service tokens).
    pub async fn current(&self) -> String {
        self.key.get().await.current
    }

    fn decode_with(&self, token: &str, key: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(
            token,
            &DecodingKey::from_secret(key.as_bytes()),
            &self.validation,
        )
        .map(|data| data.claims)
    }

    fn try_keys(
        &self,
        token: &str,
        versions: &crate::secrets::SecretVersions,
    ) -> Result<Claims, jsonwebtoken::errors::Error> {
        let first = self.decode_with(token, &versions.current);
        match (&first, &versions.previous) {
            (Err(e), Some(previous)) if is_signature_error(e) => self.decode_with(token, previous),
            _ => first,
        }
    }

    /// Verifies one of the platform's own tokens.
    pub async fn verify(&self, token: &str, max_lifetime: Duration) -> Result<Caller, TokenError> {
        let versions = self.key.get().await;
        let mut result = self.try_keys(token, &versions);
        if let Err(e) = &result
            && is_signature_error(e)
            && self.key.refresh_soon().await
        {
            result = self.try_keys(token, &self.key.get().await);
        }
        match result {
            Ok(claims) => {
                check_lifetime(
                    Some(claims.iat),
                    claims.exp,
                    jsonwebtoken::get_current_timestamp(),
                    max_lifetime,
                )?;
                Ok(Caller::new(claims.sub, claims.role))
            }
            Err(e) => Err(match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                    TokenError::Invalid("signature does not match".to_string())
                }
                _ => TokenError::Invalid(e.to_string()),
            }),
        }
    }
}

fn is_signature_error(e: &jsonwebtoken::errors::Error) -> bool {
    matches!(e.kind(), jsonwebtoken::errors::ErrorKind::InvalidSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Authenticator;
    use crate::secrets::FileSecret;

    #[tokio::test]
    async fn development_tokens_round_trip() {
        let auth = Authenticator::development().await.unwrap();
        let token = issue_token(
            DEVELOPMENT_KEY,
            "clerk-1",
            Role::Clerk,
            Duration::from_secs(60),
        )
        .unwrap();
        let caller = auth.verify(&token).await.unwrap();
        assert_eq!(caller, Caller::new("clerk-1", Role::Clerk));
    }

    #[tokio::test]
    async fn a_token_signed_with_another_key_is_refused() {
        let auth = Authenticator::development().await.unwrap();
        let token = issue_token(
            "another-key-that-is-long-enough-000000",
            "x",
            Role::Approver,
            Duration::from_secs(60),
        )
        .unwrap();
        assert!(matches!(
            auth.verify(&token).await,
            Err(TokenError::Invalid(_))
        ));
    }

    #[tokio::test]
    async fn rotation_accepts_previous_and_picks_up_new_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let old = "old-key-0123456789abcdef0123456789abcdef";
        let new = "new-key-0123456789abcdef0123456789abcdef";
        std::fs::write(&path, format!("{old}\n")).unwrap();
        let auth = Authenticator::from_source(
            Box::new(FileSecret::new(&path)),
            Duration::from_secs(3600),
            Duration::ZERO,
        )
        .await
        .unwrap();
        let old_token = issue_token(old, "a", Role::Analyst, Duration::from_secs(60)).unwrap();
        assert!(auth.verify(&old_token).await.is_ok());
        // Rotate: the new key is current, the old one previous.
        std::fs::write(&path, format!("{new}\n{old}\n")).unwrap();
        let new_token = issue_token(new, "a", Role::Analyst, Duration::from_secs(60)).unwrap();
        // The cache is fresh (max age one hour): the failed signature makes
        // the authenticator refresh the key early and accept the token.
        assert!(auth.verify(&new_token).await.is_ok());
        assert!(
            auth.verify(&old_token).await.is_ok(),
            "previous key still accepted during rotation"
        );
    }

    #[tokio::test]
    async fn expired_tokens_are_refused() {
        let auth = Authenticator::development().await.unwrap();
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            sub: "x".into(),
            role: Role::Clerk,
            iat: now - 7200,
            exp: now - 3600,
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(DEVELOPMENT_KEY.as_bytes()),
        )
        .unwrap();
        assert!(matches!(
            auth.verify(&token).await,
            Err(TokenError::Expired)
        ));
    }
    fn signed(iat: u64, exp: u64) -> String {
        let claims = Claims {
            iss: ISSUER.into(),
            sub: "x".into(),
            role: Role::Clerk,
            iat,
            exp,
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(DEVELOPMENT_KEY.as_bytes()),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn tokens_issued_in_the_future_are_refused() {
        let auth = Authenticator::development().await.unwrap();
        let now = jsonwebtoken::get_current_timestamp();
        let err = auth
            .verify(&signed(now + 600, now + 1200))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("issued in the future"), "{err}");
        // Within the clock leeway it is accepted.
        assert!(auth.verify(&signed(now + 10, now + 600)).await.is_ok());
    }

    #[tokio::test]
    async fn tokens_that_live_longer_than_the_maximum_are_refused() {
        let auth = Authenticator::development()
            .await
            .unwrap()
            .with_max_lifetime(Duration::from_secs(3600));
        let now = jsonwebtoken::get_current_timestamp();
        let err = auth.verify(&signed(now, now + 3601)).await.unwrap_err();
        assert!(err.to_string().contains("3601 s"), "{err}");
        assert!(err.to_string().contains("3600 s"), "{err}");
        assert!(auth.verify(&signed(now, now + 3600)).await.is_ok());
        let default = Authenticator::development().await.unwrap();
        let year = 365 * 24 * 3600;
        assert!(default.verify(&signed(now, now + year)).await.is_err());
    }
}
