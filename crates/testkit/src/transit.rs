//! The production / production-PCI pair joined by a transit gateway hub instead of a
//! peering, written to the shapes DescribeTransitGateway* / SearchTransitGatewayRoutes /
//! DescribeVpnConnections return: both VPCs, a VPN connection (on-premises 192.168.0.0/16)
//! and a Direct Connect gateway (172.16.0.0/12) attached to `tgw-hub`, one route table
//! associated with every attachment, each attachment propagating its routes into it.

use crate::fixtures::route;
use model::*;

pub const TGW: &str = "tgw-hub";
pub const TABLE: &str = "tgw-rtb-hub";
pub const ONPREM: &str = "192.168.0.0/16";
pub const DX: &str = "172.16.0.0/12";

pub fn attachment(id: &str, tgw: &str, kind: AttachmentKind, resource: &str, table: Option<&str>) -> TgwAttachment {
    TgwAttachment {
        id: id.into(),
        transit_gateway_id: tgw.into(),
        kind,
        resource_id: Some(resource.into()),
        resource_owner_id: Some("111111111111".into()),
        state: "available".into(),
        route_table_id: table.map(Into::into),
        association_state: table.map(|_| "associated".into()),
        peer: None,
        subnet_ids: vec![],
        appliance_mode: None,
        tags: Tags::new(),
    }
}

pub fn tgw_route(dest: &str, kind: TgwRouteType, attachments: &[&str]) -> TgwRoute {
    TgwRoute {
        destination: dest.into(),
        prefix_list_id: None,
        route_type: kind,
        state: if attachments.is_empty() { TgwRouteState::Blackhole } else { TgwRouteState::Active },
        attachments: attachments.iter().map(|a| a.to_string()).collect(),
    }
}

pub fn table(id: &str, tgw: &str, associations: &[&str], routes: Vec<TgwRoute>) -> TgwRouteTable {
    TgwRouteTable {
        id: id.into(),
        transit_gateway_id: tgw.into(),
        state: "available".into(),
        default_association: true,
        default_propagation: true,
        associations: associations.iter().map(|a| a.to_string()).collect(),
        propagations: associations.iter().map(|a| a.to_string()).collect(),
        routes: Some(routes),
        routes_error: None,
        tags: Tags::new(),
    }
}

pub fn tunnel(ip: &str, up: bool, message: Option<&str>) -> VpnTunnel {
    VpnTunnel {
        outside_ip: ip.into(),
        status: if up { TunnelStatus::Up } else { TunnelStatus::Down },
        status_message: message.map(Into::into),
        last_status_change: None,
        accepted_routes: Some(if up { 1 } else { 0 }),
    }
}

pub fn vpn(id: &str, vgw: Option<&str>, tgw: Option<&str>, tunnels: Vec<VpnTunnel>) -> VpnConnection {
    VpnConnection {
        id: id.into(),
        state: "available".into(),
        customer_gateway_id: Some("cgw-office".into()),
        vpn_gateway_id: vgw.map(Into::into),
        transit_gateway_id: tgw.map(Into::into),
        static_routes_only: Some(false),
        routes: vec![],
        tunnels,
        tags: Tags::new(),
    }
}

/// Route the pair's app tiers through the hub: the peering routes give way to routes to
/// the transit gateway for the other VPC, on-premises and Direct Connect.
pub fn hub(prod: &mut Snapshot, pci: &mut Snapshot) {
    for (s, p, other) in [(&mut *prod, "prod", "10.21.0.0/16"), (&mut *pci, "pci", "10.20.0.0/16")] {
        for rt in s.route_tables.iter_mut().filter(|r| r.id.starts_with(&format!("rtb-{p}-app"))) {
            rt.routes.retain(|r| r.target_kind != TargetKind::VpcPeering);
            for dest in [other, ONPREM, DX] {
                rt.routes.push(route(dest, TargetKind::TransitGateway, Some(TGW)));
            }
        }
        s.peering_connections.clear();
    }
    // The hub's owner (production) sees the gateway, every attachment and the table.
    prod.transit_gateways.push(TransitGateway {
        id: TGW.into(),
        owner_id: Some("111111111111".into()),
        state: "available".into(),
        default_association_route_table: Some(TABLE.into()),
        default_propagation_route_table: Some(TABLE.into()),
        tags: Tags::new(),
    });
    let all = ["tgw-attach-prod", "tgw-attach-pci", "tgw-attach-vpn", "tgw-attach-dx"];
    prod.transit_gateway_attachments = vec![
        attachment(all[0], TGW, AttachmentKind::Vpc, "vpc-prod", Some(TABLE)),
        attachment(all[1], TGW, AttachmentKind::Vpc, "vpc-pci", Some(TABLE)),
        attachment(all[2], TGW, AttachmentKind::Vpn, "vpn-office", Some(TABLE)),
        attachment(all[3], TGW, AttachmentKind::DirectConnectGateway, "dxgw-1", Some(TABLE)),
    ];
    prod.transit_gateway_route_tables = vec![table(
        TABLE,
        TGW,
        &all,
        vec![
            tgw_route("10.20.0.0/16", TgwRouteType::Propagated, &[all[0]]),
            tgw_route("10.21.0.0/16", TgwRouteType::Propagated, &[all[1]]),
            tgw_route(ONPREM, TgwRouteType::Propagated, &[all[2]]),
            tgw_route(DX, TgwRouteType::Propagated, &[all[3]]),
        ],
    )];
    prod.vpn_connections =
        vec![vpn("vpn-office", None, Some(TGW), vec![tunnel("52.1.1.1", true, None), tunnel("52.1.1.2", true, None)])];
    prod.customer_gateways.push(CustomerGateway {
        id: "cgw-office".into(),
        ip_address: Some("198.51.100.7".into()),
        bgp_asn: Some("65000".into()),
        state: "available".into(),
        tags: Tags::new(),
    });
    // The PCI account sees its own VPC's attachment.
    pci.transit_gateway_attachments = vec![attachment(all[1], TGW, AttachmentKind::Vpc, "vpc-pci", Some(TABLE))];
    crate::reach::mark_all_ok(prod);
    crate::reach::mark_all_ok(pci);
}
