//! Asking DNS for the instances of one service: SRV first, then the SRV
//! targets' A records; on any SRV miss, the service name's A records with the
//! default port.
//!
//! The SRV miss is deliberately broad: Docker's DNS answers an SRV query for a
//! compose service with an empty NOERROR, NXDOMAIN or an error code depending
//! on the version and on whether it forwards the query, so every DNS answer
//! that carries no SRV record leads to the A query, and only that query decides
//! whether the name exists. Failures to reach the server do not: asking again
//! for A would only double the wait.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::rr::{Name, RData, Record};
use hickory_resolver::system_conf::read_system_conf;

use crate::error::DiscoveryError;
use crate::instance::Instance;

/// Shortest and longest time an instance list is kept. Cloud Map publishes a
/// 10 s TTL; the floor stops a 0 s TTL from sending every call to DNS, the
/// ceiling bounds how long a stopped task can be called after a mistaken TTL.
const MIN_TTL: Duration = Duration::from_secs(1);
const MAX_TTL: Duration = Duration::from_secs(60);

/// How long one DNS query may take, and how often it is sent again after
/// that: a dead DNS server holds a call for at most 2 s in all (hickory's
/// defaults, 5 s and two retries, would be 15 s). Cloud Map's resolver
/// answers inside the VPC in milliseconds, so 1 s is ample.
const QUERY_TIMEOUT: Duration = Duration::from_secs(1);
const QUERY_RETRIES: usize = 1;

/// The instances found for a service, and how long they may be used.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub instances: Vec<Instance>,
    pub ttl: Duration,
}

/// A DNS resolver and a description of the server(s) it asks, for errors.
pub(crate) struct Dns {
    resolver: TokioResolver,
    server: String,
}

impl Dns {
    pub fn new(server: Option<SocketAddr>) -> Result<Self, DiscoveryError> {
        let (config, mut options) = match server {
            Some(address) => (explicit_server(address), ResolverOpts::default()),
            None => read_system_conf().map_err(|error| {
                DiscoveryError::Resolver(format!(
                    "cannot read the system DNS configuration (/etc/resolv.conf): {error}"
                ))
            })?,
        };
        let server = describe_servers(&config);
        // The instance list is cached by `Discovery` for the records' TTL.
        // A second cache in hickory would serve the old records again right
        // after `Discovery` dropped them because every instance failed, so
        // hickory caches nothing and every resolution is a real query.
        options.cache_size = 0;
        options.timeout = options.timeout.min(QUERY_TIMEOUT);
        options.attempts = options.attempts.min(QUERY_RETRIES);
        // Truncated answers go to TCP anyway; this also tries TCP when UDP
        // fails outright (a firewall that drops UDP to a non-53 port).
        options.try_tcp_on_error = true;
        let resolver = TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
            .with_options(options)
            .build()
            .map_err(|error| {
                DiscoveryError::Resolver(format!(
                    "cannot build a DNS resolver for {server}: {error}"
                ))
            })?;
        Ok(Self { resolver, server })
    }

    /// The instances published under `name` (a fully qualified name).
    pub async fn resolve(
        &self,
        name: &Name,
        default_port: u16,
    ) -> Result<Resolved, DiscoveryError> {
        match self.resolver.srv_lookup(name.clone()).await {
            Ok(lookup) => {
                let srv = lookup
                    .answers()
                    .iter()
                    .filter_map(|record| match &record.data {
                        RData::SRV(srv) => Some((record.ttl, srv.port, srv.target.clone())),
                        _ => None,
                    })
                    .collect::<Vec<_>>();
                if srv.is_empty() {
                    return self.resolve_a(name, default_port).await;
                }
                self.resolve_targets(name, srv, lookup.additionals()).await
            }
            Err(NetError::Dns(error)) => {
                tracing::debug!(name = %display(name), %error, "no SRV records; trying A");
                self.resolve_a(name, default_port).await
            }
            Err(error) => Err(self.failed("SRV", name, &error)),
        }
    }

    /// Each SRV target's A records, from the additional section when the
    /// server put them there (the embedded server does), else by asking.
    async fn resolve_targets(
        &self,
        name: &Name,
        srv: Vec<(u32, u16, Name)>,
        additionals: &[Record],
    ) -> Result<Resolved, DiscoveryError> {
        let mut instances = Vec::new();
        let mut ttl = MAX_TTL;
        for (srv_ttl, port, target) in srv {
            let mut addresses = a_records(additionals, Some(&target));
            if addresses.is_empty() {
                // One query per target, one after another: Cloud Map returns
                // at most a handful of healthy tasks, each answered in
                // milliseconds inside the VPC.
                addresses = match self.resolver.ipv4_lookup(target.clone()).await {
                    Ok(lookup) => a_records(lookup.answers(), None),
                    Err(NetError::Dns(DnsError::NoRecordsFound(_))) => {
                        // The task was deregistered between the two queries.
                        tracing::debug!(target = %display(&target), "SRV target has no A record");
                        continue;
                    }
                    Err(error) => return Err(self.failed("A", &target, &error)),
                };
            }
            for (a_ttl, ip) in addresses {
                ttl = ttl.min(seconds(srv_ttl)).min(seconds(a_ttl));
                let address = SocketAddr::new(IpAddr::V4(ip), port);
                instances.push(Instance::at(address, display(&target)));
            }
        }
        if instances.is_empty() {
            return Err(DiscoveryError::Resolver(format!(
                "{} (asked {}): SRV records found, but none of their targets has an A record",
                display(name),
                self.server
            )));
        }
        Ok(sorted(instances, ttl))
    }

    /// The A records of the service name itself, with the default port.
    async fn resolve_a(&self, name: &Name, default_port: u16) -> Result<Resolved, DiscoveryError> {
        let lookup = match self.resolver.ipv4_lookup(name.clone()).await {
            Ok(lookup) => lookup,
            Err(NetError::Dns(DnsError::NoRecordsFound(_))) => return Err(self.not_found(name)),
            Err(error) => return Err(self.failed("A", name, &error)),
        };
        let addresses = a_records(lookup.answers(), None);
        if addresses.is_empty() {
            return Err(self.not_found(name));
        }
        let ttl = addresses
            .iter()
            .map(|(ttl, _)| seconds(*ttl))
            .min()
            .unwrap_or(MAX_TTL);
        let instances = addresses
            .into_iter()
            .map(|(_, ip)| {
                Instance::at(
                    SocketAddr::new(IpAddr::V4(ip), default_port),
                    ip.to_string(),
                )
            })
            .collect();
        Ok(sorted(instances, ttl))
    }

    fn not_found(&self, name: &Name) -> DiscoveryError {
        DiscoveryError::NotFound {
            name: display(name),
            server: self.server.clone(),
        }
    }

    fn failed(&self, kind: &str, name: &Name, error: &NetError) -> DiscoveryError {
        DiscoveryError::Resolver(format!(
            "{kind} query for {} (asked {}) failed: {error}",
            display(name),
            self.server
        ))
    }
}

/// UDP first and TCP for truncated answers, both on the configured port.
fn explicit_server(address: SocketAddr) -> ResolverConfig {
    let mut server = hickory_resolver::config::NameServerConfig::udp_and_tcp(address.ip());
    for connection in &mut server.connections {
        connection.port = address.port();
    }
    ResolverConfig::from_name_servers(vec![server])
}

fn describe_servers(config: &ResolverConfig) -> String {
    let mut servers = Vec::new();
    for server in config.name_servers() {
        for connection in &server.connections {
            let address = SocketAddr::new(server.ip, connection.port).to_string();
            if !servers.contains(&address) {
                servers.push(address);
            }
        }
    }
    if servers.is_empty() {
        "no DNS server".to_owned()
    } else {
        servers.join(", ")
    }
}

/// The A records in `records`, only those named `owner` when given.
fn a_records(records: &[Record], owner: Option<&Name>) -> Vec<(u32, Ipv4Addr)> {
    records
        .iter()
        .filter(|record| owner.is_none_or(|owner| record.name == *owner))
        .filter_map(|record| match &record.data {
            RData::A(a) => Some((record.ttl, a.0)),
            _ => None,
        })
        .collect()
}

/// The same instances in the same order whatever order DNS gave them in, so
/// that round-robin over a list that did not change really alternates.
fn sorted(mut instances: Vec<Instance>, ttl: Duration) -> Resolved {
    instances.sort_by(|a, b| (&a.id, a.base_url.as_str()).cmp(&(&b.id, b.base_url.as_str())));
    instances.dedup();
    Resolved {
        instances,
        ttl: ttl.clamp(MIN_TTL, MAX_TTL),
    }
}

fn seconds(ttl: u32) -> Duration {
    Duration::from_secs(u64::from(ttl))
}

/// A name as people write it: no trailing dot.
fn display(name: &Name) -> String {
    name.to_ascii().trim_end_matches('.').to_owned()
}
