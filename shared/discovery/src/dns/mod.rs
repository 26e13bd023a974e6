//! An in-process authoritative DNS server that publishes a namespace the way
//! Cloud Map does for ECS, for `cdd up` and for tests: the discovery code
//! then runs the same path on a laptop as on Fargate (docs/architecture.md §4).
//!
//! Records live in a locked map ([`zone`]) that is read on every query, so a
//! registration is visible to the next query without rebuilding anything.
//! Names under the namespace that are not registered get NXDOMAIN; names
//! outside it get REFUSED.

mod handler;
mod zone;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};

use handler::ZoneHandler;
use zone::Zone;

/// How long a TCP client may stay idle before the server hangs up.
const TCP_IDLE: Duration = Duration::from_secs(10);
/// Responses queued per TCP connection.
const TCP_RESPONSE_BUFFER: usize = 32;
/// Tries at finding a port free for both UDP and TCP when asked for port 0.
const BIND_TRIES: usize = 10;

/// A running Cloud Map-style DNS server for one namespace.
pub struct CloudMapDns {
    address: SocketAddr,
    zone: Arc<Zone>,
    server: Server<ZoneHandler>,
}

impl CloudMapDns {
    /// Serves `namespace` on UDP and TCP at `addr`, both on the same port
    /// (with port 0, one free for both is picked). Every record has `ttl`.
    pub async fn start(addr: SocketAddr, namespace: &str, ttl: Duration) -> io::Result<Self> {
        let zone = Zone::new(namespace, ttl).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("namespace {namespace:?} is not a DNS name"),
            )
        })?;
        let zone = Arc::new(zone);
        let (udp, tcp) = bind(addr).await?;
        let address = udp.local_addr()?;
        let mut server = Server::new(ZoneHandler { zone: zone.clone() });
        server.register_socket(udp);
        server.register_listener(tcp, TCP_IDLE, TCP_RESPONSE_BUFFER);
        tracing::debug!(%address, namespace, "Cloud Map DNS serving");
        Ok(Self {
            address,
            zone,
            server,
        })
    }

    /// The address (UDP and TCP) the server answers on.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Cloud Map ECS style: SRV `1 1 port <instance_id>.<service>.<ns>`, an A
    /// record for that target, and an A record on `<service>.<ns>`.
    /// Registering an instance id again moves it.
    ///
    /// # Panics
    /// When `service` or `instance_id` is not a DNS label.
    pub fn register(&self, service: &str, instance_id: &str, ip: Ipv4Addr, port: u16) {
        self.zone.register(service, instance_id, ip, port);
    }

    /// Docker-compose style: only an A record on `<service>.<ns>` (no SRV).
    ///
    /// # Panics
    /// When `service` is not a DNS label.
    pub fn register_a_only(&self, service: &str, ip: Ipv4Addr) {
        self.zone.register_a_only(service, ip);
    }

    /// Removes an instance registered with [`register`](Self::register).
    pub fn deregister(&self, service: &str, instance_id: &str) {
        self.zone.deregister(service, instance_id);
    }

    /// Whether SRV answers carry the targets' A records in the additional
    /// section (they do by default). Turned off, a resolver must ask for
    /// each target's A record itself, as with a server that leaves the
    /// additional section empty.
    pub fn set_additional_records(&self, on: bool) {
        self.zone.set_additional_records(on);
    }

    /// How many DNS messages the server has answered, so tests can tell a
    /// cached answer from a fresh one.
    pub fn queries(&self) -> u64 {
        self.zone.queries()
    }

    /// Stops answering and waits for the server's tasks to end.
    pub async fn stop(mut self) {
        if let Err(error) = self.server.shutdown_gracefully().await {
            tracing::warn!(%error, "Cloud Map DNS stopped with an error");
        }
    }
}

/// A UDP socket and a TCP listener on the same port. With port 0 the UDP
/// socket picks the port; TCP may find it taken by another program, in which
/// case both are dropped and the pair is tried again.
async fn bind(addr: SocketAddr) -> io::Result<(UdpSocket, TcpListener)> {
    let mut tries = if addr.port() == 0 { BIND_TRIES } else { 1 };
    loop {
        let udp = UdpSocket::bind(addr).await?;
        let port = udp.local_addr()?.port();
        match TcpListener::bind(SocketAddr::new(addr.ip(), port)).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(error) if error.kind() == io::ErrorKind::AddrInUse && tries > 1 => {
                tries -= 1;
                tracing::debug!(port, "TCP port taken; trying another");
            }
            Err(error) => return Err(error),
        }
    }
}
