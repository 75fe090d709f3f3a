//! One path between two placements, hop by hop in traffic order: forward route (and
//! the peering, transit gateway, VPN or gateway endpoint it leads to), ACL out of the source subnet and into the destination subnet, security
//! groups, then the return: route back and the stateless ACLs on the ephemeral ports.
//! Hops are judged in traffic order, on past unknown ones, up to the first block: a
//! definite block anywhere on the path decides `denied` (and is the deciding hop),
//! `unknown` only when nothing blocks and some hop is unknown, `allowed` only when every
//! hop passes.

use super::acl::{self, EPHEMERAL};
use super::route::{self, Lookup};
use super::transit::{self, Goal};
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
    // An address in a VPC of the estate but in none of its subnets sends and answers nothing.
    let no_subnet = |p: &Placement| -> Hop {
        let env = p.env.map(|e| estate.index[e].name.to_string()).unwrap_or_default();
        let vpc = p.vpc.clone().unwrap_or_default();
        Hop {
            step: "subnet",
            env,
            resource: vpc.clone(),
            detail: format!("{} is in {vpc} but in none of its subnets", p.label),
            outcome: Outcome::Block,
            code: Some(Code::NoSubnet),
        }
    };
    if s.env.is_some() && s.subnet.is_none() {
        return finish(s, d, vec![no_subnet(s)]);
    }
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
                hop!(route_hops(estate, se, s, da, want, "route", Code::NoRoute).0);
                if d.subnet.is_none() {
                    hop!([no_subnet(d)]);
                }
                hop!([acl_hop(estate, se, s, true, da, proto, (port, port), "acl", Code::AclDeny)]);
                hop!([acl_hop(estate, de, d, false, sa, proto, (port, port), "acl", Code::AclDeny)]);
            }
            hop!([super::sg::check(estate, s, d, da, false, proto, port)]);
            hop!([vacant(estate, d).unwrap_or_else(|| super::sg::check(estate, d, s, sa, true, proto, port))]);
            if !same_subnet {
                let back = if s.vpc == d.vpc { Want::Local } else { Want::Peer(s.vpc.as_deref().unwrap_or_default()) };
                hop!(route_hops(estate, de, d, sa, back, "return-route", Code::NoReturnRoute).0);
                hop!([acl_hop(estate, de, d, true, sa, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
                hop!([acl_hop(estate, se, s, false, da, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
            }
        }
        (None, Some(de)) => {
            if d.subnet.is_none() {
                return finish(s, d, vec![no_subnet(d)]);
            }
            // From outside: the destination subnet must route the source back out, to an
            // internet gateway, or through a transit gateway or VPN gateway on-premises.
            // Traffic from on-premises comes in by the attachment the return leaves by.
            // Without a transit gateway the route back is judged first, as it always was.
            let (back, exit) = route_hops(estate, de, d, sa, Want::In, "return-route", Code::NoInternetGateway);
            let back = match exit {
                Some(exit) => {
                    let dst_vpc = d.vpc.as_deref().unwrap_or_default();
                    hop!(transit::from_attachment(estate, &exit, da, Goal::Vpc(dst_vpc), false).hops);
                    Some(back)
                }
                None => {
                    hop!(back);
                    None
                }
            };
            hop!([acl_hop(estate, de, d, false, sa, proto, (port, port), "acl", Code::AclDeny)]);
            hop!([vacant(estate, d).unwrap_or_else(|| super::sg::check(estate, d, s, sa, true, proto, port))]);
            if let Some(back) = back {
                hop!(back);
            }
            hop!([acl_hop(estate, de, d, true, sa, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
        }
        (Some(se), None) => {
            let (out, exit) = route_hops(estate, se, s, da, Want::Out, "route", Code::NoRoute);
            hop!(out);
            hop!([acl_hop(estate, se, s, true, da, proto, (port, port), "acl", Code::AclDeny)]);
            hop!([super::sg::check(estate, s, d, da, false, proto, port)]);
            // Out through a transit gateway: the answer comes back in by the same attachment,
            // and that attachment's route table must lead back to the source's VPC.
            if let Some(exit) = exit {
                let src_vpc = s.vpc.as_deref().unwrap_or_default();
                hop!(transit::from_attachment(estate, &exit, sa, Goal::Vpc(src_vpc), true).hops);
            }
            hop!([acl_hop(estate, se, s, false, da, proto, EPHEMERAL, "return-acl", Code::AclReturnDeny)]);
        }
    }
    finish(s, d, hops)
}

/// A destination address in a subnet that no network interface holds: nothing answers.
fn vacant(estate: &Estate<'_>, d: &Placement) -> Option<Hop> {
    if !d.vacant {
        return None;
    }
    let env = d.env.map(|e| estate.index[e].name.to_string()).unwrap_or_default();
    let subnet = d.subnet.clone().unwrap_or_default();
    Some(Hop {
        step: "destination",
        env,
        resource: subnet.clone(),
        detail: format!("{}: no network interface in {subnet} holds the address", d.label),
        outcome: Outcome::Block,
        code: Some(Code::NoDestination),
    })
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

/// The route hop (and the hops of what it leads to: peering, transit gateway, VPN), and
/// the transit gateway attachment the traffic leaves by, when it crosses one.
fn route_hops(
    estate: &Estate<'_>,
    env: usize,
    at: &Placement,
    dest: IpNet,
    want: Want<'_>,
    step: &'static str,
    code: Code,
) -> (Vec<Hop>, Option<String>) {
    let ix = &estate.index[env];
    let subnet = at.subnet.as_deref().unwrap_or_default();
    let ret = step == "return-route";
    let mk = |resource: String, detail: String, outcome, code| Hop {
        step,
        env: ix.name.to_string(),
        resource,
        detail,
        outcome,
        code,
    };
    let one = |h: Hop| (vec![h], None);
    if let Some(why) = ix.missing(&[Kind::RouteTables]) {
        return one(mk(String::new(), why, Outcome::Unknown, Some(Code::Unavailable)));
    }
    let Some(rt) = ix.route_table(subnet) else {
        return one(mk(
            subnet.to_string(),
            format!("{subnet} has no route table in the inventory"),
            Outcome::Unknown,
            Some(Code::Unavailable),
        ));
    };
    let (r, entry) = match route::lookup(ix, rt, dest) {
        Lookup::Unknown(why) => return one(mk(rt.id.clone(), why, Outcome::Unknown, Some(Code::Unavailable))),
        Lookup::None => {
            return one(mk(rt.id.clone(), format!("{}: no route to {dest}", rt.id), Outcome::Block, Some(code)));
        }
        Lookup::Route(r, e) => (r, e),
    };
    let mut detail = route::describe(rt, r, &entry);
    if r.origin.as_deref() == Some("EnableVgwRoutePropagation") {
        detail.push_str(" (propagated by the VPN gateway)");
    }
    if r.state == RouteState::Blackhole {
        return one(mk(rt.id.clone(), detail, Outcome::Block, Some(Code::RouteBlackhole)));
    }
    let unknown = |d: String, c: Code| one(mk(rt.id.clone(), d, Outcome::Unknown, Some(c)));
    match r.target_kind {
        TargetKind::NetworkInterface | TargetKind::Instance => {
            return unknown(
                format!("{detail}: routing through a middlebox ({}) is not modelled", r.target_kind.label()),
                Code::Middlebox,
            );
        }
        TargetKind::CoreNetwork => return unknown(format!("{detail}: Cloud WAN is not modelled"), Code::CloudWan),
        TargetKind::LocalGateway | TargetKind::CarrierGateway | TargetKind::Other => {
            return unknown(format!("{detail}: a {} target is not modelled", r.target_kind.label()), Code::NotModelled);
        }
        _ => {}
    }
    let pass = |d: String| mk(rt.id.clone(), d, Outcome::Pass, None);
    let block = |d: String, c: Code| mk(rt.id.clone(), d, Outcome::Block, Some(c));
    let src_vpc = at.vpc.as_deref().unwrap_or_default();
    let az = ix.subnet(subnet).map(|s| s.az.as_str());
    let target = r.target_id.clone().unwrap_or_default();
    match (want, r.target_kind) {
        (Want::Local, TargetKind::Local) => one(pass(detail)),
        (Want::Peer(dst_vpc), TargetKind::VpcPeering) => {
            let mut p = super::peering::check(estate, &target, src_vpc, dst_vpc, dest, ix.name);
            if ret && p.outcome == Outcome::Block && p.code == Some(Code::PeeringWrongVpc) {
                p.code = Some(Code::NoReturnRoute);
            }
            (vec![pass(detail), p], None)
        }
        (Want::Peer(dst_vpc), TargetKind::TransitGateway) => {
            let c = transit::from_vpc(estate, ix.name, &target, src_vpc, az, dest, Goal::Vpc(dst_vpc), ret);
            (std::iter::once(pass(detail)).chain(c.hops).collect(), c.exit)
        }
        (Want::Out | Want::In, TargetKind::TransitGateway) => {
            let c = transit::from_vpc(estate, ix.name, &target, src_vpc, az, dest, Goal::Outside, ret);
            (std::iter::once(pass(detail)).chain(c.hops).collect(), c.exit)
        }
        (Want::Out | Want::In, TargetKind::VpnGateway) => {
            let hops = super::vpn::via_gateway(estate, ix.name, &target, src_vpc, dest, ret);
            (std::iter::once(pass(detail)).chain(hops).collect(), None)
        }
        (Want::Peer(_), TargetKind::VpnGateway) => unknown(
            format!("{detail}: leads on-premises; a way back into AWS from there is not modelled"),
            Code::NotModelled,
        ),
        (Want::Out, TargetKind::VpcEndpoint) => (
            vec![pass(detail), super::gateway_endpoint::check(ix, if ret { "return-endpoint" } else { "endpoint" }, r)],
            None,
        ),
        (_, TargetKind::VpcEndpoint) => {
            // Only a Gateway Load Balancer endpoint is a route target for VPC-bound traffic.
            let h = super::gateway_endpoint::check(ix, "endpoint", r);
            let c = if h.code == Some(Code::Middlebox) { Code::Middlebox } else { Code::NotModelled };
            unknown(format!("{detail}: {}", h.detail), c)
        }
        (Want::Out, TargetKind::InternetGateway | TargetKind::NatGateway | TargetKind::EgressOnlyInternetGateway) => {
            one(pass(detail))
        }
        (Want::In, TargetKind::InternetGateway) => one(pass(format!("{detail} (public IP assumed)"))),
        (Want::In, TargetKind::NatGateway | TargetKind::EgressOnlyInternetGateway) => {
            one(block(format!("{detail}: egress only, nothing comes in that way"), Code::NoInternetGateway))
        }
        (Want::Out | Want::In, TargetKind::VpcPeering) => {
            unknown(format!("{detail}: leads to a VPC outside the estate"), Code::NotModelled)
        }
        _ => one(block(format!("{detail}: does not lead to the destination"), code)),
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
