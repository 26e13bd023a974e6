//! An OpenID Connect provider for tests: it serves a discovery document and
//! a JWKS on loopback, signs tokens with keys it generated, rotates them,
//! goes down and comes back, and counts how often its keys were fetched.
//! It stands in where the emulator cannot (a key rotation, an expired or
//! not-yet-valid token, a provider that is down).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// A signing key with its public JWK.
pub struct TestKey {
    pub kid: String,
    pub algorithm: Algorithm,
    encoding: EncodingKey,
    jwk: Value,
}

impl TestKey {
    /// A fresh RSA 2048 key for RS256.
    pub fn rsa(kid: &str) -> Self {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).expect("an RSA key");
        let pkcs8 = pair.as_der().expect("PKCS#8 of the RSA key");
        let public = pair.public_key();
        let jwk = json!({
            "kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        });
        Self {
            kid: kid.to_string(),
            algorithm: Algorithm::RS256,
            encoding: EncodingKey::from_rsa_der(pkcs1_of_pkcs8(pkcs8.as_ref())),
            jwk,
        }
    }

    /// A fresh P-256 key for ES256.
    pub fn ec(kid: &str) -> Self {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .expect("a P-256 key");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
            .expect("the P-256 key parses");
        // The uncompressed point: 0x04, then x and y of 32 bytes each.
        let point = pair.public_key().as_ref();
        let jwk = json!({
            "kty": "EC", "kid": kid, "alg": "ES256", "use": "sig", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        });
        Self {
            kid: kid.to_string(),
            algorithm: Algorithm::ES256,
            encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
            jwk,
        }
    }

    /// The public JWK.
    pub fn jwk(&self) -> Value {
        self.jwk.clone()
    }

    /// Signs `claims` with this key, naming `kid` in the header.
    pub fn sign_as(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(self.algorithm);
        header.kid = Some(kid.to_string());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("the token is signed")
    }

    /// Signs `claims` with this key under its own `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_as(&self.kid, claims)
    }
}

/// The `RSAPrivateKey` (PKCS#1) inside a PKCS#8 `PrivateKeyInfo`: the
/// content of its one OCTET STRING, after the version and the algorithm.
fn pkcs1_of_pkcs8(der: &[u8]) -> &[u8] {
    fn header(der: &[u8]) -> (u8, usize, usize) {
        let tag = der[0];
        let (len, at) = if der[1] & 0x80 == 0 {
            (der[1] as usize, 2)
        } else {
            let n = (der[1] & 0x7f) as usize;
            let len = der[2..2 + n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + n)
        };
        (tag, at, len)
    }
    let (_, at, _) = header(der); // SEQUENCE PrivateKeyInfo
    let mut rest = &der[at..];
    loop {
        let (tag, at, len) = header(rest);
        if tag == 0x04 {
            return &rest[at..at + len];
        }
        rest = &rest[at + len..];
    }
}

struct Shared {
    issuer: Mutex<String>,
    keys: Mutex<Vec<Value>>,
    down: AtomicBool,
    jwks_fetches: AtomicU64,
}

/// The provider, serving on 127.0.0.1 until dropped.
pub struct TestIdentityProvider {
    pub issuer: String,
    pub jwks_url: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl TestIdentityProvider {
    /// Starts serving `keys`' public halves.
    pub async fn start(keys: &[&TestKey]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let issuer = format!("{base}/realms/bank");
        let shared = Arc::new(Shared {
            issuer: Mutex::new(issuer.clone()),
            keys: Mutex::new(keys.iter().map(|k| k.jwk()).collect()),
            down: AtomicBool::new(false),
            jwks_fetches: AtomicU64::new(0),
        });
        let app = axum::Router::new()
            .route(
                "/realms/bank/.well-known/openid-configuration",
                get(discovery),
            )
            .route("/realms/bank/keys", get(jwks))
            .with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Self {
            jwks_url: format!("{issuer}/keys"),
            issuer,
            shared,
            server,
        }
    }

    /// Publishes `keys` instead of the current ones (a rotation).
    pub fn publish(&self, keys: &[&TestKey]) {
        *self.shared.keys.lock().unwrap() = keys.iter().map(|k| k.jwk()).collect();
    }

    /// Makes every request fail with 503 (`true`), or serve again.
    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, Ordering::SeqCst);
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_fetches(&self) -> u64 {
        self.shared.jwks_fetches.load(Ordering::SeqCst)
    }
}

impl Drop for TestIdentityProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    if shared.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let issuer = shared.issuer.lock().unwrap().clone();
    axum::Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/keys"),
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    }))
    .into_response()
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    if shared.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let keys = shared.keys.lock().unwrap().clone();
    axum::Json(json!({ "keys": keys })).into_response()
}
