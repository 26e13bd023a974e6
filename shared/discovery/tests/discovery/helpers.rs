//! What the tests run against: the real embedded DNS server on loopback and
//! tiny HTTP servers on real sockets, each able to stop on demand.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cdd_discovery::dns::CloudMapDns;
use cdd_discovery::{Discovery, DiscoveryConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub const NAMESPACE: &str = "cdd.local";
pub const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

pub async fn dns(ttl: Duration) -> CloudMapDns {
    CloudMapDns::start("127.0.0.1:0".parse().unwrap(), NAMESPACE, ttl)
        .await
        .expect("DNS server starts on loopback")
}

pub fn config(dns_server: SocketAddr) -> DiscoveryConfig {
    DiscoveryConfig {
        namespace: NAMESPACE.into(),
        dns_server: Some(dns_server),
        overrides: HashMap::new(),
        default_port: 8080,
    }
}

pub fn discovery(dns: &CloudMapDns) -> Discovery {
    Discovery::new(config(dns.local_addr())).unwrap()
}

pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder().timeout(timeout).build().unwrap()
}

/// A GET of `ping` on whichever instance the client picks; the body is the
/// answering server's name.
pub async fn ping(
    client: &cdd_discovery::ServiceClient,
    repeatable: bool,
) -> Result<String, cdd_discovery::CallError> {
    let http = client.http().clone();
    let response = client
        .send(repeatable, |base| http.get(base.join("ping").unwrap()))
        .await?;
    Ok(response.text().await.unwrap())
}

/// An HTTP/1.1 server that answers every request with 200 and its name,
/// then closes the connection (so no pooled connection outlives `stop`).
pub struct HttpServer {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl HttpServer {
    pub async fn start(name: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let body = name.to_owned();
        let counter = hits.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (body, counter) = (body.clone(), counter.clone());
                tokio::spawn(answer(stream, body, counter));
            }
        });
        Self { addr, hits, task }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// Closes the listening socket: new connections are refused from now on.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Counts the request before answering it, so that a test that has its
/// response in hand also sees it counted.
async fn answer(
    mut stream: TcpStream,
    body: String,
    hits: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        request.extend_from_slice(&buffer[..read]);
    }
    hits.fetch_add(1, Ordering::SeqCst);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// A server that accepts connections and never answers: every request to it
/// runs into the client's timeout.
pub struct HangingServer {
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl HangingServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                held.push(stream);
            }
        });
        Self {
            addr,
            accepted,
            task,
        }
    }

    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for HangingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback port with nothing listening on it (UDP or TCP).
pub async fn closed_port() -> SocketAddr {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.local_addr().unwrap()
}
