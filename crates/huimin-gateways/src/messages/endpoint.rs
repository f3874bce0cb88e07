//! Where a subscriber may ask us to send webhooks: checks against server-side request forgery.
//!
//! Two steps, because the name is resolved by the caller (no DNS here): [`check_url`] on the
//! URL when the subscription is saved and before each delivery, then [`check_addresses`] on
//! every address the name resolves to, just before connecting to one of them (and connecting to
//! that checked address, so a second lookup cannot swap in an internal one).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use url::{Host, Url};

use super::MessageError;

/// A checked webhook URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
    host: String,
    port: u16,
    dev: bool,
}

impl Endpoint {
    pub fn url(&self) -> &Url {
        &self.url
    }
    /// The name to resolve (or, for a dev host only, an IP literal).
    pub fn host(&self) -> &str {
        &self.host
    }
    pub fn port(&self) -> u16 {
        self.port
    }
    /// An allowed development host: plain http is accepted and the caller skips
    /// [`check_addresses`] (dev hosts are on loopback or a private network by nature).
    pub fn is_dev(&self) -> bool {
        self.dev
    }
}

/// Accepts `https://name[:port]/path[?query]`: https only (http for an allowed dev host), no
/// user or password, no fragment, a host name rather than an IP literal (IP literals only as
/// allowed dev hosts, e.g. `127.0.0.1` in tests).
pub fn check_url(url: &str, allowed_dev_hosts: &[&str]) -> Result<Endpoint, MessageError> {
    let url = Url::parse(url).map_err(|_| MessageError::InvalidUrl("无法解析 / cannot parse"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(MessageError::InvalidUrl(
            "地址中不能含账号密码 / no credentials in the URL",
        ));
    }
    if url.fragment().is_some() {
        return Err(MessageError::InvalidUrl("不能含片段 / no fragment"));
    }
    let (host, is_ip) = match url.host() {
        Some(Host::Domain(d)) => (d.trim_end_matches('.').to_ascii_lowercase(), false),
        Some(Host::Ipv4(ip)) => (ip.to_string(), true),
        Some(Host::Ipv6(ip)) => (ip.to_string(), true),
        None => return Err(MessageError::InvalidUrl("缺少主机名 / no host")),
    };
    let dev = allowed_dev_hosts
        .iter()
        .any(|h| h.trim_matches(['[', ']']).eq_ignore_ascii_case(&host));
    match url.scheme() {
        "https" => {}
        "http" if dev => {}
        _ => return Err(MessageError::InvalidUrl("只允许 https / https only")),
    }
    if is_ip && !dev {
        return Err(MessageError::InvalidUrl(
            "须用主机名而非 IP 地址 / a host name, not an IP address",
        ));
    }
    if !dev && (host == "localhost" || host.ends_with(".localhost") || !host.contains('.')) {
        return Err(MessageError::InvalidUrl(
            "须是公网域名 / a public domain name",
        ));
    }
    let port = url
        .port_or_known_default()
        .ok_or(MessageError::InvalidUrl("缺少端口 / no port"))?;
    Ok(Endpoint {
        url,
        host,
        port,
        dev,
    })
}

/// Refuses the list if it is empty or if any address is not public unicast (one bad address is
/// enough to refuse: a name that also points inside is a rebinding attempt or a mistake).
pub fn check_addresses(addrs: &[IpAddr]) -> Result<(), MessageError> {
    if addrs.is_empty() {
        return Err(MessageError::NoAddresses);
    }
    for &addr in addrs {
        if let Some(range) = forbidden_range(addr) {
            return Err(MessageError::ForbiddenAddress { addr, range });
        }
    }
    Ok(())
}

/// The name of the forbidden range `addr` is in, if any.
pub fn forbidden_range(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len)
}

const V4_FORBIDDEN: &[(Ipv4Net, &str)] = &[
    (v4(0, 0, 0, 0, 8), "0.0.0.0/8 this network"),
    (v4(10, 0, 0, 0, 8), "10.0.0.0/8 private"),
    (v4(100, 64, 0, 0, 10), "100.64.0.0/10 CGNAT"),
    (v4(127, 0, 0, 0, 8), "127.0.0.0/8 loopback"),
    (v4(169, 254, 0, 0, 16), "169.254.0.0/16 link-local"),
    (v4(172, 16, 0, 0, 12), "172.16.0.0/12 private"),
    (
        v4(192, 0, 0, 0, 24),
        "192.0.0.0/24 IETF protocol assignments",
    ),
    (v4(192, 0, 2, 0, 24), "192.0.2.0/24 documentation"),
    (v4(192, 88, 99, 0, 24), "192.88.99.0/24 6to4 relay"),
    (v4(192, 168, 0, 0, 16), "192.168.0.0/16 private"),
    (v4(198, 18, 0, 0, 15), "198.18.0.0/15 benchmarking"),
    (v4(198, 51, 100, 0, 24), "198.51.100.0/24 documentation"),
    (v4(203, 0, 113, 0, 24), "203.0.113.0/24 documentation"),
    (v4(224, 0, 0, 0, 4), "224.0.0.0/4 multicast"),
    // Includes 255.255.255.255, the limited broadcast address.
    (v4(240, 0, 0, 0, 4), "240.0.0.0/4 reserved and broadcast"),
];

fn forbidden_v4(addr: Ipv4Addr) -> Option<&'static str> {
    V4_FORBIDDEN
        .iter()
        .find(|(net, _)| net.contains(&addr))
        .map(|(_, name)| *name)
}

#[allow(clippy::too_many_arguments)]
const fn v6(a: u16, b: u16, c: u16, d: u16, e: u16, f: u16, g: u16, h: u16, len: u8) -> Ipv6Net {
    Ipv6Net::new_assert(Ipv6Addr::new(a, b, c, d, e, f, g, h), len)
}

const V6_FORBIDDEN: &[(Ipv6Net, &str)] = &[
    (v6(0, 0, 0, 0, 0, 0, 0, 0, 128), "::/128 unspecified"),
    (v6(0, 0, 0, 0, 0, 0, 0, 1, 128), "::1/128 loopback"),
    // Deprecated IPv4-compatible addresses: no legitimate webhook lives there.
    (v6(0, 0, 0, 0, 0, 0, 0, 0, 96), "::/96 IPv4-compatible"),
    (v6(0x100, 0, 0, 0, 0, 0, 0, 0, 64), "100::/64 discard"),
    (v6(0x2001, 0, 0, 0, 0, 0, 0, 0, 32), "2001::/32 Teredo"),
    (
        v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0, 32),
        "2001:db8::/32 documentation",
    ),
    (
        v6(0x3fff, 0, 0, 0, 0, 0, 0, 0, 20),
        "3fff::/20 documentation",
    ),
    (v6(0xfc00, 0, 0, 0, 0, 0, 0, 0, 7), "fc00::/7 unique local"),
    (v6(0xfe80, 0, 0, 0, 0, 0, 0, 0, 10), "fe80::/10 link-local"),
    (v6(0xfec0, 0, 0, 0, 0, 0, 0, 0, 10), "fec0::/10 site-local"),
    (v6(0xff00, 0, 0, 0, 0, 0, 0, 0, 8), "ff00::/8 multicast"),
];

fn forbidden_v6(addr: Ipv6Addr) -> Option<&'static str> {
    // Addresses that carry an IPv4 address reach that IPv4 host: judge the embedded one.
    if let Some(embedded) = embedded_v4(addr) {
        return forbidden_v4(embedded);
    }
    V6_FORBIDDEN
        .iter()
        .find(|(net, _)| net.contains(&addr))
        .map(|(_, name)| *name)
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:0:0/96`), NAT64 (`64:ff9b::/96`) or 6to4
/// (`2002::/16`) address.
fn embedded_v4(addr: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = addr.segments();
    let o = addr.octets();
    let last32 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    let mapped = s[..6] == [0, 0, 0, 0, 0, 0xffff];
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    if mapped || nat64 {
        Some(last32)
    } else if s[0] == 0x2002 {
        Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]))
    } else {
        None
    }
}
