//! Transit gateway hops: from a VPC route naming a transit gateway, the VPC's attachment,
//! the route table associated with the attachment traffic enters through, its longest
//! prefix match (static, propagated or blackhole), and the attachment the route leads to:
//! a VPC, a peered transit gateway (whose own table is consulted next), a VPN connection
//! (its tunnels) or a Direct Connect gateway. Gateways, attachments and tables are looked
//! up across the whole estate (each account sees its own side).

use super::{Code, Estate, Hop, Outcome};
use ipnet::IpNet;
use model::{AttachmentKind, Kind, TgwAttachment, TgwRoute, TgwRouteState, TgwRouteTable, TgwRouteType};

/// Where the traffic must come out of the transit gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal<'v> {
    /// Into this VPC (of the estate).
    Vpc(&'v str),
    /// Out of AWS: a VPN connection or a Direct Connect gateway (on-premises).
    Outside,
}

/// The hops through the gateway, and the attachment the traffic leaves by (the way the
/// return comes back in).
#[derive(Debug, Default)]
pub struct Crossing {
    pub hops: Vec<Hop>,
    pub exit: Option<String>,
}

/// Peered gateways followed in a row before giving up (AWS routes no further transit
/// across two peerings, but a table can still point there).
const MAX_GATEWAYS: usize = 4;

fn hop(step: &'static str, env: &str, resource: &str, detail: String, outcome: Outcome, code: Option<Code>) -> Hop {
    Hop { step, env: env.to_string(), resource: resource.to_string(), detail, outcome, code }
}

/// The attachment `id` anywhere in the estate, with the name of the environment holding it.
pub fn find_attachment<'a>(estate: &'a Estate<'_>, id: &str) -> Option<(&'a str, &'a TgwAttachment)> {
    estate.index.iter().find_map(|ix| ix.attachment(id).map(|a| (ix.name, a)))
}

/// The attachment `id` as gateway `tgw` sees it: both ends of a peering share its id.
fn attachment_on<'a>(estate: &'a Estate<'_>, id: &str, tgw: &str) -> Option<(&'a str, &'a TgwAttachment)> {
    let mut all = estate.index.iter().filter_map(|ix| ix.attachment(id).map(|a| (ix.name, a)));
    let first = all.next()?;
    if first.1.transit_gateway_id == tgw {
        return Some(first);
    }
    Some(all.find(|(_, a)| a.transit_gateway_id == tgw).unwrap_or(first))
}

fn find_table<'a>(estate: &'a Estate<'_>, id: &str) -> Option<(&'a str, &'a TgwRouteTable)> {
    estate.index.iter().find_map(|ix| ix.tgw_table(id).map(|t| (ix.name, t)))
}

/// No environment could read `kind`: a "no" from missing data would be a false block.
fn unreadable(estate: &Estate<'_>, kind: Kind) -> bool {
    !estate.index.iter().any(|ix| ix.snap.usable(kind))
}

/// The AZs of an attachment's subnets, when every one of them is in the inventory.
fn attachment_azs<'a>(estate: &'a Estate<'_>, att: &TgwAttachment) -> Option<Vec<&'a str>> {
    if att.subnet_ids.is_empty() {
        return None;
    }
    att.subnet_ids.iter().map(|id| estate.index.iter().find_map(|ix| ix.subnet(id)).map(|s| s.az.as_str())).collect()
}

/// From VPC `vpc` (a subnet in AZ `az`) into transit gateway `tgw` towards `dest`.
#[allow(clippy::too_many_arguments)]
pub fn from_vpc(
    estate: &Estate<'_>,
    env: &str,
    tgw: &str,
    vpc: &str,
    az: Option<&str>,
    dest: IpNet,
    goal: Goal<'_>,
    ret: bool,
) -> Crossing {
    let step = if ret { "return-tgw" } else { "tgw" };
    if unreadable(estate, Kind::TransitGatewayAttachments) {
        let why = "transit_gateway_attachments unavailable".to_string();
        return Crossing {
            hops: vec![hop(step, env, tgw, why, Outcome::Unknown, Some(Code::Unavailable))],
            exit: None,
        };
    }
    let att = estate.index.iter().find_map(|ix| {
        ix.snap
            .transit_gateway_attachments
            .iter()
            .filter(|a| a.kind == AttachmentKind::Vpc && a.transit_gateway_id == tgw)
            .filter(|a| a.resource_id.as_deref() == Some(vpc))
            .max_by_key(|a| a.available())
            .map(|a| (ix.name, a))
    });
    let Some((att_env, att)) = att else {
        let why = format!("{vpc} has no attachment to {tgw}");
        return Crossing {
            hops: vec![hop(step, env, tgw, why, Outcome::Block, Some(Code::TgwNoAttachment))],
            exit: None,
        };
    };
    if !att.available() {
        let why = format!("{} ({vpc} to {tgw}) is {}", att.id, att.state);
        return Crossing {
            hops: vec![hop(step, att_env, &att.id, why, Outcome::Block, Some(Code::TgwNoAttachment))],
            exit: None,
        };
    }
    // The gateway is reached only from AZs where the attachment has a subnet (AWS).
    if let (Some(az), Some(azs)) = (az, attachment_azs(estate, att))
        && !azs.contains(&az)
    {
        let why = format!("{} ({vpc} to {tgw}) has no subnet in {az}: nothing there reaches the gateway", att.id);
        return Crossing {
            hops: vec![hop(step, att_env, &att.id, why, Outcome::Block, Some(Code::TgwNoAttachment))],
            exit: None,
        };
    }
    let mut out = Crossing {
        hops: vec![hop(step, att_env, &att.id, format!("{} attaches {vpc} to {tgw}", att.id), Outcome::Pass, None)],
        exit: None,
    };
    walk(estate, att, dest, goal, ret, &mut out);
    out
}

/// From attachment `ingress` (the way traffic enters the gateway) towards `dest`.
pub fn from_attachment(estate: &Estate<'_>, ingress: &str, dest: IpNet, goal: Goal<'_>, ret: bool) -> Crossing {
    let step = if ret { "return-tgw" } else { "tgw" };
    let mut out = Crossing::default();
    match find_attachment(estate, ingress) {
        Some((_, att)) => walk(estate, att, dest, goal, ret, &mut out),
        None => out.hops.push(hop(
            step,
            "",
            ingress,
            format!("{ingress} is not in the inventory"),
            Outcome::Unknown,
            Some(Code::Unavailable),
        )),
    }
    out
}

/// The route table associated with `att`: the attachment's own report, else a table
/// listing it among its associations (GetTransitGatewayRouteTableAssociations).
fn associated<'a>(estate: &'a Estate<'_>, att: &'a TgwAttachment) -> Option<&'a str> {
    if let Some(id) = att.route_table_id.as_deref()
        && att.association_state.as_deref() != Some("disassociated")
    {
        return Some(id);
    }
    estate
        .index
        .iter()
        .flat_map(|ix| &ix.snap.transit_gateway_route_tables)
        .find(|t| t.associations.contains(&att.id))
        .map(|t| t.id.as_str())
}

fn walk<'a>(
    estate: &'a Estate<'_>,
    ingress: &'a TgwAttachment,
    dest: IpNet,
    goal: Goal<'_>,
    ret: bool,
    out: &mut Crossing,
) {
    let step = if ret { "return-tgw" } else { "tgw" };
    let mut ingress = ingress;
    for _ in 0..MAX_GATEWAYS {
        let tgw = ingress.transit_gateway_id.as_str();
        if unreadable(estate, Kind::TransitGatewayRouteTables) {
            out.hops.push(hop(
                step,
                "",
                tgw,
                "transit_gateway_route_tables unavailable".into(),
                Outcome::Unknown,
                Some(Code::Unavailable),
            ));
            return;
        }
        let Some(table_id) = associated(estate, ingress) else {
            out.hops.push(hop(
                step,
                "",
                &ingress.id,
                format!("{} is associated with no route table of {tgw}: nothing routes what enters by it", ingress.id),
                Outcome::Block,
                Some(Code::TgwNoAssociation),
            ));
            return;
        };
        let Some((env, table)) = find_table(estate, table_id) else {
            out.hops.push(hop(
                step,
                "",
                table_id,
                format!("{table_id} (associated with {}) is not in the inventory", ingress.id),
                Outcome::Unknown,
                Some(Code::Unavailable),
            ));
            return;
        };
        let Some(routes) = &table.routes else {
            let why = table.routes_error.clone().unwrap_or_else(|| "not read".into());
            out.hops.push(hop(
                step,
                env,
                &table.id,
                format!("{}: routes unknown ({why})", table.id),
                Outcome::Unknown,
                Some(Code::Unavailable),
            ));
            return;
        };
        let route = match lookup(estate, routes, dest) {
            Ok(Some(r)) => r,
            Ok(None) => {
                out.hops.push(hop(
                    step,
                    env,
                    &table.id,
                    format!("{}: no route to {dest}", table.id),
                    Outcome::Block,
                    Some(Code::TgwNoRoute),
                ));
                return;
            }
            Err(why) => {
                out.hops.push(hop(step, env, &table.id, why, Outcome::Unknown, Some(Code::Unavailable)));
                return;
            }
        };
        let how = if route.route_type == TgwRouteType::Propagated { "propagated" } else { "static" };
        if route.state == TgwRouteState::Blackhole || route.attachments.is_empty() {
            out.hops.push(hop(
                step,
                env,
                &table.id,
                format!("{}: {} -> blackhole ({how})", table.id, route.destination),
                Outcome::Block,
                Some(Code::TgwBlackhole),
            ));
            return;
        }
        // Equal-cost routes (VPN ECMP) lead to attachments of one kind: the first stands for them.
        let next_id = route.attachments[0].as_str();
        let detail = format!("{}: {} -> {next_id} ({how})", table.id, route.destination);
        let Some((next_env, next)) = attachment_on(estate, next_id, &table.transit_gateway_id) else {
            out.hops.push(hop(
                step,
                env,
                &table.id,
                format!("{detail}: {next_id} is not in the inventory"),
                Outcome::Unknown,
                Some(Code::Unavailable),
            ));
            return;
        };
        out.hops.push(hop(step, env, &table.id, detail, Outcome::Pass, None));
        let at = |detail: String, outcome, code| hop(step, next_env, &next.id, detail, outcome, code);
        if !next.available() {
            out.hops.push(at(format!("{} is {}", next.id, next.state), Outcome::Block, Some(Code::TgwNoAttachment)));
            return;
        }
        let resource = next.resource_id.as_deref().unwrap_or("?");
        match (next.kind, goal) {
            (AttachmentKind::Vpc, _) if next.appliance_mode == Some(true) => {
                out.hops.push(at(
                    format!(
                        "{} ({resource}) is in appliance mode: routing through its middlebox is not modelled",
                        next.id
                    ),
                    Outcome::Unknown,
                    Some(Code::ApplianceMode),
                ));
                return;
            }
            (AttachmentKind::Vpc, Goal::Vpc(want)) if resource == want => {
                out.hops.push(at(format!("{} enters {want}", next.id), Outcome::Pass, None));
                out.exit = Some(next.id.clone());
                return;
            }
            (AttachmentKind::Vpc, Goal::Vpc(want)) => {
                out.hops.push(at(
                    format!("{} leads to {resource}, not {want}", next.id),
                    Outcome::Block,
                    Some(Code::TgwNoRoute),
                ));
                return;
            }
            (AttachmentKind::Vpc, Goal::Outside) => {
                out.hops.push(at(
                    format!(
                        "{} leads to {resource}: onward from another VPC (central egress) is not modelled",
                        next.id
                    ),
                    Outcome::Unknown,
                    Some(Code::NotModelled),
                ));
                return;
            }
            (AttachmentKind::Vpn, Goal::Outside) => {
                out.hops.push(super::vpn::tunnels(estate, resource, next_env, ret));
                out.exit = Some(next.id.clone());
                return;
            }
            (AttachmentKind::DirectConnectGateway, Goal::Outside) => {
                out.hops.push(at(
                    format!("{} reaches Direct Connect gateway {resource}", next.id),
                    Outcome::Pass,
                    None,
                ));
                out.exit = Some(next.id.clone());
                return;
            }
            (AttachmentKind::Vpn | AttachmentKind::DirectConnectGateway, Goal::Vpc(want)) => {
                out.hops.push(at(
                    format!("{} leads on-premises ({resource}), not to {want}", next.id),
                    Outcome::Block,
                    Some(Code::TgwNoRoute),
                ));
                return;
            }
            (AttachmentKind::Peering, _) => {
                let peer_tgw = next.peer.as_ref().map(|p| p.transit_gateway_id.as_str()).unwrap_or(resource);
                // The far side: the peering attachment of the peer gateway back to this one.
                let far = estate.index.iter().find_map(|ix| {
                    ix.snap.transit_gateway_attachments.iter().find(|a| {
                        a.kind == AttachmentKind::Peering
                            && a.transit_gateway_id == peer_tgw
                            && (a.id == next.id
                                || a.resource_id.as_deref() == Some(tgw)
                                || a.peer.as_ref().is_some_and(|p| p.transit_gateway_id == tgw))
                    })
                });
                let Some(far) = far else {
                    out.hops.push(at(
                        format!("{} peers with {peer_tgw}, whose side is not in the estate", next.id),
                        Outcome::Unknown,
                        Some(Code::Unavailable),
                    ));
                    return;
                };
                out.hops.push(at(format!("{} crosses to peered {peer_tgw}", next.id), Outcome::Pass, None));
                ingress = far;
            }
            (AttachmentKind::Connect, _) => {
                out.hops.push(at(
                    format!("{} is a Connect attachment: its peers' BGP routes are not modelled", next.id),
                    Outcome::Unknown,
                    Some(Code::TgwConnect),
                ));
                return;
            }
            (AttachmentKind::Other, _) => {
                out.hops.push(at(
                    format!("{} ({resource}) is not modelled (Cloud WAN or a network function)", next.id),
                    Outcome::Unknown,
                    Some(Code::NotModelled),
                ));
                return;
            }
        }
    }
    out.hops.push(hop(
        step,
        "",
        &ingress.id,
        format!("more than {MAX_GATEWAYS} peered transit gateways in a row"),
        Outcome::Unknown,
        Some(Code::NotModelled),
    ));
}

/// Longest prefix match among the table's active and blackhole routes; a prefix-list
/// route counts through its entries (`Err` when a list's entries are unknown).
fn lookup<'r>(estate: &Estate<'_>, routes: &'r [TgwRoute], dest: IpNet) -> Result<Option<&'r TgwRoute>, String> {
    let mut best: Option<(u8, &TgwRoute)> = None;
    for r in routes.iter().filter(|r| r.state != TgwRouteState::Other) {
        let nets: Vec<IpNet> = match &r.prefix_list_id {
            Some(pl) => {
                let list = estate.index.iter().find_map(|ix| ix.prefix_list(pl));
                match list.and_then(|l| l.entries.as_ref()) {
                    Some(e) => e.iter().filter_map(|e| e.cidr.parse().ok()).collect(),
                    None => return Err(format!("route to prefix list {pl} whose entries are unknown")),
                }
            }
            None => r.destination.parse().ok().into_iter().collect(),
        };
        for n in nets.into_iter().filter(|n: &IpNet| n.contains(&dest)) {
            // On equal length a static route wins over a propagated one, as in AWS.
            let better = match best {
                None => true,
                Some((l, b)) => {
                    n.prefix_len() > l
                        || (n.prefix_len() == l
                            && r.route_type == TgwRouteType::Static
                            && b.route_type == TgwRouteType::Propagated)
                }
            };
            if better {
                best = Some((n.prefix_len(), r));
            }
        }
    }
    Ok(best.map(|(_, r)| r))
}
