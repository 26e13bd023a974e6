//! From the identity provider's groups to the platform's roles
//! (`CDD_AUTH_ROLE_MAP`, e.g. `kyc-analysts=analyst,kyc-approvers=approver`).

use std::str::FromStr;

use super::Role;

/// Which platform role each of the provider's groups grants. A group may
/// grant several roles (one pair each); no group can grant `service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMap {
    pairs: Vec<(String, Role)>,
}

impl RoleMap {
    /// The roles `groups` grant, each once, in [`Role::ALL`] order.
    pub fn roles_of<'a>(&self, groups: impl IntoIterator<Item = &'a str>) -> Vec<Role> {
        let groups: Vec<&str> = groups.into_iter().collect();
        let mut roles: Vec<Role> = self
            .pairs
            .iter()
            .filter(|(group, _)| groups.contains(&group.as_str()))
            .map(|(_, role)| *role)
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// The mapped group names, for messages.
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = self.pairs.iter().map(|(g, _)| g.as_str()).collect();
        groups.dedup();
        groups
    }
}

impl FromStr for RoleMap {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut pairs = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (group, role) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` is not `group=role`"))?;
            let (group, role) = (group.trim(), role.trim());
            if group.is_empty() {
                return Err(format!("`{item}` names no group"));
            }
            let role: Role = role.parse()?;
            if role == Role::Service {
                return Err(format!(
                    "`{item}`: no group may grant `service`; services use the platform's own signing key"
                ));
            }
            if !pairs.contains(&(group.to_string(), role)) {
                pairs.push((group.to_string(), role));
            }
        }
        if pairs.is_empty() {
            return Err("maps no group to a role (expected e.g. `kyc-analysts=analyst`)".into());
        }
        Ok(Self { pairs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_grant_their_roles_once_each() {
        let map: RoleMap =
            "kyc-analysts=analyst, kyc-approvers=approver,kyc-leads=analyst,kyc-leads=approver"
                .parse()
                .unwrap();
        assert_eq!(map.roles_of(["kyc-analysts"]), vec![Role::Analyst]);
        assert_eq!(
            map.roles_of(["kyc-leads", "kyc-analysts", "staff"]),
            vec![Role::Analyst, Role::Approver]
        );
        assert!(map.roles_of(["staff"]).is_empty());
    }

    #[test]
    fn bad_maps_are_named() {
        for (text, says) in [
            ("", "maps no group"),
            ("analysts", "is not `group=role`"),
            ("=analyst", "names no group"),
            ("admins=root", "is not one of"),
            ("robots=service", "no group may grant `service`"),
        ] {
            let err = text.parse::<RoleMap>().unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }
}
