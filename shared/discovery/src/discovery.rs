//! [`Discovery`]: the handle a service keeps for finding the others. It ties
//! the overrides, the DNS resolver, the TTL cache and the balancer together;
//! clones share all of them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use hickory_resolver::proto::rr::Name;
use url::Url;

use crate::balance::Balancer;
use crate::cache::InstanceCache;
use crate::client::ServiceClient;
use crate::config::DiscoveryConfig;
use crate::error::DiscoveryError;
use crate::instance::Instance;
use crate::resolve::Dns;

/// Finds the instances of the platform's services. Cheap to clone.
#[derive(Clone)]
pub struct Discovery {
    inner: Arc<Inner>,
}

struct Inner {
    namespace: Name,
    overrides: HashMap<String, Url>,
    default_port: u16,
    dns: Dns,
    cache: InstanceCache,
    balancer: Balancer,
}

impl Discovery {
    /// Checks `config` and prepares the resolver. Nothing is asked of DNS
    /// until the first call, so a service can start before the others.
    pub fn new(config: DiscoveryConfig) -> Result<Self, DiscoveryError> {
        let config = config.check()?;
        let dns = Dns::new(config.dns_server)?;
        Ok(Self {
            inner: Arc::new(Inner {
                namespace: config.namespace,
                overrides: config.overrides,
                default_port: config.default_port,
                dns,
                cache: InstanceCache::default(),
                balancer: Balancer::default(),
            }),
        })
    }

    /// The instances of `service`, from cache while their TTL lasts.
    pub async fn instances(&self, service: &str) -> Result<Vec<Instance>, DiscoveryError> {
        Ok(self.current(service).await?.to_vec())
    }

    /// A client that calls `service` with failover.
    pub fn client(&self, service: &str, http: reqwest::Client) -> ServiceClient {
        ServiceClient::new(self.clone(), service, http)
    }

    /// The instances of `service`, shared with the cache.
    pub(crate) async fn current(&self, service: &str) -> Result<Arc<[Instance]>, DiscoveryError> {
        let inner = &self.inner;
        if let Some(url) = inner.overrides.get(service) {
            return Ok(Arc::from(vec![Instance {
                base_url: url.clone(),
                id: url.to_string(),
            }]));
        }
        if let Some(instances) = inner.cache.get(service, Instant::now()) {
            return Ok(instances);
        }
        let name = self.name_of(service)?;
        // Measured from before the query: the records' TTL started counting
        // when the server sent them, not when the answer was read.
        let asked = Instant::now();
        let resolved = inner.dns.resolve(&name, inner.default_port).await?;
        let instances: Arc<[Instance]> = Arc::from(resolved.instances);
        inner
            .cache
            .put(service, instances.clone(), resolved.ttl, asked);
        tracing::debug!(
            service,
            instances = instances.len(),
            ttl_s = resolved.ttl.as_secs(),
            "resolved"
        );
        Ok(instances)
    }

    /// Drops the cached instances of `service`, so the next call asks DNS.
    pub(crate) fn invalidate(&self, service: &str) {
        self.inner.cache.invalidate(service);
    }

    pub(crate) fn balancer(&self) -> &Balancer {
        &self.inner.balancer
    }

    /// `<service>.<namespace>.`, refusing anything that is not one DNS label
    /// so that a service name can never reach outside the namespace.
    fn name_of(&self, service: &str) -> Result<Name, DiscoveryError> {
        let is_label = !service.is_empty()
            && service.len() <= 63
            && service
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let name = is_label
            .then(|| Name::from_ascii(service).ok())
            .flatten()
            .and_then(|label| label.append_domain(&self.inner.namespace).ok());
        name.ok_or_else(|| {
            DiscoveryError::InvalidConfig(format!(
                "service name {service:?} is not a DNS label (letters, digits, '-')"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config() -> DiscoveryConfig {
        DiscoveryConfig {
            namespace: "cdd.local".into(),
            dns_server: Some("127.0.0.1:5353".parse().unwrap()),
            overrides: HashMap::new(),
            default_port: 8080,
        }
    }

    #[test]
    fn new_needs_no_runtime_and_asks_nothing() {
        assert!(Discovery::new(config()).is_ok());
    }

    #[test]
    fn service_names_stay_inside_the_namespace() {
        let discovery = Discovery::new(config()).unwrap();
        assert_eq!(
            discovery.name_of("screening").unwrap().to_ascii(),
            "screening.cdd.local."
        );
        for bad in ["", "a.b", "a b", "../x", &"x".repeat(64)] {
            assert!(discovery.name_of(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
