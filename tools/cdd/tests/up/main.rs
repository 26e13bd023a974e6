//! `cdd up` and `cdd demo`, run as the real binary against the real
//! services on free loopback ports.
//!
//! - `lifecycle`: up, Cloud Map records, onboarding through discovery, Ctrl-C;
//! - `demo`: `cdd demo` onboards both customers end to end;
//! - `failover`: a screening instance is killed and onboarding goes on;
//! - `ports`: a port in use stops `cdd up` before it starts anything.

mod demo;
mod failover;
mod helpers;
mod lifecycle;
mod ports;
