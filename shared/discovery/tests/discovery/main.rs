//! Discovery against the real embedded Cloud Map DNS server on loopback, and
//! calls against real HTTP servers on loopback.

mod failover;
mod helpers;
mod resolution;
mod ttl;
