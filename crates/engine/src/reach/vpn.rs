//! VPN hops: a VPN connection carries traffic only while a tunnel is UP (both down:
//! `VPN_DOWN`; one down: allowed, and the hop says which and why); a VPC route to a VPN
//! gateway needs the gateway attached to the VPC and a connection that routes the
//! destination (its static routes, or BGP when it is not static-only).

use super::{Code, Estate, Hop, Outcome};
use ipnet::IpNet;
use model::{Kind, TunnelStatus, VpnConnection};

/// Words the hop of a connection with a tunnel down (but not all) starts with; the answer
/// repeats such hops as notes.
pub const DEGRADED: &str = "tunnel down";

fn hop(step: &'static str, env: &str, resource: &str, detail: String, outcome: Outcome, code: Option<Code>) -> Hop {
    Hop { step, env: env.to_string(), resource: resource.to_string(), detail, outcome, code }
}

fn find<'a>(estate: &'a Estate<'_>, id: &str) -> Option<(&'a str, &'a VpnConnection)> {
    estate.index.iter().find_map(|ix| ix.vpn_connection(id).map(|c| (ix.name, c)))
}

/// The tunnels of VPN connection `id`.
pub fn tunnels(estate: &Estate<'_>, id: &str, env: &str, ret: bool) -> Hop {
    let step = if ret { "return-vpn" } else { "vpn" };
    if !estate.index.iter().any(|ix| ix.snap.usable(Kind::VpnConnections)) {
        return hop(step, env, id, "vpn_connections unavailable".into(), Outcome::Unknown, Some(Code::Unavailable));
    }
    let Some((env, c)) = find(estate, id) else {
        return hop(step, env, id, format!("{id} is not in the inventory"), Outcome::Unknown, Some(Code::Unavailable));
    };
    judge(step, env, c)
}

fn judge(step: &'static str, env: &str, c: &VpnConnection) -> Hop {
    if c.state != "available" {
        return hop(step, env, &c.id, format!("{} is {}", c.id, c.state), Outcome::Block, Some(Code::VpnDown));
    }
    if c.tunnels.is_empty() {
        return hop(
            step,
            env,
            &c.id,
            format!("{}: no tunnel telemetry reported", c.id),
            Outcome::Unknown,
            Some(Code::Unavailable),
        );
    }
    let down: Vec<String> = c
        .tunnels
        .iter()
        .filter(|t| t.status == TunnelStatus::Down)
        .map(|t| match &t.status_message {
            Some(m) => format!("{} DOWN ({m})", t.outside_ip),
            None => format!("{} DOWN", t.outside_ip),
        })
        .collect();
    let up = c.tunnels_up();
    if up == 0 {
        return hop(
            step,
            env,
            &c.id,
            format!("{}: every tunnel is down: {}", c.id, down.join("; ")),
            Outcome::Block,
            Some(Code::VpnDown),
        );
    }
    let detail = if down.is_empty() {
        format!("{}: {up} of {} tunnels UP", c.id, c.tunnels.len())
    } else {
        format!("{}: {DEGRADED}, {up} of {} UP: {}", c.id, c.tunnels.len(), down.join("; "))
    };
    hop(step, env, &c.id, detail, Outcome::Pass, None)
}

/// A VPC route from `vpc` to VPN gateway `vgw`, towards `dest` on-premises.
pub fn via_gateway(estate: &Estate<'_>, env: &str, vgw: &str, vpc: &str, dest: IpNet, ret: bool) -> Vec<Hop> {
    let step = if ret { "return-vgw" } else { "vgw" };
    if !estate.index.iter().any(|ix| ix.snap.usable(Kind::VpnGateways)) {
        return vec![hop(step, env, vgw, "vpn_gateways unavailable".into(), Outcome::Unknown, Some(Code::Unavailable))];
    }
    let Some((genv, g)) = estate.index.iter().find_map(|ix| ix.vpn_gateway(vgw).map(|g| (ix.name, g))) else {
        return vec![hop(
            step,
            env,
            vgw,
            format!("{vgw} not found (deleted?)"),
            Outcome::Block,
            Some(Code::VpnNoRoute),
        )];
    };
    if !g.attached_to(vpc) {
        return vec![hop(
            step,
            genv,
            vgw,
            format!("{vgw} is not attached to {vpc}"),
            Outcome::Block,
            Some(Code::VpnNoRoute),
        )];
    }
    let mut out = vec![hop(step, genv, vgw, format!("{vgw} attached to {vpc}"), Outcome::Pass, None)];
    if !estate.index.iter().any(|ix| ix.snap.usable(Kind::VpnConnections)) {
        out.push(hop(step, genv, vgw, "vpn_connections unavailable".into(), Outcome::Unknown, Some(Code::Unavailable)));
        return out;
    }
    let on_gateway: Vec<(&str, &VpnConnection)> = estate
        .index
        .iter()
        .flat_map(|ix| ix.snap.vpn_connections.iter().map(move |c| (ix.name, c)))
        .filter(|(_, c)| c.vpn_gateway_id.as_deref() == Some(vgw) && c.state != "deleted")
        .collect();
    if on_gateway.is_empty() {
        // A VPN gateway may also be associated with a Direct Connect gateway, which is not read.
        out.push(hop(
            step,
            genv,
            vgw,
            format!("{vgw} has no VPN connection: a Direct Connect association is not read"),
            Outcome::Unknown,
            Some(Code::NotModelled),
        ));
        return out;
    }
    let routes = |c: &VpnConnection| {
        c.static_routes_only != Some(true)
            || c.routes.iter().filter_map(|r| r.parse::<IpNet>().ok()).any(|n| n.contains(&dest))
    };
    let routing: Vec<&(&str, &VpnConnection)> = on_gateway.iter().filter(|(_, c)| routes(c)).collect();
    let Some(best) = routing.iter().max_by_key(|(_, c)| (c.state == "available", c.tunnels_up())) else {
        let ids: Vec<&str> = on_gateway.iter().map(|(_, c)| c.id.as_str()).collect();
        out.push(hop(
            step,
            genv,
            vgw,
            format!("no VPN connection of {vgw} routes {dest} (static routes only: {})", ids.join(", ")),
            Outcome::Block,
            Some(Code::VpnNoRoute),
        ));
        return out;
    };
    out.push(judge(if ret { "return-vpn" } else { "vpn" }, best.0, best.1));
    out
}
