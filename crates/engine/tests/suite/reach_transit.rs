//! Reach through transit gateways, VPN and Direct Connect, gateway endpoints, and the
//! cases where the inventory knows the answer: one test per hop and code, on the
//! production / production-PCI pair joined by a transit gateway hub (`testkit::transit`).

use engine::design::Design;
use engine::reach::{self, Code, Env, Estate, Outcome, Protocol, Verdict};
use ipnet::IpNet;
use model::*;
use testkit::reach::*;
use testkit::transit::{self, *};

struct Hub {
    prod: Snapshot,
    pci: Snapshot,
    dprod: Design,
    dpci: Design,
}

impl Hub {
    fn new() -> Self {
        let (mut prod, mut pci) = (side("prod"), side("pci"));
        transit::hub(&mut prod, &mut pci);
        let mut dprod = design("production");
        let nets = |c: &str| vec![c.parse::<IpNet>().expect("cidr")];
        dprod.cidr_sets.insert("onprem".into(), nets("192.168.10.0/24"));
        dprod.cidr_sets.insert("datacentre".into(), nets("172.16.5.0/24"));
        Hub { prod, pci, dprod, dpci: design("production-pci") }
    }

    fn ask(&self, from: &str, to: &str, port: u16) -> reach::Answer {
        let envs = [
            Env { name: "production", design: &self.dprod, snapshot: &self.prod },
            Env { name: "production-pci", design: &self.dpci, snapshot: &self.pci },
        ];
        reach::query(&Estate::new(&envs), 0, from, to, Protocol::Tcp, port)
    }

    fn table(&mut self) -> &mut TgwRouteTable {
        self.prod.transit_gateway_route_tables.iter_mut().find(|t| t.id == TABLE).expect("hub table")
    }

    fn attachment(&mut self, id: &str) -> &mut TgwAttachment {
        self.prod.transit_gateway_attachments.iter_mut().find(|a| a.id == id).expect("attachment")
    }
}

fn verdict(a: &reach::Answer) -> (Verdict, Option<Code>) {
    (a.verdict, a.code)
}

fn steps(a: &reach::Answer) -> Vec<&'static str> {
    a.path.as_ref().expect("path").hops.iter().map(|h| h.step).collect()
}

fn deciding(a: &reach::Answer) -> &reach::Hop {
    a.path.as_ref().and_then(|p| p.deciding_hop()).expect("a deciding hop")
}

#[test]
fn vpc_to_vpc_through_the_hub_is_judged_hop_by_hop_both_ways() {
    let hub = Hub::new();
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    let p = a.path.as_ref().expect("path");
    let tgw: Vec<&str> = p.hops.iter().filter(|h| h.step == "tgw").map(|h| h.resource.as_str()).collect();
    assert_eq!(tgw, ["tgw-attach-prod", TABLE, "tgw-attach-pci"], "{p:#?}");
    assert!(p.hops.iter().any(|h| h.step == "tgw" && h.detail.contains("10.21.0.0/16 -> tgw-attach-pci (propagated)")));
    // The return crosses the hub too, from the PCI VPC's attachment back to production's.
    let back: Vec<&str> = p.hops.iter().filter(|h| h.step == "return-tgw").map(|h| h.resource.as_str()).collect();
    assert_eq!(back, ["tgw-attach-pci", TABLE, "tgw-attach-prod"], "{p:#?}");
}

#[test]
fn a_blackhole_route_in_the_hub_denies() {
    let mut hub = Hub::new();
    hub.table().routes.as_mut().expect("routes")[1] = tgw_route("10.21.0.0/16", TgwRouteType::Static, &[]);
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwBlackhole)), "{a:#?}");
    assert!(a.reason.contains("10.21.0.0/16 -> blackhole (static)"), "{}", a.reason);
}

#[test]
fn a_longer_static_blackhole_beats_the_propagated_route() {
    let mut hub = Hub::new();
    hub.table().routes.as_mut().expect("routes").push(tgw_route("10.21.11.0/24", TgwRouteType::Static, &[]));
    let a = hub.ask("app", "production-pci:alb", 443);
    // The ALB's first subnet (10.21.11.0/24) is cut off; its other subnets are still reached.
    let to = |p: &&reach::PathAnswer| p.to.contains("subnet-pci-app-a");
    let cut: Vec<_> = a.paths.iter().filter(to).map(|p| (p.verdict, p.code)).collect();
    assert!(!cut.is_empty() && cut.iter().all(|v| *v == (Verdict::Denied, Some(Code::TgwBlackhole))), "{a:#?}");
    assert!(a.paths.iter().filter(|p| !to(p)).all(|p| p.verdict == Verdict::Allowed), "{a:#?}");
}

#[test]
fn an_attachment_with_no_association_denies() {
    let mut hub = Hub::new();
    let att = hub.attachment("tgw-attach-prod");
    att.route_table_id = None;
    att.association_state = None;
    hub.table().associations.retain(|a| a != "tgw-attach-prod");
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwNoAssociation)), "{a:#?}");
    assert_eq!(deciding(&a).resource, "tgw-attach-prod");
}

#[test]
fn the_association_is_found_from_the_table_when_the_attachment_does_not_report_it() {
    let mut hub = Hub::new();
    let att = hub.attachment("tgw-attach-prod");
    att.route_table_id = None;
    att.association_state = None;
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
}

#[test]
fn no_route_in_the_hub_table_denies() {
    let mut hub = Hub::new();
    hub.table().routes.as_mut().expect("routes").retain(|r| r.destination != "10.21.0.0/16");
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwNoRoute)), "{a:#?}");
    assert!(a.reason.contains("no route to 10.21."), "{}", a.reason);
}

#[test]
fn a_return_missing_in_the_destination_attachments_table_denies_on_the_return() {
    let mut hub = Hub::new();
    // The PCI attachment gets a table of its own that knows only on-premises.
    hub.attachment("tgw-attach-pci").route_table_id = Some("tgw-rtb-pci".into());
    hub.table().associations.retain(|a| a != "tgw-attach-pci");
    hub.prod.transit_gateway_route_tables.push(table(
        "tgw-rtb-pci",
        TGW,
        &["tgw-attach-pci"],
        vec![tgw_route(ONPREM, TgwRouteType::Propagated, &["tgw-attach-vpn"])],
    ));
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwNoRoute)), "{a:#?}");
    let h = deciding(&a);
    assert_eq!((h.step, h.resource.as_str()), ("return-tgw", "tgw-rtb-pci"), "{h:#?}");
}

#[test]
fn a_vpc_with_no_attachment_to_the_named_gateway_denies() {
    let mut hub = Hub::new();
    hub.prod.transit_gateway_attachments.retain(|a| a.id != "tgw-attach-prod");
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwNoAttachment)), "{a:#?}");
    hub = Hub::new();
    hub.attachment("tgw-attach-pci").state = "pendingAcceptance".into();
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwNoAttachment)), "{a:#?}");
    assert!(a.reason.contains("pendingAcceptance"), "{}", a.reason);
}

#[test]
fn a_route_leading_to_another_vpc_denies() {
    let mut hub = Hub::new();
    hub.table().routes.as_mut().expect("routes")[1].attachments = vec!["tgw-attach-prod".into()];
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwNoRoute)), "{a:#?}");
    assert!(a.reason.contains("leads to vpc-prod, not vpc-pci"), "{}", a.reason);
}

#[test]
fn unreadable_transit_gateway_tables_are_unknown_never_allowed() {
    let mut hub = Hub::new();
    hub.prod.inventory.insert(Kind::TransitGatewayRouteTables, KindStatus::failed("AccessDenied"));
    hub.pci.inventory.insert(Kind::TransitGatewayRouteTables, KindStatus::failed("AccessDenied"));
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Unknown, Some(Code::Unavailable)), "{a:#?}");
    let mut hub = Hub::new();
    hub.table().routes = None;
    hub.table().routes_error = Some("ec2:SearchTransitGatewayRoutes: throttled".into());
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Unknown, Some(Code::Unavailable)), "{a:#?}");
    assert!(a.reason.contains("throttled"), "{}", a.reason);
}

#[test]
fn on_premises_through_a_vpn_attachment_needs_a_tunnel_up() {
    let mut hub = Hub::new();
    let a = hub.ask("app", "onprem", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    assert!(steps(&a).contains(&"vpn") && steps(&a).contains(&"return-tgw"), "{:?}", steps(&a));
    assert!(a.notes.iter().all(|n| !n.contains("tunnel")), "{:?}", a.notes);
    // One tunnel down: still allowed, and the answer says which and why.
    hub.prod.vpn_connections[0].tunnels[1] = tunnel("52.1.1.2", false, Some("IPSEC IS DOWN"));
    let a = hub.ask("app", "onprem", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    assert!(a.notes.iter().any(|n| n.contains("52.1.1.2 DOWN (IPSEC IS DOWN)")), "{:?}", a.notes);
    // Both down: denied, naming the tunnels.
    hub.prod.vpn_connections[0].tunnels[0] = tunnel("52.1.1.1", false, Some("IPSEC IS DOWN"));
    let a = hub.ask("app", "onprem", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::VpnDown)), "{a:#?}");
    assert!(a.reason.contains("52.1.1.1 DOWN") && a.reason.contains("52.1.1.2 DOWN"), "{}", a.reason);
}

#[test]
fn a_vpn_with_no_telemetry_is_unknown() {
    let mut hub = Hub::new();
    hub.prod.vpn_connections[0].tunnels.clear();
    let a = hub.ask("app", "onprem", 443);
    assert_eq!(verdict(&a), (Verdict::Unknown, Some(Code::Unavailable)), "{a:#?}");
}

#[test]
fn from_on_premises_comes_in_by_the_vpn_attachment() {
    let mut hub = Hub::new();
    let a = hub.ask("onprem", "production-pci:alb", 443);
    assert_eq!(verdict(&a).0, Verdict::Denied, "PCI ALB lets in production only: {a:#?}");
    sg_mut(&mut hub.pci, "sg-pci-alb").ingress.push(rule(
        "sgr-onprem",
        "tcp",
        443,
        443,
        RulePeer::Cidr4(ONPREM.into()),
    ));
    // PCI's app tier routes on-premises through the hub, and the hub's table brings it in.
    let a = hub.ask("onprem", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    let first = &a.path.as_ref().expect("path").hops[0];
    assert_eq!((first.step, first.resource.as_str()), ("tgw", TABLE), "traffic order: the hub first");
    hub.prod.vpn_connections[0].state = "deleted".into();
    let a = hub.ask("onprem", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::VpnDown)), "{a:#?}");
}

#[test]
fn direct_connect_through_the_hub() {
    let mut hub = Hub::new();
    let a = hub.ask("app", "datacentre", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    assert!(a.path.as_ref().expect("path").hops.iter().any(|h| h.detail.contains("Direct Connect gateway dxgw-1")));
    // A Direct Connect route cannot lead into a VPC.
    hub.table().routes.as_mut().expect("routes")[1].attachments = vec!["tgw-attach-dx".into()];
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwNoRoute)), "{a:#?}");
}

#[test]
fn a_peered_transit_gateway_is_followed_to_its_own_table() {
    let mut hub = Hub::new();
    // PCI's VPC hangs off its own gateway, peered with the hub across regions.
    let peer = |tgw: &str| Some(TgwPeer { transit_gateway_id: tgw.into(), owner_id: None, region: None });
    hub.prod.transit_gateway_attachments.retain(|a| a.id != "tgw-attach-pci");
    let mut here = attachment("tgw-attach-peer", TGW, AttachmentKind::Peering, "tgw-pci", Some(TABLE));
    here.peer = peer("tgw-pci");
    hub.prod.transit_gateway_attachments.push(here);
    hub.table().routes.as_mut().expect("routes")[1].attachments = vec!["tgw-attach-peer".into()];
    let mut there = attachment("tgw-attach-peer", "tgw-pci", AttachmentKind::Peering, TGW, Some("tgw-rtb-pci"));
    there.peer = peer(TGW);
    hub.pci.transit_gateway_attachments =
        vec![attachment("tgw-attach-pci", "tgw-pci", AttachmentKind::Vpc, "vpc-pci", Some("tgw-rtb-pci")), there];
    hub.pci.transit_gateway_route_tables = vec![table(
        "tgw-rtb-pci",
        "tgw-pci",
        &["tgw-attach-pci", "tgw-attach-peer"],
        vec![
            tgw_route("10.21.0.0/16", TgwRouteType::Propagated, &["tgw-attach-pci"]),
            tgw_route("10.20.0.0/16", TgwRouteType::Static, &["tgw-attach-peer"]),
        ],
    )];
    for rt in hub.pci.route_tables.iter_mut() {
        for r in rt.routes.iter_mut().filter(|r| r.target_kind == TargetKind::TransitGateway) {
            r.target_id = Some("tgw-pci".into());
        }
    }
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    let p = a.path.as_ref().expect("path");
    assert!(p.hops.iter().any(|h| h.detail.contains("crosses to peered tgw-pci")), "{p:#?}");
    assert!(p.hops.iter().any(|h| h.resource == "tgw-rtb-pci" && h.step == "tgw"), "{p:#?}");
    // The far side's table blackholes the VPC: denied there.
    hub.pci.transit_gateway_route_tables[0].routes.as_mut().expect("routes")[0] =
        tgw_route("10.21.0.0/16", TgwRouteType::Static, &[]);
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::TgwBlackhole)), "{a:#?}");
    assert_eq!(deciding(&a).resource, "tgw-rtb-pci");
}

#[test]
fn appliance_mode_and_connect_attachments_stay_unknown_with_their_codes() {
    let mut hub = Hub::new();
    hub.attachment("tgw-attach-pci").appliance_mode = Some(true);
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(verdict(&a), (Verdict::Unknown, Some(Code::ApplianceMode)), "{a:#?}");
    let mut hub = Hub::new();
    hub.attachment("tgw-attach-dx").kind = AttachmentKind::Connect;
    let a = hub.ask("app", "datacentre", 443);
    assert_eq!(verdict(&a), (Verdict::Unknown, Some(Code::TgwConnect)), "{a:#?}");
}

#[test]
fn middlebox_and_cloud_wan_routes_stay_unknown_with_their_codes() {
    for (kind, id, code) in [
        (TargetKind::NetworkInterface, "eni-fw", Code::Middlebox),
        (TargetKind::Instance, "i-fw", Code::Middlebox),
        (TargetKind::CoreNetwork, "arn:aws:networkmanager::1:core-network/core-network-1", Code::CloudWan),
    ] {
        let mut hub = Hub::new();
        for rt in hub.prod.route_tables.iter_mut().filter(|r| r.id.starts_with("rtb-prod-app")) {
            rt.routes.push(route("10.21.0.0/16", kind, Some(id)));
            rt.routes.retain(|r| !(r.destination == "10.21.0.0/16" && r.target_kind == TargetKind::TransitGateway));
        }
        let a = hub.ask("app", "production-pci:alb", 443);
        assert_eq!(verdict(&a), (Verdict::Unknown, Some(code)), "{a:#?}");
    }
}

/// The VPC's own VPN gateway, with the route the gateway propagates.
fn with_vgw(hub: &mut Hub) {
    for rt in hub.prod.route_tables.iter_mut().filter(|r| r.id.starts_with("rtb-prod-app")) {
        rt.routes.retain(|r| r.destination != ONPREM);
        let mut r = route(ONPREM, TargetKind::VpnGateway, Some("vgw-prod"));
        r.origin = Some("EnableVgwRoutePropagation".into());
        rt.routes.push(r);
        rt.propagating_vgws = vec!["vgw-prod".into()];
    }
    hub.prod.vpn_gateways = vec![VpnGateway {
        id: "vgw-prod".into(),
        state: "available".into(),
        amazon_side_asn: Some(64512),
        vpc_attachments: vec![VgwAttachment { vpc_id: "vpc-prod".into(), state: "attached".into() }],
        tags: Tags::new(),
    }];
    hub.prod.vpn_connections.push(vpn(
        "vpn-vgw",
        Some("vgw-prod"),
        None,
        vec![tunnel("35.1.1.1", true, None), tunnel("35.1.1.2", false, Some("BGP DOWN"))],
    ));
    mark_all_ok(&mut hub.prod);
}

#[test]
fn on_premises_through_the_vpcs_vpn_gateway() {
    let mut hub = Hub::new();
    with_vgw(&mut hub);
    let a = hub.ask("app", "onprem", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    let p = a.path.as_ref().expect("path");
    assert!(p.hops[0].detail.contains("propagated by the VPN gateway"), "{:#?}", p.hops[0]);
    assert!(a.notes.iter().any(|n| n.contains("35.1.1.2 DOWN (BGP DOWN)")), "{:?}", a.notes);
    // Detached: denied at the gateway.
    hub.prod.vpn_gateways[0].vpc_attachments[0].state = "detached".into();
    let a = hub.ask("app", "onprem", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::VpnNoRoute)), "{a:#?}");
}

#[test]
fn a_static_only_vpn_must_route_the_destination() {
    let mut hub = Hub::new();
    with_vgw(&mut hub);
    let c = hub.prod.vpn_connections.iter_mut().find(|c| c.id == "vpn-vgw").expect("vpn");
    c.static_routes_only = Some(true);
    c.routes = vec!["192.168.99.0/24".into()];
    let a = hub.ask("app", "onprem", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::VpnNoRoute)), "{a:#?}");
    let c = hub.prod.vpn_connections.iter_mut().find(|c| c.id == "vpn-vgw").expect("vpn");
    c.routes.push("192.168.0.0/16".into());
    assert_eq!(verdict(&hub.ask("app", "onprem", 443)), (Verdict::Allowed, None));
}

/// An S3 gateway endpoint in production, with the AWS prefix list and its route.
fn with_s3(hub: &mut Hub, endpoint_type: &str) {
    hub.prod.prefix_lists = vec![PrefixList {
        id: "pl-63a5400a".into(),
        name: "com.amazonaws.us-east-1.s3".into(),
        owner_id: Some("AWS".into()),
        address_family: Some("IPv4".into()),
        state: "create-complete".into(),
        max_entries: None,
        entries: Some(vec![PrefixListEntry { cidr: "52.216.0.0/15".into(), description: None }]),
        entries_error: None,
        tags: Tags::new(),
    }];
    hub.prod.vpc_endpoints = vec![VpcEndpoint {
        id: "vpce-s3".into(),
        vpc_id: "vpc-prod".into(),
        service_name: "com.amazonaws.us-east-1.s3".into(),
        endpoint_type: endpoint_type.into(),
        state: "available".into(),
        route_table_ids: vec!["rtb-prod-app-a".into()],
        subnet_ids: vec![],
        security_groups: vec![],
        tags: Tags::new(),
    }];
    for rt in hub.prod.route_tables.iter_mut().filter(|r| r.id.starts_with("rtb-prod-app")) {
        rt.routes.push(route("pl-63a5400a", TargetKind::VpcEndpoint, Some("vpce-s3")));
    }
    mark_all_ok(&mut hub.prod);
}

#[test]
fn s3_is_reached_through_its_gateway_endpoint() {
    let mut hub = Hub::new();
    with_s3(&mut hub, "Gateway");
    let a = hub.ask("app", "s3", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    let p = a.path.as_ref().expect("path");
    assert!(p.hops.iter().any(|h| h.step == "endpoint" && h.detail.contains("gateway endpoint for s3")), "{p:#?}");
    hub.prod.vpc_endpoints[0].state = "deleting".into();
    let a = hub.ask("app", "s3", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::EndpointNotAvailable)), "{a:#?}");
    // A Gateway Load Balancer endpoint is a middlebox: unknown.
    let mut hub = Hub::new();
    with_s3(&mut hub, "GatewayLoadBalancer");
    let a = hub.ask("app", "s3", 443);
    assert_eq!(verdict(&a), (Verdict::Unknown, Some(Code::Middlebox)), "{a:#?}");
    // Without the list's entries the service cannot be placed.
    hub.prod.prefix_lists[0].entries = None;
    assert_eq!(hub.ask("app", "s3", 443).code, Some(Code::Unavailable));
}

#[test]
fn an_address_in_an_estate_vpc_but_no_subnet_is_denied() {
    // Over the peering, as the pair is built: 10.21.100.1 is in PCI's VPC, in no subnet.
    let (prod, pci) = (side("prod"), side("pci"));
    let (dprod, dpci) = (design("production"), design("production-pci"));
    let envs = [
        Env { name: "production", design: &dprod, snapshot: &prod },
        Env { name: "production-pci", design: &dpci, snapshot: &pci },
    ];
    let a = reach::query(&Estate::new(&envs), 0, "app", "10.21.100.1", Protocol::Tcp, 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::NoSubnet)), "{a:#?}");
    assert!(a.reason.contains("in vpc-pci but in none of its subnets"), "{}", a.reason);
    // Through the hub alike.
    let hub = Hub::new();
    let a = hub.ask("app", "10.21.100.1", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::NoSubnet)), "{a:#?}");
}

#[test]
fn an_address_no_interface_holds_is_denied_and_one_held_takes_its_groups() {
    let mut hub = Hub::new();
    let a = hub.ask("app", "production-pci:10.21.11.50", 443);
    assert_eq!(verdict(&a), (Verdict::Denied, Some(Code::NoDestination)), "{a:#?}");
    hub.pci.network_interfaces.push(eni("eni-alb", "vpc-pci", "subnet-pci-app-a", "10.21.11.50", &["sg-pci-alb"]));
    mark_all_ok(&mut hub.pci);
    let a = hub.ask("app", "production-pci:10.21.11.50", 443);
    assert_eq!(verdict(&a), (Verdict::Allowed, None), "{a:#?}");
    assert_eq!(verdict(&hub.ask("app", "production-pci:10.21.11.50", 8443)).1, Some(Code::SgNoIngress));
    // Interfaces unreadable: the groups are unknown, never a denial.
    hub.pci.inventory.insert(Kind::NetworkInterfaces, KindStatus::failed("AccessDenied"));
    let a = hub.ask("app", "production-pci:10.21.11.50", 443);
    assert_eq!(verdict(&a), (Verdict::Unknown, Some(Code::GroupsUnknown)), "{a:#?}");
}

#[test]
fn a_tier_subnet_with_no_interface_takes_the_groups_of_its_roles() {
    let hub = Hub::new();
    let a = hub.ask("production-pci:tier:app", "alb", 443);
    let p = a.path.as_ref().expect("path");
    assert!(p.from.contains("placed by design"), "{}", p.from);
    assert!(a.notes.iter().any(|n| n.contains("placed by design in tier app")), "{:?}", a.notes);
    assert!(p.hops.iter().all(|h| h.code != Some(Code::GroupsUnknown)), "{p:#?}");
}

#[test]
fn the_deciding_hop_of_a_denied_path_is_a_block() {
    let mut hub = Hub::new();
    hub.table().routes.as_mut().expect("routes").clear();
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(deciding(&a).outcome, Outcome::Block);
}

#[test]
fn a_group_reference_across_the_hub_is_unknown_not_denied() {
    let mut hub = Hub::new();
    sg_mut(&mut hub.pci, "sg-pci-alb").ingress =
        vec![rule("sgr-pci-alb-ref", "tcp", 443, 443, RulePeer::Group("111111111111/sg-prod-app".into()))];
    let a = hub.ask("app", "production-pci:alb", 443);
    assert_eq!(a.verdict, Verdict::Unknown, "{a:#?}");
    assert_eq!(deciding(&a).step, "sg", "{a:#?}");
}

#[test]
fn an_az_without_an_attachment_subnet_does_not_reach_the_gateway() {
    let mut hub = Hub::new();
    // Production's attachment has a subnet in us-east-1a only.
    hub.attachment("tgw-attach-prod").subnet_ids = vec!["subnet-prod-app-a".into()];
    let a = hub.ask("tier:app", "production-pci:alb", 443);
    let from = |az: &str| {
        let prefix = format!("subnet-prod-app-{az}");
        a.paths.iter().filter(move |p| p.from.starts_with(&prefix))
    };
    assert!(from("a").all(|p| p.verdict == Verdict::Allowed), "{a:#?}");
    assert!(from("b").chain(from("c")).all(|p| p.code == Some(Code::TgwNoAttachment)), "{a:#?}");
    assert!(from("b").next().is_some(), "{a:#?}");
    // Attachment subnets missing from the inventory prove nothing: no block.
    hub.attachment("tgw-attach-prod").subnet_ids = vec!["subnet-elsewhere".into()];
    assert_eq!(hub.ask("tier:app", "production-pci:alb", 443).verdict, Verdict::Allowed);
}
