//! Transit gateway and VPN plan types replayed onto the client-a fixture from a
//! hand-written `terraform show -json` plan (format 1.2, Terraform 1.9):
//! `tests/terraform/plan_transit_client_a.json`. The gateway, its default route table, a
//! VPC attachment, routes to it, a blackhole, a VPN gateway with route propagation and a
//! VPN connection on the gateway, every id the gateway gets known only after apply.

use testkit::fixtures::*;

use engine::plan::{self, Verdict};
use engine::terraform::{self, Plan, Variant};
use model::*;

fn plan_only(prefixes: &[&str]) -> Plan {
    let text = std::fs::read_to_string(format!("{}/tests/terraform/plan_transit_client_a.json", testkit::ROOT))
        .expect("fixture");
    let mut tf = terraform::parse_plan(&text).expect("plan parses");
    tf.changes.retain(|c| prefixes.iter().any(|p| c.address.starts_with(p)));
    assert!(!tf.changes.is_empty(), "no change matches {prefixes:?}");
    tf
}

fn all() -> Plan {
    plan_only(&["aws_"])
}

/// client-a-prod whose data tier forbids transit.
fn forbidding() -> engine::design::Design {
    let rel = "config/designs/client-a-prod.toml";
    let text = std::fs::read_to_string(format!("{}/{rel}", testkit::ROOT)).expect("design");
    let text = text.replacen("[tiers.data]", "[tiers.data]\ntransit = \"forbidden\"", 1);
    engine::design::Design::parse(rel, &text).expect("valid")
}

#[test]
fn every_transit_and_vpn_type_is_judged() {
    let tf = all();
    let not: Vec<&str> = tf.not_judged().map(|c| c.address.as_str()).collect();
    assert!(not.is_empty(), "{not:?}");
}

#[test]
fn a_route_to_a_planned_transit_gateway_from_a_tier_that_forbids_it_is_caught() {
    let r = plan::evaluate(&forbidding(), &client_a(), &plan_only(&["aws_ec2_transit_gateway.hub", "aws_route.data"]));
    let got: Vec<(String, String)> =
        r.with(Verdict::Introduced).map(|f| (f.finding.rule.to_string(), f.finding.resource.to_string())).collect();
    assert!(got.contains(&p("route.transit-forbidden", "rtb-data")), "{got:?}");
    // The app tier allows transit: its route to on-premises is not a finding.
    let r = plan::evaluate(&forbidding(), &client_a(), &plan_only(&["aws_ec2_transit_gateway.hub", "aws_route.app"]));
    assert!(r.with(Verdict::Introduced).all(|f| f.finding.rule != "route.transit-forbidden"));
}

#[test]
fn the_gateway_its_default_table_and_attachments_land_in_the_inventory() {
    let applied = terraform::apply(&client_a(), &all(), Variant::High);
    let s = &applied.snapshot;
    let tgw = "aws_ec2_transit_gateway.hub";
    assert!(s.transit_gateways.iter().any(|g| g.id == tgw));
    let table = s.transit_gateway_route_tables.iter().find(|t| t.transit_gateway_id == tgw).expect("default table");
    let att = s
        .transit_gateway_attachments
        .iter()
        .find(|a| a.kind == AttachmentKind::Vpc && a.resource_id.as_deref() == Some("vpc-a"))
        .expect("VPC attachment");
    assert_eq!(att.transit_gateway_id, tgw);
    assert_eq!(att.route_table_id.as_deref(), Some(table.id.as_str()));
    assert_eq!(att.appliance_mode, Some(false));
    assert!(table.associations.contains(&att.id) && table.propagations.contains(&att.id), "{table:#?}");
    let routes = table.routes.as_ref().expect("routes");
    // The VPC's CIDR propagates; the blackhole lands in the default table through its reference.
    assert!(routes.iter().any(|r| r.destination == "10.0.0.0/16" && r.route_type == TgwRouteType::Propagated));
    assert!(routes.iter().any(|r| r.destination == "192.168.99.0/24" && r.state == TgwRouteState::Blackhole));
    // The VPC route points at the gateway.
    let rt = s.route_tables.iter().find(|t| t.id == "rtb-data").expect("rtb-data");
    assert!(
        rt.routes.iter().any(|r| r.target_kind == TargetKind::TransitGateway && r.target_id.as_deref() == Some(tgw))
    );
}

#[test]
fn vpn_gateway_propagation_and_the_connection_on_the_hub() {
    let applied = terraform::apply(&client_a(), &all(), Variant::High);
    let s = &applied.snapshot;
    let vgw = s.vpn_gateways.iter().find(|g| g.id == "aws_vpn_gateway.office").expect("vgw");
    assert!(vgw.attached_to("vpc-a"));
    let rt = s.route_tables.iter().find(|t| t.id == "rtb-app-a").expect("rtb-app-a");
    assert_eq!(rt.propagating_vgws, ["aws_vpn_gateway.office"]);
    let c = s.vpn_connections.iter().find(|c| c.id == "aws_vpn_connection.office").expect("vpn");
    assert_eq!(c.transit_gateway_id.as_deref(), Some("aws_ec2_transit_gateway.hub"));
    assert!(c.tunnels.is_empty(), "a new connection's tunnels are unknown until it is up");
    assert!(
        s.transit_gateway_attachments
            .iter()
            .any(|a| a.kind == AttachmentKind::Vpn && a.resource_id.as_deref() == Some("aws_vpn_connection.office"))
    );
}

#[test]
fn an_unknown_route_table_is_unplaced_not_guessed() {
    // Without the gateway in the plan, the blackhole's table cannot be resolved.
    let applied = terraform::apply(&client_a(), &plan_only(&["aws_ec2_transit_gateway_route."]), Variant::High);
    assert_eq!(applied.unplaced.len(), 1, "{:?}", applied.unplaced);
    assert!(applied.unplaced[0].1.contains("transit_gateway_route_table_id"), "{:?}", applied.unplaced);
}

#[test]
fn deleting_a_transit_route_and_association_takes_them_out() {
    let mut s = client_a();
    s.transit_gateway_route_tables.push(testkit::transit::table(
        "tgw-rtb-1",
        "tgw-1",
        &["tgw-attach-1"],
        vec![testkit::transit::tgw_route("10.9.0.0/16", TgwRouteType::Static, &["tgw-attach-1"])],
    ));
    let text = r#"{"format_version":"1.2","resource_changes":[
      {"address":"aws_ec2_transit_gateway_route.r","type":"aws_ec2_transit_gateway_route","name":"r","mode":"managed",
       "change":{"actions":["delete"],"before":{"id":"tgw-rtb-1_10.9.0.0/16","destination_cidr_block":"10.9.0.0/16",
         "transit_gateway_route_table_id":"tgw-rtb-1","transit_gateway_attachment_id":"tgw-attach-1","blackhole":false},
         "after":null,"after_unknown":false}},
      {"address":"aws_ec2_transit_gateway_route_table_association.a","type":"aws_ec2_transit_gateway_route_table_association","name":"a","mode":"managed",
       "change":{"actions":["delete"],"before":{"id":"tgw-rtb-1_tgw-attach-1","transit_gateway_route_table_id":"tgw-rtb-1",
         "transit_gateway_attachment_id":"tgw-attach-1"},"after":null,"after_unknown":false}}]}"#;
    let tf = terraform::parse_plan(text).expect("plan");
    let applied = terraform::apply(&s, &tf, Variant::High);
    let t = &applied.snapshot.transit_gateway_route_tables[0];
    assert!(t.routes.as_ref().is_some_and(|r| r.is_empty()) && t.associations.is_empty(), "{t:#?}");
}
