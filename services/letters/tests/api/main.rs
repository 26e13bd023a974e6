//! The letters API, exercised through a real socket on port 0.

mod auth;
mod aws;
mod decisions;
mod helpers;
mod letters;
mod scripts;
mod templates;
mod wire_values;
