//! The platform's system tests: intake, screening, documents and letters
//! running together, each as the real service on a loopback port, finding
//! each other by Cloud Map names served from an embedded DNS server, exactly
//! as on Fargate.
//!
//! Storage is either embedded (every service's own data directory) or AWS
//! through an emulator: LocalStack 4.14.0 started by testcontainers where a
//! Docker engine answers, otherwise the endpoint in `CDD_TEST_AWS_ENDPOINT`
//! (the moto server `scripts/test` starts). Each test gets its own tables,
//! buckets and secret and removes them afterwards.
//!
//! People sign in either with development tokens or, in the identity tests,
//! through a Cognito user pool in the emulator ([`cognito`]).

pub mod cognito;
pub mod emulator;
pub mod platform;
pub mod session;

pub use emulator::{AwsEmulator, AwsResources};
pub use platform::{Platform, Storage};
pub use session::Session;
