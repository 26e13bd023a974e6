//! The intake domain: customers, their case, risk and audit trail. No I/O here.

pub mod audit;
pub mod casefile;
pub mod country;
pub mod customer;
pub mod record;
pub mod risk;
