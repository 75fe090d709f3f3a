//! What a starter design can read off an inventory: the VPC in scope, each subnet's tier,
//! each security group's role, today's group-to-group flows, public and admin rules.
//! Pure functions over a `Snapshot`; `super::write` turns them into TOML.

use model::*;
use std::collections::{BTreeMap, BTreeSet};

/// Tier of one subnet, and how it was decided (the `#` comment of that guess).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierGuess {
    pub tier: String,
    pub why: String,
}

/// The VPC to describe: the one asked for, else the non-default VPC with the most subnets.
pub fn pick_vpc<'s>(snap: &'s Snapshot, wanted: Option<&str>) -> Result<&'s Vpc, String> {
    if let Some(id) = wanted {
        return snap.vpcs.iter().find(|v| v.id == id).ok_or_else(|| format!("VPC {id} is not in the inventory"));
    }
    let subnets = |v: &Vpc| snap.subnets.iter().filter(|s| s.vpc_id == v.id).count();
    snap.vpcs
        .iter()
        .max_by_key(|v| (!v.is_default, subnets(v), std::cmp::Reverse(v.id.clone())))
        .ok_or_else(|| "the inventory has no VPC to describe".to_string())
}

/// The route table a subnet uses: its explicit association, else the VPC's main table.
pub fn table_of<'s>(snap: &'s Snapshot, subnet: &Subnet) -> Option<&'s RouteTable> {
    snap.route_tables
        .iter()
        .find(|t| t.associations.iter().any(|a| a.subnet_id.as_deref() == Some(subnet.id.as_str())))
        .or_else(|| snap.route_tables.iter().find(|t| t.vpc_id == subnet.vpc_id && t.main))
}

/// The target of a table's default route (IPv4 first), when it has one that is active.
pub fn default_target(t: &RouteTable) -> Option<TargetKind> {
    let active =
        |d: &str| t.routes.iter().find(|r| r.destination == d && r.state == RouteState::Active).map(|r| r.target_kind);
    active("0.0.0.0/0").or_else(|| active("::/0"))
}

/// A tier name: lower case letters, digits, `-` and `_` only.
pub fn slug(s: &str) -> String {
    let out: String = s
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "unnamed".into() } else { out }
}

/// Tier of each subnet: a `Tier` tag when the subnet has one, else the shape of its route
/// table (internet gateway -> public, NAT -> app, neither -> data).
pub fn tiers(snap: &Snapshot, subnets: &[&Subnet]) -> BTreeMap<String, TierGuess> {
    let mut out = BTreeMap::new();
    for s in subnets {
        let tagged = s.tags.iter().find(|(k, _)| k.eq_ignore_ascii_case("tier")).map(|(k, v)| (k.clone(), v.clone()));
        let guess = match tagged {
            Some((k, v)) => TierGuess { tier: slug(&v), why: format!("tag {k}={v}") },
            None => {
                let table = table_of(snap, s);
                let (tier, via) = match table.and_then(default_target) {
                    Some(TargetKind::InternetGateway) => ("public", "default route to an internet gateway"),
                    Some(TargetKind::NatGateway) => ("app", "default route to a NAT gateway"),
                    _ => ("data", "no default route to an internet or NAT gateway"),
                };
                let table = table.map_or("no route table".to_string(), |t| t.id.clone());
                TierGuess { tier: tier.into(), why: format!("{via} ({table})") }
            }
        };
        out.insert(s.id.clone(), guess);
    }
    out
}

/// Role of each security group of the VPC: its `role_tag` value, else its name; the
/// second value says whether it came from the tag. The VPC's untagged `default` group
/// gets none: `sg.unclassified` does not ask for one, and a role "default" says nothing.
pub fn roles(groups: &[&SecurityGroup], role_tag: &str) -> BTreeMap<String, (String, bool)> {
    groups
        .iter()
        .filter_map(|g| match g.tags.get(role_tag) {
            Some(v) => Some((g.id.clone(), (slug(v), true))),
            None if g.name == "default" => None,
            None => Some((g.id.clone(), (slug(&g.name), false))),
        })
        .collect()
}

/// A port range as the design writes it: `8080` or `"1024-2048"`.
pub fn port_text(from: i32, to: i32) -> String {
    if from == to { from.to_string() } else { format!("\"{from}-{to}\"") }
}

/// tcp or udp with known ports: the rules a flow can express.
fn ported(r: &SgRule) -> Option<(&'static str, i32, i32)> {
    let proto = match r.protocol_name() {
        "tcp" => "tcp",
        "udp" => "udp",
        _ => return None,
    };
    match (r.from_port, r.to_port) {
        (Some(a), Some(b)) if a >= 0 && b >= a => Some((proto, a, b)),
        _ => None,
    }
}

/// Whether a rule's port range touches an admin port.
pub fn touches_admin(from: i32, to: i32, admin: &[u16]) -> bool {
    admin.iter().any(|p| from <= i32::from(*p) && i32::from(*p) <= to)
}

/// Flows, public ports and admin sources read from today's ingress rules.
#[derive(Debug, Default)]
pub struct Rules {
    /// (from role or CIDR, to role, protocol) -> port ranges.
    pub flows: BTreeMap<(String, String, String), BTreeSet<(i32, i32)>>,
    /// (role, protocol) -> port ranges open to the world.
    pub public: BTreeMap<(String, String), BTreeSet<(i32, i32)>>,
    /// CIDRs allowed in on admin ports (the `admin` set), and the roles they reach.
    pub admin_cidrs: BTreeSet<String>,
    pub admin_flows: BTreeMap<(String, String), BTreeSet<(i32, i32)>>,
}

pub const ADMIN_SET: &str = "admin";

pub fn rules(groups: &[&SecurityGroup], roles: &BTreeMap<String, (String, bool)>, admin: &[u16]) -> Rules {
    let mut out = Rules::default();
    for g in groups {
        let Some((to, _)) = roles.get(&g.id) else { continue };
        for r in &g.ingress {
            let Some((proto, a, b)) = ported(r) else { continue };
            let world = matches!(&r.peer, RulePeer::Cidr4(c) | RulePeer::Cidr6(c) if c == "0.0.0.0/0" || c == "::/0");
            match &r.peer {
                RulePeer::Group(src) => {
                    // A group outside the VPC has no role here: left to the leftovers.
                    if let Some((from, _)) = roles.get(src) {
                        out.flows.entry((from.clone(), to.clone(), proto.into())).or_default().insert((a, b));
                    }
                }
                // World-open admin ports are what the design forbids: never written as intent.
                _ if world && touches_admin(a, b, admin) => {}
                _ if world => {
                    out.public.entry((to.clone(), proto.into())).or_default().insert((a, b));
                }
                RulePeer::Cidr4(c) | RulePeer::Cidr6(c) if touches_admin(a, b, admin) => {
                    out.admin_cidrs.insert(c.clone());
                    out.admin_flows.entry((to.clone(), proto.into())).or_default().insert((a, b));
                }
                RulePeer::Cidr4(c) | RulePeer::Cidr6(c) => {
                    out.flows.entry((c.clone(), to.clone(), proto.into())).or_default().insert((a, b));
                }
                RulePeer::PrefixList(_) => {}
            }
        }
    }
    out
}

/// One value when every item agrees, else `None` (mixed or empty).
pub fn unanimous<T: PartialEq + Copy>(items: impl IntoIterator<Item = T>) -> Option<T> {
    let mut it = items.into_iter();
    let first = it.next()?;
    it.all(|x| x == first).then_some(first)
}
