//! Finds the platform's services the way AWS Cloud Map publishes them for
//! ECS, and calls them with failover (docs/architecture.md §4).
//!
//! A service `screening` in namespace `cdd.local` is the DNS name
//! `screening.cdd.local`. Cloud Map publishes an SRV record
//! `1 1 <port> <task-id>.screening.cdd.local` per healthy task; Docker's DNS
//! under compose publishes only A records. Both are first-class paths. A
//! service with an override URL (`CDD_<SERVICE>_URL`) is never looked up.
//!
//! ```no_run
//! # async fn example(discovery: cdd_discovery::Discovery) -> Result<(), cdd_discovery::CallError> {
//! let http = reqwest::Client::new();
//! let screening = discovery.client("screening", http.clone());
//! let response = screening
//!     .send(true, |base| http.get(base.join("health/ready").unwrap()))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Layout:
//! - [`config`]: [`DiscoveryConfig`], checked once in [`Discovery::new`].
//! - `discovery`: [`Discovery`], which ties the pieces below together.
//! - `resolve`: SRV first, then the targets' A records; on any SRV miss, the
//!   name's A records with the default port.
//! - `cache`: each service's instance list, kept for its records' TTL.
//! - `balance`: the order in which one call tries the instances (round-robin,
//!   recently failed instances last).
//! - [`client`]: [`ServiceClient::send`]; `failure` decides when moving on to
//!   the next instance is safe.
//! - [`error`]: [`DiscoveryError`] and [`CallError`], written for an operator.
//! - [`dns`] (feature `server`): an in-process DNS server that serves the same
//!   records on loopback, for `cdd up` and for tests.

mod balance;
mod cache;
pub mod client;
pub mod config;
mod discovery;
#[cfg(feature = "server")]
pub mod dns;
pub mod error;
mod failure;
mod instance;
mod resolve;

pub use client::ServiceClient;
pub use config::DiscoveryConfig;
pub use discovery::Discovery;
pub use error::{CallError, DiscoveryError};
pub use instance::Instance;
