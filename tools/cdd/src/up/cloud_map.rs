//! The laptop's Cloud Map: an embedded DNS server on loopback that publishes
//! every ready instance the way Cloud Map does for ECS tasks (SRV
//! `1 1 <port> <instance>.<service>.<namespace>` plus A records), so the
//! services find one another by name exactly as on Fargate
//! (docs/architecture.md §4), not through fixed URLs.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use cdd_discovery::dns::CloudMapDns;

use super::services::Instance;

/// The namespace of a local run (`<env>.cdd.local`, as Terraform names them).
pub const NAMESPACE: &str = "local.cdd.local";
/// What Cloud Map publishes for ECS service discovery.
pub const TTL: Duration = Duration::from_secs(10);

/// The running DNS server and what is registered in it.
pub struct LocalCloudMap {
    dns: CloudMapDns,
    registered: Vec<Instance>,
}

/// Whether `port` is free on loopback for both UDP and TCP, as the DNS
/// server needs.
pub fn port_is_free(port: u16) -> bool {
    std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
        && std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

impl LocalCloudMap {
    /// Serves [`NAMESPACE`] on 127.0.0.1:`port` (UDP and TCP), with nothing
    /// registered yet.
    pub async fn start(port: u16) -> anyhow::Result<Self> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let dns = CloudMapDns::start(address, NAMESPACE, TTL)
            .await
            .with_context(|| {
                format!("starting the Cloud Map DNS server on {address}; pass --dns-port to use another port")
            })?;
        Ok(Self {
            dns,
            registered: Vec::new(),
        })
    }

    /// Where the services send their DNS queries (`CDD_DNS_SERVER`).
    pub fn address(&self) -> SocketAddr {
        self.dns.local_addr()
    }

    /// Publishes a ready instance, as ECS does once a task is healthy.
    pub fn register(&mut self, instance: &Instance) {
        self.dns.register(
            instance.service,
            &instance.id,
            Ipv4Addr::LOCALHOST,
            instance.port,
        );
        if !self.registered.contains(instance) {
            self.registered.push(instance.clone());
        }
    }

    /// Withdraws an instance, as ECS does before it stops a task (or once
    /// the task has died).
    pub fn deregister(&mut self, instance: &Instance) {
        self.dns.deregister(instance.service, &instance.id);
        self.registered.retain(|i| i != instance);
    }

    /// The SRV records served now, one line each, as `dig` would show them.
    /// Every service name and SRV target also has an A record (127.0.0.1).
    pub fn srv_records(&self) -> Vec<String> {
        let mut records: Vec<&Instance> = self.registered.iter().collect();
        records.sort_by_key(|i| (i.service, i.port));
        let name = |i: &Instance| format!("{}.{NAMESPACE}", i.service);
        let width = records.iter().map(|i| name(i).len()).max().unwrap_or(0);
        records
            .into_iter()
            .map(|i| {
                format!(
                    "{:<width$}  SRV 1 1 {} {}.{}",
                    name(i),
                    i.port,
                    i.id,
                    name(i)
                )
            })
            .collect()
    }

    /// Stops answering queries.
    pub async fn stop(self) {
        self.dns.stop().await;
    }
}
