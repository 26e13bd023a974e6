//! The screening API, exercised through a real socket.

mod auth;
mod helpers;
mod lists;
mod monitoring;
mod screenings;
