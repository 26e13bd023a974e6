//! Bearer-token authentication and roles.
//!
//! Every endpoint but the health checks and the OpenAPI document needs
//! `Authorization: Bearer <JWT>`. Two kinds of token are accepted:
//!
//! - **the platform's own** (HS256, [`service_key`]): signed with the key in
//!   Secrets Manager. Services call each other with them; on a laptop
//!   `cdd token` mints them for people too.
//! - **the bank's identity provider's** (RS256, ES256..., [`provider`]), when
//!   `CDD_AUTH_ISSUER` is set: people sign in there, their groups give their
//!   roles. Then the platform's key signs only service tokens: a person's
//!   token can never carry `service`, and no token signed with the shared
//!   key can act for a person.
//!
//! A refusal names its reason (expired, unknown key, wrong audience, no
//! role) and never echoes the token; no token reaches a log.

mod caller;
mod jwks;
pub mod provider;
mod role;
mod role_map;
pub mod service_key;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::Algorithm;

pub use caller::Caller;
pub use provider::{IdentityProvider, ProviderSettings};
pub use role::Role;
pub use role_map::RoleMap;
pub use service_key::{Claims, DEVELOPMENT_KEY, ServiceKeys, issue_token};

use crate::problem::{self, Problem};
use crate::secrets::SecretSource;

/// The longest lifetime a token may claim unless `CDD_AUTH_MAX_TOKEN_LIFETIME_SECS`
/// says otherwise: a working day and a night, so a leaked token is not good
/// for long, while the development tokens `cdd up` prints last a day.
pub const DEFAULT_MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The clock difference between issuer and service that is tolerated, on
/// `exp`, `nbf` and `iat`.
const CLOCK_LEEWAY_SECS: u64 = 30;

/// When a client should retry while the provider's keys cannot be fetched.
const PROVIDER_RETRY_AFTER_SECS: u64 = 5;

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
    #[error("the token is not valid: {0}")]
    UnknownKey(String),
    #[error("the token is not valid: {0}")]
    WrongAudience(String),
    /// A valid token whose groups grant no platform role: 403.
    #[error("{0}")]
    NoRole(String),
    /// The platform's shared key signed a token for a person while people
    /// sign in through the identity provider.
    #[error(
        "people sign in through the bank's identity provider ({0}); the platform's own key signs only service tokens"
    )]
    PersonWithServiceKey(String),
    /// The provider's keys cannot be fetched and none are fresh: 503.
    #[error("{0}")]
    ProviderUnavailable(String),
}

impl TokenError {
    /// The refusal as the caller sees it: 401 (with `WWW-Authenticate`),
    /// 403 for no role, 503 with `Retry-After` when the provider is down.
    pub fn into_response(self) -> Response {
        match self {
            TokenError::NoRole(why) => Problem::new(problem::FORBIDDEN, why).into_response(),
            TokenError::ProviderUnavailable(why) => {
                Problem::unavailable(why.clone(), PROVIDER_RETRY_AFTER_SECS, why).into_response()
            }
            other => {
                // RFC 6750 §3.1: a request with no credentials gets the bare
                // challenge; one whose token was refused is told `invalid_token`.
                let challenge = match other {
                    TokenError::Missing | TokenError::NotBearer => "Bearer realm=\"cdd\"",
                    _ => "Bearer realm=\"cdd\", error=\"invalid_token\"",
                };
                let mut res =
                    Problem::new(problem::UNAUTHENTICATED, other.to_string()).into_response();
                res.headers_mut().insert(
                    http::header::WWW_AUTHENTICATE,
                    http::HeaderValue::from_static(challenge),
                );
                res
            }
        }
    }
}

/// A token issued in the future (a forged or mis-set clock) or one that
/// claims a lifetime beyond the maximum would outlive what the issuer may
/// grant: both are refused even when the signature holds.
fn check_lifetime(
    iat: Option<u64>,
    exp: u64,
    now: u64,
    max_lifetime: Duration,
) -> Result<(), TokenError> {
    let Some(iat) = iat else { return Ok(()) };
    if iat > now + CLOCK_LEEWAY_SECS {
        return Err(TokenError::Invalid(format!(
            "it was issued in the future (iat {iat} is {} s ahead of this service's clock)",
            iat - now
        )));
    }
    let lifetime = exp.saturating_sub(iat);
    if lifetime > max_lifetime.as_secs() {
        return Err(TokenError::Invalid(format!(
            "it claims a lifetime of {lifetime} s (exp - iat); the most this service accepts is {} s",
            max_lifetime.as_secs()
        )));
    }
    Ok(())
}

/// Verifies every token a service receives: its own (service) tokens and,
/// when one is configured, the identity provider's.
pub struct Authenticator {
    service_keys: ServiceKeys,
    provider: Option<IdentityProvider>,
    max_lifetime: Duration,
}

impl Authenticator {
    pub fn new(service_keys: ServiceKeys) -> Self {
        Self {
            service_keys,
            provider: None,
            max_lifetime: DEFAULT_MAX_TOKEN_LIFETIME,
        }
    }

    /// Refuses tokens that claim to live longer than `max_lifetime`.
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = max_lifetime;
        self
    }

    /// People sign in through `provider`; the platform's key then signs
    /// only service tokens.
    pub fn with_identity_provider(mut self, provider: IdentityProvider) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The development key, for `CDD_ENV=local` without a configured key.
    pub async fn development() -> anyhow::Result<Self> {
        Ok(Self::new(ServiceKeys::development().await?))
    }

    /// The platform's key from any secret source (see [`ServiceKeys::from_source`]).
    pub async fn from_source(
        source: Box<dyn SecretSource>,
        max_age: Duration,
        min_refresh_gap: Duration,
    ) -> anyhow::Result<Self> {
        Ok(Self::new(
            ServiceKeys::from_source(source, max_age, min_refresh_gap).await?,
        ))
    }

    pub fn key_source(&self) -> String {
        self.service_keys.describe()
    }

    /// The identity provider people sign in with, when there is one.
    pub fn identity_provider(&self) -> Option<&IdentityProvider> {
        self.provider.as_ref()
    }

    /// How people sign in, in one line (for the start-up log and `cdd up`).
    pub fn sign_in_mode(&self) -> String {
        match &self.provider {
            Some(p) => format!(
                "people sign in with the identity provider {}; services use the signing key in {}",
                p.issuer(),
                self.key_source()
            ),
            None => format!(
                "people and services use tokens signed with the key in {} (`cdd token`)",
                self.key_source()
            ),
        }
    }

    /// The current signing key (for issuing service tokens).
    pub async fn current_key(&self) -> String {
        self.service_keys.current().await
    }

    /// Verifies a bearer token of either kind.
    pub async fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| TokenError::Invalid(format!("it is not a JWT ({e})")))?;
        match (header.alg, &self.provider) {
            (Algorithm::HS256, provider) => {
                let caller = self.service_keys.verify(token, self.max_lifetime).await?;
                match provider {
                    Some(p) if caller.role != Role::Service => {
                        Err(TokenError::PersonWithServiceKey(p.issuer().to_string()))
                    }
                    _ => Ok(caller),
                }
            }
            (_, Some(provider)) => provider.verify(token, &header, self.max_lifetime).await,
            (alg, None) => Err(TokenError::Invalid(format!(
                "it is signed with {alg:?}; this service has no identity provider (CDD_AUTH_ISSUER) and accepts only its own HS256 tokens"
            ))),
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

/// Middleware: refuses requests without a valid token (401, 403 or 503, see
/// [`TokenError::into_response`]) and puts the [`Caller`] into the request
/// for handlers.
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
            tracing::info!(reason = %err, "request refused at authentication");
            err.into_response()
        }
    }
}
