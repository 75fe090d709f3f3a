//! `nacl.admin-port-open`: the network ACL of a tier's subnets (the explicit
//! association, else the VPC's default ACL) lets an admin port in from outside the
//! tier's `nacl.admin_ports_from` sets, or lets a `deny_ports` port in from a
//! `deny_from` source. Inbound entries are walked in ascending rule number and the first
//! match decides (ACLs are stateless; egress is not judged here). For each allow entry
//! the addresses it actually decides are its block minus the blocks of earlier matching
//! entries, so a lower-numbered deny wins over a wider allow. IPv4 and IPv6 entries are
//! judged alike; all-protocol entries match every port.

use super::{Rule, default_severity};
use crate::design::{Design, NaclExpectation, Tier};
use crate::drift::netset::{first_uncovered, intersection};
use crate::drift::{Context, Finding, FindingBuilder, Findings};
use ipnet::IpNet;
use model::{AclEntry, Kind, NetworkAcl, Subnet};
use std::collections::BTreeMap;

pub struct NaclAdminPortOpen;
pub static RULE: NaclAdminPortOpen = NaclAdminPortOpen;
const ID: &str = "nacl.admin-port-open";

impl Rule for NaclAdminPortOpen {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::Subnets, Kind::NetworkAcls]
    }
    fn applies(&self, d: &Design) -> bool {
        d.tiers.iter().any(|t| t.nacl.is_some())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for tier in &cx.design.tiers {
            let Some(exp) = &tier.nacl else { continue };
            // ACL id -> (acl, explicit?, subnets using it)
            let mut by_acl: BTreeMap<&str, (&NetworkAcl, bool, Vec<&Subnet>)> = BTreeMap::new();
            for s in cx.tier_subnets(&tier.name) {
                match cx.acl_of(s) {
                    Some((acl, explicit)) => by_acl.entry(acl.id.as_str()).or_insert((acl, explicit, vec![])).2.push(s),
                    None => out.push(no_acl(tier, s)),
                }
            }
            for (acl, explicit, subnets) in by_acl.values() {
                judge(cx, tier, exp, acl, *explicit, subnets, out);
            }
        }
    }
}

/// Inbound entries that match TCP traffic to `port`, in evaluation order, with their block.
fn matching(acl: &NetworkAcl, port: u16) -> Vec<(&AclEntry, IpNet)> {
    let mut v: Vec<(&AclEntry, IpNet)> = acl
        .entries
        .iter()
        .filter(|e| !e.egress && covers_tcp(e, port))
        .filter_map(|e| Some((e, e.cidr.as_deref().or(e.ipv6_cidr.as_deref())?.parse::<IpNet>().ok()?)))
        .collect();
    v.sort_by_key(|(e, _)| e.rule_number);
    v
}

pub fn covers_tcp(e: &AclEntry, port: u16) -> bool {
    match e.protocol_name() {
        "all" => true,
        "tcp" => match (e.from_port, e.to_port) {
            (Some(a), Some(b)) => a <= i32::from(port) && i32::from(port) <= b,
            _ => true,
        },
        _ => false,
    }
}

/// The first allow entry that lets `port` in from somewhere inside `within` and outside
/// `allowed`, with an example block of such sources.
fn first_leak<'e>(
    entries: &[(&'e AclEntry, IpNet)],
    within: &IpNet,
    allowed: &[IpNet],
) -> Option<(&'e AclEntry, IpNet)> {
    let mut decided: Vec<IpNet> = allowed.to_vec();
    for (e, net) in entries {
        if let Some(part) = intersection(net, within)
            && e.allow
            && let Some(w) = first_uncovered(part, &decided)
        {
            return Some((e, w));
        }
        decided.push(*net);
    }
    None
}

fn judge(
    cx: &Context<'_>,
    tier: &Tier,
    exp: &NaclExpectation,
    acl: &NetworkAcl,
    explicit: bool,
    subnets: &[&Subnet],
    out: &mut Findings,
) {
    let subnet_list = subnets.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(",");
    // AWS lists an association for every subnet, the default ACL's included; a subnet
    // with none listed falls back to the default ACL all the same.
    let association = match (acl.is_default, explicit) {
        (false, _) => "custom ACL",
        (true, true) => "default ACL of the VPC",
        (true, false) => "default ACL of the VPC (no association listed)",
    };
    let mut emit = |port: u16, entry: &AclEntry, source: IpNet, expected: String, clause: String, what: &str| {
        out.push(
            FindingBuilder::new(ID, default_severity(ID), "network_acl", &acl.id)
                .tier(Some(&tier.name))
                .expected(expected)
                .actual(format!("entry {} lets tcp {port} in from {source}", entry.describe()))
                .evidence("acl", acl.id.clone())
                .evidence("rule_number", entry.rule_label())
                .evidence("entry", entry.describe())
                .evidence("port", port.to_string())
                .evidence("source", source.to_string())
                .evidence("subnets", subnet_list.clone())
                .evidence("association", association)
                .clause(clause)
                .message(format!(
                    "{} ({} tier) lets tcp {port} in from {source} {what} through rule {}",
                    acl.id,
                    tier.name,
                    entry.rule_label()
                )),
        );
    };
    let world: [IpNet; 2] = [IpNet::V4(Default::default()), IpNet::V6(Default::default())];
    if let Some(sets) = &exp.admin_ports_from {
        let allowed: Vec<IpNet> = sets.iter().filter_map(|s| cx.design.cidr_sets.get(s)).flatten().copied().collect();
        let label = if sets.is_empty() { "nowhere".to_string() } else { sets.join(", ") };
        for port in &cx.design.security.admin_ports {
            let entries = matching(acl, *port);
            for w in &world {
                if let Some((e, src)) = first_leak(&entries, w, &allowed) {
                    emit(
                        *port,
                        e,
                        src,
                        format!("admin port {port} let in only from {label}"),
                        format!("tiers.{}.nacl.admin_ports_from = [{label}] (line {})", tier.name, exp.line),
                        &format!("(outside {label})"),
                    );
                }
            }
        }
    }
    let from_label = exp.deny_from_text.join(", ");
    for range in &exp.deny_ports {
        // Which entries match can only change where an entry's range starts or ends, so
        // the range's start plus every entry boundary inside it stands for every port.
        let mut ports: Vec<u16> = vec![range.from];
        for e in acl.entries.iter().filter(|e| !e.egress) {
            let bounds = [e.from_port, e.to_port.map(|b| b + 1)];
            ports.extend(
                bounds.into_iter().flatten().filter_map(|p| u16::try_from(p).ok()).filter(|p| range.contains(*p)),
            );
        }
        ports.sort_unstable();
        ports.dedup();
        let mut reported: Vec<i32> = Vec::new();
        for port in ports {
            let entries = matching(acl, port);
            for src in &exp.deny_from {
                if let Some((e, w)) = first_leak(&entries, src, &[])
                    && !reported.contains(&e.rule_number)
                {
                    reported.push(e.rule_number);
                    emit(
                        port,
                        e,
                        w,
                        format!("tcp {range} denied from {from_label}"),
                        format!("tiers.{}.nacl.deny_from = [{from_label}] (line {})", tier.name, exp.line),
                        &format!("(must be denied from {from_label})"),
                    );
                    break;
                }
            }
        }
    }
}

fn no_acl(tier: &Tier, s: &Subnet) -> Finding {
    FindingBuilder::new(ID, default_severity(ID), "subnet", &s.id)
        .tier(Some(&tier.name))
        .expected("the subnet's network ACL judged")
        .actual("unknown: no explicit ACL association and no default ACL for the VPC in the inventory")
        .evidence("verdict", "unknown")
        .evidence("vpc", s.vpc_id.clone())
        .clause(format!("tiers.{}.nacl (line {})", tier.name, tier.nacl.as_ref().map_or(tier.line, |n| n.line)))
        .message(format!(
            "unknown: no network ACL found for {} ({} tier), so its ACL cannot be judged",
            s.id, tier.name
        ))
}
