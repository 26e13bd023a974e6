//! One running copy of a service: where to send requests, and what it is.

use std::net::{IpAddr, SocketAddr};

use url::Url;

/// One instance of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// `http://ip:port/`, or the override URL for an overridden service.
    pub base_url: Url,
    /// The SRV target (`<task-id>.screening.cdd.local`), the IP address for
    /// an instance found through A records, or the override URL.
    pub id: String,
}

impl Instance {
    pub(crate) fn at(address: SocketAddr, id: String) -> Self {
        let host = match address.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let base_url = Url::parse(&format!("http://{host}:{}/", address.port()))
            .expect("an IP address and a port always make a URL");
        Self { base_url, id }
    }

    /// `ip:port` (or `host:port`): how an operator recognises the instance in
    /// an error, and the key under which its recent failures are kept.
    pub(crate) fn address(&self) -> String {
        let host = self.base_url.host_str().unwrap_or("?");
        match self.base_url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_is_ip_and_port() {
        let instance = Instance::at("10.0.0.1:8080".parse().unwrap(), "t1".into());
        assert_eq!(instance.base_url.as_str(), "http://10.0.0.1:8080/");
        assert_eq!(instance.address(), "10.0.0.1:8080");
    }
}
