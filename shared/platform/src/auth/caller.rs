//! The authenticated caller, as handlers and the audit trail see it.

use axum::extract::FromRequestParts;
use http::request::Parts;
use serde::{Deserialize, Serialize};

use super::Role;
use crate::problem::{self, Problem};

/// Who is calling: the token's subject, its roles and, for a person signed
/// in through the bank's identity provider, the name the provider gives.
///
/// Serialised into the audit trail. The optional fields are left out when
/// empty, so that an event recorded before they existed serialises (and
/// hashes) exactly as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// The token's `sub`: for a person, the provider's stable user id.
    pub subject: String,
    /// The first of the caller's roles (in [`Role::ALL`] order).
    pub role: Role,
    /// Further roles, for a person in more than one mapped group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_roles: Vec<Role>,
    /// The person's name as the provider gives it (`name`, `email`,
    /// `preferred_username` or `username`, the first present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Caller {
    /// A caller with one role and no name (service tokens, tests).
    pub fn new(subject: impl Into<String>, role: Role) -> Self {
        Self {
            subject: subject.into(),
            role,
            other_roles: Vec::new(),
            name: None,
        }
    }

    /// Every role the caller holds.
    pub fn roles(&self) -> impl Iterator<Item = Role> + '_ {
        std::iter::once(self.role).chain(self.other_roles.iter().copied())
    }

    /// Whether the caller holds `role` (or a role that includes it).
    pub fn has(&self, role: Role) -> bool {
        self.roles().any(|held| held.includes(role))
    }

    /// `Ok` when the caller has one of `roles`, else a 403 naming them.
    pub fn require(&self, roles: &[Role]) -> Result<(), Problem> {
        if roles.iter().any(|r| self.has(*r)) {
            return Ok(());
        }
        let needed: Vec<&str> = roles.iter().map(Role::as_str).collect();
        let held: Vec<&str> = self.roles().map(|r| r.as_str()).collect();
        Err(Problem::new(
            problem::FORBIDDEN,
            format!(
                "role `{}` may not do this; it needs one of: {}",
                held.join("`, `"),
                needed.join(", ")
            ),
        ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_role_caller_serialises_as_before() {
        let caller = Caller::new("clerk-1", Role::Clerk);
        assert_eq!(
            serde_json::to_string(&caller).unwrap(),
            r#"{"subject":"clerk-1","role":"clerk"}"#
        );
        let back: Caller = serde_json::from_str(r#"{"subject":"clerk-1","role":"clerk"}"#).unwrap();
        assert_eq!(back, caller);
    }

    #[test]
    fn every_role_counts_and_the_refusal_names_them() {
        let caller = Caller {
            other_roles: vec![Role::Approver],
            name: Some("Ana Analyst".into()),
            ..Caller::new("u-1", Role::Analyst)
        };
        assert!(caller.require(&[Role::Approver]).is_ok());
        assert!(caller.require(&[Role::Analyst]).is_ok());
        let refused = caller.require(&[Role::Clerk]).unwrap_err();
        assert!(refused.detail.contains("analyst"), "{}", refused.detail);
        assert!(refused.detail.contains("approver"), "{}", refused.detail);
    }
}
