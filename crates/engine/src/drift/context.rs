//! The snapshot resolved against the design once: which VPCs are in scope, which tier
//! each subnet is in, which route tables serve which subnets (explicitly or as the main
//! table), which role each security group plays, and which CIDR sets each rule peer
//! falls in. `Index` owns that resolution so a caller (the console) can keep it between
//! draws and evaluations; `Context` is the view the rules and panes read.

use crate::design::{Design, FlowSource, Role, Tier};
use foldhash::HashMap;
use ipnet::{IpNet, Ipv4Net};
use model::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
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
    /// Security group id -> role name, for in-scope groups that match a role. Hashed:
    /// rules look up the role of every rule's source group.
    pub sg_role: HashMap<String, String>,
    subnets: HashMap<String, usize>,
    nat_subnet: HashMap<String, usize>,
    /// Rule peer CIDR text -> its parsed network (None when unparsable).
    peer_nets: HashMap<String, Option<IpNet>>,
    /// Rule peer CIDR text -> the design's CIDR sets (by name) that hold all of it, so
    /// "is this peer in set S" is a lookup, not a parse and a cover test per rule × flow.
    peer_sets: HashMap<String, BTreeSet<String>>,
    /// Positions of the in-scope security groups and route tables in the snapshot, in
    /// id order: rules that walk them in this order emit findings already sorted, and
    /// the engine then skips sorting them (see `incremental::run`).
    groups_by_id: Vec<usize>,
    tables_by_id: Vec<usize>,
    /// For each table of `tables_by_id`, the tiers of the subnets it serves: (position in
    /// `design.tiers`, positions in `snapshot.subnets`), tiers in name order. Resolved
    /// here once, not by each of the five route rules per table.
    table_tiers: Vec<Vec<(usize, Vec<usize>)>>,
}

impl Index {
    pub fn new(design: &Design, snap: &Snapshot) -> Self {
        Self::build(design, snap, false)
    }

    /// As `new`, resolving the security groups on a second thread while this one
    /// resolves the network (each is about half the index of a large account).
    pub fn new_on_two_threads(design: &Design, snap: &Snapshot) -> Self {
        Self::build(design, snap, true)
    }

    fn build(design: &Design, snap: &Snapshot, two_threads: bool) -> Self {
        let vpcs: BTreeSet<String> =
            snap.vpcs.iter().filter(|v| vpc_in_scope(design, v)).map(|v| v.id.clone()).collect();
        if two_threads {
            let in_scope = &vpcs;
            let (network, security) = std::thread::scope(|s| {
                let other = std::thread::Builder::new()
                    .name("driftdeck-index".into())
                    .spawn_scoped(s, move || SecurityPart::new(design, snap, in_scope));
                let network = NetworkPart::new(design, snap, in_scope);
                let security = match other {
                    Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                    // No thread to be had: resolve them here.
                    Err(_) => SecurityPart::new(design, snap, in_scope),
                };
                (network, security)
            });
            return Self::of(vpcs, network, security);
        }
        let network = NetworkPart::new(design, snap, &vpcs);
        let security = SecurityPart::new(design, snap, &vpcs);
        Self::of(vpcs, network, security)
    }

    fn of(vpcs: BTreeSet<String>, n: NetworkPart, s: SecurityPart) -> Self {
        Index {
            vpcs,
            subnet_tier: n.subnet_tier,
            served: n.served,
            sg_role: s.sg_role,
            subnets: n.subnets,
            nat_subnet: n.nat_subnet,
            peer_nets: s.peer_nets,
            peer_sets: s.peer_sets,
            groups_by_id: s.groups_by_id,
            tables_by_id: n.tables_by_id,
            table_tiers: n.table_tiers,
        }
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

/// The network half of an `Index` (see there).
struct NetworkPart {
    subnets: HashMap<String, usize>,
    subnet_tier: BTreeMap<String, String>,
    served: BTreeMap<String, Vec<usize>>,
    nat_subnet: HashMap<String, usize>,
    tables_by_id: Vec<usize>,
    table_tiers: Vec<Vec<(usize, Vec<usize>)>>,
}

impl NetworkPart {
    fn new(design: &Design, snap: &Snapshot, vpcs: &BTreeSet<String>) -> Self {
        let subnets: HashMap<String, usize> = snap.subnets.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();

        // Each subnet's tier by position (its CIDR parsed once, not once per tier).
        let mut tier_at: Vec<Option<usize>> = vec![None; snap.subnets.len()];
        let mut subnet_tier = BTreeMap::new();
        for (i, s) in snap.subnets.iter().enumerate().filter(|(_, s)| vpcs.contains(&s.vpc_id)) {
            let cidr = s.cidr.parse::<Ipv4Net>().ok();
            if let Some(t) = design.tiers.iter().position(|t| subnet_matches(t, s, cidr)) {
                tier_at[i] = Some(t);
                subnet_tier.insert(s.id.clone(), design.tiers[t].name.clone());
            }
        }

        // A subnet without an explicit association is served by its VPC's main table.
        // Kept by table position first, so the tiers per table below need no lookups.
        let mut served_at: Vec<Vec<usize>> = vec![Vec::new(); snap.route_tables.len()];
        let mut explicit: foldhash::HashSet<&str> = foldhash::HashSet::default();
        for (t, rt) in snap.route_tables.iter().enumerate().filter(|(_, r)| vpcs.contains(&r.vpc_id)) {
            for a in &rt.associations {
                if let Some(sid) = a.subnet_id.as_deref()
                    && let Some(i) = subnets.get(sid)
                {
                    served_at[t].push(*i);
                    explicit.insert(sid);
                }
            }
        }
        for (t, rt) in snap.route_tables.iter().enumerate().filter(|(_, r)| r.main && vpcs.contains(&r.vpc_id)) {
            let implicit = snap
                .subnets
                .iter()
                .enumerate()
                .filter(|(_, s)| s.vpc_id == rt.vpc_id && !explicit.contains(s.id.as_str()))
                .map(|(i, _)| i);
            served_at[t].extend(implicit);
        }
        let mut served: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (t, rt) in snap.route_tables.iter().enumerate().filter(|(_, r)| vpcs.contains(&r.vpc_id)) {
            // Two tables of one id (never from AWS) share an entry.
            served.entry(rt.id.clone()).or_default().extend_from_slice(&served_at[t]);
        }

        let nat_subnet = snap
            .nat_gateways
            .iter()
            .filter_map(|n| subnets.get(n.subnet_id.as_str()).map(|i| (n.id.clone(), *i)))
            .collect();

        let in_vpc = |v: Option<&String>| v.is_some_and(|v| vpcs.contains(v));
        let mut tables_by_id: Vec<usize> =
            (0..snap.route_tables.len()).filter(|i| in_vpc(Some(&snap.route_tables[*i].vpc_id))).collect();
        tables_by_id.sort_by(|a, b| snap.route_tables[*a].id.cmp(&snap.route_tables[*b].id));
        let table_tiers = tables_by_id
            .iter()
            .map(|t| {
                let served = served.get(&snap.route_tables[*t].id).map_or(&[][..], Vec::as_slice);
                let mut by_tier: Vec<(usize, Vec<usize>)> = Vec::new();
                for &si in served {
                    let Some(ti) = tier_at.get(si).copied().flatten() else { continue };
                    match by_tier.iter_mut().find(|(t, _)| *t == ti) {
                        Some((_, list)) => list.push(si),
                        None => by_tier.push((ti, vec![si])),
                    }
                }
                by_tier.sort_by(|a, b| design.tiers[a.0].name.cmp(&design.tiers[b.0].name));
                by_tier
            })
            .collect();

        NetworkPart { subnets, subnet_tier, served, nat_subnet, tables_by_id, table_tiers }
    }
}

/// The security-group half of an `Index` (see there).
struct SecurityPart {
    sg_role: HashMap<String, String>,
    peer_nets: HashMap<String, Option<IpNet>>,
    peer_sets: HashMap<String, BTreeSet<String>>,
    groups_by_id: Vec<usize>,
}

impl SecurityPart {
    fn new(design: &Design, snap: &Snapshot, vpcs: &BTreeSet<String>) -> Self {
        let sg_role = snap
            .security_groups
            .iter()
            .filter(|g| g.vpc_id.as_ref().is_some_and(|v| vpcs.contains(v)))
            .filter_map(|g| classify(design, g).map(|r| (g.id.clone(), r.name.clone())))
            .collect();

        // Every distinct CIDR peer is parsed once. (Set membership is judged against the
        // union of a set's blocks, so it is not a per-block lookup to precompute here.)
        let mut peer_nets: HashMap<String, Option<IpNet>> = HashMap::default();
        for g in &snap.security_groups {
            for r in g.ingress.iter().chain(&g.egress) {
                let (RulePeer::Cidr4(c) | RulePeer::Cidr6(c)) = &r.peer else { continue };
                if peer_nets.contains_key(c) {
                    continue;
                }
                peer_nets.insert(c.clone(), c.parse::<IpNet>().ok());
            }
        }

        let peer_sets = peer_nets
            .iter()
            .filter_map(|(text, net)| net.map(|n| (text, n)))
            .map(|(text, n)| {
                let sets = design
                    .cidr_sets
                    .iter()
                    .filter(|(_, nets)| crate::drift::netset::first_uncovered(n, nets).is_none())
                    .map(|(name, _)| name.clone())
                    .collect();
                (text.clone(), sets)
            })
            .collect();

        let in_vpc = |v: Option<&String>| v.is_some_and(|v| vpcs.contains(v));
        let mut groups_by_id: Vec<usize> =
            (0..snap.security_groups.len()).filter(|i| in_vpc(snap.security_groups[*i].vpc_id.as_ref())).collect();
        groups_by_id.sort_by(|a, b| snap.security_groups[*a].id.cmp(&snap.security_groups[*b].id));
        SecurityPart { sg_role, peer_nets, peer_sets, groups_by_id }
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

    /// In-scope route tables (in snapshot order) with the tiers of the subnets they serve.
    pub fn route_tables_by_tier(&self) -> Vec<(&'a RouteTable, BTreeMap<&'a Tier, Vec<&'a Subnet>>)> {
        self.tables_with_tiers(self.snap.route_tables.iter().filter(|r| self.vpcs.contains(&r.vpc_id)))
    }

    /// As `route_tables_by_tier`, in route table id order (what rules walk), read from
    /// the index without building anything.
    pub fn route_tables_by_tier_sorted(&self) -> impl Iterator<Item = (&'a RouteTable, TableTiers<'_>)> + '_ {
        self.route_tables_by_tier_sorted_part(crate::drift::rules::Part::WHOLE)
    }

    /// One part of `route_tables_by_tier_sorted`: parts in order walk every table once, in order.
    pub fn route_tables_by_tier_sorted_part(
        &self,
        part: crate::drift::rules::Part,
    ) -> impl Iterator<Item = (&'a RouteTable, TableTiers<'_>)> + '_ {
        let (design, snap) = (self.design, self.snap);
        // One entry per table in both (see `NetworkPart::new`), so a part takes the same share of each.
        debug_assert_eq!(self.index.tables_by_id.len(), self.index.table_tiers.len());
        let tiers = part.of_slice(&self.index.table_tiers).iter();
        part.of_slice(&self.index.tables_by_id)
            .iter()
            .zip(tiers)
            .filter_map(move |(t, tiers)| Some((snap.route_tables.get(*t)?, TableTiers { design, snap, tiers })))
    }

    fn tables_with_tiers(
        &self,
        tables: impl Iterator<Item = &'a RouteTable>,
    ) -> Vec<(&'a RouteTable, BTreeMap<&'a Tier, Vec<&'a Subnet>>)> {
        let design = self.design;
        let mut out = Vec::new();
        for rt in tables {
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

    /// The same groups in id order (what rules walk, so their findings come out sorted).
    pub fn groups_sorted(&self) -> impl Iterator<Item = &'a SecurityGroup> + '_ {
        self.groups_sorted_part(crate::drift::rules::Part::WHOLE)
    }

    /// One part of `groups_sorted` (a rule run in parts walks one each).
    pub fn groups_sorted_part(&self, part: crate::drift::rules::Part) -> impl Iterator<Item = &'a SecurityGroup> + '_ {
        let snap = self.snap;
        part.of_slice(&self.index.groups_by_id).iter().filter_map(move |i| snap.security_groups.get(*i))
    }

    /// Is every address of `peer` inside the named CIDR set?
    pub fn peer_in_set(&self, peer: &RulePeer, set: &str) -> bool {
        if !self.design.cidr_sets.contains_key(set) {
            return false;
        }
        if let RulePeer::Cidr4(c) | RulePeer::Cidr6(c) = peer
            && let Some(sets) = self.peer_sets.get(c)
        {
            return sets.contains(set);
        }
        self.within_sets(peer, &[set.to_string()]) == Within::Inside
    }

    /// Does a flow source describe this rule peer? A prefix list matches only when it
    /// is known to lie inside (`within` says why not).
    pub fn source_matches(&self, src: &FlowSource, peer: &RulePeer) -> bool {
        match (src, peer) {
            (FlowSource::Role(role), RulePeer::Group(g)) => self.role_of(g) == Some(role.as_str()),
            // A group is no set of addresses: said here, before anything is parsed or copied.
            (_, RulePeer::Group(_)) => false,
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

/// The tiers a route table serves, in tier name order, each with its subnets (a view of
/// the index: nothing is copied).
#[derive(Clone, Copy)]
pub struct TableTiers<'a> {
    design: &'a Design,
    snap: &'a Snapshot,
    tiers: &'a [(usize, Vec<usize>)],
}

impl<'a> TableTiers<'a> {
    pub fn iter(&self) -> impl Iterator<Item = (&'a Tier, TierSubnets<'a>)> + 'a {
        let (design, snap) = (self.design, self.snap);
        self.tiers.iter().filter_map(move |(t, at)| Some((design.tiers.get(*t)?, TierSubnets { snap, at })))
    }

    /// The first tier by name (a table serving several tiers is reported under it).
    pub fn first(&self) -> Option<&'a Tier> {
        self.iter().next().map(|(t, _)| t)
    }
}

/// The subnets of one tier that a route table serves, in association order.
#[derive(Clone, Copy)]
pub struct TierSubnets<'a> {
    snap: &'a Snapshot,
    at: &'a [usize],
}

impl<'a> TierSubnets<'a> {
    pub fn iter(&self) -> impl Iterator<Item = &'a Subnet> + 'a {
        let snap = self.snap;
        self.at.iter().filter_map(move |i| snap.subnets.get(*i))
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

fn subnet_matches(t: &Tier, s: &Subnet, cidr: Option<Ipv4Net>) -> bool {
    let by_cidr = cidr.is_some_and(|c| t.subnet_cidrs.iter().any(|tc| tc.contains(&c)));
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
