//! The letters API, exercised through a real socket on port 0.

mod auth;
mod aws;
mod helpers;
mod letters;
mod templates;
