//! The documents API, exercised through a real socket on port 0.

mod auth;
mod aws;
mod content;
mod helpers;
mod lifecycle;
mod upload;
mod wire_values;
