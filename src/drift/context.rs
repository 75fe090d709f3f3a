//! The snapshot resolved against the design once per evaluation: which VPCs are in
//! scope, which tier each subnet is in, which route tables serve which subnets
//! (explicitly or as the main table), and which role each security group plays.

use crate::design::{Design, FlowSource, Role, Tier};
use crate::model::*;
use ipnet::{IpNet, Ipv4Net};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct Context<'a> {
    pub design: &'a Design,
    pub snap: &'a Snapshot,
    /// VPC ids the design covers.
    pub vpcs: BTreeSet<String>,
    /// Subnet id -> tier name, for in-scope subnets that match a tier.
    pub subnet_tier: BTreeMap<String, String>,
    /// Route table id -> subnets it serves (explicit associations, or implicitly as main).
    pub served: BTreeMap<String, Vec<&'a Subnet>>,
    /// Security group id -> role name, for in-scope groups that match a role.
    pub sg_role: BTreeMap<String, String>,
    subnets: HashMap<&'a str, &'a Subnet>,
    nat_az: HashMap<&'a str, &'a str>,
}

impl<'a> Context<'a> {
    pub fn new(design: &'a Design, snap: &'a Snapshot) -> Self {
        let vpcs: BTreeSet<String> =
            snap.vpcs.iter().filter(|v| vpc_in_scope(design, v)).map(|v| v.id.clone()).collect();
        let subnets: HashMap<&str, &Subnet> = snap.subnets.iter().map(|s| (s.id.as_str(), s)).collect();

        let mut subnet_tier = BTreeMap::new();
        for s in snap.subnets.iter().filter(|s| vpcs.contains(&s.vpc_id)) {
            if let Some(t) = design.tiers.iter().find(|t| subnet_matches(t, s)) {
                subnet_tier.insert(s.id.clone(), t.name.clone());
            }
        }

        // A subnet without an explicit association is served by its VPC's main table.
        let mut served: BTreeMap<String, Vec<&Subnet>> = BTreeMap::new();
        let mut explicit: BTreeSet<&str> = BTreeSet::new();
        for rt in snap.route_tables.iter().filter(|r| vpcs.contains(&r.vpc_id)) {
            let list = served.entry(rt.id.clone()).or_default();
            for a in &rt.associations {
                if let Some(sid) = a.subnet_id.as_deref()
                    && let Some(s) = subnets.get(sid)
                {
                    list.push(s);
                    explicit.insert(sid);
                }
            }
        }
        for rt in snap.route_tables.iter().filter(|r| r.main && vpcs.contains(&r.vpc_id)) {
            let implicit: Vec<&Subnet> =
                snap.subnets.iter().filter(|s| s.vpc_id == rt.vpc_id && !explicit.contains(s.id.as_str())).collect();
            served.entry(rt.id.clone()).or_default().extend(implicit);
        }

        let sg_role = snap
            .security_groups
            .iter()
            .filter(|g| g.vpc_id.as_ref().is_some_and(|v| vpcs.contains(v)))
            .filter_map(|g| classify(design, g).map(|r| (g.id.clone(), r.name.clone())))
            .collect();

        let nat_az = snap
            .nat_gateways
            .iter()
            .filter_map(|n| subnets.get(n.subnet_id.as_str()).map(|s| (n.id.as_str(), s.az.as_str())))
            .collect();

        Context { design, snap, vpcs, subnet_tier, served, sg_role, subnets, nat_az }
    }

    pub fn subnet(&self, id: &str) -> Option<&'a Subnet> {
        self.subnets.get(id).copied()
    }

    /// AZ of a NAT gateway, via its subnet.
    pub fn nat_az(&self, nat_id: &str) -> Option<&'a str> {
        self.nat_az.get(nat_id).copied()
    }

    /// In-scope route tables with the tiers of the subnets they serve.
    pub fn route_tables_by_tier(&self) -> Vec<(&'a RouteTable, BTreeMap<&'a Tier, Vec<&'a Subnet>>)> {
        let mut out = Vec::new();
        for rt in self.snap.route_tables.iter().filter(|r| self.vpcs.contains(&r.vpc_id)) {
            let mut by_tier: BTreeMap<&Tier, Vec<&Subnet>> = BTreeMap::new();
            for s in self.served.get(&rt.id).into_iter().flatten() {
                if let Some(t) = self.subnet_tier.get(&s.id).and_then(|n| self.design.tier(n)) {
                    by_tier.entry(t).or_default().push(s);
                }
            }
            out.push((rt, by_tier));
        }
        out
    }

    /// In-scope security groups.
    pub fn groups(&self) -> impl Iterator<Item = &'a SecurityGroup> + '_ {
        self.snap.security_groups.iter().filter(|g| g.vpc_id.as_ref().is_some_and(|v| self.vpcs.contains(v)))
    }

    pub fn role_of(&self, group_id: &str) -> Option<&str> {
        self.sg_role.get(group_id).map(String::as_str)
    }

    /// Is a resource in a given VPC covered? Unknown VPC counts as covered, so an
    /// unresolvable resource is judged rather than silently skipped.
    pub fn vpc_covered(&self, vpc: Option<&str>) -> bool {
        vpc.is_none_or(|v| self.vpcs.contains(v))
    }

    /// Is every address of `peer` inside the named CIDR set?
    pub fn peer_in_set(&self, peer: &RulePeer, set: &str) -> bool {
        let Some(nets) = self.design.cidr_sets.get(set) else {
            return false;
        };
        match peer_net(peer) {
            Some(n) => nets.iter().any(|s| s.contains(&n)),
            None => false,
        }
    }

    /// Does a flow source describe this rule peer?
    pub fn source_matches(&self, src: &FlowSource, peer: &RulePeer) -> bool {
        match (src, peer) {
            (FlowSource::Role(role), RulePeer::Group(g)) => self.role_of(g) == Some(role.as_str()),
            (FlowSource::CidrSet(set), p) => self.peer_in_set(p, set),
            (FlowSource::Cidr(net), p) => peer_net(p).is_some_and(|n| net.contains(&n)),
            _ => false,
        }
    }
}

pub fn peer_net(peer: &RulePeer) -> Option<IpNet> {
    match peer {
        RulePeer::Cidr4(c) | RulePeer::Cidr6(c) => c.parse::<IpNet>().ok(),
        _ => None,
    }
}

fn vpc_in_scope(design: &Design, v: &Vpc) -> bool {
    let sc = &design.scope;
    if sc.vpc_ids.is_empty() && sc.vpc_cidrs.is_empty() && sc.vpc_tags.is_empty() {
        // No scope given: every non-default VPC of the region.
        return !v.is_default;
    }
    sc.vpc_ids.contains(&v.id)
        || v.cidrs.iter().filter_map(|c| c.parse::<IpNet>().ok()).any(|c| sc.vpc_cidrs.contains(&c))
        || (!sc.vpc_tags.is_empty() && sc.vpc_tags.iter().all(|(k, val)| v.tags.get(k) == Some(val)))
}

fn subnet_matches(t: &Tier, s: &Subnet) -> bool {
    let by_cidr = s.cidr.parse::<Ipv4Net>().is_ok_and(|c| t.subnet_cidrs.iter().any(|tc| tc.contains(&c)));
    let by_tag = !t.subnet_tags.is_empty() && t.subnet_tags.iter().all(|(k, v)| s.tags.get(k) == Some(v));
    by_cidr || by_tag
}

/// The role a security group plays: by the role tag first, then by name glob.
pub fn classify<'d>(design: &'d Design, g: &SecurityGroup) -> Option<&'d Role> {
    let roles = &design.security.roles;
    if let Some(tag) = g.tags.get(&design.security.role_tag)
        && let Some(r) = roles.iter().find(|r| r.tag_values.iter().any(|v| v == tag))
    {
        return Some(r);
    }
    roles.iter().find(|r| r.names.iter().any(|m| m.is_match(&g.name)))
}

impl PartialEq for Tier {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Tier {}
impl PartialOrd for Tier {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Tier {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name.cmp(&other.name)
    }
}
