//! The two ways discovery can fail, each a sentence an operator can act on:
//! the service cannot be found ([`DiscoveryError`]), or it was found and no
//! instance answered ([`CallError::Unavailable`]).

/// Why the instances of a service could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// The DNS server answered, and the service's name has neither SRV nor A
    /// records: nothing is registered under it (wrong namespace, no healthy
    /// task, or a typo in the service name).
    #[error("{name} does not resolve (asked {server}): no SRV or A records")]
    NotFound {
        /// The DNS name asked for, e.g. `screening.cdd.local`.
        name: String,
        /// The DNS server(s) asked, e.g. `127.0.0.1:5353`.
        server: String,
    },
    /// The DNS server could not be asked, or gave an answer that is not a
    /// list of instances. The text names the DNS name and the server.
    #[error("service discovery failed: {0}")]
    Resolver(String),
    /// The configuration, or a service name, cannot work.
    #[error("invalid service discovery configuration: {0}")]
    InvalidConfig(String),
}

/// Why a call to a service got no HTTP response.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The service's instances could not be listed.
    #[error(transparent)]
    Discovery(#[from] DiscoveryError),
    /// Every instance tried failed, or one failed in a way that made trying
    /// another unsafe. `attempts` has one entry per instance tried, in order,
    /// e.g. `10.0.0.1:8080: connection refused`.
    #[error("{service} is unavailable: {}", describe(attempts))]
    Unavailable {
        service: String,
        attempts: Vec<String>,
    },
}

fn describe(attempts: &[String]) -> String {
    match attempts {
        [] => "no instance was tried".to_owned(),
        [one] => format!("1 instance tried: {one}"),
        many => format!("{} instances tried: {}", many.len(), many.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unavailable_names_every_attempt() {
        let error = CallError::Unavailable {
            service: "screening".into(),
            attempts: vec![
                "10.0.0.1:8080: connection refused".into(),
                "10.0.0.2:8080: connection refused".into(),
            ],
        };
        assert_eq!(
            error.to_string(),
            "screening is unavailable: 2 instances tried: \
             10.0.0.1:8080: connection refused; 10.0.0.2:8080: connection refused"
        );
    }

    #[test]
    fn not_found_names_the_name_and_the_server() {
        let error = DiscoveryError::NotFound {
            name: "screening.cdd.local".into(),
            server: "127.0.0.1:5353".into(),
        };
        assert_eq!(
            error.to_string(),
            "screening.cdd.local does not resolve (asked 127.0.0.1:5353): no SRV or A records"
        );
    }
}
