//! The client's address, which every per-address limit (login throttle, booking limits) and
//! the audit trail use. Behind a reverse proxy the TCP peer is the proxy, so the proxy's
//! `X-Forwarded-For` (or `Forwarded`) is read — but only when the peer is one of the trusted
//! proxies the operator configured: anyone else could write any address there.

use std::net::IpAddr;

use axum::http::HeaderMap;
pub use ipnet::IpNet;

/// One entry of `--trusted-proxies`: an address (`10.0.0.5`) or a network (`10.0.0.0/8`).
pub fn parse_trusted(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not an IP address or CIDR network: {text:?}"))
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy; then the
/// right-most address of the forwarding chain that is not itself a trusted proxy (addresses
/// to its left were written by the client and prove nothing).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(&ip));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    for hop in forwarding_chain(headers).into_iter().rev() {
        // A hop that is not an address (`unknown`, an obfuscated name) ends what can be
        // believed: the trusted proxy that wrote it is the best answer left.
        let Some(ip) = hop else { break };
        client = ip.to_canonical();
        if !is_trusted(client) {
            break;
        }
    }
    client
}

/// The addresses a request passed through, left (client) to right (nearest proxy), from
/// `X-Forwarded-For`, or from `Forwarded` when there is no `X-Forwarded-For`.
fn forwarding_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let x_forwarded: Vec<Option<IpAddr>> = header_items(headers, "x-forwarded-for")
        .map(parse_node)
        .collect();
    if !x_forwarded.is_empty() {
        return x_forwarded;
    }
    header_items(headers, "forwarded")
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(value))
            })
        })
        .collect()
}

/// The comma-separated items of every line of one header, in order.
fn header_items<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("unknown").split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// One node: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `"[2001:db8::1]:4711"`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    let (host, port) = node.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|t| parse_trusted(t).unwrap()).collect()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let forged = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &forged, &[]),
            ip("203.0.113.9")
        );
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &forged, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_trusted_peer_gives_the_right_most_untrusted_hop() {
        let trusted = nets(&["127.0.0.1", "10.0.0.0/8"]);
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &chain, &trusted),
            ip("198.51.100.7")
        );
        let split = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &split, &trusted),
            ip("198.51.100.7")
        );
        let none = headers(&[]);
        assert_eq!(client_ip(ip("127.0.0.1"), &none, &trusted), ip("127.0.0.1"));
        let all_trusted = headers(&[("x-forwarded-for", "10.0.0.9, 10.0.0.8")]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &all_trusted, &trusted),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn an_unreadable_hop_stops_the_walk() {
        let trusted = nets(&["127.0.0.1"]);
        let chain = headers(&[("x-forwarded-for", "198.51.100.7, unknown")]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &chain, &trusted),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn forwarded_is_read_when_there_is_no_x_forwarded_for() {
        let trusted = nets(&["::1", "127.0.0.1"]);
        let chain = headers(&[(
            "forwarded",
            "for=1.1.1.1, for=\"[2001:db8::7]:4711\";proto=https, For=192.0.2.5:80",
        )]);
        assert_eq!(client_ip(ip("::1"), &chain, &trusted), ip("192.0.2.5"));
        let v6 = headers(&[("forwarded", "for=\"[2001:db8::7]:4711\";proto=https")]);
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), &v6, &trusted),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn trusted_entries_are_addresses_or_networks() {
        assert!(parse_trusted("10.0.0.5").unwrap().contains(&ip("10.0.0.5")));
        assert!(
            parse_trusted(" 10.0.0.0/8")
                .unwrap()
                .contains(&ip("10.9.9.9"))
        );
        assert!(parse_trusted("fd00::/8").unwrap().contains(&ip("fd00::1")));
        assert!(parse_trusted("proxy.local").is_err());
    }
}
