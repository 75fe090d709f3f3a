//! Security group hop: the destination's ingress (by CIDR, prefix list, or group
//! reference when the source's groups are known) and the source's egress. Stateful, so
//! the return needs no rule. A group reference across a VPC boundary counts only where
//! AWS honours it (an active peering in the same region).

use super::{Code, Estate, Hop, Outcome, Placement, Protocol};
use crate::model::{Kind, RulePeer, SgRule};
use ipnet::IpNet;

/// Judge `member`'s groups for traffic with `other` (ingress: from it; egress: to it).
/// `other_addr` is the other end's address in the path's family.
pub fn check(
    estate: &Estate<'_>,
    member: &Placement,
    other: &Placement,
    other_addr: IpNet,
    ingress: bool,
    proto: Protocol,
    port: u16,
) -> Hop {
    let step = "sg";
    let Some(env) = member.env else {
        return Hop {
            step,
            env: String::new(),
            resource: String::new(),
            detail: "outside".into(),
            outcome: Outcome::Pass,
            code: None,
        };
    };
    let ix = &estate.index[env];
    let dir = if ingress { "ingress" } else { "egress" };
    let code = if ingress { Code::SgNoIngress } else { Code::SgNoEgress };
    let mk = |resource: String, detail: String, outcome, code| Hop {
        step,
        env: ix.name.to_string(),
        resource,
        detail,
        outcome,
        code,
    };
    if !ix.snap.usable(Kind::SecurityGroups) {
        return mk(
            String::new(),
            format!("security_groups of {} unavailable", ix.name),
            Outcome::Unknown,
            Some(Code::Unavailable),
        );
    }
    let Some(groups) = &member.groups else {
        return mk(
            member.subnet.clone().unwrap_or_default(),
            format!("{}: no known member, so its security groups are unknown (name a role)", member.label),
            Outcome::Unknown,
            Some(Code::GroupsUnknown),
        );
    };
    let mut maybe: Option<String> = None;
    for gid in groups {
        let Some(g) = ix.group(gid) else {
            maybe.get_or_insert(format!("{gid} is not in the inventory of {}", ix.name));
            continue;
        };
        let rules = if ingress { &g.ingress } else { &g.egress };
        for r in rules.iter().filter(|r| r.covers_port(proto.as_str(), port)) {
            match matches(estate, env, r, member, other, other_addr) {
                Some(true) => {
                    let rid = r.rule_id.as_deref().unwrap_or("rule");
                    return mk(g.id.clone(), format!("{} {dir} {rid}: {}", g.id, r.describe()), Outcome::Pass, None);
                }
                Some(false) => {}
                None => {
                    maybe.get_or_insert(format!("{} {dir}: {} cannot be judged", g.id, r.describe()));
                }
            }
        }
    }
    let ids = groups.join(", ");
    match maybe {
        Some(why) => mk(ids, why, Outcome::Unknown, Some(Code::GroupsUnknown)),
        None => mk(
            ids.clone(),
            format!(
                "no {dir} rule of {ids} allows {} {port} {} {}",
                proto.as_str(),
                if ingress { "from" } else { "to" },
                other.label
            ),
            Outcome::Block,
            Some(code),
        ),
    }
}

/// Some(true) the rule lets `other` through, Some(false) it does not, None unknown.
fn matches(
    estate: &Estate<'_>,
    env: usize,
    r: &SgRule,
    member: &Placement,
    other: &Placement,
    other_addr: IpNet,
) -> Option<bool> {
    match &r.peer {
        RulePeer::Cidr4(c) | RulePeer::Cidr6(c) => Some(c.parse::<IpNet>().is_ok_and(|n| n.contains(&other_addr))),
        RulePeer::PrefixList(id) => {
            let entries = estate.index[env].prefix_list(id).and_then(|p| p.entries.as_ref())?;
            Some(entries.iter().filter_map(|e| e.cidr.parse::<IpNet>().ok()).any(|n| n.contains(&other_addr)))
        }
        RulePeer::Group(g) => {
            if other.env.is_none() {
                return Some(false);
            }
            let groups = other.groups.as_ref()?;
            // Rules may name a group as `account/sg-…`: compare on the id.
            let gid = g.rsplit('/').next().unwrap_or(g);
            if !groups.iter().any(|x| x == gid) {
                return Some(false);
            }
            match (&member.vpc, &other.vpc) {
                (Some(a), Some(b)) if a == b => Some(true),
                (Some(a), Some(b)) => super::peering::honours_group_reference(estate, a, b),
                _ => Some(false),
            }
        }
    }
}
