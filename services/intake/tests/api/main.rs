//! The intake API, exercised through a real socket.

mod audit;
mod aws;
mod casework;
mod customers;
mod disks;
mod durability;
mod edges;
mod helpers;
mod neighbours;
mod pep;
mod replays;
mod slow_clients;
mod trace_propagation;
mod wire_values;
