//! Bearer-token authentication and roles.
//!
//! Every endpoint but the health checks and the OpenAPI document needs
//! `Authorization: Bearer <JWT>` (HS256) carrying the caller's subject and
//! role. The signing key is a secret ([`crate::secrets`]): tokens are
//! accepted under the current key and, during a rotation, the previous one.
//! A token that fails under both triggers one early refresh of the key, so a
//! rotation is picked up within seconds rather than at the next cache expiry.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::problem::{self, Problem};
use crate::secrets::{CachedSecret, SecretSource, StaticSecret};

/// The key shared by the services and `cdd token` when `CDD_ENV=local` and
/// no key is configured. Anyone can read it here: that is the point, and why
/// every other environment refuses to start without a real key.
pub const DEVELOPMENT_KEY: &str = "cdd-local-development-signing-key--not-for-any-real-environment";

const ISSUER: &str = "cdd";
const MIN_KEY_BYTES: usize = 32;

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Submits customers and their documents.
    Clerk,
    /// Reviews alerts and documents, proposes decisions.
    Analyst,
    /// Approves or rejects a proposed decision (four eyes).
    Approver,
    /// Publishes letter templates: what the bank writes to its customers is
    /// a controlled change, kept apart from the people who decide cases.
    TemplateAuthor,
    /// Another CDD service.
    Service,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Analyst => "analyst",
            Role::Approver => "approver",
            Role::TemplateAuthor => "template_author",
            Role::Service => "service",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "clerk" => Ok(Role::Clerk),
            "analyst" => Ok(Role::Analyst),
            "approver" => Ok(Role::Approver),
            "template_author" => Ok(Role::TemplateAuthor),
            "service" => Ok(Role::Service),
            other => Err(format!(
                "`{other}` is not one of clerk, analyst, approver, template_author, service"
            )),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The token's claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub role: Role,
    pub iat: u64,
    pub exp: u64,
}

/// The authenticated caller, available to handlers as an extractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub subject: String,
    pub role: Role,
}

impl Caller {
    /// `Ok` when the caller has one of `roles`, else a 403 naming them.
    pub fn require(&self, roles: &[Role]) -> Result<(), Problem> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(Role::as_str).collect();
            Err(Problem::new(
                problem::FORBIDDEN,
                format!(
                    "role `{}` may not do this; it needs one of: {}",
                    self.role,
                    names.join(", ")
                ),
            ))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            Problem::new(
                problem::UNAUTHENTICATED,
                "this endpoint needs a bearer token",
            )
        })
    }
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

/// Why a token was refused; the caller is told, the log says which.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the Authorization header is missing")]
    Missing,
    #[error("the Authorization header must be `Bearer <token>`")]
    NotBearer,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid: {0}")]
    Invalid(String),
}

/// The longest lifetime a token may claim unless `CDD_AUTH_MAX_TOKEN_LIFETIME_SECS`
/// says otherwise: a working day and a night, so a leaked token is not good
/// for long, while the development tokens `cdd up` prints last a day.
pub const DEFAULT_MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The clock difference between issuer and service that is tolerated, on
/// `exp` and on `iat`.
const CLOCK_LEEWAY_SECS: u64 = 30;

/// Verifies tokens against the current (and previous) signing key.
pub struct Authenticator {
    key: Arc<CachedSecret>,
    validation: Validation,
    max_lifetime: Duration,
}

impl Authenticator {
    pub fn new(key: Arc<CachedSecret>) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = CLOCK_LEEWAY_SECS;
        Self {
            key,
            validation,
            max_lifetime: DEFAULT_MAX_TOKEN_LIFETIME,
        }
    }

    /// Refuses tokens that claim to live longer than `max_lifetime`.
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = max_lifetime;
        self
    }

    /// A token issued in the future (a forged or mis-set clock) or one that
    /// claims a lifetime beyond the maximum would outlive what the issuer
    /// may grant: both are refused even when the signature holds.
    fn check_lifetime(&self, claims: &Claims, now: u64) -> Result<(), TokenError> {
        if claims.iat > now + CLOCK_LEEWAY_SECS {
            return Err(TokenError::Invalid(format!(
                "it was issued in the future (iat {} is {} s ahead of this service's clock)",
                claims.iat,
                claims.iat - now
            )));
        }
        let lifetime = claims.exp.saturating_sub(claims.iat);
        if lifetime > self.max_lifetime.as_secs() {
            return Err(TokenError::Invalid(format!(
                "it claims a lifetime of {lifetime} s (exp - iat); the most this service accepts is {} s",
                self.max_lifetime.as_secs()
            )));
        }
        Ok(())
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

    pub fn key_source(&self) -> String {
        self.key.describe()
    }

    /// The current signing key (for issuing service tokens).
    pub async fn current_key(&self) -> String {
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

    /// Verifies a bearer token.
    pub async fn verify(&self, token: &str) -> Result<Caller, TokenError> {
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
                self.check_lifetime(&claims, jsonwebtoken::get_current_timestamp())?;
                Ok(Caller {
                    subject: claims.sub,
                    role: claims.role,
                })
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

    /// Reads and verifies the `Authorization` header.
    pub async fn authenticate(&self, headers: &http::HeaderMap) -> Result<Caller, TokenError> {
        let value = headers
            .get(http::header::AUTHORIZATION)
            .ok_or(TokenError::Missing)?
            .to_str()
            .map_err(|_| TokenError::NotBearer)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(TokenError::NotBearer)?;
        self.verify(token).await
    }
}

fn is_signature_error(e: &jsonwebtoken::errors::Error) -> bool {
    matches!(e.kind(), jsonwebtoken::errors::ErrorKind::InvalidSignature)
}

/// Middleware: rejects requests without a valid token with 401 and puts the
/// [`Caller`] into the request for handlers.
pub async fn require_token(
    State(auth): State<Arc<Authenticator>>,
    mut req: Request,
    next: Next,
) -> Response {
    match auth.authenticate(req.headers()).await {
        Ok(caller) => {
            tracing::Span::current().record("caller_role", caller.role.as_str());
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(err) => {
            let mut res = Problem::new(problem::UNAUTHENTICATED, err.to_string()).into_response();
            res.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer realm=\"cdd\""),
            );
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(
            caller,
            Caller {
                subject: "clerk-1".into(),
                role: Role::Clerk
            }
        );
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
