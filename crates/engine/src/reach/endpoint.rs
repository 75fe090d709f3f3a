//! Endpoints of a reachability question: parsing `[ENV:][tier:|role:]NAME`, `internet`
//! and CIDRs, and resolving them into placements (a subnet, addresses, known groups).

use super::memo::{Groups, SetKey};
use super::{Estate, Placement};
use ipnet::IpNet;
use model::Subnet;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// What an endpoint names, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Internet,
    Cidr(IpNet),
    Tier(String),
    Role(String),
    /// A bare name: the role when one exists, else the tier, else the cidr set.
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `ENV:` prefix: another environment of the estate.
    pub env: Option<String>,
    pub target: Target,
}

/// A CIDR, or a single address (`10.0.1.5` is `10.0.1.5/32`).
fn net(s: &str) -> Option<IpNet> {
    s.parse::<IpNet>().ok().or_else(|| s.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

/// Parse an endpoint as written in a design, on the command line or the query line.
pub fn parse_endpoint(s: &str) -> Result<Endpoint, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty endpoint; expected `internet`, a CIDR, a role, a tier or a cidr set".into());
    }
    if let Some(net) = net(s) {
        return Ok(Endpoint { env: None, target: Target::Cidr(net.trunc()) });
    }
    let parts: Vec<&str> = s.split(':').collect();
    let (env, rest): (Option<String>, &[&str]) = match parts.as_slice() {
        [_] => (None, &parts[..]),
        [first, ..] if *first == "tier" || *first == "role" => (None, &parts[..]),
        [first, rest @ ..] => (Some((*first).to_string()), rest),
        [] => (None, &parts[..]),
    };
    let target = match rest {
        ["internet"] => Target::Internet,
        ["tier", name] if !name.is_empty() => Target::Tier((*name).to_string()),
        ["role", name] if !name.is_empty() => Target::Role((*name).to_string()),
        [name] if !name.is_empty() => match net(name) {
            Some(net) => Target::Cidr(net.trunc()),
            None => Target::Name((*name).to_string()),
        },
        _ => {
            return Err(format!(
                "`{s}` is not an endpoint; expected `internet`, a CIDR, `NAME`, `tier:NAME`, `role:NAME`, optionally prefixed by `ENV:`"
            ));
        }
    };
    if env.as_deref().is_some_and(str::is_empty) {
        return Err(format!("`{s}`: empty environment name before `:`"));
    }
    Ok(Endpoint { env, target })
}

/// An endpoint resolved against the estate.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// What the name was taken to mean, e.g. `role app of production`.
    pub label: String,
    pub places: Vec<Placement>,
    /// Facts the answer must mention (placed by design, a member that could not be placed).
    pub notes: Vec<String>,
    /// Why the endpoint cannot be resolved at all (unknown name, inventory unavailable).
    pub unknown: Option<String>,
    /// `places` grouped into classes of alike members, computed on first use.
    pub(crate) classes: OnceLock<Vec<Class>>,
}

/// Placements alike in everything a path reads of them: environment, VPC, the contents of
/// their subnet's route table and ACL, addresses and groups (as a set).
#[derive(Debug, Clone)]
pub(crate) struct Class {
    /// Indexes into `places`, in order.
    pub members: Vec<usize>,
    /// Per (environment, subnet): how many members sit there and the position of the first.
    pub subnets: HashMap<(usize, String), (usize, usize)>,
}

impl Resolved {
    /// The classes of alike members, in order of first appearance.
    pub(crate) fn classes(&self, estate: &Estate<'_>) -> &[Class] {
        self.classes.get_or_init(|| classes(estate, &self.places))
    }
}

fn classes(estate: &Estate<'_>, places: &[Placement]) -> Vec<Class> {
    type Key = (Option<usize>, Option<String>, Option<(u64, u64)>, Option<IpNet>, Option<IpNet>, Option<SetKey>, bool);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut out: Vec<Class> = Vec::new();
    for (n, p) in places.iter().enumerate() {
        let fp = match (p.env, p.subnet.as_deref()) {
            (Some(e), Some(s)) => estate.index.get(e).map(|ix| ix.fingerprint(s)),
            _ => None,
        };
        let key = (p.env, p.vpc.clone(), fp, p.addr4, p.addr6, p.groups.clone().map(SetKey), p.vacant);
        let c = *index.entry(key).or_insert_with(|| {
            out.push(Class { members: Vec::new(), subnets: HashMap::new() });
            out.len() - 1
        });
        let class = &mut out[c];
        if let Some(k) = p.subnet_key() {
            class.subnets.entry(k).or_insert((0, class.members.len())).0 += 1;
        }
        class.members.push(n);
    }
    out
}

/// `resolve`, once per estate: exposure asks about the same sources again and again.
pub(crate) fn resolve_shared(estate: &Estate<'_>, home: usize, text: &str) -> Arc<Resolved> {
    let Some(memo) = &estate.memo else { return Arc::new(resolve(estate, home, text)) };
    // `production:role:app` asked from anywhere is `role:app` asked from production: one
    // entry, when it resolves (an unresolved answer's label is the text as written).
    let plain = parse_endpoint(text).ok().and_then(|ep| {
        let name = ep.env?;
        let env = estate.env(&name)?;
        Some((env, text.trim().get(name.len() + 1..)?.to_string()))
    });
    let key = (home, text.to_string());
    let found = memo.resolved.lock().ok().and_then(|m| {
        let resolved = plain.as_ref().and_then(|p| m.get(p)).filter(|r| r.unknown.is_none());
        resolved.or(m.get(&key)).cloned()
    });
    if let Some(r) = found {
        return r;
    }
    let r = Arc::new(resolve(estate, home, text));
    if let Ok(mut m) = memo.resolved.lock() {
        match plain {
            Some(p) if r.unknown.is_none() => m.insert(p, r.clone()),
            _ => m.insert(key, r.clone()),
        };
    }
    r
}

pub fn resolve(estate: &Estate<'_>, home: usize, text: &str) -> Resolved {
    let ep = match parse_endpoint(text) {
        Ok(e) => e,
        Err(e) => return Resolved { label: text.to_string(), unknown: Some(e), ..Default::default() },
    };
    let env = match &ep.env {
        None => home,
        Some(name) => match estate.envs.iter().position(|e| e.name == *name) {
            Some(i) => i,
            None => {
                let have: Vec<&str> = estate.envs.iter().map(|e| e.name).collect();
                return Resolved {
                    label: text.to_string(),
                    unknown: Some(format!(
                        "environment `{name}` is not in the estate (have: {}); give its --design",
                        have.join(", ")
                    )),
                    ..Default::default()
                };
            }
        },
    };
    let e = &estate.envs[env];
    let design = e.design;
    match &ep.target {
        Target::Internet => internet(),
        Target::Cidr(net) => cidrs(estate, &[*net], net.to_string()),
        Target::Tier(t) => tier(estate, env, t),
        Target::Role(r) => role(estate, env, r),
        Target::Name(n) => {
            if design.role(n).is_some() {
                let mut r = role(estate, env, n);
                if design.tier(n).is_some() {
                    r.notes.push(format!(
                        "`{n}` is both a role and a tier: took the role (write `tier:{n}` for the tier)"
                    ));
                }
                r
            } else if design.tier(n).is_some() {
                tier(estate, env, n)
            } else if let Some(nets) = design.cidr_sets.get(n) {
                cidrs(estate, nets, format!("cidr set {n} of {}", e.name))
            } else if super::gateway_endpoint::SERVICES.contains(&n.as_str()) {
                service(estate, env, n)
            } else {
                Resolved {
                    label: text.to_string(),
                    unknown: Some(format!("`{n}` names no role, tier or cidr set of {}", e.name)),
                    ..Default::default()
                }
            }
        }
    }
}

fn internet() -> Resolved {
    let any4: IpNet = IpNet::V4(ipnet::Ipv4Net::default());
    let any6: IpNet = IpNet::V6(ipnet::Ipv6Net::default());
    Resolved {
        label: "internet".into(),
        places: vec![
            Placement::external("internet", Some(any4), None),
            Placement::external("internet (IPv6)", None, Some(any6)),
        ],
        ..Default::default()
    }
}

/// CIDRs inside a subnet of the estate are placed there; others are outside. A single
/// address takes the groups of the network interface holding it, and is vacant (nothing
/// answers) when the interfaces are known and none holds it; an address in a VPC of the
/// estate but in none of its subnets is placed in that VPC alone.
fn cidrs(estate: &Estate<'_>, nets: &[IpNet], label: String) -> Resolved {
    let mut places = Vec::new();
    for net in nets {
        let mut inside = Vec::new();
        for (i, ix) in estate.index.iter().enumerate() {
            for s in &ix.snap.subnets {
                let sub: Option<IpNet> = match net {
                    IpNet::V4(_) => s.cidr.parse().ok(),
                    IpNet::V6(_) => s.ipv6_cidrs.first().and_then(|c| c.parse().ok()),
                };
                let Some(sub) = sub else { continue };
                if sub.contains(net) {
                    inside.push(held(estate, address(i, s, *net)));
                } else if net.contains(&sub) && ix.in_scope(&s.vpc_id) {
                    inside.push(Placement::in_subnet(i, s, Some(sub), format!("{net} ({})", s.id), None));
                }
            }
        }
        if inside.is_empty() {
            // In a VPC of the estate (its subnets read), though in none of its subnets.
            let vpc = estate.index.iter().enumerate().find_map(|(i, ix)| {
                if !ix.snap.usable(model::Kind::Subnets) {
                    return None;
                }
                let v = ix.snap.vpcs.iter().filter(|v| ix.in_scope(&v.id)).find(|v| {
                    v.cidrs.iter().chain(&v.ipv6_cidrs).filter_map(|c| c.parse::<IpNet>().ok()).any(|c| c.contains(net))
                })?;
                Some((i, v.id.as_str()))
            });
            match vpc {
                Some((i, v)) => places.push(Placement::in_vpc(i, v, *net, format!("{net} in {v}"))),
                None => {
                    let (v4, v6) = match net {
                        IpNet::V4(_) => (Some(*net), None),
                        IpNet::V6(_) => (None, Some(*net)),
                    };
                    places.push(Placement::external(&net.to_string(), v4, v6));
                }
            }
        } else {
            places.extend(inside);
        }
    }
    Resolved { label, places, ..Default::default() }
}

/// A range inside subnet `s`. A single address held by a network interface takes its
/// groups; one that no interface holds (the interfaces being known) is vacant.
fn address(env_index: usize, s: &Subnet, net: IpNet) -> Placement {
    Placement::in_subnet(env_index, s, Some(net), format!("{net} in {}", s.id), None)
}

/// Who holds a single address placed in a subnet: the interface's groups, or vacant.
fn held(estate: &Estate<'_>, mut p: Placement) -> Placement {
    let (Some(env), Some(subnet)) = (p.env, p.subnet.clone()) else { return p };
    let ix = &estate.index[env];
    let addr = match (p.addr4, p.addr6) {
        (Some(a @ IpNet::V4(n)), _) if n.prefix_len() == 32 => a,
        (_, Some(a @ IpNet::V6(n))) if n.prefix_len() == 128 => a,
        _ => return p,
    };
    if !ix.snap.usable(model::Kind::NetworkInterfaces) {
        return p;
    }
    let ip = addr.addr().to_string();
    let eni = ix
        .snap
        .network_interfaces
        .iter()
        .find(|n| n.subnet_id == subnet && n.private_ips.iter().chain(&n.ipv6_ips).any(|x| *x == ip));
    match eni {
        Some(n) => {
            p.label = format!("{addr} ({} in {subnet})", n.id);
            p.groups = Some(Groups::new(n.security_groups.clone()));
        }
        None => p.vacant = true,
    }
    p
}

/// `s3` or `dynamodb`: the addresses of the AWS-managed prefix list standing for the
/// service, as this environment's inventory holds it.
fn service(estate: &Estate<'_>, env: usize, name: &str) -> Resolved {
    let ix = &estate.index[env];
    let label = format!("{name} (gateway endpoint service) of {}", ix.name);
    if let Some(why) = ix.missing(&[model::Kind::PrefixLists]) {
        return Resolved { label, unknown: Some(why), ..Default::default() };
    }
    let Some(list) = ix.snap.prefix_lists.iter().find(|p| p.aws_service() == Some(name)) else {
        return Resolved {
            label,
            unknown: Some(format!("no AWS prefix list for {name} in {}'s inventory", ix.name)),
            ..Default::default()
        };
    };
    let Some(entries) = &list.entries else {
        return Resolved {
            label,
            unknown: Some(format!("entries of {} ({name}) unknown", list.id)),
            ..Default::default()
        };
    };
    let places = entries
        .iter()
        .filter_map(|e| e.cidr.parse::<IpNet>().ok())
        .map(|n| {
            let (v4, v6) = match n {
                IpNet::V4(_) => (Some(n), None),
                IpNet::V6(_) => (None, Some(n)),
            };
            Placement::external(&format!("{name} {n} ({})", list.id), v4, v6)
        })
        .collect();
    Resolved { label, places, ..Default::default() }
}

fn tier(estate: &Estate<'_>, env: usize, name: &str) -> Resolved {
    let ix = &estate.index[env];
    let label = format!("tier {name} of {}", ix.name);
    if let Some(why) = ix.missing(&[model::Kind::Vpcs, model::Kind::Subnets]) {
        return Resolved { label, unknown: Some(why), ..Default::default() };
    }
    let enis_known = ix.snap.usable(model::Kind::NetworkInterfaces);
    let mut places = Vec::new();
    let mut notes = Vec::new();
    for s in ix.tier_subnets(name) {
        let members: Vec<Placement> = if enis_known {
            ix.snap
                .network_interfaces
                .iter()
                .filter(|n| n.subnet_id == s.id && n.interface_type.as_deref() != Some("nat_gateway"))
                .map(|n| {
                    let addr = n.private_ips.first().and_then(|ip| format!("{ip}/32").parse().ok());
                    Placement::in_subnet(
                        env,
                        s,
                        addr,
                        format!("{} in {}", n.id, s.id),
                        Some(Groups::new(n.security_groups.clone())),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        if members.is_empty() {
            // No interface here: the subnet takes the live groups of each role the design
            // places in this tier; unknown only when no such role has a live group.
            let by_design: Vec<(&str, Arc<Groups>)> = if enis_known {
                ix.design
                    .security
                    .roles
                    .iter()
                    .filter(|r| r.tiers.iter().any(|t| t == name))
                    .filter_map(|r| Some((r.name.as_str(), ix.role_list(&r.name)?)))
                    .collect()
            } else {
                Vec::new()
            };
            if by_design.is_empty() {
                places.push(Placement::in_subnet(env, s, None, s.id.clone(), None));
            }
            for (role, g) in by_design {
                places.push(Placement::in_subnet(
                    env,
                    s,
                    None,
                    format!("{} (role {role}, placed by design)", s.id),
                    Some(g),
                ));
                let note = format!(
                    "{} has no network interface: took the live groups of role {role}, placed by design in tier {name}",
                    s.id
                );
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        } else {
            places.extend(dedup(members));
        }
    }
    if places.is_empty() {
        return Resolved {
            label,
            unknown: Some(format!("tier {name} of {} has no subnet in the inventory", ix.name)),
            ..Default::default()
        };
    }
    if !enis_known {
        notes.push(format!("network interfaces of {} unknown: the tier's security groups are unknown", ix.name));
    }
    Resolved { label, places, notes, unknown: None, ..Default::default() }
}

fn role(estate: &Estate<'_>, env: usize, name: &str) -> Resolved {
    let ix = &estate.index[env];
    let label = format!("role {name} of {}", ix.name);
    let Some(role) = ix.design.role(name) else {
        return Resolved { label, unknown: Some(format!("{} has no role `{name}`", ix.name)), ..Default::default() };
    };
    if let Some(why) = ix.missing(&[model::Kind::Vpcs, model::Kind::Subnets]) {
        return Resolved { label, unknown: Some(why), ..Default::default() };
    }
    if let Some(why) = ix.missing(&[model::Kind::SecurityGroups]) {
        // Without groups no member can be recognised; the design's tiers still place the
        // role, so a route or ACL that blocks the path still decides `denied`.
        if role.tiers.is_empty() {
            return Resolved { label, unknown: Some(why), ..Default::default() };
        }
        let places: Vec<Placement> = role
            .tiers
            .iter()
            .flat_map(|t| {
                ix.tier_subnets(t)
                    .into_iter()
                    .map(move |s| Placement::in_subnet(env, s, None, format!("{} (tier {t}, by design)", s.id), None))
            })
            .collect();
        if places.is_empty() {
            return Resolved { label, unknown: Some(why), ..Default::default() };
        }
        let notes = vec![format!(
            "{why}: role {name} placed in tier(s) {} by the design, its groups unknown",
            role.tiers.join(", ")
        )];
        return Resolved { label, places, notes, unknown: None, ..Default::default() };
    }
    let groups: BTreeSet<&str> = ix.role_groups(name);
    let mut places = Vec::new();
    let mut notes = Vec::new();
    let enis_known = ix.snap.usable(model::Kind::NetworkInterfaces);
    if enis_known {
        for n in &ix.snap.network_interfaces {
            if n.security_groups.iter().any(|g| groups.contains(g.as_str()))
                && let Some(s) = ix.subnet(&n.subnet_id)
            {
                let addr = n.private_ips.first().and_then(|ip| format!("{ip}/32").parse().ok());
                places.push(Placement::in_subnet(
                    env,
                    s,
                    addr,
                    format!("{} in {}", n.id, s.id),
                    Some(Groups::new(n.security_groups.clone())),
                ));
            }
        }
    }
    if ix.snap.usable(model::Kind::DbInstances) {
        for db in ix.snap.db_instances.iter().filter(|d| d.security_groups.iter().any(|g| groups.contains(g.as_str())))
        {
            // RDS reports no subnet: place the instance in its role's tiers, in its own AZ.
            let subnets: Vec<&Subnet> = role
                .tiers
                .iter()
                .flat_map(|t| ix.tier_subnets(t))
                .filter(|s| db.vpc_id.as_ref().is_none_or(|v| *v == s.vpc_id))
                .filter(|s| db.az.as_ref().is_none_or(|az| *az == s.az))
                .collect();
            if subnets.is_empty() {
                notes.push(format!(
                    "RDS {} carries the role's groups but cannot be placed: give `[security.roles.{name}] tiers`",
                    db.id
                ));
            }
            let g = Groups::new(db.security_groups.clone());
            for s in subnets {
                places.push(Placement::in_subnet(env, s, None, format!("RDS {} in {}", db.id, s.id), Some(g.clone())));
            }
        }
    }
    if places.is_empty() {
        if role.tiers.is_empty() {
            let why = if enis_known {
                format!("role {name} of {} has no live member and no `tiers` in the design", ix.name)
            } else {
                format!("network interfaces of {} unavailable and role {name} has no `tiers`", ix.name)
            };
            return Resolved { label, unknown: Some(why), notes, ..Default::default() };
        }
        // One list for every subnet the role is placed in.
        let g = ix.role_list(name);
        for t in &role.tiers {
            for s in ix.tier_subnets(t) {
                places.push(Placement::in_subnet(
                    env,
                    s,
                    None,
                    format!("{s_id} (tier {t}, by design)", s_id = s.id),
                    g.clone(),
                ));
            }
        }
        notes.push(format!(
            "role {name} of {} has no live member: placed in tier(s) {} by the design",
            ix.name,
            role.tiers.join(", ")
        ));
    }
    Resolved { label, places: dedup(places), notes, unknown: None, ..Default::default() }
}

/// Members in the same subnet with the same groups take the same path: keep one.
fn dedup(places: Vec<Placement>) -> Vec<Placement> {
    let mut seen: HashSet<(Option<String>, Option<SetKey>)> = HashSet::new();
    places.into_iter().filter(|p| seen.insert((p.subnet.clone(), p.groups.clone().map(SetKey)))).collect()
}
