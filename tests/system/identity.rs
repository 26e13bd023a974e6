//! People signed in through the bank's identity provider: a Cognito user
//! pool in the emulator, its groups mapped to the platform's roles, the
//! services verifying the pool's RS256 tokens against its JWKS while still
//! calling each other with their own service tokens.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cdd_platform::auth::Role;
use cdd_system_tests::cognito::StaffPool;
use cdd_system_tests::{Platform, Session, Storage};
use cdd_test_support::identity_provider::TestKey;
use serde_json::{Value, json};

use crate::flows::{self, Staff};

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// The token's header and claims, unverified (to forge a copy).
fn parts(token: &str) -> (Value, Value) {
    let mut segments = token.split('.');
    let mut next = || {
        let bytes = URL_SAFE_NO_PAD
            .decode(segments.next().expect("a JWT segment"))
            .expect("base64url");
        serde_json::from_slice::<Value>(&bytes).expect("JSON")
    };
    let header = next();
    (header, next())
}

async fn refusal(session: &Session, url: &str) -> (u16, String) {
    let (status, body) = session.get(url).await;
    (
        status.as_u16(),
        body["detail"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_signed_in_with_cognito_work_a_case_in_the_roles_of_their_groups() {
    let endpoint = cdd_test_support::aws_endpoint();
    let pool = StaffPool::create(&endpoint, &unique("cdd-staff")).await;
    let clerk_sub = pool.add_user("clerk.one", &["cdd-clerks"]).await;
    // A team lead in both groups: may propose and approve, never both on one case.
    let lead_sub = pool
        .add_user("lee.lead", &["cdd-analysts", "cdd-approvers"])
        .await;
    let approver_sub = pool.add_user("bob.approver", &["cdd-approvers"]).await;
    pool.add_user("ana.analyst", &["cdd-analysts"]).await;
    pool.add_user("sam.staff", &[]).await;
    let extra: HashMap<&'static str, Vec<(String, String)>> =
        ["screening", "documents", "letters", "intake"]
            .into_iter()
            .map(|service| (service, pool.service_settings()))
            .collect();
    let platform = Platform::start_with(Storage::Embedded, extra).await;
    let sign_in = |user: &'static str| pool.sign_in(user, &pool.client_id);
    let lead = sign_in("lee.lead").await;
    let staff = Staff {
        clerk: Session::with_token(sign_in("clerk.one").await),
        analyst: Session::with_token(lead.clone()),
        approver: Session::with_token(sign_in("bob.approver").await),
        analyst_as_approver: Session::with_token(lead.clone()),
    };

    // The whole onboarding, alerts, documents and four eyes included, with
    // every person's token from the provider; intake calls screening,
    // documents and letters with its service token meanwhile.
    let approved =
        flows::onboard(&platform, &staff, &flows::listed_individual(), "cognito-1").await;
    let id = flows::id(&approved);
    let (status, trail) = staff
        .analyst
        .get(&format!(
            "{}/v1/customers/{id}/audit",
            platform.url("intake")
        ))
        .await;
    assert_eq!(status, 200, "{trail}");
    let actor = |action: &str| {
        trail["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .map(|e| e["actor"].clone())
            .unwrap_or_else(|| panic!("no {action} in {trail}"))
    };
    // The provider's subject and the person's name, not only a role.
    assert_eq!(
        actor("customer.created"),
        json!({"subject": clerk_sub, "role": "clerk", "name": "clerk.one"})
    );
    assert_eq!(
        actor("decision.proposed"),
        json!({"subject": lead_sub, "role": "analyst", "other_roles": ["approver"], "name": "lee.lead"})
    );
    assert_eq!(
        actor("decision.approved"),
        json!({"subject": approver_sub, "role": "approver", "name": "bob.approver"})
    );

    // A member of the analysts group disposes an alert, and cannot approve.
    let ana = Session::with_token(sign_in("ana.analyst").await);
    let mut second = flows::listed_individual();
    second["birth_date"] = json!("1990-01-01");
    let created = flows::submit(&platform, &staff, &second, "cognito-2").await;
    let second_id = flows::id(&created);
    let customer = flows::settled(&platform, &staff, &second_id).await;
    let alert = customer["case"]["alerts"][0]["id"]
        .as_str()
        .expect("an alert")
        .to_string();
    let (status, body) = ana
        .call(
            reqwest::Method::PUT,
            &format!(
                "{}/v1/customers/{second_id}/alerts/{alert}/disposition",
                platform.url("intake")
            ),
            Some(&json!({"outcome": "false_positive", "reason": "different date of birth"})),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = flows::decide(&ana, &platform, &second_id, "approve").await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("role `analyst`"),
        "{body}"
    );

    let customer_url = format!("{}/v1/customers/{second_id}", platform.url("intake"));
    // In no mapped group: 403 naming why.
    let sam = Session::with_token(sign_in("sam.staff").await);
    let (status, detail) = refusal(&sam, &customer_url).await;
    assert_eq!(
        (status, detail.contains("names no group")),
        (403, true),
        "{detail}"
    );

    // A token for another application of the same pool: wrong audience.
    let payments = pool.app_client("payments-app").await;
    let other_app = Session::with_token(pool.sign_in("ana.analyst", &payments).await);
    let (status, detail) = refusal(&other_app, &customer_url).await;
    assert_eq!(
        (status, detail.contains("not meant for this platform")),
        (401, true),
        "{detail}"
    );

    // A token of another pool (the emulator signs every pool's tokens with
    // one key, so only the issuer tells them apart).
    let other_pool = StaffPool::create(&endpoint, &unique("other-staff")).await;
    other_pool.add_user("ana.analyst", &["cdd-analysts"]).await;
    let stranger = Session::with_token(
        other_pool
            .sign_in("ana.analyst", &other_pool.client_id)
            .await,
    );
    let (status, detail) = refusal(&stranger, &customer_url).await;
    assert_eq!(
        (status, detail.contains("not issued by")),
        (401, true),
        "{detail}"
    );

    // The same claims signed by a key that is not in the pool's JWKS, under
    // the pool's key id, and under a key id the pool never had.
    let (header, claims) = parts(&lead);
    let kid = header["kid"].as_str().expect("the pool's kid");
    let forger = TestKey::rsa(kid);
    let (status, detail) = refusal(&Session::with_token(forger.sign(&claims)), &customer_url).await;
    assert_eq!(
        (status, detail.contains("signature does not match")),
        (401, true),
        "{detail}"
    );
    let (status, detail) = refusal(
        &Session::with_token(forger.sign_as("rotated-away", &claims)),
        &customer_url,
    )
    .await;
    assert_eq!(
        (
            status,
            detail.contains("not among the identity provider's keys")
        ),
        (401, true),
        "{detail}"
    );

    // With a provider, the platform's own key no longer speaks for people.
    let (status, detail) =
        refusal(&Session::new(Role::Approver, "bob.approver"), &customer_url).await;
    assert_eq!(
        (status, detail.contains("people sign in through")),
        (401, true),
        "{detail}"
    );

    platform.stop().await;
    other_pool.remove().await;
    pool.remove().await;
}
