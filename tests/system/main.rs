//! System tests: the onboarding flow through the four real services found
//! by DNS, on embedded storage and on an AWS emulator; an instance killed
//! mid-run; a service down and back; ongoing monitoring; people signed in
//! through a Cognito user pool; a serving member of Congress onboarded as a
//! PEP.

mod failover;
mod flows;
mod identity;
mod monitoring;
mod onboarding;
mod pending;
mod pep;
mod refused;
