//! Network ACL hop: stateless, entries in ascending rule number, first match wins, the
//! final `*` denies. IPv4 and IPv6 entries are judged by the address family of the peer.

use super::{Outcome, Protocol};
use ipnet::IpNet;
use model::{AclEntry, NetworkAcl};

/// The ephemeral ports a client answers on; a return path must allow all of them.
pub const EPHEMERAL: (u16, u16) = (1024, 65535);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclResult {
    pub outcome: Outcome,
    /// The deciding entry (`#100 ingress allow tcp 443 0.0.0.0/0`), or `* (no entry matched)`.
    pub detail: String,
}

/// Judge traffic to/from `peer` on `ports` through `acl` in one direction. An entry
/// matches when its CIDR holds the whole peer range and its protocol and ports overlap.
/// A deny overlapping the ports decides (some of them are blocked); allows are
/// subtracted until every port is allowed.
pub fn eval(acl: &NetworkAcl, egress: bool, peer: IpNet, proto: Protocol, ports: (u16, u16)) -> AclResult {
    let mut entries: Vec<&AclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    let mut remaining: Vec<(u16, u16)> = vec![ports];
    let mut last_allow: Option<&AclEntry> = None;
    for e in entries {
        let net = match peer {
            IpNet::V4(_) => e.cidr.as_deref(),
            IpNet::V6(_) => e.ipv6_cidr.as_deref(),
        };
        let Some(net) = net.and_then(|n| n.parse::<IpNet>().ok()) else { continue };
        if !net.contains(&peer) {
            continue;
        }
        let range = match e.protocol_name() {
            "all" => (0u16, 65535u16),
            p if p == proto.as_str() => match (e.from_port, e.to_port) {
                (Some(a), Some(b)) if a >= 0 && b >= 0 => (clamp(a), clamp(b)),
                _ => (0, 65535),
            },
            _ => continue,
        };
        if !remaining.iter().any(|r| overlaps(*r, range)) {
            continue;
        }
        if !e.allow {
            // After partial allows, say which of the ports reached this deny.
            let rest = if remaining == [ports] {
                String::new()
            } else {
                format!(" ({} {} not allowed before it)", proto.as_str(), label(&remaining))
            };
            return AclResult { outcome: Outcome::Block, detail: format!("{}: {}{rest}", acl.id, e.describe()) };
        }
        remaining = subtract(&remaining, range);
        last_allow = Some(e);
        if remaining.is_empty() {
            break;
        }
    }
    match (remaining.is_empty(), last_allow) {
        (true, Some(e)) => AclResult { outcome: Outcome::Pass, detail: format!("{}: {}", acl.id, e.describe()) },
        _ => AclResult {
            outcome: Outcome::Block,
            detail: format!(
                "{}: #* {} deny (no entry allows {} {})",
                acl.id,
                if egress { "egress" } else { "ingress" },
                proto.as_str(),
                label(&remaining)
            ),
        },
    }
}

fn clamp(p: i32) -> u16 {
    u16::try_from(p.clamp(0, 65535)).unwrap_or(u16::MAX)
}

fn overlaps(a: (u16, u16), b: (u16, u16)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

fn subtract(set: &[(u16, u16)], cut: (u16, u16)) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for &(a, b) in set {
        if !overlaps((a, b), cut) {
            out.push((a, b));
            continue;
        }
        if a < cut.0 {
            out.push((a, cut.0 - 1));
        }
        if b > cut.1 {
            out.push((cut.1 + 1, b));
        }
    }
    out
}

fn label(set: &[(u16, u16)]) -> String {
    set.iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect::<Vec<_>>().join(",")
}
