//! Integration tests of the letters domain core: one test binary, one module
//! per concern. `helpers` builds requests and runs poppler's tools.

mod builtins;
mod helpers;
mod library;
mod pdf;
mod rendering;
