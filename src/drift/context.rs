//! The snapshot resolved against the design once: which VPCs are in scope, which tier
//! each subnet is in, which route tables serve which subnets (explicitly or as the main
//! table), which role each security group plays, and which CIDR sets each rule peer
//! falls in. `Index` owns that resolution so a caller (the console) can keep it between
//! draws and evaluations; `Context` is the view the rules and panes read.

use crate::design::{Design, FlowSource, Role, Tier};
use crate::model::*;
use ipnet::{IpNet, Ipv4Net};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Deref;

/// Everything the rules look up per resource, computed once per (design, snapshot) so
/// that no rule re-parses a CIDR or re-classifies a group per rule × group.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// VPC ids the design covers.
    pub vpcs: BTreeSet<String>,
    /// Subnet id -> tier name, for in-scope subnets that match a tier.
    pub subnet_tier: BTreeMap<String, String>,
    /// Route table id -> positions in `snapshot.subnets` of the subnets it serves
    /// (explicit associations, or implicitly as main).
    pub served: BTreeMap<String, Vec<usize>>,
    /// Security group id -> role name, for in-scope groups that match a role.
    pub sg_role: BTreeMap<String, String>,
    subnets: HashMap<String, usize>,
    nat_subnet: HashMap<String, usize>,
    /// Rule peer CIDR text -> its parsed network (None when unparsable).
    peer_nets: HashMap<String, Option<IpNet>>,
    /// Rule peer CIDR text -> for each design CIDR set (in `set_names` order), whether
    /// every address of the peer is inside it.
    peer_sets: HashMap<String, Vec<bool>>,
    set_names: Vec<String>,
}

impl Index {
    pub fn new(design: &Design, snap: &Snapshot) -> Self {
        let vpcs: BTreeSet<String> =
            snap.vpcs.iter().filter(|v| vpc_in_scope(design, v)).map(|v| v.id.clone()).collect();
        let subnets: HashMap<String, usize> = snap.subnets.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();

        let mut subnet_tier = BTreeMap::new();
        for s in snap.subnets.iter().filter(|s| vpcs.contains(&s.vpc_id)) {
            if let Some(t) = design.tiers.iter().find(|t| subnet_matches(t, s)) {
                subnet_tier.insert(s.id.clone(), t.name.clone());
            }
        }

        // A subnet without an explicit association is served by its VPC's main table.
        let mut served: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut explicit: BTreeSet<&str> = BTreeSet::new();
        for rt in snap.route_tables.iter().filter(|r| vpcs.contains(&r.vpc_id)) {
            let list = served.entry(rt.id.clone()).or_default();
            for a in &rt.associations {
                if let Some(sid) = a.subnet_id.as_deref()
                    && let Some(i) = subnets.get(sid)
                {
                    list.push(*i);
                    explicit.insert(sid);
                }
            }
        }
        for rt in snap.route_tables.iter().filter(|r| r.main && vpcs.contains(&r.vpc_id)) {
            let implicit = snap
                .subnets
                .iter()
                .enumerate()
                .filter(|(_, s)| s.vpc_id == rt.vpc_id && !explicit.contains(s.id.as_str()))
                .map(|(i, _)| i);
            served.entry(rt.id.clone()).or_default().extend(implicit);
        }

        let sg_role = snap
            .security_groups
            .iter()
            .filter(|g| g.vpc_id.as_ref().is_some_and(|v| vpcs.contains(v)))
            .filter_map(|g| classify(design, g).map(|r| (g.id.clone(), r.name.clone())))
            .collect();

        let nat_subnet = snap
            .nat_gateways
            .iter()
            .filter_map(|n| subnets.get(n.subnet_id.as_str()).map(|i| (n.id.clone(), *i)))
            .collect();

        // Every distinct CIDR peer is parsed and placed in the CIDR sets once.
        let set_names: Vec<String> = design.cidr_sets.keys().cloned().collect();
        let mut peer_nets: HashMap<String, Option<IpNet>> = HashMap::new();
        let mut peer_sets: HashMap<String, Vec<bool>> = HashMap::new();
        for g in &snap.security_groups {
            for r in g.ingress.iter().chain(&g.egress) {
                let (RulePeer::Cidr4(c) | RulePeer::Cidr6(c)) = &r.peer else { continue };
                if peer_nets.contains_key(c) {
                    continue;
                }
                let net = c.parse::<IpNet>().ok();
                let member = set_names
                    .iter()
                    .map(|n| {
                        net.is_some_and(|p| design.cidr_sets.get(n).is_some_and(|s| s.iter().any(|x| x.contains(&p))))
                    })
                    .collect();
                peer_nets.insert(c.clone(), net);
                peer_sets.insert(c.clone(), member);
            }
        }

        Index { vpcs, subnet_tier, served, sg_role, subnets, nat_subnet, peer_nets, peer_sets, set_names }
    }

    pub fn role_of(&self, group_id: &str) -> Option<&str> {
        self.sg_role.get(group_id).map(String::as_str)
    }

    /// Is a resource in a given VPC covered? Unknown VPC counts as covered, so an
    /// unresolvable resource is judged rather than silently skipped.
    pub fn vpc_covered(&self, vpc: Option<&str>) -> bool {
        vpc.is_none_or(|v| self.vpcs.contains(v))
    }

    /// The parsed network of a CIDR peer, from the index when the snapshot holds it.
    pub fn peer_net(&self, peer: &RulePeer) -> Option<IpNet> {
        match peer {
            RulePeer::Cidr4(c) | RulePeer::Cidr6(c) => match self.peer_nets.get(c) {
                Some(n) => *n,
                None => c.parse::<IpNet>().ok(),
            },
            _ => None,
        }
    }
}

/// The view rules and panes read: the design, the snapshot and its index, which is
/// either built here or borrowed from a cache (`Context::with_index`).
pub struct Context<'a> {
    pub design: &'a Design,
    pub snap: &'a Snapshot,
    index: Cow<'a, Index>,
}

impl Deref for Context<'_> {
    type Target = Index;
    fn deref(&self) -> &Index {
        &self.index
    }
}

impl<'a> Context<'a> {
    pub fn new(design: &'a Design, snap: &'a Snapshot) -> Self {
        Context { design, snap, index: Cow::Owned(Index::new(design, snap)) }
    }

    /// A context over an index built earlier from the same design and snapshot (the
    /// caller keeps it current); costs nothing to make, so a draw can afford it.
    pub fn with_index(design: &'a Design, snap: &'a Snapshot, index: &'a Index) -> Self {
        Context { design, snap, index: Cow::Borrowed(index) }
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn subnet(&self, id: &str) -> Option<&'a Subnet> {
        self.index.subnets.get(id).and_then(|i| self.snap.subnets.get(*i))
    }

    /// AZ of a NAT gateway, via its subnet.
    pub fn nat_az(&self, nat_id: &str) -> Option<&'a str> {
        self.index.nat_subnet.get(nat_id).and_then(|i| self.snap.subnets.get(*i)).map(|s| s.az.as_str())
    }

    /// Subnets a route table serves.
    pub fn served_by(&self, rt_id: &str) -> impl Iterator<Item = &'a Subnet> + '_ {
        let snap = self.snap;
        self.index.served.get(rt_id).into_iter().flatten().filter_map(move |i| snap.subnets.get(*i))
    }

    /// In-scope route tables with the tiers of the subnets they serve.
    pub fn route_tables_by_tier(&self) -> Vec<(&'a RouteTable, BTreeMap<&'a Tier, Vec<&'a Subnet>>)> {
        let design = self.design;
        let mut out = Vec::new();
        for rt in self.snap.route_tables.iter().filter(|r| self.vpcs.contains(&r.vpc_id)) {
            let mut by_tier: BTreeMap<&Tier, Vec<&Subnet>> = BTreeMap::new();
            for s in self.served_by(&rt.id) {
                if let Some(t) = self.subnet_tier.get(&s.id).and_then(|n| design.tier(n)) {
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

    /// Is every address of `peer` inside the named CIDR set?
    pub fn peer_in_set(&self, peer: &RulePeer, set: &str) -> bool {
        if let RulePeer::Cidr4(c) | RulePeer::Cidr6(c) = peer
            && let Some(member) = self.index.peer_sets.get(c)
            && let Some(pos) = self.index.set_names.iter().position(|n| n == set)
        {
            return member.get(pos).copied().unwrap_or(false);
        }
        // Not in the index (a peer from outside this snapshot): judge it directly.
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
            (FlowSource::Cidr(net), p) => self.index.peer_net(p).is_some_and(|n| net.contains(&n)),
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
