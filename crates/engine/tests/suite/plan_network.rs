//! The plan types added for network ACLs, egress-only gateways, VPC endpoints, peering
//! accepters and Aurora cluster members, replayed onto the client-a fixture from a
//! hand-written `terraform show -json` plan (format 1.2, Terraform 1.9):
//! `tests/terraform/plan_network_client_a.json`. Each test keeps the changes it is about.

use testkit::fixtures;

use engine::plan::{self, PlanReport, Verdict};
use engine::terraform::{self, Plan, Variant};
use fixtures::*;
use model::*;

const NACL: &str = r#"
[tiers.data.nacl]
admin_ports_from = ["devops"]
deny_from = ["0.0.0.0/0", "::/0"]
deny_ports = [3389]
"#;

fn plan_only(prefixes: &[&str]) -> Plan {
    let text = std::fs::read_to_string(format!("{}/tests/terraform/plan_network_client_a.json", testkit::ROOT))
        .expect("fixture");
    let mut tf = terraform::parse_plan(&text).expect("plan parses");
    tf.changes.retain(|c| prefixes.iter().any(|p| c.address.starts_with(p)));
    assert!(!tf.changes.is_empty(), "no change matches {prefixes:?}");
    tf
}

/// The data tier on its own ACL: admin ports only from devops, 3389 denied, then a low
/// ports deny (105) before a wide allow (120), so only rule 105 keeps SSH closed.
fn with_data_acl() -> Snapshot {
    let mut s = client_a();
    s.network_acls.push(acl(
        "acl-data",
        &["subnet-data-a", "subnet-data-b", "subnet-data-c"],
        vec![
            acl_in(90, "6", false, "0.0.0.0/0", Some((3389, 3389))),
            acl_in(91, "6", false, "::/0", Some((3389, 3389))),
            acl_in(100, "6", true, "203.0.113.0/24", Some((22, 22))),
            acl_in(105, "6", false, "0.0.0.0/0", Some((0, 1023))),
            acl_in(120, "-1", true, "0.0.0.0/0", None),
            acl_in(32767, "-1", false, "0.0.0.0/0", None),
        ],
    ));
    restamp(&mut s);
    s
}

fn judge(s: &Snapshot, tf: &Plan) -> PlanReport {
    plan::evaluate(&design_with("client-a-prod", NACL), s, tf)
}

fn with(r: &PlanReport, v: Verdict) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        r.with(v).map(|f| (f.finding.rule.to_string(), f.finding.resource.to_string())).collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn the_before_inventory_is_clean_on_the_data_acl() {
    let r = engine::drift::evaluate(&design_with("client-a-prod", NACL), &with_data_acl());
    assert!(!r.findings.iter().any(|f| f.rule.starts_with("nacl.")), "{:#?}", r.findings);
}

#[test]
fn removing_the_acl_deny_in_front_of_ssh_is_introduced() {
    let r = judge(&with_data_acl(), &plan_only(&["aws_network_acl_rule.data_low_ports_deny"]));
    assert_eq!(with(&r, Verdict::Introduced), vec![p("nacl.admin-port-open", "acl-data")]);
    let f = r.with(Verdict::Introduced).next().expect("finding");
    assert_eq!(f.finding.evidence["rule_number"], "120", "the wide allow now lets SSH in");
    assert_eq!(f.causes[0].address, "aws_network_acl_rule.data_low_ports_deny");
    assert_eq!(f.causes[0].action, terraform::Action::Delete);
    let ch = &r.changes[0];
    assert_eq!(ch.verdict, "would drift");
}

#[test]
fn adding_an_acl_allow_on_an_admin_port_is_introduced() {
    let r = judge(&with_data_acl(), &plan_only(&["aws_network_acl_rule.data_ssh_world"]));
    assert_eq!(with(&r, Verdict::Introduced), vec![p("nacl.admin-port-open", "acl-data")]);
    let f = r.with(Verdict::Introduced).next().expect("finding");
    assert_eq!(f.finding.evidence["rule_number"], "50");
    assert_eq!(f.finding.evidence["port"], "22");
}

#[test]
fn an_acl_allow_from_an_unknown_block_is_unknown_until_apply() {
    let r = judge(&with_data_acl(), &plan_only(&["aws_network_acl_rule.data_vpn_ssh"]));
    assert_eq!(with(&r, Verdict::Introduced), vec![]);
    let u: Vec<_> = r.with(Verdict::Unknown).collect();
    assert!(!u.is_empty(), "{:#?}", r.findings);
    assert!(u.iter().all(|f| f.finding.rule == "nacl.admin-port-open" && f.finding.resource == "acl-data"));
    assert_eq!(u[0].unknown_attributes, vec!["cidr_block".to_string()]);
}

#[test]
fn a_new_tight_acl_with_for_each_associations_fixes_the_default_acl_finding() {
    // client-a's data tier sits on the VPC's allow-all default ACL: a finding today.
    let r = judge(&client_a(), &plan_only(&["module.data_acl."]));
    assert_eq!(with(&r, Verdict::Fixed), vec![p("nacl.admin-port-open", "acl-default-a")]);
    assert_eq!(with(&r, Verdict::Introduced), vec![]);
    assert_eq!(with(&r, Verdict::Unknown), vec![]);
    let after = terraform::apply(&client_a(), &plan_only(&["module.data_acl."]), Variant::Low).snapshot;
    let new = after.network_acls.iter().find(|a| a.id == "module.data_acl.aws_network_acl.this").expect("placed");
    // network_acl_id is known only after apply: resolved through configuration references.
    assert_eq!(new.subnet_ids, vec!["subnet-data-a", "subnet-data-b", "subnet-data-c"]);
    assert_eq!(new.entries.iter().filter(|e| !e.egress).count(), 5, "four inline entries and the final deny");
    let default = after.network_acls.iter().find(|a| a.id == "acl-default-a").expect("default");
    assert!(default.subnet_ids.iter().all(|s| !s.starts_with("subnet-data")));
}

#[test]
fn a_route_to_a_new_egress_only_gateway_resolves_by_reference_and_is_judged() {
    let tf = plan_only(&["aws_egress_only_internet_gateway.main", "aws_route.app_ipv6_egress"]);
    let after = terraform::apply(&client_a(), &tf, Variant::High).snapshot;
    let t = after.route_tables.iter().find(|t| t.id == "rtb-app-a").expect("table");
    let r = t.routes.iter().find(|r| r.destination == "::/0").expect("route");
    assert_eq!(r.target_kind, TargetKind::EgressOnlyInternetGateway);
    assert_eq!(r.target_id.as_deref(), Some("aws_egress_only_internet_gateway.main"));
    // The app tier forbids internet routes, and the design counts egress-only gateways.
    let rep = judge(&client_a(), &tf);
    assert_eq!(with(&rep, Verdict::Introduced), vec![p("route.internet-forbidden", "rtb-app-a")]);
    let verdicts: Vec<(&str, &str)> = rep.changes.iter().map(|c| (c.address.as_str(), c.verdict.as_str())).collect();
    assert_eq!(
        verdicts,
        vec![
            ("aws_egress_only_internet_gateway.main", "would not drift"),
            ("aws_route.app_ipv6_egress", "would drift")
        ]
    );
}

#[test]
fn deleting_an_egress_only_gateway_leaves_its_routes_blackholed() {
    let mut s = client_a();
    let public = s.route_tables.iter_mut().find(|t| t.id == "rtb-public").expect("public");
    public.routes.push(route("::/0", TargetKind::EgressOnlyInternetGateway, Some("eigw-legacy")));
    let r = judge(&s, &plan_only(&["aws_egress_only_internet_gateway.legacy"]));
    assert_eq!(with(&r, Verdict::Introduced), vec![p("route.blackhole", "rtb-public")]);
}

#[test]
fn vpc_endpoints_are_added_with_their_routes_and_removed() {
    let mut s = client_a();
    s.prefix_lists.push(prefix_list("pl-ddb", "com.amazonaws.eu-west-2.dynamodb", &["52.94.0.0/22"]));
    let after = terraform::apply(&s, &plan_only(&["aws_vpc_endpoint.dynamodb"]), Variant::Low).snapshot;
    let e = after.vpc_endpoints.iter().find(|e| e.short_service() == "dynamodb").expect("endpoint");
    assert_eq!((e.id.as_str(), e.state.as_str()), ("aws_vpc_endpoint.dynamodb", "available"));
    for az in ["a", "b", "c"] {
        let t = after.route_tables.iter().find(|t| t.id == format!("rtb-app-{az}")).expect("table");
        assert!(t.routes.iter().any(|r| r.destination == "pl-ddb" && r.target_kind == TargetKind::VpcEndpoint));
    }
    // Removing the KMS endpoint the design requires is introduced, on the VPC.
    let r = judge(&s, &plan_only(&["aws_vpc_endpoint.kms"]));
    assert_eq!(with(&r, Verdict::Introduced), vec![p("network.endpoint-missing", "vpc-a")]);
    let f = r.with(Verdict::Introduced).next().expect("finding");
    assert_eq!(f.causes[0].address, "aws_vpc_endpoint.kms");
}

#[test]
fn a_peering_accepter_activates_the_connection() {
    let mut s = client_a();
    let mut pending = s.peering_connections[0].clone();
    pending.id = "pcx-partner".into();
    pending.status = "pending-acceptance".into();
    s.peering_connections.push(pending);
    let tf = plan_only(&["aws_vpc_peering_connection_accepter.partner"]);
    let after = terraform::apply(&s, &tf, Variant::Low).snapshot;
    let pcx = after.peering_connections.iter().find(|p| p.id == "pcx-partner").expect("pcx");
    assert_eq!(pcx.status, "active");
    // Not in the inventory: the accepter cannot be placed, which is said, never a pass,
    // and not called "unknown until apply" (applying would not resolve it).
    let r = judge(&client_a(), &tf);
    assert_eq!(r.changes[0].verdict, "not in the inventory");
    assert!(r.changes[0].detail.as_deref().is_some_and(|d| d.contains("pcx-partner")));
}

fn with_cluster() -> Snapshot {
    let mut s = client_a();
    s.db_clusters.push(DbCluster {
        id: "client-a-prod-reporting".into(),
        engine: "aurora-postgresql".into(),
        engine_version: Some("16.4".into()),
        class: None,
        status: "available".into(),
        multi_az: false,
        azs: vec!["eu-west-2a".into(), "eu-west-2b".into(), "eu-west-2c".into()],
        storage_encrypted: true,
        publicly_accessible: Some(false),
        backup_retention_days: 30,
        deletion_protection: true,
        subnet_group: Some("client-a-prod-data".into()),
        vpc_id: Some("vpc-a".into()),
        members: vec![],
    });
    restamp(&mut s);
    s
}

#[test]
fn a_cluster_member_in_an_az_known_only_after_apply_leaves_multi_az_unknown() {
    let s = with_cluster();
    let before = engine::drift::evaluate(&design("client-a-prod"), &s);
    assert!(pairs(&before).contains(&p("rds.multi-az", "client-a-prod-reporting")));
    // One member in a known AZ: still single-AZ, unchanged.
    let r = judge(&s, &plan_only(&["aws_rds_cluster_instance.reporting[0]"]));
    assert!(with(&r, Verdict::Unchanged).contains(&p("rds.multi-az", "client-a-prod-reporting")));
    let after = terraform::apply(&s, &plan_only(&["aws_rds_cluster_instance.reporting"]), Variant::Low).snapshot;
    let c = after.db_clusters.iter().find(|c| c.id == "client-a-prod-reporting").expect("cluster");
    assert_eq!(c.members.len(), 2);
    assert!(c.members[0].writer && !c.members[1].writer);
    // The second member's AZ is unknown: Multi-AZ is unknown until apply, attribute named.
    let r = judge(&s, &plan_only(&["aws_rds_cluster_instance.reporting"]));
    let f = r
        .with(Verdict::Unknown)
        .find(|f| f.finding.rule == "rds.multi-az")
        .unwrap_or_else(|| panic!("{:#?}", r.findings));
    assert_eq!(f.finding.resource, "client-a-prod-reporting");
    assert_eq!(f.unknown_attributes, vec!["availability_zone".to_string()]);
}

#[test]
fn every_type_of_the_fixture_is_mapped() {
    let tf = plan_only(&[""]);
    let unmapped: Vec<_> = tf.not_judged().map(|c| c.address.clone()).collect();
    assert!(unmapped.is_empty(), "{unmapped:?}");
}
