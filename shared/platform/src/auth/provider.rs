//! Tokens of the bank's OpenID Connect provider (Cognito, Entra ID, Okta,
//! Keycloak...): RS256/ES256 (and the other asymmetric algorithms), keys from
//! the provider's JWKS, roles from its groups.

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde_json::{Map, Value};

use super::jwks::ProviderKeys;
use super::{CLOCK_LEEWAY_SECS, Caller, RoleMap, TokenError, check_lifetime};

/// The signature algorithms accepted from a provider: asymmetric only, so
/// that nobody holding the published keys can sign.
const ACCEPTED: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// The claims that name a person, in the order they are preferred.
const NAME_CLAIMS: [&str; 5] = [
    "name",
    "email",
    "preferred_username",
    "username",
    "cognito:username",
];

/// How the provider is configured (`CDD_AUTH_ISSUER` and the settings
/// beside it, see [`crate::settings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    /// The `iss` every token must carry; its discovery document names the JWKS.
    pub issuer: String,
    /// The JWKS URL, when it is not found by discovery.
    pub jwks_url: Option<String>,
    /// This platform's audience: an `aud` value, or the `client_id` of a
    /// Cognito access token.
    pub audience: String,
    /// The claim listing the person's groups (`cognito:groups`, `roles`, `groups`).
    pub roles_claim: String,
    pub role_map: RoleMap,
    /// How long keys stay in use without a successful fetch.
    pub jwks_max_age: Duration,
    /// The shortest time between two fetches of the keys.
    pub jwks_min_refetch: Duration,
}

/// Verifies the provider's tokens.
pub struct IdentityProvider {
    settings: ProviderSettings,
    keys: ProviderKeys,
}

impl IdentityProvider {
    /// The provider, with a first fetch of its keys. A provider that cannot
    /// be reached does not stop the service: requests get 503 until it can.
    pub async fn start(settings: ProviderSettings) -> Self {
        let keys = ProviderKeys::new(
            &settings.issuer,
            settings.jwks_url.as_deref(),
            settings.jwks_max_age,
            settings.jwks_min_refetch,
        );
        match keys.fetch_now().await {
            Ok(count) => {
                tracing::info!(issuer = %settings.issuer, keys = count, "identity provider keys fetched")
            }
            Err(why) => tracing::warn!(
                issuer = %settings.issuer,
                error = %why,
                "the identity provider's keys could not be fetched at start; people's requests get 503 until they can"
            ),
        }
        Self { settings, keys }
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    /// How many times the keys were fetched (for tests and the log).
    pub fn key_fetches(&self) -> u64 {
        self.keys.fetches()
    }

    /// Verifies a provider token whose header is `header`.
    pub async fn verify(
        &self,
        token: &str,
        header: &Header,
        max_lifetime: Duration,
    ) -> Result<Caller, TokenError> {
        if !ACCEPTED.contains(&header.alg) {
            return Err(TokenError::Invalid(format!(
                "it is signed with {:?}, which this service does not accept from an identity provider",
                header.alg
            )));
        }
        let kid = header
            .kid
            .as_deref()
            .ok_or_else(|| TokenError::Invalid("its header names no signing key (`kid`)".into()))?;
        let key = self.keys.key(kid).await?;
        if let Some(algorithm) = key.algorithm
            && algorithm != header.alg
        {
            return Err(TokenError::Invalid(format!(
                "it is signed with {:?}, but the provider's key `{kid}` is for {algorithm:?}",
                header.alg
            )));
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.validate_aud = false; // checked below: Cognito access tokens have none
        validation.validate_nbf = true;
        validation.leeway = CLOCK_LEEWAY_SECS;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|e| self.refusal(e, kid))?
            .claims;
        self.check_use_and_audience(&claims)?;
        let iat = claims.get("iat").and_then(Value::as_u64);
        let exp = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
        if iat.is_none() {
            return Err(TokenError::Invalid(
                "it has no `iat`, so its lifetime cannot be checked".into(),
            ));
        }
        check_lifetime(
            iat,
            exp,
            jsonwebtoken::get_current_timestamp(),
            max_lifetime,
        )?;
        self.caller(&claims)
    }

    fn refusal(&self, e: jsonwebtoken::errors::Error, kid: &str) -> TokenError {
        match e.kind() {
            ErrorKind::ExpiredSignature => TokenError::Expired,
            ErrorKind::ImmatureSignature => {
                TokenError::Invalid("it is not valid yet (`nbf`)".into())
            }
            ErrorKind::InvalidSignature => TokenError::Invalid(format!(
                "its signature does not match the provider's key `{kid}`"
            )),
            ErrorKind::InvalidIssuer => TokenError::Invalid(format!(
                "it was not issued by {} (`iss`)",
                self.settings.issuer
            )),
            ErrorKind::MissingRequiredClaim(claim) => {
                TokenError::Invalid(format!("it has no `{claim}` claim"))
            }
            ErrorKind::InvalidAlgorithm => TokenError::Invalid(format!(
                "its algorithm does not fit the provider's key `{kid}`"
            )),
            _ => TokenError::Invalid(e.to_string()),
        }
    }

    /// The token must be for this platform: `aud` names the audience, or
    /// (a Cognito access token, which has no `aud`) `client_id` does.
    /// Cognito ID tokens are for the app that signed in, not for APIs.
    fn check_use_and_audience(&self, claims: &Map<String, Value>) -> Result<(), TokenError> {
        let token_use = claims.get("token_use").and_then(Value::as_str);
        if let Some(token_use) = token_use
            && token_use != "access"
        {
            return Err(TokenError::Invalid(format!(
                "it is an `{token_use}` token; call the platform with the access token"
            )));
        }
        let audience = self.settings.audience.as_str();
        let for_us = match claims.get("aud") {
            Some(Value::String(aud)) => aud == audience,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
            Some(_) => false,
            None => {
                token_use == Some("access")
                    && claims.get("client_id").and_then(Value::as_str) == Some(audience)
            }
        };
        if for_us {
            return Ok(());
        }
        let named = claims
            .get("aud")
            .map(|a| format!("`aud` {a}"))
            .or_else(|| claims.get("client_id").map(|c| format!("`client_id` {c}")))
            .unwrap_or_else(|| "no `aud` or `client_id`".into());
        Err(TokenError::WrongAudience(format!(
            "it is not meant for this platform: it has {named}, and this platform is `{audience}`"
        )))
    }

    fn caller(&self, claims: &Map<String, Value>) -> Result<Caller, TokenError> {
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| TokenError::Invalid("its `sub` is empty".into()))?;
        let claim = self.settings.roles_claim.as_str();
        let groups: Vec<&str> = match claims.get(claim) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(one)) => vec![one.as_str()],
            _ => Vec::new(),
        };
        let mut roles = self.settings.role_map.roles_of(groups.iter().copied());
        if roles.is_empty() {
            let mapped = self.settings.role_map.groups().join(", ");
            return Err(TokenError::NoRole(if groups.is_empty() {
                format!(
                    "the token's `{claim}` names no group; a platform role comes from one of: {mapped}"
                )
            } else {
                format!(
                    "none of the token's groups ({}) maps to a platform role; the mapped groups are: {mapped}",
                    groups.join(", ")
                )
            }));
        }
        let name = NAME_CLAIMS
            .iter()
            .find_map(|c| claims.get(*c).and_then(Value::as_str))
            .filter(|n| !n.trim().is_empty())
            .map(str::to_string);
        let role = roles.remove(0);
        Ok(Caller {
            subject: subject.to_string(),
            role,
            other_roles: roles,
            name,
        })
    }
}
