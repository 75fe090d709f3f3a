//! Exposure: every source of the estate that can reach a destination (internet, each
//! CIDR set, each tier and role of each environment), and everything the internet can
//! reach, with the ports it can reach it on.

use super::{Answer, Estate, Protocol, Verdict, endpoint};
use model::RulePeer;
use std::collections::BTreeSet;

/// Every candidate source name of the estate, `ENV:`-qualified.
pub fn sources(estate: &Estate<'_>) -> Vec<String> {
    let mut out = vec!["internet".to_string()];
    for e in &estate.envs {
        out.extend(e.design.cidr_sets.keys().map(|s| format!("{}:{s}", e.name)));
        out.extend(e.design.tiers.iter().map(|t| format!("{}:tier:{}", e.name, t.name)));
        out.extend(e.design.security.roles.iter().map(|r| format!("{}:role:{}", e.name, r.name)));
    }
    out
}

/// Who can reach `to`: one answer per candidate source (allowed, denied or unknown).
pub fn who_can_reach(estate: &Estate<'_>, home: usize, to: &str, proto: Protocol, port: u16) -> Vec<Answer> {
    let dst = endpoint::resolve_shared(estate, home, to);
    sources(estate)
        .into_iter()
        .map(|from| {
            let src = endpoint::resolve_shared(estate, home, &from);
            super::answer(estate, &from, to, &src, &dst, proto, port)
        })
        .collect()
}

/// Everything the internet can reach: each tier and role of each environment on the
/// ports its groups open to any address; answers that are not `denied`.
pub fn internet_reach(estate: &Estate<'_>) -> Vec<Answer> {
    let src = endpoint::resolve_shared(estate, 0, "internet");
    let mut out = Vec::new();
    for (i, e) in estate.envs.iter().enumerate() {
        let mut ports: BTreeSet<(Protocol, u16)> = BTreeSet::new();
        for g in &e.snapshot.security_groups {
            for r in g
                .ingress
                .iter()
                .filter(|r| matches!(&r.peer, RulePeer::Cidr4(_) | RulePeer::Cidr6(_) | RulePeer::PrefixList(_)))
            {
                let protos: &[Protocol] = match r.protocol_name() {
                    "tcp" => &[Protocol::Tcp],
                    "udp" => &[Protocol::Udp],
                    "all" => &[Protocol::Tcp, Protocol::Udp],
                    _ => &[],
                };
                let port = match (r.all_traffic(), r.from_port) {
                    (false, Some(p)) if p > 0 => u16::try_from(p).ok(),
                    _ => None,
                };
                for p in protos {
                    match port {
                        Some(port) => {
                            ports.insert((*p, port));
                        }
                        // All ports open: probe the admin ports and the usual web ports.
                        None => ports.extend(e.design.security.admin_ports.iter().chain(&[80, 443]).map(|x| (*p, *x))),
                    }
                }
            }
        }
        let names: Vec<String> = e
            .design
            .security
            .roles
            .iter()
            .map(|r| format!("{}:role:{}", e.name, r.name))
            .chain(e.design.tiers.iter().map(|t| format!("{}:tier:{}", e.name, t.name)))
            .collect();
        for to in names {
            let dst = endpoint::resolve_shared(estate, i, &to);
            for (proto, port) in &ports {
                let a = super::answer(estate, "internet", &to, &src, &dst, *proto, *port);
                if a.verdict != Verdict::Denied {
                    out.push(a);
                }
            }
        }
    }
    out
}
