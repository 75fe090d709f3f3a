//! Route hop: the subnet's route table (explicit or main), longest-prefix match on the
//! destination, prefix-list destinations resolved through their entries.

use super::Index;
use ipnet::IpNet;
use model::{DestinationKind, Route, RouteState, RouteTable};

/// The route that carries traffic to a destination range.
#[derive(Debug)]
pub enum Lookup<'a> {
    /// The chosen route and, for a prefix-list route, the entry that matched.
    Route(&'a Route, Option<String>),
    None,
    /// The answer depends on data we do not have (an unreadable prefix list).
    Unknown(String),
}

/// Longest-prefix match of `dest` in `rt`. A route is a candidate only when its prefix
/// holds the whole destination range; on equal length `local` wins, as in AWS.
pub(crate) fn lookup<'a>(ix: &Index<'a>, rt: &'a RouteTable, dest: IpNet) -> Lookup<'a> {
    let mut best: Option<(u8, &Route, Option<String>)> = None;
    let mut unresolved: Option<String> = None;
    for r in &rt.routes {
        let candidates: Vec<(IpNet, Option<String>)> = match r.destination_kind {
            DestinationKind::Ipv4 | DestinationKind::Ipv6 => {
                r.destination.parse::<IpNet>().ok().map(|n| (n, None)).into_iter().collect()
            }
            DestinationKind::PrefixList => match ix.prefix_list(&r.destination).and_then(|p| p.entries.as_ref()) {
                Some(entries) => entries
                    .iter()
                    .filter_map(|e| e.cidr.parse::<IpNet>().ok().map(|n| (n, Some(e.cidr.clone()))))
                    .collect(),
                None => {
                    unresolved =
                        Some(format!("{}: route to prefix list {} whose entries are unknown", rt.id, r.destination));
                    Vec::new()
                }
            },
        };
        for (net, entry) in candidates {
            if !net.contains(&dest) {
                continue;
            }
            let len = net.prefix_len();
            let better = match &best {
                None => true,
                Some((l, b, _)) => {
                    len > *l
                        || (len == *l
                            && r.target_kind == model::TargetKind::Local
                            && b.target_kind != model::TargetKind::Local)
                }
            };
            if better {
                best = Some((len, r, entry));
            }
        }
    }
    match (best, unresolved) {
        // An unreadable prefix list could hold a longer prefix than the best match.
        (_, Some(why)) => Lookup::Unknown(why),
        (Some((_, r, e)), None) => Lookup::Route(r, e),
        (None, None) => Lookup::None,
    }
}

pub fn describe(rt: &RouteTable, r: &Route, entry: &Option<String>) -> String {
    let active = if r.state == RouteState::Blackhole { " (blackhole)" } else { "" };
    match entry {
        Some(e) => format!("{}: {} (entry {e}){active}", rt.id, r.describe()),
        None => format!("{}: {}{active}", rt.id, r.describe()),
    }
}
