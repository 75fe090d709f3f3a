//! Peering hop: a `pcx` route carries traffic only when the connection is active, joins
//! the source VPC to the destination's, and the destination lies inside the peer's CIDRs.

use super::{Code, Estate, Hop, Outcome};
use ipnet::IpNet;
use model::PeeringConnection;

/// Find the connection in any environment of the estate (each side's account sees it).
pub fn find<'a>(estate: &'a Estate<'_>, id: &str) -> Option<(&'a str, &'a PeeringConnection)> {
    estate.index.iter().find_map(|ix| ix.peering(id).map(|p| (ix.name, p)))
}

/// Judge the crossing from `src_vpc` to `dst_vpc` for destination `dest`.
pub fn check(estate: &Estate<'_>, id: &str, src_vpc: &str, dst_vpc: &str, dest: IpNet, env: &str) -> Hop {
    let hop = |outcome, code, detail: String, env: &str| Hop {
        step: "peering",
        env: env.to_string(),
        resource: id.to_string(),
        detail,
        outcome,
        code,
    };
    if !estate.index.iter().any(|ix| ix.snap.usable(model::Kind::PeeringConnections)) {
        return hop(Outcome::Unknown, Some(Code::Unavailable), "peering_connections unavailable".into(), env);
    }
    let Some((env, p)) = find(estate, id) else {
        return hop(Outcome::Block, Some(Code::PeeringNotActive), format!("{id} not found (deleted?)"), env);
    };
    if p.status != "active" {
        return hop(Outcome::Block, Some(Code::PeeringNotActive), format!("{id} is {}", p.status), env);
    }
    let (peer, joins) = if p.requester.vpc_id == src_vpc {
        (&p.accepter, p.accepter.vpc_id == dst_vpc)
    } else if p.accepter.vpc_id == src_vpc {
        (&p.requester, p.requester.vpc_id == dst_vpc)
    } else {
        return hop(Outcome::Block, Some(Code::PeeringWrongVpc), format!("{id} does not join {src_vpc}"), env);
    };
    if !joins {
        return hop(
            Outcome::Block,
            Some(Code::PeeringWrongVpc),
            format!("{id} leads to {}, not {dst_vpc}", peer.vpc_id),
            env,
        );
    }
    let inside =
        peer.cidrs.iter().chain(&peer.ipv6_cidrs).filter_map(|c| c.parse::<IpNet>().ok()).any(|c| c.contains(&dest));
    if !inside {
        return hop(
            Outcome::Block,
            Some(Code::PeeringWrongVpc),
            format!("{dest} is outside the peer's CIDRs {}", peer.cidrs.join(", ")),
            env,
        );
    }
    hop(Outcome::Pass, None, format!("{id} active: {src_vpc} -> {dst_vpc}"), env)
}

/// Does AWS honour a security group reference between these VPCs? Across an active
/// peering in the same region; across a transit gateway it depends on an option not read. `None` when no environment could read its
/// peerings: a "no" from missing data would turn into a false definite block.
pub fn honours_group_reference(estate: &Estate<'_>, a_vpc: &str, b_vpc: &str) -> Option<bool> {
    // Only peerings read successfully count: a failed kind's old items prove nothing.
    let readable = || estate.index.iter().filter(|ix| ix.snap.usable(model::Kind::PeeringConnections));
    let seen = readable().any(|ix| {
        ix.snap.peering_connections.iter().any(|p| {
            p.status == "active"
                && ((p.requester.vpc_id == a_vpc && p.accepter.vpc_id == b_vpc)
                    || (p.requester.vpc_id == b_vpc && p.accepter.vpc_id == a_vpc))
                && p.requester.region.as_deref().unwrap_or(&ix.snap.region)
                    == p.accepter.region.as_deref().unwrap_or(&ix.snap.region)
        })
    });
    if seen {
        return Some(true);
    }
    // A transit gateway joining the two VPCs may honour group references (its security
    // group referencing support, which is not read): unknown, never a false "no".
    let joined = estate.index.iter().any(|ix| {
        let atts = &ix.snap.transit_gateway_attachments;
        atts.iter().filter(|a| a.kind == model::AttachmentKind::Vpc && a.available()).any(|a| {
            a.resource_id.as_deref() == Some(a_vpc)
                && atts.iter().any(|b| {
                    b.transit_gateway_id == a.transit_gateway_id
                        && b.kind == model::AttachmentKind::Vpc
                        && b.resource_id.as_deref() == Some(b_vpc)
                })
        })
    });
    if joined {
        return None;
    }
    readable().next().is_some().then_some(false)
}
