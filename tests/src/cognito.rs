//! A Cognito user pool of the bank's staff in the emulator (moto serves
//! Cognito user pools, RS256 tokens with `cognito:groups`, and each pool's
//! JWKS): the pool, a group per role, an app client for people, users in
//! their groups, and their access tokens from `InitiateAuth`.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType};

/// The groups the platform maps to roles, as the Terraform makes them.
pub const ROLE_MAP: &str = "cdd-clerks=clerk,cdd-analysts=analyst,cdd-approvers=approver,cdd-senior-managers=senior_manager,cdd-template-authors=template_author";

const PASSWORD: &str = "Correct-Horse-Battery-9";

/// One pool in the emulator, removed on [`StaffPool::remove`].
pub struct StaffPool {
    client: Client,
    endpoint: String,
    pub pool_id: String,
    /// The app client people sign in through: the platform's audience.
    pub client_id: String,
    region: String,
}

impl StaffPool {
    /// A pool named `name` with the platform's groups and one app client.
    pub async fn create(endpoint: &str, name: &str) -> Self {
        let sdk = cdd_test_support::sdk_config(endpoint).await;
        let client = Client::new(&sdk);
        let pool = client
            .create_user_pool()
            .pool_name(name)
            .send()
            .await
            .expect("the emulator creates a user pool");
        let pool_id = pool
            .user_pool()
            .and_then(|p| p.id())
            .expect("a pool id")
            .to_string();
        for group in ROLE_MAP
            .split(',')
            .filter_map(|pair| pair.split_once('=').map(|(g, _)| g))
        {
            client
                .create_group()
                .user_pool_id(&pool_id)
                .group_name(group)
                .send()
                .await
                .expect("the emulator creates a group");
        }
        let mut pool = Self {
            client,
            endpoint: endpoint.to_string(),
            pool_id,
            client_id: String::new(),
            region: sdk
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".into()),
        };
        pool.client_id = pool.app_client("cdd-console").await;
        pool
    }

    /// Another app client of the pool (a token for it is for another application).
    pub async fn app_client(&self, name: &str) -> String {
        self.client
            .create_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_name(name)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .expect("the emulator creates an app client")
            .user_pool_client()
            .and_then(|c| c.client_id())
            .expect("a client id")
            .to_string()
    }

    /// The issuer of the pool's tokens.
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region, self.pool_id
        )
    }

    /// Where the emulator serves the pool's keys.
    pub fn jwks_url(&self) -> String {
        format!("{}/{}/.well-known/jwks.json", self.endpoint, self.pool_id)
    }

    /// The settings that make a service take this pool's people.
    pub fn service_settings(&self) -> Vec<(String, String)> {
        [
            ("CDD_AUTH_ISSUER", self.issuer()),
            ("CDD_AUTH_JWKS_URL", self.jwks_url()),
            ("CDD_AUTH_AUDIENCE", self.client_id.clone()),
            ("CDD_AUTH_ROLE_MAP", ROLE_MAP.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// A user with a permanent password, in `groups`; returns their `sub`.
    pub async fn add_user(&self, username: &str, groups: &[&str]) -> String {
        let user = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .expect("the emulator creates a user");
        self.client
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .expect("the emulator sets the password");
        for group in groups {
            self.client
                .admin_add_user_to_group()
                .user_pool_id(&self.pool_id)
                .username(username)
                .group_name(*group)
                .send()
                .await
                .expect("the emulator adds the user to the group");
        }
        let attributes: HashMap<&str, &str> = user
            .user()
            .map(|u| u.attributes())
            .unwrap_or_default()
            .iter()
            .map(|a| (a.name(), a.value().unwrap_or_default()))
            .collect();
        attributes
            .get("sub")
            .copied()
            .unwrap_or_default()
            .to_string()
    }

    /// The user's access token for `client_id`, from a password sign-in.
    pub async fn sign_in(&self, username: &str, client_id: &str) -> String {
        self.client
            .initiate_auth()
            .client_id(client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .expect("the emulator signs the user in")
            .authentication_result()
            .and_then(|r| r.access_token())
            .expect("an access token")
            .to_string()
    }

    pub async fn remove(self) {
        self.client
            .delete_user_pool()
            .user_pool_id(&self.pool_id)
            .send()
            .await
            .ok();
    }
}
