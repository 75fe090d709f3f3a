//! One path between two placements, hop by hop in traffic order: forward route (and
//! peering), ACL out of the source subnet and into the destination subnet, security
//! groups, then the return: route back and the stateless ACLs on the ephemeral ports.
//! Hops are judged in traffic order, on past unknown ones, up to the first block: a
//! definite block anywhere on the path decides `denied` (and is the deciding hop),
//! `unknown` only when nothing blocks and some hop is unknown, `allowed` only when every
//! hop passes.

use super::acl::{self, EPHEMERAL};
use super::route::{self, Lookup};
use super::{Code, Estate, Hop, Outcome, PathAnswer, Placement, Protocol, Verdict};
use ipnet::IpNet;
use model::{Kind, RouteState, TargetKind};

/// Every address family both ends have (IPv4, IPv6) gives one path.
pub fn evaluate(estate: &Estate<'_>, s: &Placement, d: &Placement, proto: Protocol, port: u16) -> Vec<PathAnswer> {
    let mut out = Vec::new();
    for (sa, da) in [(s.addr4, d.addr4), (s.addr6, d.addr6)] {
        if let (Some(sa), Some(da)) = (sa, da) {
            out.push(one(estate, s, d, sa, da, proto, port));
        }
    }
    out
}

/// What the route towards an address has to be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want<'v> {
    /// Inside the same VPC: `local`.
    Local,
    /// In another VPC of the estate: a peering to it.
    Peer(&'v str),
    /// Outside every VPC, going out: internet or NAT gateway.
    Out,
    /// Outside every VPC, coming in: the route back must be an internet gateway.
    In,
}

fn one(
    estate: &Estate<'_>,
    s: &Placement,
    d: &Placement,
    sa: IpNet,
    da: IpNet,
    proto: Protocol,
    port: u16,
) -> PathAnswer {
    let mut hops: Vec<Hop> = Vec::new();
    // Hops are judged in traffic order, on past unknown ones, and the path stops at the
    // first block: it decides `denied` whatever follows (and exposure asks thousands of
    // member pairs, most of them blocked early).
    macro_rules! hop {
        ($e:expr) => {
            for h in $e {
                let block = h.outcome == Outcome::Block;
                hops.push(h);
                if block {
                    return finish(s, d, hops);
                }
            }
        };
    }
    let same_subnet = s.subnet.is_some() && s.subnet == d.subnet;
    match (s.env, d.env) {
        (None, None) => {
            return finish(
                s,
                d,
                vec![Hop {
                    step: "route",
                    env: String::new(),
                    resource: String::new(),
                    detail: "neither end is inside a VPC of the estate".into(),
                    outcome: Outcome::Unknown,
                    code: Some(Code::NotModelled),
                }],
            );
        }
        (Some(se), Some(de)) => {
            let want = if s.vpc == d.vpc { Want::Local } else { Want::Peer(d.vpc.as_deref().unwrap_or_default()) };
            if !same_subnet {
                hop!(route_hops(estate, se, s, da, want, "route", Code::NoRoute));
                hop!([acl_hop(estate, se, s, true, da, proto, (port, port), "acl", Code::AclDeny)]);
                hop!([acl_hop(estate, de, d, false, sa, proto, (port, port), "acl", Code::AclDeny)]);
            }
            hop!([super::sg::check(estate, s, d, da, false, proto, port)]);
            hop!([super::sg::check(estate, d, s, sa, true, proto, port)]);
            if !same_subnet {
                let back = if s.vpc == d.vpc { Want::Local } else { Want::Peer(s.vpc.as_deref().unwrap_or_default()) };
                hop!(route_hops(estate, de, d, sa, back, "return-route", Code::NoReturnRoute));
                hop!([acl_hop(estate, de, d, true, sa, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
                hop!([acl_hop(estate, se, s, false, da, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
            }
        }
        (None, Some(de)) => {
            // From outside: the destination subnet must route the source back to an internet gateway.
            hop!(route_hops(estate, de, d, sa, Want::In, "return-route", Code::NoInternetGateway));
            hop!([acl_hop(estate, de, d, false, sa, proto, (port, port), "acl", Code::AclDeny)]);
            hop!([super::sg::check(estate, d, s, sa, true, proto, port)]);
            hop!([acl_hop(estate, de, d, true, sa, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
        }
        (Some(se), None) => {
            hop!(route_hops(estate, se, s, da, Want::Out, "route", Code::NoRoute));
            hop!([acl_hop(estate, se, s, true, da, proto, (port, port), "acl", Code::AclDeny)]);
            hop!([super::sg::check(estate, s, d, da, false, proto, port)]);
            hop!([acl_hop(estate, se, s, false, da, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
        }
    }
    finish(s, d, hops)
}

fn finish(s: &Placement, d: &Placement, hops: Vec<Hop>) -> PathAnswer {
    let (verdict, deciding) = decide(&hops);
    let (code, reason) = match deciding.and_then(|i| hops.get(i)) {
        Some(h) => (h.code, h.detail.clone()),
        None => (None, "every hop allows it".to_string()),
    };
    PathAnswer { from: s.label.clone(), to: d.label.clone(), verdict, code, reason, deciding, hops }
}

/// The verdict of a path from its hops, and the index of the deciding hop. A block wins
/// over an unknown wherever either sits: an unknown hop before it cannot open a path the
/// block closes. Unknown hops decide only when nothing blocks.
pub fn decide(hops: &[Hop]) -> (Verdict, Option<usize>) {
    if let Some(i) = hops.iter().position(|h| h.outcome == Outcome::Block) {
        return (Verdict::Denied, Some(i));
    }
    if let Some(i) = hops.iter().position(|h| h.outcome == Outcome::Unknown) {
        return (Verdict::Unknown, Some(i));
    }
    // An empty path proves nothing.
    if hops.is_empty() { (Verdict::Unknown, None) } else { (Verdict::Allowed, None) }
}

/// The route hop (and the peering hop when the route is a peering).
fn route_hops(
    estate: &Estate<'_>,
    env: usize,
    at: &Placement,
    dest: IpNet,
    want: Want<'_>,
    step: &'static str,
    code: Code,
) -> Vec<Hop> {
    let ix = &estate.index[env];
    let subnet = at.subnet.as_deref().unwrap_or_default();
    let mk = |resource: String, detail: String, outcome, code| Hop {
        step,
        env: ix.name.to_string(),
        resource,
        detail,
        outcome,
        code,
    };
    if let Some(why) = ix.missing(&[Kind::RouteTables]) {
        return vec![mk(String::new(), why, Outcome::Unknown, Some(Code::Unavailable))];
    }
    let Some(rt) = ix.route_table(subnet) else {
        return vec![mk(
            subnet.to_string(),
            format!("{subnet} has no route table in the inventory"),
            Outcome::Unknown,
            Some(Code::Unavailable),
        )];
    };
    let (r, entry) = match route::lookup(ix, rt, dest) {
        Lookup::Unknown(why) => return vec![mk(rt.id.clone(), why, Outcome::Unknown, Some(Code::Unavailable))],
        Lookup::None => {
            return vec![mk(rt.id.clone(), format!("{}: no route to {dest}", rt.id), Outcome::Block, Some(code))];
        }
        Lookup::Route(r, e) => (r, e),
    };
    let detail = route::describe(rt, r, &entry);
    if r.state == RouteState::Blackhole {
        return vec![mk(rt.id.clone(), detail, Outcome::Block, Some(Code::RouteBlackhole))];
    }
    let not_modelled = |k: TargetKind| {
        matches!(
            k,
            TargetKind::TransitGateway
                | TargetKind::VpnGateway
                | TargetKind::NetworkInterface
                | TargetKind::Instance
                | TargetKind::VpcEndpoint
                | TargetKind::LocalGateway
                | TargetKind::CarrierGateway
                | TargetKind::CoreNetwork
                | TargetKind::Other
        )
    };
    if not_modelled(r.target_kind) {
        return vec![mk(
            rt.id.clone(),
            format!("{detail}: a {} target is not modelled", r.target_kind.label()),
            Outcome::Unknown,
            Some(Code::NotModelled),
        )];
    }
    let pass = |d: String| mk(rt.id.clone(), d, Outcome::Pass, None);
    let block = |d: String, c: Code| mk(rt.id.clone(), d, Outcome::Block, Some(c));
    match (want, r.target_kind) {
        (Want::Local, TargetKind::Local) => vec![pass(detail)],
        (Want::Peer(dst_vpc), TargetKind::VpcPeering) => {
            let pcx = r.target_id.clone().unwrap_or_default();
            let src_vpc = at.vpc.as_deref().unwrap_or_default();
            let mut p = super::peering::check(estate, &pcx, src_vpc, dst_vpc, dest, ix.name);
            if step == "return-route" && p.outcome == Outcome::Block && p.code == Some(Code::PeeringWrongVpc) {
                p.code = Some(Code::NoReturnRoute);
            }
            vec![pass(detail), p]
        }
        (Want::Out, TargetKind::InternetGateway | TargetKind::NatGateway | TargetKind::EgressOnlyInternetGateway) => {
            vec![pass(detail)]
        }
        (Want::In, TargetKind::InternetGateway) => vec![pass(format!("{detail} (public IP assumed)"))],
        (Want::In, TargetKind::NatGateway | TargetKind::EgressOnlyInternetGateway) => {
            vec![block(format!("{detail}: egress only, nothing comes in that way"), Code::NoInternetGateway)]
        }
        (Want::Out | Want::In, TargetKind::VpcPeering) => vec![mk(
            rt.id.clone(),
            format!("{detail}: leads to a VPC outside the estate"),
            Outcome::Unknown,
            Some(Code::NotModelled),
        )],
        _ => vec![block(format!("{detail}: does not lead to the destination"), code)],
    }
}

#[allow(clippy::too_many_arguments)]
fn acl_hop(
    estate: &Estate<'_>,
    env: usize,
    at: &Placement,
    egress: bool,
    peer: IpNet,
    proto: Protocol,
    ports: (u16, u16),
    step: &'static str,
    code: Code,
) -> Hop {
    let ix = &estate.index[env];
    let subnet = at.subnet.as_deref().unwrap_or_default();
    let mk = |resource: String, detail: String, outcome, code| Hop {
        step,
        env: ix.name.to_string(),
        resource,
        detail,
        outcome,
        code,
    };
    if let Some(why) = ix.missing(&[Kind::NetworkAcls]) {
        return mk(String::new(), why, Outcome::Unknown, Some(Code::Unavailable));
    }
    let Some(acl) = ix.acl(subnet) else {
        return mk(
            subnet.to_string(),
            format!("{subnet} has no network ACL in the inventory"),
            Outcome::Unknown,
            Some(Code::Unavailable),
        );
    };
    let r = acl::eval(acl, egress, peer, proto, ports);
    let code = (r.outcome == Outcome::Block).then_some(code);
    mk(acl.id.clone(), r.detail, r.outcome, code)
}
