//! What a caller may do: the platform's roles.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Submits customers and their documents.
    Clerk,
    /// Reviews alerts and documents, proposes decisions.
    Analyst,
    /// Approves or rejects a proposed decision (four eyes).
    Approver,
    /// Senior management: approves what the rules reserve for them (a PEP
    /// relationship, FATF Recommendation 12) and whatever an approver may.
    SeniorManager,
    /// Publishes letter templates: what the bank writes to its customers is
    /// a controlled change, kept apart from the people who decide cases.
    TemplateAuthor,
    /// Another CDD service. Only the platform's own signing key can grant
    /// it: no identity provider's group maps to it.
    Service,
}

impl Role {
    /// Every role, in the order they are listed to people.
    pub const ALL: [Role; 6] = [
        Role::Clerk,
        Role::Analyst,
        Role::Approver,
        Role::SeniorManager,
        Role::TemplateAuthor,
        Role::Service,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Analyst => "analyst",
            Role::Approver => "approver",
            Role::SeniorManager => "senior_manager",
            Role::TemplateAuthor => "template_author",
            Role::Service => "service",
        }
    }

    /// The roles a role also holds: a senior manager may do what an
    /// approver may (the bank's higher approval authority).
    pub fn includes(&self, other: Role) -> bool {
        *self == other || (*self == Role::SeniorManager && other == Role::Approver)
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(Role::as_str).collect();
                format!("`{s}` is not one of {}", names.join(", "))
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        let err = "admin".parse::<Role>().unwrap_err();
        assert!(err.contains("senior_manager"), "{err}");
    }

    #[test]
    fn a_senior_manager_may_approve_but_not_the_reverse() {
        assert!(Role::SeniorManager.includes(Role::Approver));
        assert!(!Role::Approver.includes(Role::SeniorManager));
        assert!(!Role::Analyst.includes(Role::Approver));
    }
}
