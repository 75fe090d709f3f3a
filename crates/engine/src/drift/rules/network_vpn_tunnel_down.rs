//! `network.vpn-tunnel-down`: a VPN connection serving an in-scope VPC (through a VPN
//! gateway attached to it, or a transit gateway it is attached to) has fewer tunnels UP
//! than `[network] vpn = { tunnels_up = N }` asks. One finding per tunnel down, naming the
//! connection, the tunnel's outside address and AWS's status message; a connection that
//! reports no telemetry is reported too (its tunnels are unknown, never fine).

use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::{AttachmentKind, Kind, TunnelStatus, VpnConnection};

pub struct VpnTunnelDown;
pub static RULE: VpnTunnelDown = VpnTunnelDown;
const ID: &str = "network.vpn-tunnel-down";

impl Rule for VpnTunnelDown {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::VpnConnections, Kind::VpnGateways, Kind::TransitGatewayAttachments]
    }
    fn applies(&self, d: &Design) -> bool {
        d.network.vpn.is_some()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.network.vpn else { return };
        let want = policy.tunnels_up;
        let clause = format!("network.vpn = {{ tunnels_up = {want} }} (line {})", policy.line);
        for c in cx.snap.vpn_connections.iter().filter(|c| c.state == "available" && serves(cx, c)) {
            let up = c.tunnels_up();
            let ends = c.vpn_gateway_id.as_deref().or(c.transit_gateway_id.as_deref()).unwrap_or("?");
            let base = |resource: &str| {
                FindingBuilder::new(ID, default_severity(ID), "vpn_connection", resource)
                    .expected(format!("at least {want} tunnel(s) UP"))
                    .evidence("connection", c.id.clone())
                    .evidence("gateway", ends)
                    .evidence("tunnels_up", up.to_string())
                    .clause(clause.clone())
            };
            if c.tunnels.is_empty() {
                out.push(
                    base(&c.id)
                        .actual("no tunnel telemetry reported")
                        .message(format!("{} ({ends}) reports no tunnel telemetry: its tunnels are unknown", c.id)),
                );
                continue;
            }
            if up >= want {
                continue;
            }
            for t in c.tunnels.iter().filter(|t| t.status == TunnelStatus::Down) {
                let why = t.status_message.as_deref().unwrap_or("no status message");
                out.push(
                    base(&c.id)
                        .actual(format!("tunnel {} DOWN: {why}", t.outside_ip))
                        .evidence("tunnel", t.outside_ip.clone())
                        .evidence_opt("status_message", t.status_message.as_deref())
                        .message(format!(
                            "{} ({ends}) tunnel {} is DOWN ({why}); {up} of {} UP, the design asks {want}",
                            c.id,
                            t.outside_ip,
                            c.tunnels.len()
                        )),
                );
            }
        }
    }
}

/// Does the connection serve an in-scope VPC?
fn serves(cx: &Context<'_>, c: &VpnConnection) -> bool {
    if let Some(vgw) = c.vpn_gateway_id.as_deref() {
        let g = cx.snap.vpn_gateways.iter().find(|g| g.id == vgw);
        return g.is_some_and(|g| cx.vpcs.iter().any(|v| g.attached_to(v)));
    }
    let Some(tgw) = c.transit_gateway_id.as_deref() else { return false };
    cx.snap.transit_gateway_attachments.iter().any(|a| {
        a.kind == AttachmentKind::Vpc
            && a.transit_gateway_id == tgw
            && a.resource_id.as_ref().is_some_and(|v| cx.vpcs.contains(v))
    })
}
