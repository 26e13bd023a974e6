//! The intake API, exercised through a real socket.

mod audit;
mod customers;
mod durability;
mod edges;
mod helpers;
