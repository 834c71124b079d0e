//! Which addresses a connector may reach. A data source's URL or host comes from
//! a user, so without a rule the server could be pointed at itself, its cloud's
//! metadata service or the private network (server-side request forgery).

use crate::{ConnectorError, Result};
use std::net::{IpAddr, SocketAddr};

/// Public addresses are allowed; private, loopback, link-local and other
/// special ones only for hosts the operator lists (`INSIGHTIQ_CONNECTOR_ALLOW_HOSTS`).
#[derive(Debug, Clone, Default)]
pub struct NetworkPolicy {
    allow_hosts: Vec<String>,
}

impl NetworkPolicy {
    pub fn new(allow_hosts: impl IntoIterator<Item = String>) -> Self {
        NetworkPolicy {
            allow_hosts: allow_hosts
                .into_iter()
                .map(|h| normalize(&h))
                .filter(|h| !h.is_empty())
                .collect(),
        }
    }

    /// Whether the operator named `host` (any address is then allowed).
    pub fn allows_host(&self, host: &str) -> bool {
        let host = normalize(host);
        self.allow_hosts.contains(&host)
    }

    /// The addresses of `host:port`, all of them allowed, or why not.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((bare, port))
                .await
                .map_err(|e| {
                    ConnectorError::Unreachable(format!(
                        "cannot resolve the host {bare}: {e}; check its spelling"
                    ))
                })?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(ConnectorError::Unreachable(format!(
                "the host {bare} has no address"
            )));
        }
        if self.allows_host(bare) {
            return Ok(addrs);
        }
        if let Some(blocked) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(ConnectorError::Blocked(format!(
                "{bare} is a private, loopback or link-local address ({}); InsightIQ only \
                 connects to such hosts when the operator lists them in INSIGHTIQ_CONNECTOR_ALLOW_HOSTS",
                blocked.ip()
            )));
        }
        Ok(addrs)
    }
}

fn normalize(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Whether `ip` is an ordinary address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)) // documentation
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "151.101.1.69", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn loopback_needs_the_operator() {
        let closed = NetworkPolicy::default();
        let err = closed.resolve("127.0.0.1", 80).await.unwrap_err();
        assert!(matches!(err, ConnectorError::Blocked(_)), "{err}");
        assert!(matches!(
            closed.resolve("localhost", 80).await.unwrap_err(),
            ConnectorError::Blocked(_)
        ));
        let open = NetworkPolicy::new(["LOCALHOST".to_string(), "127.0.0.1".into()]);
        assert!(open.resolve("localhost", 80).await.is_ok());
        assert!(open.resolve("127.0.0.1", 80).await.is_ok());
    }
}
