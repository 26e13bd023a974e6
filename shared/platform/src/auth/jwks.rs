//! The identity provider's public keys (its JWKS), fetched over HTTPS and
//! cached.
//!
//! - The keys are found from the issuer's `/.well-known/openid-configuration`
//!   (its `jwks_uri`), or read from a configured URL.
//! - They are refreshed in the background after a quarter of their lifetime,
//!   and used for at most `max_age` after the last successful fetch: a
//!   provider that is down does not stop requests whose keys are cached, and
//!   once the lifetime ends the service answers 503, not 401.
//! - A token naming an unknown `kid` makes one fetch (a key rotation is picked
//!   up without a restart), but no two fetches of any kind are closer than
//!   `min_refetch`: random `kid`s cannot make the service hammer the provider.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::TokenError;

/// How long one fetch (connect, answer and body) may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// A JWKS or discovery document larger than this is not a provider's.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// One of the provider's verification keys.
pub struct VerifyingKey {
    pub key: DecodingKey,
    /// The algorithm the JWK names, when it names one.
    pub algorithm: Option<Algorithm>,
}

struct KeySet {
    keys: HashMap<String, Arc<VerifyingKey>>,
    fetched_at: Instant,
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// The provider's keys, as last fetched.
#[derive(Clone)]
pub struct ProviderKeys {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    configured_url: Option<String>,
    discovered_url: Mutex<Option<String>>,
    http: HttpsClient,
    keys: RwLock<Option<Arc<KeySet>>>,
    fetching: tokio::sync::Mutex<()>,
    last_attempt: Mutex<Option<Instant>>,
    last_error: Mutex<Option<String>>,
    fetches: AtomicU64,
    max_age: Duration,
    min_refetch: Duration,
}

impl ProviderKeys {
    /// Keys of `issuer`, from `jwks_url` or the issuer's discovery document.
    /// Nothing is fetched yet.
    pub fn new(
        issuer: &str,
        jwks_url: Option<&str>,
        max_age: Duration,
        min_refetch: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                issuer: issuer.trim_end_matches('/').to_string(),
                configured_url: jwks_url.map(str::to_string),
                discovered_url: Mutex::new(None),
                http: https_client(),
                keys: RwLock::new(None),
                fetching: tokio::sync::Mutex::new(()),
                last_attempt: Mutex::new(None),
                last_error: Mutex::new(None),
                fetches: AtomicU64::new(0),
                max_age,
                min_refetch,
            }),
        }
    }

    /// Fetches the keys now (at start), whatever the last attempt; the
    /// error, when the provider cannot be reached, is for the log.
    pub async fn fetch_now(&self) -> Result<usize, String> {
        let _fetching = self.inner.fetching.lock().await;
        *self.inner.last_attempt.lock().unwrap() = Some(Instant::now());
        self.inner.fetch_and_store().await
    }

    /// How many fetches were attempted (for the log and the tests).
    pub fn fetches(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    /// The key named `kid`, fetching the keys when none are cached, when
    /// `kid` is unknown, or when the cached ones have outlived `max_age`.
    pub async fn key(&self, kid: &str) -> Result<Arc<VerifyingKey>, TokenError> {
        let inner = &self.inner;
        if let Some(set) = inner.current() {
            let age = set.fetched_at.elapsed();
            if age < inner.max_age {
                if age >= inner.max_age / 4 && inner.may_fetch() {
                    let inner = Arc::clone(inner);
                    tokio::spawn(async move { inner.refresh(false).await });
                }
                if let Some(key) = set.keys.get(kid) {
                    return Ok(Arc::clone(key));
                }
            }
        }
        inner.refresh(true).await;
        let Some(set) = inner.current() else {
            return Err(inner.unavailable());
        };
        if set.fetched_at.elapsed() >= inner.max_age {
            return Err(inner.unavailable());
        }
        set.keys.get(kid).cloned().ok_or_else(|| {
            TokenError::UnknownKey(format!(
                "its signing key `{kid}` is not among the identity provider's keys"
            ))
        })
    }
}

impl Inner {
    fn current(&self) -> Option<Arc<KeySet>> {
        self.keys.read().unwrap().clone()
    }

    fn may_fetch(&self) -> bool {
        self.last_attempt
            .lock()
            .unwrap()
            .is_none_or(|at| at.elapsed() >= self.min_refetch)
    }

    fn unavailable(&self) -> TokenError {
        let why = self
            .last_error
            .lock()
            .unwrap()
            .clone()
            .unwrap_or_else(|| "its keys were fetched too long ago".to_string());
        TokenError::ProviderUnavailable(format!(
            "the identity provider's keys cannot be fetched ({why}); retry shortly"
        ))
    }

    /// One fetch, unless another is running (`wait` false) or the last
    /// attempt was less than `min_refetch` ago.
    async fn refresh(&self, wait: bool) {
        let _fetching = if wait {
            self.fetching.lock().await
        } else {
            match self.fetching.try_lock() {
                Ok(guard) => guard,
                Err(_) => return,
            }
        };
        {
            let mut last = self.last_attempt.lock().unwrap();
            if last.is_some_and(|at| at.elapsed() < self.min_refetch) {
                return;
            }
            *last = Some(Instant::now());
        }
        if let Err(why) = self.fetch_and_store().await {
            tracing::warn!(issuer = %self.issuer, error = %why, "the identity provider's keys could not be fetched; the cached ones stay in use until they expire");
        }
    }

    async fn fetch_and_store(&self) -> Result<usize, String> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match self.fetch().await {
            Ok(keys) => {
                let count = keys.len();
                *self.keys.write().unwrap() = Some(Arc::new(KeySet {
                    keys,
                    fetched_at: Instant::now(),
                }));
                *self.last_error.lock().unwrap() = None;
                Ok(count)
            }
            Err(why) => {
                // The next fetch discovers the URL again: the provider may
                // have moved its keys.
                *self.discovered_url.lock().unwrap() = None;
                *self.last_error.lock().unwrap() = Some(why.clone());
                Err(why)
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<VerifyingKey>>, String> {
        let url = match &self.configured_url {
            Some(url) => url.clone(),
            None => self.discover().await?,
        };
        let document = get_json(&self.http, &url).await?;
        parse_key_set(&document).map_err(|e| format!("the JWKS at {url} {e}"))
    }

    async fn discover(&self) -> Result<String, String> {
        if let Some(url) = self.discovered_url.lock().unwrap().clone() {
            return Ok(url);
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let document = get_json(&self.http, &url).await?;
        let named = document.get("issuer").and_then(Value::as_str).unwrap_or("");
        if named.trim_end_matches('/') != self.issuer {
            return Err(format!(
                "{url} names the issuer `{named}`, not `{}`",
                self.issuer
            ));
        }
        let jwks = document
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{url} has no `jwks_uri`"))?
            .to_string();
        *self.discovered_url.lock().unwrap() = Some(jwks.clone());
        Ok(jwks)
    }
}

/// An HTTP(S) client on rustls with the platform's one crypto provider
/// (aws-lc-rs) and the system's CA certificates. Without any (a bare
/// laptop), only plain-HTTP providers can be reached, and an HTTPS fetch
/// fails naming the certificate problem.
fn https_client() -> HttpsClient {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = match hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(Arc::clone(&provider))
    {
        Ok(builder) => builder,
        Err(e) => {
            tracing::warn!(error = %e, "no CA certificates found: an identity provider can only be reached over plain HTTP");
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("aws-lc-rs supports the default TLS versions")
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
        }
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(FETCH_TIMEOUT));
    let connector = builder.https_or_http().enable_http1().wrap_connector(http);
    Client::builder(TokioExecutor::new()).build(connector)
}

async fn get_json(http: &HttpsClient, url: &str) -> Result<Value, String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| format!("{url} is not a URL: {e}"))?;
    let request = http::Request::get(uri)
        .header(http::header::ACCEPT, "application/json")
        .body(Empty::new())
        .map_err(|e| format!("{url}: {e}"))?;
    let fetch = async {
        let response = http
            .request(request)
            .await
            .map_err(|e| format!("{url}: {}", error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        let body = Limited::new(response.into_body(), MAX_DOCUMENT_BYTES)
            .collect()
            .await
            .map_err(|e| format!("{url}: {e}"))?
            .to_bytes();
        serde_json::from_slice(&body).map_err(|e| format!("{url} is not JSON: {e}"))
    };
    tokio::time::timeout(FETCH_TIMEOUT, fetch)
        .await
        .map_err(|_| format!("{url} did not answer within {} s", FETCH_TIMEOUT.as_secs()))?
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The signature keys of a JWKS, by `kid`. Keys without a `kid`, meant for
/// encryption, symmetric (`oct`: a published symmetric key would let anyone
/// sign), or of a type this service cannot use are skipped.
fn parse_key_set(document: &Value) -> Result<HashMap<String, Arc<VerifyingKey>>, String> {
    let entries = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("has no `keys` array")?;
    let mut keys = HashMap::new();
    for entry in entries {
        let Ok(jwk) = serde_json::from_value::<Jwk>(entry.clone()) else {
            continue;
        };
        let Some(kid) = jwk.common.key_id.clone() else {
            continue;
        };
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption))
            || matches!(jwk.algorithm, AlgorithmParameters::OctetKey(_))
        {
            continue;
        }
        let Ok(key) = DecodingKey::from_jwk(&jwk) else {
            continue;
        };
        let algorithm = jwk
            .common
            .key_algorithm
            .and_then(|a| format!("{a:?}").parse::<Algorithm>().ok());
        keys.insert(kid, Arc::new(VerifyingKey { key, algorithm }));
    }
    if keys.is_empty() {
        return Err("holds no usable signing key".into());
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_signature_keys_with_an_id_are_kept() {
        let document = serde_json::json!({"keys": [
            {"kty": "RSA", "kid": "rsa-1", "alg": "RS256", "use": "sig", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", "e": "AQAB"},
            {"kty": "RSA", "alg": "RS256", "n": "sXch", "e": "AQAB"},
            {"kty": "RSA", "kid": "enc-1", "use": "enc", "n": "sXch", "e": "AQAB"},
            {"kty": "oct", "kid": "hmac-1", "k": "c2VjcmV0"},
            {"kty": "OKP", "kid": "weird", "crv": "X448", "x": "AAAA"},
            "not a key"
        ]});
        let keys = parse_key_set(&document).unwrap();
        assert_eq!(keys.keys().collect::<Vec<_>>(), vec!["rsa-1"]);
        assert_eq!(keys["rsa-1"].algorithm, Some(Algorithm::RS256));
    }

    #[test]
    fn a_set_without_usable_keys_is_named() {
        assert!(parse_key_set(&serde_json::json!({})).is_err());
        let Err(err) = parse_key_set(
            &serde_json::json!({"keys": [{"kty": "oct", "kid": "a", "k": "c2VjcmV0"}]}),
        ) else {
            panic!("a symmetric key is never taken from a JWKS");
        };
        assert!(err.contains("no usable signing key"), "{err}");
    }
}
