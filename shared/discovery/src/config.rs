//! What the caller configures, and the one place it is checked.
//!
//! The caller reads the environment (`CDD_NAMESPACE`, `CDD_DNS_SERVER`,
//! `CDD_<SERVICE>_URL`, docs/architecture.md §3) and fills in a
//! [`DiscoveryConfig`]; [`Discovery::new`](crate::Discovery::new) checks it
//! here so that a bad value stops the service at start, not on its first call.

use std::collections::HashMap;
use std::net::SocketAddr;

use hickory_resolver::proto::rr::Name;
use url::Url;

use crate::error::DiscoveryError;

/// The port a container listens on when DNS gives no port (A records only).
pub const DEFAULT_PORT: u16 = 8080;

/// How to find the platform's services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryConfig {
    /// The Cloud Map namespace, e.g. `cdd.local` or `dev.cdd.local`.
    pub namespace: String,
    /// The DNS server to ask (UDP, with TCP when an answer is truncated);
    /// `None` asks the servers in the system configuration (`/etc/resolv.conf`).
    pub dns_server: Option<SocketAddr>,
    /// Service name → fixed base URL; such a service is never looked up in DNS.
    pub overrides: HashMap<String, Url>,
    /// The port used with instances found through A records only.
    pub default_port: u16,
}

/// A configuration that has been checked: every value can be used as it is.
#[derive(Debug, Clone)]
pub(crate) struct CheckedConfig {
    /// The namespace as a fully qualified name, so that no search domain of
    /// the system configuration is ever appended to a service's name.
    pub namespace: Name,
    pub dns_server: Option<SocketAddr>,
    pub overrides: HashMap<String, Url>,
    pub default_port: u16,
}

impl DiscoveryConfig {
    pub(crate) fn check(self) -> Result<CheckedConfig, DiscoveryError> {
        let mut problems = Vec::new();

        let namespace = self
            .namespace
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let namespace = match Name::from_ascii(format!("{namespace}.")) {
            Ok(name) if !namespace.is_empty() => Some(name),
            _ => {
                problems.push(format!("namespace {:?} is not a DNS name", self.namespace));
                None
            }
        };
        if let Some(server) = self.dns_server
            && server.port() == 0
        {
            problems.push(format!("DNS server {server} has port 0"));
        }
        if self.default_port == 0 {
            problems.push("default port is 0".to_owned());
        }
        let mut overrides = HashMap::new();
        for (service, url) in self.overrides {
            match base_url(&url) {
                Ok(url) => {
                    overrides.insert(service, url);
                }
                Err(problem) => problems.push(format!("override for {service}: {problem}")),
            }
        }

        match namespace {
            Some(namespace) if problems.is_empty() => Ok(CheckedConfig {
                namespace,
                dns_server: self.dns_server,
                overrides,
                default_port: self.default_port,
            }),
            _ => Err(DiscoveryError::InvalidConfig(problems.join("; "))),
        }
    }
}

/// An override as a base URL that paths can be joined to: callers build
/// requests with `base_url.join("v1/...")`, which would drop a last path
/// segment without a trailing slash (`http://host/prefix` → `/v1/...`).
fn base_url(url: &Url) -> Result<Url, String> {
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("{url} is not an http(s) URL with a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{url} has a query or fragment; a base URL cannot"));
    }
    let mut url = url.clone();
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> DiscoveryConfig {
        DiscoveryConfig {
            namespace: "cdd.local".into(),
            dns_server: None,
            overrides: HashMap::new(),
            default_port: DEFAULT_PORT,
        }
    }

    #[test]
    fn namespace_becomes_a_fully_qualified_name() {
        let checked = DiscoveryConfig {
            namespace: "Dev.CDD.local.".into(),
            ..config()
        }
        .check()
        .unwrap();
        assert_eq!(checked.namespace.to_ascii(), "dev.cdd.local.");
    }

    #[test]
    fn override_gets_a_trailing_slash() {
        let mut overrides = HashMap::new();
        overrides.insert(
            "letters".to_owned(),
            Url::parse("http://letters:8080/prefix").unwrap(),
        );
        let checked = DiscoveryConfig {
            overrides,
            ..config()
        }
        .check()
        .unwrap();
        assert_eq!(
            checked.overrides["letters"].as_str(),
            "http://letters:8080/prefix/"
        );
    }

    #[test]
    fn every_problem_is_named() {
        let mut overrides = HashMap::new();
        overrides.insert("letters".to_owned(), Url::parse("ftp://x/").unwrap());
        let error = DiscoveryConfig {
            namespace: "bad name!".into(),
            dns_server: Some("127.0.0.1:0".parse().unwrap()),
            overrides,
            default_port: 0,
        }
        .check()
        .unwrap_err()
        .to_string();
        for part in [
            "namespace",
            "port 0",
            "default port",
            "override for letters",
        ] {
            assert!(error.contains(part), "{error:?} does not mention {part}");
        }
    }
}
