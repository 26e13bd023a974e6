//! The screening API, exercised through a real socket.

mod auth;
mod helpers;
mod lists;
mod metrics;
mod monitoring;
mod screenings;
