//! Security group hop: the destination's ingress (by CIDR, prefix list, or group
//! reference when the source's groups are known) and the source's egress. Stateful, so
//! the return needs no rule. A group reference across a VPC boundary counts only where
//! AWS honours it (an active peering in the same region).

use super::memo::{Cand, Groups, ListKey, RulesKey, SgDecision, SgKey};
use super::{Code, Estate, Hop, Outcome, Placement, Protocol};
use ipnet::IpNet;
use model::{Kind, RulePeer, SgRule};
use std::sync::Arc;

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
    let ask = Ask { estate, env, groups, ingress, proto, port };
    let decision = match &estate.memo {
        Some(memo) => {
            let key = SgKey {
                env,
                ingress,
                proto,
                port,
                groups: ListKey(groups.clone()),
                other_groups: other.groups.clone().map(ListKey),
                other_outside: other.env.is_none(),
                other_addr,
                vpc: member.vpc.clone(),
                other_vpc: other.vpc.clone(),
            };
            let hit = memo.sg.lock().ok().and_then(|m| m.get(&key).cloned());
            match hit {
                Some(d) => d,
                None => {
                    let d = decide(&ask, member, other, other_addr);
                    if let Ok(mut m) = memo.sg.lock() {
                        m.insert(key, d.clone());
                    }
                    d
                }
            }
        }
        None => decide(&ask, member, other, other_addr),
    };
    let ids = &groups.joined;
    match decision {
        SgDecision::Pass { group, detail } => mk(group, detail, Outcome::Pass, None),
        SgDecision::Unknown(why) => mk(ids.clone(), why, Outcome::Unknown, Some(Code::GroupsUnknown)),
        SgDecision::Block => mk(
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

/// What one hop asks of a member's groups: their rules in one direction for one port.
struct Ask<'s, 'a> {
    estate: &'s Estate<'a>,
    env: usize,
    groups: &'s Arc<Groups>,
    ingress: bool,
    proto: Protocol,
    port: u16,
}

/// The groups' rules covering the port (and the groups missing from the inventory), in
/// the order the hop reads them: the same for every peer, so computed once per estate.
fn candidates<'a>(ask: &Ask<'_, 'a>) -> Arc<Vec<Cand<'a>>> {
    let Ask { estate, env, groups, ingress, proto, port } = *ask;
    let compute = || {
        let ix = &estate.index[env];
        let mut out = Vec::new();
        for gid in &groups.ids {
            let Some(g) = ix.group(gid) else {
                out.push(Cand::Missing(gid.clone()));
                continue;
            };
            let rules = if ingress { &g.ingress } else { &g.egress };
            out.extend(rules.iter().filter(|r| r.covers_port(proto.as_str(), port)).map(|r| Cand::Rule(g, r)));
        }
        Arc::new(out)
    };
    let Some(memo) = &estate.memo else { return compute() };
    let key = RulesKey { env, ingress, proto, port, groups: ListKey(groups.clone()) };
    if let Some(c) = memo.rules.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return c;
    }
    let c = compute();
    if let Ok(mut m) = memo.rules.lock() {
        m.insert(key, c.clone());
    }
    c
}

/// The first rule of the groups (in order) that lets `other` through, else the first
/// rule that cannot be judged, else a block. Reads only what `SgKey` holds.
fn decide(ask: &Ask<'_, '_>, member: &Placement, other: &Placement, other_addr: IpNet) -> SgDecision {
    let Ask { estate, env, ingress, .. } = *ask;
    let ix = &estate.index[env];
    let dir = if ingress { "ingress" } else { "egress" };
    let mut maybe: Option<String> = None;
    for c in candidates(ask).iter() {
        let (g, r) = match c {
            Cand::Missing(gid) => {
                maybe.get_or_insert_with(|| format!("{gid} is not in the inventory of {}", ix.name));
                continue;
            }
            Cand::Rule(g, r) => (*g, *r),
        };
        match matches(estate, env, r, member, other, other_addr) {
            Some(true) => {
                let rid = r.rule_id.as_deref().unwrap_or("rule");
                return SgDecision::Pass {
                    group: g.id.clone(),
                    detail: format!("{} {dir} {rid}: {}", g.id, r.describe()),
                };
            }
            Some(false) => {}
            None => {
                maybe.get_or_insert_with(|| format!("{} {dir}: {} cannot be judged", g.id, r.describe()));
            }
        }
    }
    match maybe {
        Some(why) => SgDecision::Unknown(why),
        None => SgDecision::Block,
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
            if !groups.contains(gid) {
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
