//! Tokens of an OpenID Connect provider, verified through the platform's
//! authenticator against a provider served on loopback (discovery, JWKS,
//! rotation, outage), and refused with the reason named.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use cdd_platform::auth::{
    Authenticator, Caller, DEVELOPMENT_KEY, IdentityProvider, ProviderSettings, Role, TokenError,
    issue_token,
};
use cdd_test_support::identity_provider::{TestIdentityProvider, TestKey};
use serde_json::{Value, json};

mod common;

const AUDIENCE: &str = "cdd-console";

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

fn settings(provider: &TestIdentityProvider) -> ProviderSettings {
    ProviderSettings {
        issuer: provider.issuer.clone(),
        jwks_url: None,
        audience: AUDIENCE.into(),
        roles_claim: "groups".into(),
        role_map:
            "kyc-analysts=analyst,kyc-approvers=approver,kyc-leads=analyst,kyc-leads=approver"
                .parse()
                .unwrap(),
        jwks_max_age: Duration::from_secs(3600),
        jwks_min_refetch: Duration::from_millis(300),
    }
}

async fn authenticator(settings: ProviderSettings) -> Authenticator {
    Authenticator::development()
        .await
        .unwrap()
        .with_max_lifetime(Duration::from_secs(3600))
        .with_identity_provider(IdentityProvider::start(settings).await)
}

/// The claims of a person's access token, as an OIDC provider issues them.
fn person(provider: &TestIdentityProvider, sub: &str, groups: &[&str]) -> Value {
    let now = now();
    json!({
        "iss": provider.issuer, "sub": sub, "aud": AUDIENCE,
        "iat": now, "nbf": now, "exp": now + 900,
        "groups": groups, "email": format!("{sub}@bank.example"),
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

#[tokio::test]
async fn rs256_and_es256_tokens_give_the_groups_roles_and_the_persons_name() {
    let rsa = TestKey::rsa("rsa-2026");
    let ec = TestKey::ec("ec-2026");
    let provider = TestIdentityProvider::start(&[&rsa, &ec]).await;
    let auth = authenticator(settings(&provider)).await;

    let analyst = auth
        .verify(&rsa.sign(&person(&provider, "u-ana", &["kyc-analysts", "staff"])))
        .await
        .unwrap();
    assert_eq!(
        analyst,
        Caller {
            subject: "u-ana".into(),
            role: Role::Analyst,
            other_roles: vec![],
            name: Some("u-ana@bank.example".into()),
        }
    );
    let lead = auth
        .verify(&ec.sign(&person(&provider, "u-lee", &["kyc-leads"])))
        .await
        .unwrap();
    assert_eq!(lead.role, Role::Analyst);
    assert_eq!(lead.other_roles, vec![Role::Approver]);
    // `name` is preferred to `email` when the provider gives both.
    let named = auth
        .verify(&rsa.sign(&with(
            person(&provider, "u-ana", &["kyc-analysts"]),
            "name",
            json!("Ana Analyst"),
        )))
        .await
        .unwrap();
    assert_eq!(named.name.as_deref(), Some("Ana Analyst"));
    // One fetch of the keys at start serves every token.
    assert_eq!(provider.jwks_fetches(), 1);
}

#[tokio::test]
async fn tokens_that_fail_a_check_are_refused_naming_the_check() {
    let key = TestKey::rsa("rsa-2026");
    let stranger = TestKey::rsa("rsa-2026"); // same kid, not the provider's key
    let provider = TestIdentityProvider::start(&[&key]).await;
    let auth = authenticator(settings(&provider)).await;
    let good = person(&provider, "u-ana", &["kyc-analysts"]);
    let now = now();

    let cases: Vec<(&str, String, &str)> = vec![
        (
            "expired",
            key.sign(&with(
                with(good.clone(), "exp", json!(now - 600)),
                "iat",
                json!(now - 1200),
            )),
            "expired",
        ),
        (
            "not yet valid",
            key.sign(&with(good.clone(), "nbf", json!(now + 600))),
            "not valid yet",
        ),
        (
            "another audience",
            key.sign(&with(good.clone(), "aud", json!("payments-app"))),
            "not meant for this platform",
        ),
        (
            "another issuer",
            key.sign(&with(
                good.clone(),
                "iss",
                json!("https://login.example.net/other"),
            )),
            "not issued by",
        ),
        (
            "a key not in the JWKS",
            stranger.sign(&good),
            "signature does not match",
        ),
        (
            "an unknown kid",
            stranger.sign_as("rsa-2099", &good),
            "`rsa-2099` is not among the identity provider's keys",
        ),
        (
            "too long a lifetime",
            key.sign(&with(good.clone(), "exp", json!(now + 7200))),
            "lifetime of 7200 s",
        ),
        (
            "no iat",
            key.sign(&without(good.clone(), "iat")),
            "no `iat`",
        ),
        (
            "an ID token",
            key.sign(&with(good.clone(), "token_use", json!("id"))),
            "call the platform with the access token",
        ),
    ];
    for (case, token, says) in cases {
        let err = auth.verify(&token).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains(says), "{case}: {text}");
        assert!(
            !text.contains(&token),
            "{case}: the refusal echoes the token"
        );
        assert!(
            !matches!(
                err,
                TokenError::NoRole(_) | TokenError::ProviderUnavailable(_)
            ),
            "{case}: {err:?}"
        );
    }
}

#[tokio::test]
async fn cognito_access_tokens_are_matched_on_client_id() {
    let key = TestKey::rsa("k1");
    let provider = TestIdentityProvider::start(&[&key]).await;
    let auth = authenticator(settings(&provider)).await;
    let access = |client: &str| {
        let now = now();
        key.sign(&json!({
            "iss": provider.issuer, "sub": "u-1", "token_use": "access", "client_id": client,
            "iat": now, "exp": now + 900, "groups": ["kyc-approvers"], "username": "approver.one",
        }))
    };
    let caller = auth.verify(&access(AUDIENCE)).await.unwrap();
    assert_eq!(caller.role, Role::Approver);
    assert_eq!(caller.name.as_deref(), Some("approver.one"));
    let err = auth.verify(&access("another-app")).await.unwrap_err();
    assert!(matches!(err, TokenError::WrongAudience(_)), "{err:?}");
    assert!(
        err.to_string().contains("`client_id` \"another-app\""),
        "{err}"
    );
}

#[tokio::test]
async fn groups_without_a_role_are_forbidden_and_no_person_is_a_service() {
    let key = TestKey::ec("k1");
    let provider = TestIdentityProvider::start(&[&key]).await;
    let auth = authenticator(settings(&provider)).await;

    let err = auth
        .verify(&key.sign(&person(&provider, "u-2", &["staff", "service"])))
        .await
        .unwrap_err();
    assert!(matches!(err, TokenError::NoRole(_)), "{err:?}");
    assert!(err.to_string().contains("staff, service"), "{err}");
    let err = auth
        .verify(&key.sign(&without(person(&provider, "u-2", &[]), "groups")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("names no group"), "{err}");
    // A provider token cannot claim a role directly either.
    let err = auth
        .verify(&key.sign(&with(
            person(&provider, "u-2", &[]),
            "role",
            json!("service"),
        )))
        .await
        .unwrap_err();
    assert!(matches!(err, TokenError::NoRole(_)), "{err:?}");

    // The platform's own key still signs service tokens, and only those.
    let service = issue_token(
        DEVELOPMENT_KEY,
        "intake",
        Role::Service,
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(auth.verify(&service).await.unwrap().role, Role::Service);
    let person_with_shared_key = issue_token(
        DEVELOPMENT_KEY,
        "analyst-1",
        Role::Analyst,
        Duration::from_secs(60),
    )
    .unwrap();
    let err = auth.verify(&person_with_shared_key).await.unwrap_err();
    assert!(
        matches!(err, TokenError::PersonWithServiceKey(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_without_a_restart_and_random_kids_fetch_at_most_once_per_interval()
 {
    let old = TestKey::rsa("2026-11");
    let new = TestKey::ec("2026-12");
    let provider = TestIdentityProvider::start(&[&old]).await;
    let auth = authenticator(settings(&provider)).await;
    let claims = person(&provider, "u-ana", &["kyc-analysts"]);
    assert!(auth.verify(&old.sign(&claims)).await.is_ok());
    assert_eq!(provider.jwks_fetches(), 1);

    // The provider rotates: the new key is fetched on first sight of its kid.
    tokio::time::sleep(Duration::from_millis(350)).await;
    provider.publish(&[&new, &old]);
    assert!(auth.verify(&new.sign(&claims)).await.is_ok());
    assert_eq!(provider.jwks_fetches(), 2);

    // Fifty tokens with made-up kids within one interval: at most one fetch.
    tokio::time::sleep(Duration::from_millis(350)).await;
    for i in 0..50 {
        let err = auth
            .verify(&new.sign_as(&format!("forged-{i}"), &claims))
            .await
            .unwrap_err();
        assert!(matches!(err, TokenError::UnknownKey(_)), "{err:?}");
    }
    assert_eq!(
        provider.jwks_fetches(),
        3,
        "one fetch for fifty unknown kids"
    );
    // Known keys never wait for the provider.
    assert!(auth.verify(&new.sign(&claims)).await.is_ok());
    assert_eq!(provider.jwks_fetches(), 3);
}

#[tokio::test]
async fn a_provider_that_is_down_is_survived_until_the_keys_expire_then_503() {
    let key = TestKey::rsa("k1");
    let provider = TestIdentityProvider::start(&[&key]).await;
    let mut settings = settings(&provider);
    settings.jwks_max_age = Duration::from_secs(2);
    settings.jwks_min_refetch = Duration::from_millis(200);
    let auth = authenticator(settings).await;
    let claims = person(&provider, "u-ana", &["kyc-analysts"]);

    provider.set_down(true);
    // Within the keys' lifetime every request is served from the cache,
    // while background refreshes fail.
    for _ in 0..6 {
        assert!(auth.verify(&key.sign(&claims)).await.is_ok());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let err = auth.verify(&key.sign(&claims)).await.unwrap_err();
    assert!(matches!(err, TokenError::ProviderUnavailable(_)), "{err:?}");
    assert!(err.to_string().contains("503"), "{err}");

    // Back up: the next request fetches and is served.
    provider.set_down(false);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(auth.verify(&key.sign(&claims)).await.is_ok());
}

#[tokio::test]
async fn a_provider_down_at_start_gives_503_not_401_then_recovers() {
    let key = TestKey::rsa("k1");
    let provider = TestIdentityProvider::start(&[&key]).await;
    provider.set_down(true);
    let auth = authenticator(settings(&provider)).await;
    let token = key.sign(&person(&provider, "u-ana", &["kyc-analysts"]));
    let err = auth.verify(&token).await.unwrap_err();
    assert!(matches!(err, TokenError::ProviderUnavailable(_)), "{err:?}");
    provider.set_down(false);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(auth.verify(&token).await.is_ok());
}

/// Over HTTP: 401 with `WWW-Authenticate`, 403 naming the groups, 503 with
/// `Retry-After`, 200 with the caller in the request.
#[tokio::test]
async fn the_middleware_answers_each_refusal_with_its_status() {
    let key = TestKey::rsa("k1");
    let provider = TestIdentityProvider::start(&[&key]).await;
    let mut settings = settings(&provider);
    settings.jwks_max_age = Duration::from_secs(1);
    let auth = Arc::new(authenticator(settings).await);
    let api = Router::new().route(
        "/whoami",
        get(|caller: Caller| async move { axum::Json(caller) }),
    );
    let (base, server) = common::serve("whoami", api, auth).await;
    let url = format!("{base}/whoami");
    let client = reqwest::Client::new();
    let call = |token: String| {
        let client = client.clone();
        let url = url.clone();
        async move { client.get(&url).bearer_auth(token).send().await.unwrap() }
    };

    let ok = call(key.sign(&person(&provider, "u-ana", &["kyc-analysts"]))).await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["subject"], "u-ana");
    assert_eq!(body["name"], "u-ana@bank.example");

    let token = key.sign(&with(
        person(&provider, "u-ana", &["kyc-analysts"]),
        "aud",
        json!("x"),
    ));
    let refused = call(token.clone()).await;
    assert_eq!(refused.status(), 401);
    assert!(
        refused.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    let text = refused.text().await.unwrap();
    assert!(text.contains("not meant for this platform"), "{text}");
    assert!(!text.contains(&token));

    let forbidden = call(key.sign(&person(&provider, "u-3", &["staff"]))).await;
    assert_eq!(forbidden.status(), 403);
    assert!(forbidden.text().await.unwrap().contains("staff"));

    provider.set_down(true);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let unavailable = call(key.sign(&person(&provider, "u-ana", &["kyc-analysts"]))).await;
    assert_eq!(unavailable.status(), 503);
    assert!(unavailable.headers().contains_key("retry-after"));
    server.abort();
}
