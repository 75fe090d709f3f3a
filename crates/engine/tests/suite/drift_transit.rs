//! The transit and VPN rules as pure functions over fixtures: `route.transit-forbidden`
//! (the counterpart of `route.peering-forbidden`), `network.vpn-tunnel-down`, and the
//! design keys they read, with their one-line validation errors.

use testkit::fixtures::*;
use testkit::transit::{tunnel, vpn};

use engine::design::Design;
use engine::drift::{Severity, evaluate};
use engine::needed_kinds;
use model::*;

/// client-a-prod with `line` added under the `[tiers.NAME]` or `[network]` header `at`.
fn edited(at: &str, line: &str) -> Result<Design, String> {
    let rel = "config/designs/client-a-prod.toml";
    let text = std::fs::read_to_string(format!("{}/{rel}", testkit::ROOT)).expect("design file");
    assert!(text.contains(at), "{at} not in the design");
    Design::parse(rel, &text.replacen(at, &format!("{at}\n{line}"), 1)).map_err(|e| e.to_string())
}

fn with_tgw_route(dest: &str) -> Snapshot {
    let mut s = client_a();
    rt_mut(&mut s, "rtb-data").routes.push(route(dest, TargetKind::TransitGateway, Some("tgw-hub")));
    restamp(&mut s);
    s
}

fn transit(r: &engine::drift::Report) -> Vec<&engine::drift::Finding> {
    r.findings.iter().filter(|f| f.rule == "route.transit-forbidden").map(|f| &**f).collect()
}

#[test]
fn a_transit_route_in_a_tier_that_forbids_transit_is_critical() {
    let d = edited("[tiers.data]", "transit = \"forbidden\"").expect("valid");
    let r = evaluate(&d, &with_tgw_route("10.1.0.0/16"));
    let f = transit(&r);
    assert_eq!(f.len(), 1, "{:#?}", r.findings);
    assert_eq!((f[0].severity, f[0].resource.as_str()), (Severity::Critical, "rtb-data"));
    assert_eq!(f[0].evidence["target"], "tgw-hub");
    assert_eq!(f[0].evidence["destination"], "10.1.0.0/16");
    assert!(f[0].message.contains("forbids transit gateway routes"), "{}", f[0].message);
    assert!(f[0].clause.as_deref().is_some_and(|c| c.starts_with("tiers.data.transit (line")));
    // Without the key, transit is allowed: the same route is clean.
    assert!(transit(&evaluate(&design("client-a-prod"), &with_tgw_route("10.1.0.0/16"))).is_empty());
}

#[test]
fn transit_cidrs_allow_only_the_destinations_they_cover() {
    let d =
        edited("[tiers.data]", "transit = \"allowed\"\ntransit_cidrs = [\"10.1.0.0/16\", \"devops\"]").expect("valid");
    assert!(transit(&evaluate(&d, &with_tgw_route("10.1.2.0/24"))).is_empty());
    assert!(transit(&evaluate(&d, &with_tgw_route("203.0.113.0/24"))).is_empty(), "a cidr set counts");
    let r = evaluate(&d, &with_tgw_route("10.9.0.0/16"));
    let f = transit(&r);
    assert_eq!(f.len(), 1, "{:#?}", r.findings);
    assert!(f[0].expected.contains("10.1.0.0/16, devops"), "{}", f[0].expected);
}

#[test]
fn transit_keys_are_validated_in_one_line() {
    let e = edited("[tiers.data]", "transit = \"sometimes\"").expect_err("invalid");
    assert!(e.contains("tiers.data.transit") && !e.contains('\n'), "{e}");
    let e = edited("[tiers.data]", "transit = \"forbidden\"\ntransit_cidrs = [\"10.1.0.0/16\"]").expect_err("invalid");
    assert!(e.contains("transit_cidrs: listed, but transit is `forbidden`") && !e.contains('\n'), "{e}");
    let e = edited("[tiers.data]", "transit_cidrs = [\"onprem\"]").expect_err("invalid");
    assert!(e.contains("`onprem` is neither a CIDR nor a cidr_sets name"), "{e}");
}

fn with_vpn(tunnels: Vec<VpnTunnel>) -> Snapshot {
    let mut s = client_a();
    s.vpn_gateways.push(VpnGateway {
        id: "vgw-a".into(),
        state: "available".into(),
        amazon_side_asn: Some(64512),
        vpc_attachments: vec![VgwAttachment { vpc_id: "vpc-a".into(), state: "attached".into() }],
        tags: Tags::new(),
    });
    s.vpn_connections.push(vpn("vpn-office", Some("vgw-a"), None, tunnels));
    restamp(&mut s);
    s
}

fn vpn_findings(r: &engine::drift::Report) -> Vec<&engine::drift::Finding> {
    r.findings.iter().filter(|f| f.rule == "network.vpn-tunnel-down").map(|f| &**f).collect()
}

#[test]
fn a_tunnel_down_names_the_connection_the_tunnel_and_its_status_message() {
    let d = edited("[network]", "vpn = { tunnels_up = 2 }").expect("valid");
    assert!(needed_kinds(&d).contains(&Kind::VpnConnections));
    let s = with_vpn(vec![tunnel("52.1.1.1", true, None), tunnel("52.1.1.2", false, Some("IPSEC IS DOWN"))]);
    let r = evaluate(&d, &s);
    let f = vpn_findings(&r);
    assert_eq!(f.len(), 1, "{:#?}", r.findings);
    assert_eq!((f[0].severity, f[0].resource.as_str()), (Severity::High, "vpn-office"));
    assert_eq!(f[0].evidence["tunnel"], "52.1.1.2");
    assert_eq!(f[0].evidence["status_message"], "IPSEC IS DOWN");
    assert!(f[0].message.contains("tunnel 52.1.1.2 is DOWN (IPSEC IS DOWN); 1 of 2 UP"), "{}", f[0].message);
    // One tunnel is enough for a design that asks one.
    let d1 = edited("[network]", "vpn = { tunnels_up = 1 }").expect("valid");
    assert!(vpn_findings(&evaluate(&d1, &s)).is_empty());
    // Both up: clean.
    let s = with_vpn(vec![tunnel("52.1.1.1", true, None), tunnel("52.1.1.2", true, None)]);
    assert!(vpn_findings(&evaluate(&d, &s)).is_empty());
}

#[test]
fn a_connection_without_telemetry_is_reported_and_out_of_scope_ones_are_not() {
    let d = edited("[network]", "vpn = { tunnels_up = 1 }").expect("valid");
    let r = evaluate(&d, &with_vpn(vec![]));
    let f = vpn_findings(&r);
    assert_eq!(f.len(), 1, "{:#?}", r.findings);
    assert!(f[0].message.contains("reports no tunnel telemetry"), "{}", f[0].message);
    // The gateway attached to a VPC outside the design: not this design's connection.
    let mut s = with_vpn(vec![tunnel("52.1.1.1", false, None), tunnel("52.1.1.2", false, None)]);
    s.vpn_gateways[0].vpc_attachments[0].vpc_id = "vpc-other".into();
    assert!(vpn_findings(&evaluate(&d, &s)).is_empty());
}

#[test]
fn unreadable_vpn_connections_are_unavailable_not_clean() {
    let d = edited("[network]", "vpn = { tunnels_up = 2 }").expect("valid");
    let mut s = with_vpn(vec![]);
    s.inventory.insert(Kind::VpnConnections, KindStatus::failed("AccessDenied"));
    let r = evaluate(&d, &s);
    assert!(vpn_findings(&r).is_empty());
    assert!(r.findings.iter().any(|f| f.rule == "inventory.unavailable" && f.resource == "vpn_connections"));
}

#[test]
fn vpn_tunnels_up_is_one_or_two() {
    let e = edited("[network]", "vpn = { tunnels_up = 3 }").expect_err("invalid");
    assert!(e.contains("network.vpn.tunnels_up: found 3, expected 1 or 2") && !e.contains('\n'), "{e}");
    let e = edited("[network]", "vpn = { up = 2 }").expect_err("invalid");
    assert!(!e.contains('\n'), "{e}");
}
