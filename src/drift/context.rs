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
        self.design.cidr_sets.contains_key(set) && self.within_sets(peer, &[set.to_string()]) == Within::Inside
    }

    /// Does a flow source describe this rule peer? A prefix list matches only when it
    /// is known to lie inside (`within` says why not).
    pub fn source_matches(&self, src: &FlowSource, peer: &RulePeer) -> bool {
        match (src, peer) {
            (FlowSource::Role(role), RulePeer::Group(g)) => self.role_of(g) == Some(role.as_str()),
            (FlowSource::CidrSet(set), p) => self.peer_in_set(p, set),
            (FlowSource::Cidr(net), p) => self.within(p, std::slice::from_ref(net)) == Within::Inside,
            _ => false,
        }
    }

    /// Is every address of `peer` inside the union of the named CIDR sets?
    pub fn within_sets(&self, peer: &RulePeer, sets: &[String]) -> Within {
        let nets: Vec<IpNet> = sets.iter().filter_map(|s| self.design.cidr_sets.get(s)).flatten().copied().collect();
        self.within(peer, &nets)
    }

    /// Is every address of `peer` inside the union of `nets`? A prefix list is judged
    /// entry by entry; one that cannot be read is `Unknown`, never inside.
    pub fn within(&self, peer: &RulePeer, nets: &[IpNet]) -> Within {
        let inside = |n: &IpNet| crate::drift::netset::first_uncovered(*n, nets).is_none();
        match peer {
            RulePeer::Group(g) => Within::Outside(g.clone()),
            RulePeer::Cidr4(_) | RulePeer::Cidr6(_) => match peer_net(peer) {
                Some(n) if inside(&n) => Within::Inside,
                _ => Within::Outside(peer.describe()),
            },
            RulePeer::PrefixList(id) => match self.prefix_entries(id) {
                Err(why) => Within::Unknown(why),
                Ok(entries) => {
                    for e in entries {
                        match e.cidr.parse::<IpNet>() {
                            Ok(n) if inside(&n) => {}
                            _ => return Within::Outside(e.cidr.clone()),
                        }
                    }
                    Within::Inside
                }
            },
        }
    }

    /// The entries of a prefix list, or why they are unknown.
    pub fn prefix_entries(&self, id: &str) -> Result<&'a [PrefixListEntry], String> {
        let status = self.snap.status(Kind::PrefixLists);
        if !status.usable() {
            let why = status.error.unwrap_or_else(|| "not fetched".into());
            return Err(format!("prefix lists could not be read ({why})"));
        }
        let Some(list) = self.snap.prefix_lists.iter().find(|p| p.id == id) else {
            return Err(format!("prefix list {id} is not in the inventory"));
        };
        match &list.entries {
            Some(e) => Ok(e.as_slice()),
            None => Err(format!(
                "entries of {id} could not be read ({})",
                list.entries_error.as_deref().unwrap_or("no reason given")
            )),
        }
    }

    /// A prefix list as an engineer knows it: `pl-1 (office-vpn)`, or for AWS-managed
    /// lists the service it stands for, `pl-1 (AWS s3)`.
    pub fn prefix_list_label(&self, id: &str) -> String {
        match self.snap.prefix_lists.iter().find(|p| p.id == id) {
            Some(p) => match p.aws_service() {
                Some(svc) => format!("{id} (AWS {svc})"),
                None => format!("{id} ({})", p.name),
            },
            None => id.to_string(),
        }
    }

    /// A rule peer for messages, prefix lists labelled.
    pub fn peer_label(&self, peer: &RulePeer) -> String {
        match peer {
            RulePeer::PrefixList(id) => self.prefix_list_label(id),
            p => p.describe(),
        }
    }

    /// The network ACL a subnet uses: its explicit association, else its VPC's default
    /// ACL. The flag says whether the association is explicit.
    pub fn acl_of(&self, subnet: &Subnet) -> Option<(&'a NetworkAcl, bool)> {
        let acls = &self.snap.network_acls;
        if let Some(a) = acls.iter().find(|a| a.subnet_ids.contains(&subnet.id)) {
            return Some((a, true));
        }
        acls.iter().find(|a| a.is_default && a.vpc_id == subnet.vpc_id).map(|a| (a, false))
    }

    /// In-scope subnets of a tier.
    pub fn tier_subnets(&self, tier: &str) -> Vec<&'a Subnet> {
        self.subnet_tier.iter().filter(|(_, t)| t.as_str() == tier).filter_map(|(id, _)| self.subnet(id)).collect()
    }
}

/// Whether a rule peer lies inside a set of addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Within {
    Inside,
    /// Not inside; names the first address block (or prefix-list entry) outside.
    Outside(String),
    /// Cannot be told (an unreadable prefix list); says why.
    Unknown(String),
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
