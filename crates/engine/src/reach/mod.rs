//! Reachability: can X reach Y on a port, across tiers and peered environments, and who
//! can reach this? A pure function over snapshots (no I/O): `route`, `peering`, `acl` and
//! `sg` judge one hop kind each, `path` chains them forward and back, `endpoint` resolves
//! names into placements, `assert` turns `[[reach]]` assertions into findings.

pub mod acl;
pub mod assert;
mod code;
pub mod endpoint;
pub mod exposure;
pub mod gateway_endpoint;
pub(crate) mod memo;
pub mod path;
pub mod peering;
pub mod route;
pub mod sg;
pub mod transit;
pub mod vpn;

use crate::design::Design;
use crate::drift::Context;
use ipnet::IpNet;
use model::{
    Kind, NetworkAcl, PeeringConnection, PrefixList, RouteTable, SecurityGroup, Snapshot, Subnet, TgwAttachment,
    TgwRouteTable, VpcEndpoint, VpnConnection, VpnGateway,
};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub use code::Code;
pub use memo::Groups;

/// One environment of the estate: its name, its design and its latest snapshot.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub name: &'a str,
    pub design: &'a Design,
    pub snapshot: &'a Snapshot,
}

/// Several environments judged together (a peering joins two of them). Indexes are
/// built once here, so many questions over the same estate stay cheap.
pub struct Estate<'a> {
    pub envs: Vec<Env<'a>>,
    pub(crate) index: Vec<Index<'a>>,
    /// Resolved endpoints and security group decisions shared by every question.
    pub(crate) memo: Option<memo::Memo<'a>>,
    /// Judge every member pair one by one (the reference the engine is tested against).
    exhaustive: bool,
}

impl<'a> Estate<'a> {
    pub fn new(envs: &[Env<'a>]) -> Self {
        let index = envs.iter().map(|e| Index::new(*e)).collect();
        Estate { envs: envs.to_vec(), index, memo: Some(memo::Memo::default()), exhaustive: false }
    }

    /// The slow reference: no memo, no classes of alike members, every member pair judged
    /// on its own. Tests hold the engine's answers to it.
    #[doc(hidden)]
    pub fn reference(envs: &[Env<'a>]) -> Self {
        Estate { memo: None, exhaustive: true, ..Estate::new(envs) }
    }

    /// Index of an environment by name.
    pub fn env(&self, name: &str) -> Option<usize> {
        self.envs.iter().position(|e| e.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }

    pub fn parse(s: &str) -> Option<Protocol> {
        match s {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allowed,
    Denied,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Denied => "denied",
            Verdict::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Block,
    Unknown,
}

/// One step of a path: which resource was consulted and what it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// `route`, `peering`, `acl`, `sg`, `return-route`, `return-acl`.
    pub step: &'static str,
    pub env: String,
    /// Route table, peering, ACL or security group id.
    pub resource: String,
    /// The deciding route, ACL entry (with its rule number) or group rule (with its id).
    pub detail: String,
    pub outcome: Outcome,
    pub code: Option<Code>,
}

/// Where one member of an endpoint sits: a subnet (with its env) or outside every VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub env: Option<usize>,
    pub subnet: Option<String>,
    pub vpc: Option<String>,
    pub addr4: Option<IpNet>,
    pub addr6: Option<IpNet>,
    /// Security groups of the member; `None` when unknown (a subnet with no known member).
    pub groups: Option<Arc<Groups>>,
    pub label: String,
    /// An address in a subnet that no network interface holds: nothing answers there.
    pub vacant: bool,
}

impl Placement {
    pub fn external(label: &str, addr4: Option<IpNet>, addr6: Option<IpNet>) -> Self {
        Placement {
            env: None,
            subnet: None,
            vpc: None,
            addr4,
            addr6,
            groups: None,
            label: label.to_string(),
            vacant: false,
        }
    }

    /// The (environment, subnet) a member sits in, when it sits in one.
    pub(crate) fn subnet_key(&self) -> Option<(usize, String)> {
        Some((self.env?, self.subnet.clone()?))
    }

    pub fn in_subnet(env: usize, s: &Subnet, addr: Option<IpNet>, label: String, groups: Option<Arc<Groups>>) -> Self {
        let sub4: Option<IpNet> = s.cidr.parse().ok();
        let sub6: Option<IpNet> = s.ipv6_cidrs.first().and_then(|c| c.parse().ok());
        let (addr4, addr6) = match addr {
            Some(a @ IpNet::V4(_)) => (Some(a), sub6),
            Some(a @ IpNet::V6(_)) => (sub4, Some(a)),
            None => (sub4, sub6),
        };
        Placement {
            env: Some(env),
            subnet: Some(s.id.clone()),
            vpc: Some(s.vpc_id.clone()),
            addr4,
            addr6,
            groups,
            label,
            vacant: false,
        }
    }

    /// An address inside VPC `vpc` of environment `env` that lies in none of its subnets.
    pub fn in_vpc(env: usize, vpc: &str, addr: IpNet, label: String) -> Self {
        let (addr4, addr6) = match addr {
            IpNet::V4(_) => (Some(addr), None),
            IpNet::V6(_) => (None, Some(addr)),
        };
        Placement {
            env: Some(env),
            subnet: None,
            vpc: Some(vpc.to_string()),
            addr4,
            addr6,
            groups: None,
            label,
            vacant: false,
        }
    }
}

/// The verdict for one (source member, destination member, address family).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathAnswer {
    pub from: String,
    pub to: String,
    pub verdict: Verdict,
    pub code: Option<Code>,
    /// Why, in one line: the deciding hop's detail, or the unknown reason.
    pub reason: String,
    /// Index in `hops` of the hop that decided a `denied` (the first block) or `unknown`
    /// (the first unknown hop, nothing blocking); `None` when allowed.
    pub deciding: Option<usize>,
    pub hops: Vec<Hop>,
}

impl PathAnswer {
    /// The hop that decided the verdict (`None` when allowed).
    pub fn deciding_hop(&self) -> Option<&Hop> {
        self.deciding.and_then(|i| self.hops.get(i))
    }
}

/// The answer to "can FROM reach TO on PROTOCOL/PORT".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub from: String,
    pub to: String,
    /// What each name was taken to mean (`role app of production`).
    pub from_resolved: String,
    pub to_resolved: String,
    pub protocol: Protocol,
    pub port: u16,
    /// `allowed` when some member pair has a path; `denied` when every pair is denied;
    /// otherwise `unknown`.
    pub verdict: Verdict,
    pub code: Option<Code>,
    pub reason: String,
    pub notes: Vec<String>,
    /// The representative path (the first allowed, else unknown, else denied).
    pub path: Option<PathAnswer>,
    /// Member pairs and their verdicts (allowed, denied, unknown).
    pub counts: [usize; 3],
    pub paths: Vec<PathAnswer>,
}

/// Can `from` reach `to`? Names are resolved in environment `home` unless prefixed `ENV:`.
pub fn query(estate: &Estate<'_>, home: usize, from: &str, to: &str, protocol: Protocol, port: u16) -> Answer {
    let src = endpoint::resolve(estate, home, from);
    let dst = endpoint::resolve(estate, home, to);
    answer(estate, from, to, &src, &dst, protocol, port)
}

pub(crate) fn answer(
    estate: &Estate<'_>,
    from: &str,
    to: &str,
    src: &endpoint::Resolved,
    dst: &endpoint::Resolved,
    protocol: Protocol,
    port: u16,
) -> Answer {
    let mut notes: Vec<String> = src.notes.iter().chain(&dst.notes).cloned().collect();
    notes.dedup();
    let mut out = Answer {
        from: from.to_string(),
        to: to.to_string(),
        from_resolved: src.label.clone(),
        to_resolved: dst.label.clone(),
        protocol,
        port,
        verdict: Verdict::Unknown,
        code: None,
        reason: String::new(),
        notes,
        path: None,
        counts: [0; 3],
        paths: Vec::new(),
    };
    if let Some(why) = src.unknown.as_ref().or(dst.unknown.as_ref()) {
        out.reason = why.clone();
        out.code = Some(Code::Unavailable);
        return out;
    }
    if estate.exhaustive {
        for a in &src.places {
            for b in &dst.places {
                for p in path::evaluate(estate, a, b, protocol, port) {
                    out.counts[p.verdict as usize] += 1;
                    out.paths.push(p);
                }
            }
        }
    } else {
        // Members alike in everything a path reads are judged once and counted for all,
        // each representative placed where its first pair falls among all member pairs
        // (sources outer): the first allowed (else unknown, else denied) path is then the
        // one judging every pair on its own would pick.
        let (sc, dc) = (src.classes(estate), dst.classes(estate));
        let mut reps: Vec<((usize, usize), usize, PathAnswer)> = Vec::new();
        for s in sc {
            for d in dc {
                class_pair(estate, src, dst, s, d, protocol, port, &mut reps);
            }
        }
        reps.sort_by_key(|r| r.0);
        for (_, weight, p) in reps {
            out.counts[p.verdict as usize] += weight;
            out.paths.push(p);
        }
    }
    let pick = |v: Verdict| out.paths.iter().find(|p| p.verdict == v).cloned();
    let best = pick(Verdict::Allowed).or_else(|| pick(Verdict::Unknown)).or_else(|| pick(Verdict::Denied));
    match best {
        Some(p) => {
            // A VPN with a tunnel down still carries the path: the answer says so.
            for h in p.hops.iter().filter(|h| h.outcome == Outcome::Pass && h.detail.contains(vpn::DEGRADED)) {
                if !out.notes.contains(&h.detail) {
                    out.notes.push(h.detail.clone());
                }
            }
            out.verdict = p.verdict;
            out.code = p.code;
            out.reason = p.reason.clone();
            out.path = Some(p);
        }
        None => {
            out.reason = "no member pair shares an address family (IPv4/IPv6)".into();
        }
    }
    out
}

fn alike(label: &str, n: usize) -> String {
    if n > 1 { format!("{label} (+{} alike)", n - 1) } else { label.to_string() }
}

/// Judge the member pairs of one class of sources and one class of destinations. Pairs
/// in different subnets are alike (the class holds everything their path reads) and are
/// judged once; pairs sharing a subnet skip the route table and ACL, so they are judged
/// apart, once for all of them. Each representative is the first pair of those it stands
/// for (sources outer, destinations inner), with its position among all member pairs.
#[allow(clippy::too_many_arguments)]
fn class_pair(
    estate: &Estate<'_>,
    src: &endpoint::Resolved,
    dst: &endpoint::Resolved,
    s: &endpoint::Class,
    d: &endpoint::Class,
    protocol: Protocol,
    port: u16,
    out: &mut Vec<((usize, usize), usize, PathAnswer)>,
) {
    let same: usize = s.subnets.iter().map(|(k, (n, _))| n * d.subnets.get(k).map_or(0, |(m, _)| *m)).sum();
    let total = s.members.len() * d.members.len();
    let other = total - same;
    // (source, destination, pairs represented, members on each side)
    let mut reps: Vec<(usize, usize, usize, (usize, usize))> = Vec::new();
    if same > 0 {
        let first = s.members.iter().enumerate().find_map(|(i, a)| {
            let key = src.places[*a].subnet_key()?;
            d.subnets.get(&key).map(|(_, j)| (i, *j))
        });
        if let Some((i, j)) = first {
            let ns: usize = s.subnets.iter().filter(|(k, _)| d.subnets.contains_key(*k)).map(|(_, (n, _))| n).sum();
            let nd: usize = d.subnets.iter().filter(|(k, _)| s.subnets.contains_key(*k)).map(|(_, (n, _))| n).sum();
            reps.push((s.members[i], d.members[j], same, (ns, nd)));
        }
    }
    if other > 0 {
        // The first pair (sources outer) whose ends are not in one subnet.
        let first = s.members.iter().enumerate().find_map(|(i, a)| {
            let key = src.places[*a].subnet_key();
            let j = d.members.iter().position(|b| key.is_none() || dst.places[*b].subnet_key() != key)?;
            Some((i, j))
        });
        if let Some((i, j)) = first {
            reps.push((s.members[i], d.members[j], other, (s.members.len(), d.members.len())));
        }
    }
    for (a, b, weight, (ns, nd)) in reps {
        for mut p in path::evaluate(estate, &src.places[a], &dst.places[b], protocol, port) {
            if weight > 1 {
                p.from = alike(&p.from, ns);
                p.to = alike(&p.to, nd);
            }
            out.push(((a, b), weight, p));
        }
    }
}

/// Per-environment lookups, built once per estate.
pub(crate) struct Index<'a> {
    pub name: &'a str,
    pub design: &'a Design,
    pub snap: &'a Snapshot,
    pub cx: Context<'a>,
    subnets: HashMap<&'a str, &'a Subnet>,
    subnet_rt: HashMap<&'a str, &'a RouteTable>,
    subnet_acl: HashMap<&'a str, &'a NetworkAcl>,
    groups: HashMap<&'a str, &'a SecurityGroup>,
    prefix_lists: HashMap<&'a str, &'a PrefixList>,
    peerings: HashMap<&'a str, &'a PeeringConnection>,
    attachments: HashMap<&'a str, &'a TgwAttachment>,
    tgw_tables: HashMap<&'a str, &'a TgwRouteTable>,
    vpn_connections: HashMap<&'a str, &'a VpnConnection>,
    vpn_gateways: HashMap<&'a str, &'a VpnGateway>,
    endpoints: HashMap<&'a str, &'a VpcEndpoint>,
    /// Per subnet: its route table's and ACL's fingerprints (see `fingerprint`).
    subnet_fp: HashMap<&'a str, (u64, u64)>,
    /// In-scope subnets per tier, in inventory order; in-scope groups per role.
    tiers: HashMap<&'a str, Vec<&'a Subnet>>,
    roles: HashMap<&'a str, BTreeSet<&'a str>>,
    /// Each role's groups as one shared list (in id order), for placements by design: one
    /// list per role, so the security group memo compares them by pointer.
    role_lists: HashMap<&'a str, Arc<Groups>>,
}

fn route_fp(rt: &RouteTable) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    for r in &rt.routes {
        (&r.destination, r.target_kind as u8, &r.target_id, r.state == model::RouteState::Blackhole).hash(&mut h);
        (r.destination_kind as u8).hash(&mut h);
    }
    h.finish() | 1
}

fn acl_fp(acl: &NetworkAcl) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    for e in &acl.entries {
        (e.rule_number, &e.protocol, e.allow, e.egress, &e.cidr, &e.ipv6_cidr, e.from_port, e.to_port).hash(&mut h);
        (e.icmp_type, e.icmp_code).hash(&mut h);
    }
    h.finish() | 1
}

impl<'a> Index<'a> {
    fn new(e: Env<'a>) -> Self {
        let snap = e.snapshot;
        let subnets: HashMap<&str, &Subnet> = snap.subnets.iter().map(|s| (s.id.as_str(), s)).collect();
        // Explicit association first; the VPC's main table serves every other subnet.
        let mut subnet_rt: HashMap<&str, &RouteTable> = HashMap::new();
        for rt in &snap.route_tables {
            for a in &rt.associations {
                if let Some(sid) = a.subnet_id.as_deref() {
                    subnet_rt.insert(sid, rt);
                }
            }
        }
        for s in &snap.subnets {
            if !subnet_rt.contains_key(s.id.as_str())
                && let Some(main) = snap.route_tables.iter().find(|r| r.main && r.vpc_id == s.vpc_id)
            {
                subnet_rt.insert(s.id.as_str(), main);
            }
        }
        let mut subnet_acl: HashMap<&str, &NetworkAcl> = HashMap::new();
        for acl in &snap.network_acls {
            for sid in &acl.subnet_ids {
                subnet_acl.insert(sid.as_str(), acl);
            }
        }
        for s in &snap.subnets {
            if !subnet_acl.contains_key(s.id.as_str())
                && let Some(def) = snap.network_acls.iter().find(|a| a.is_default && a.vpc_id == s.vpc_id)
            {
                subnet_acl.insert(s.id.as_str(), def);
            }
        }
        let rt_fp: HashMap<&str, u64> = snap.route_tables.iter().map(|r| (r.id.as_str(), route_fp(r))).collect();
        let acl_fp: HashMap<&str, u64> = snap.network_acls.iter().map(|a| (a.id.as_str(), acl_fp(a))).collect();
        let subnet_fp = snap
            .subnets
            .iter()
            .map(|s| {
                let rt = subnet_rt.get(s.id.as_str()).and_then(|t| rt_fp.get(t.id.as_str())).copied().unwrap_or(0);
                let acl = subnet_acl.get(s.id.as_str()).and_then(|a| acl_fp.get(a.id.as_str())).copied().unwrap_or(0);
                (s.id.as_str(), (rt, acl))
            })
            .collect();
        let cx = Context::new(e.design, snap);
        let mut tiers: HashMap<&str, Vec<&Subnet>> = HashMap::new();
        // Keys borrow the design's names (a tier or role the design does not name has none).
        for s in &snap.subnets {
            let Some(x) = cx.subnet_tier.get(&s.id) else { continue };
            if let Some(t) = e.design.tiers.iter().find(|t| t.name == *x) {
                tiers.entry(t.name.as_str()).or_default().push(s);
            }
        }
        let mut roles: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for g in &snap.security_groups {
            let Some(x) = cx.sg_role.get(&g.id) else { continue };
            if let Some(r) = e.design.security.roles.iter().find(|r| r.name == *x) {
                roles.entry(r.name.as_str()).or_default().insert(g.id.as_str());
            }
        }
        Index {
            name: e.name,
            design: e.design,
            snap,
            cx,
            subnets,
            subnet_rt,
            subnet_acl,
            groups: snap.security_groups.iter().map(|g| (g.id.as_str(), g)).collect(),
            prefix_lists: snap.prefix_lists.iter().map(|p| (p.id.as_str(), p)).collect(),
            peerings: snap.peering_connections.iter().map(|p| (p.id.as_str(), p)).collect(),
            attachments: snap.transit_gateway_attachments.iter().map(|a| (a.id.as_str(), a)).collect(),
            tgw_tables: snap.transit_gateway_route_tables.iter().map(|t| (t.id.as_str(), t)).collect(),
            vpn_connections: snap.vpn_connections.iter().map(|c| (c.id.as_str(), c)).collect(),
            vpn_gateways: snap.vpn_gateways.iter().map(|g| (g.id.as_str(), g)).collect(),
            endpoints: snap.vpc_endpoints.iter().map(|e| (e.id.as_str(), e)).collect(),
            subnet_fp,
            tiers,
            role_lists: roles
                .iter()
                .map(|(r, g)| (*r, Groups::new(g.iter().map(|x| x.to_string()).collect())))
                .collect(),
            roles,
        }
    }

    /// What a path reads of a subnet: its route table's routes and its ACL's entries
    /// (hashed when the index is built, so subnets configured alike compare equal).
    pub fn fingerprint(&self, subnet: &str) -> (u64, u64) {
        self.subnet_fp.get(subnet).copied().unwrap_or((0, 0))
    }

    pub fn in_scope(&self, vpc: &str) -> bool {
        self.cx.vpcs.contains(vpc)
    }

    pub fn subnet(&self, id: &str) -> Option<&'a Subnet> {
        self.subnets.get(id).copied()
    }

    pub fn route_table(&self, subnet: &str) -> Option<&'a RouteTable> {
        self.subnet_rt.get(subnet).copied()
    }

    pub fn acl(&self, subnet: &str) -> Option<&'a NetworkAcl> {
        self.subnet_acl.get(subnet).copied()
    }

    pub fn group(&self, id: &str) -> Option<&'a SecurityGroup> {
        self.groups.get(id).copied()
    }

    pub fn prefix_list(&self, id: &str) -> Option<&'a PrefixList> {
        self.prefix_lists.get(id).copied()
    }

    pub fn peering(&self, id: &str) -> Option<&'a PeeringConnection> {
        self.peerings.get(id).copied()
    }

    pub fn attachment(&self, id: &str) -> Option<&'a TgwAttachment> {
        self.attachments.get(id).copied()
    }

    pub fn tgw_table(&self, id: &str) -> Option<&'a TgwRouteTable> {
        self.tgw_tables.get(id).copied()
    }

    pub fn vpn_connection(&self, id: &str) -> Option<&'a VpnConnection> {
        self.vpn_connections.get(id).copied()
    }

    pub fn vpn_gateway(&self, id: &str) -> Option<&'a VpnGateway> {
        self.vpn_gateways.get(id).copied()
    }

    pub fn endpoint(&self, id: &str) -> Option<&'a VpcEndpoint> {
        self.endpoints.get(id).copied()
    }

    /// In-scope subnets of a tier.
    pub fn tier_subnets(&self, tier: &str) -> Vec<&'a Subnet> {
        self.tiers.get(tier).cloned().unwrap_or_default()
    }

    /// In-scope groups classified into a role.
    pub fn role_groups(&self, role: &str) -> BTreeSet<&'a str> {
        self.roles.get(role).cloned().unwrap_or_default()
    }

    /// A role's groups as the shared list (`None` when it has none).
    pub fn role_list(&self, role: &str) -> Option<Arc<Groups>> {
        self.role_lists.get(role).cloned()
    }

    /// A one-line reason when any of `kinds` is not usable in this snapshot.
    pub fn missing(&self, kinds: &[Kind]) -> Option<String> {
        let missing: Vec<&str> = kinds.iter().filter(|k| !self.snap.usable(**k)).map(|k| k.as_str()).collect();
        if missing.is_empty() { None } else { Some(format!("{} of {} unavailable", missing.join(", "), self.name)) }
    }
}
