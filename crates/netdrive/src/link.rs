//! What the kernel knows of the link to a server, without sending it anything
//! (`MultinetGetConnectionPerformance`): the interface the route to it uses
//! (`/proc/net/route`), whether a gateway is on the way, and the interface's speed
//! (`/sys/class/net/IF/speed`). Only IPv4 literals and `localhost` are looked up: resolving
//! a host name can wait on a name server.

use std::net::Ipv4Addr;
use std::path::Path;

/// The link to a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The interface (`lo` for this machine).
    pub interface: String,
    /// A gateway is on the way.
    pub routed: bool,
    /// The interface's speed in Mbit/s, when its driver says.
    pub speed_mbps: Option<u32>,
}

/// The link to `host` (an IPv4 literal, `localhost`, or `[::1]`); `None` when it cannot be
/// told without resolving or probing.
pub fn link_to(host: &str) -> Option<Link> {
    let host = host.trim_matches(['[', ']']);
    if host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
    {
        return Some(Link { interface: "lo".into(), routed: false, speed_mbps: None });
    }
    let addr: Ipv4Addr = host.parse().ok()?;
    let table = crate::bounded::read_local(Path::new("/proc/net/route"), 1 << 20).ok()?;
    let (interface, routed) = route(&String::from_utf8_lossy(&table), addr)?;
    let speed_mbps =
        crate::bounded::read_local(&Path::new("/sys/class/net").join(&interface).join("speed"), 64)
            .ok()
            .and_then(|s| String::from_utf8_lossy(&s).trim().parse::<i64>().ok())
            .and_then(|s| u32::try_from(s).ok())
            .filter(|&s| s > 0);
    Some(Link { interface, routed, speed_mbps })
}

/// The most specific route to `addr` in a `/proc/net/route` table: its interface, and
/// whether it goes through a gateway.
fn route(table: &str, addr: Ipv4Addr) -> Option<(String, bool)> {
    let want = u32::from(addr);
    // The kernel prints addresses as the hex of their in-memory (network order) bytes.
    let hex = |s: &str| u32::from_str_radix(s, 16).ok().map(|v| u32::from_be_bytes(v.to_ne_bytes()));
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (iface, dest, gw, flags, mask) =
                (f.first()?, hex(f.get(1)?)?, hex(f.get(2)?)?, f.get(3)?, hex(f.get(7)?)?);
            let up = u32::from_str_radix(flags, 16).ok()? & 1 != 0;
            (up && want & mask == dest & mask).then(|| (mask.count_ones(), (iface.to_string(), gw != 0)))
        })
        .max_by_key(|(bits, _)| *bits)
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
wg0\t00000A0A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

    #[test]
    fn most_specific_route_and_whether_it_is_routed() {
        assert_eq!(route(TABLE, "192.0.2.7".parse().unwrap()), Some(("eth0".into(), false)), "on the LAN");
        assert_eq!(route(TABLE, "10.10.3.4".parse().unwrap()), Some(("wg0".into(), false)));
        assert_eq!(route(TABLE, "8.8.8.8".parse().unwrap()), Some(("eth0".into(), true)), "by the gateway");
        assert_eq!(route("Iface\n", "8.8.8.8".parse().unwrap()), None);
        assert_eq!(link_to("127.0.0.1").unwrap().interface, "lo");
        assert!(!link_to("[::1]").unwrap().routed);
        assert_eq!(link_to("fileserver"), None, "no name is resolved");
    }
}
