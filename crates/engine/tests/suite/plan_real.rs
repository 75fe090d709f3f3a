//! Plans in the shapes real configurations produce (issue 19 items 1-3): a VPC the plan
//! creates, a `vpc_id` that arrives through module inputs and outputs, and providers in
//! other regions.
//!
//! The fixtures in `tests/terraform/` (`plan_new_vpc.json`, `plan_module_vpc.json`,
//! `plan_regions.json`) follow Terraform's documented "JSON Output Format"
//! (developer.hashicorp.com/terraform/internals/json-format): `resource_changes[].change`
//! with `before`/`after`/`after_unknown`/`before_sensitive`, `configuration.provider_config`
//! keyed `aws`, `aws.ALIAS`, `module.NAME:aws`, and `configuration.root_module.module_calls`
//! with `expressions` and nested `module`; addresses with `count` and `for_each` keys.
//! The attributes are the AWS provider's (`aws_vpc` exports `main_route_table_id`,
//! `default_security_group_id`, `default_network_acl_id`).

use engine::drift::Severity;
use engine::plan::{self, PlanReport, UnknownPolicy, Verdict};
use engine::terraform::{self, Plan};
use model::*;
use testkit::fixtures::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/terraform/{name}", testkit::ROOT)).expect("fixture")
}

fn parse(text: &str) -> Plan {
    terraform::parse_plan(text).expect("plan parses")
}

/// A fresh eu-west-2 account: only the default VPC AWS gives every region.
fn fresh_account() -> Snapshot {
    let mut s = Snapshot::new("eu-west-2");
    s.account = Some("123456789012".into());
    s.vpcs = client_a().vpcs.into_iter().filter(|v| v.is_default).collect();
    restamp(&mut s);
    s
}

fn with(r: &PlanReport, v: Verdict) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        r.with(v).map(|f| (f.finding.rule.to_string(), f.finding.resource.to_string())).collect();
    out.sort();
    out.dedup();
    out
}

fn verdict<'a>(r: &'a PlanReport, address: &str) -> &'a str {
    r.changes.iter().find(|c| c.address == address).map_or("(no such change)", |c| c.verdict.as_str())
}

// Item 1 -----------------------------------------------------------------------------

#[test]
fn a_group_opening_ssh_in_a_vpc_the_plan_creates_fails_the_gate() {
    let r = plan::evaluate(&design("client-a-prod"), &fresh_account(), &parse(&fixture("plan_new_vpc.json")));
    let intro = with(&r, Verdict::Introduced);
    assert!(intro.contains(&p("sg.admin-port-open", "aws_security_group.ssh")), "{intro:?}");
    assert_eq!(verdict(&r, "aws_security_group.ssh"), "would drift");
    assert_eq!(plan::exit_code(&r, Severity::Low, UnknownPolicy::Pass).0, 1);
    assert_eq!(plan::exit_code(&r, Severity::Critical, UnknownPolicy::Pass).0, 1);
}

#[test]
fn a_new_vpc_comes_with_the_parts_aws_creates_and_its_extra_cidr() {
    let r = plan::evaluate(&design("client-a-prod"), &fresh_account(), &parse(&fixture("plan_new_vpc.json")));
    let after = &r.after;
    let vpc = after.vpcs.iter().find(|v| v.id == "aws_vpc.main").expect("the new VPC");
    assert_eq!(vpc.cidrs, ["10.0.0.0/16", "10.1.0.0/16"]);
    assert_eq!(vpc.tags.get("Name").map(String::as_str), Some("client-a-prod"));
    let main = after.route_tables.iter().find(|t| t.vpc_id == "aws_vpc.main" && t.main).expect("main table");
    assert_eq!(main.id, "aws_vpc.main.main_route_table_id");
    assert!(main.routes.iter().any(|r| r.target_kind == TargetKind::Local && r.destination == "10.0.0.0/16"));
    let default = after.security_groups.iter().find(|g| g.name == "default").expect("default group");
    assert_eq!(default.vpc_id.as_deref(), Some("aws_vpc.main"));
    let acl = after.network_acls.iter().find(|a| a.vpc_id == "aws_vpc.main").expect("default ACL");
    assert!(acl.is_default && acl.subnet_ids == ["aws_subnet.data[0]"], "{acl:?}");
    let subnet = after.subnets.iter().find(|s| s.id == "aws_subnet.data[0]").expect("subnet");
    assert_eq!(subnet.vpc_id, "aws_vpc.main");
    for a in ["aws_vpc.main", "aws_vpc_ipv4_cidr_block_association.secondary"] {
        assert_ne!(verdict(&r, a), "not judged", "{a}");
    }
}

#[test]
fn an_adopted_default_group_opening_ssh_is_the_vpcs_default_group() {
    // `aws_default_security_group` (as the registry VPC module writes it): Terraform
    // adopts the group AWS made with the VPC and sets its rules.
    let mut doc: serde_json::Value = serde_json::from_str(&fixture("plan_new_vpc.json")).expect("json");
    let mut change = doc["resource_changes"][3].clone();
    change["address"] = "aws_default_security_group.this".into();
    change["type"] = "aws_default_security_group".into();
    change["name"] = "this".into();
    change["change"]["after"]["name"] = serde_json::Value::Null;
    doc["resource_changes"].as_array_mut().expect("changes").push(change);
    let mut block = doc["configuration"]["root_module"]["resources"][3].clone();
    block["address"] = "aws_default_security_group.this".into();
    block["type"] = "aws_default_security_group".into();
    block["name"] = "this".into();
    doc["configuration"]["root_module"]["resources"].as_array_mut().expect("blocks").push(block);
    let r = plan::evaluate(&design("client-a-prod"), &fresh_account(), &parse(&doc.to_string()));
    let default_id = "aws_vpc.main.default_security_group_id";
    assert!(with(&r, Verdict::Introduced).contains(&p("sg.admin-port-open", default_id)), "{:?}", r.findings);
    let defaults: Vec<_> = r
        .after
        .security_groups
        .iter()
        .filter(|g| g.vpc_id.as_deref() == Some("aws_vpc.main") && g.name == "default")
        .collect();
    assert_eq!(defaults.len(), 1, "{defaults:?}");
    assert_eq!(verdict(&r, "aws_default_security_group.this"), "would drift");
}

#[test]
fn a_new_vpc_outside_the_design_scope_is_not_judged_by_it() {
    let text = fixture("plan_new_vpc.json").replace("10.0.0.0/16", "10.9.0.0/16").replace("client-a-prod", "sandbox");
    let r = plan::evaluate(&design("client-a-prod"), &fresh_account(), &parse(&text));
    let all: Vec<_> =
        r.findings.iter().map(|f| (f.verdict, f.finding.rule.to_string(), f.finding.resource.to_string())).collect();
    assert!(r.count(Verdict::Introduced) + r.count(Verdict::Unknown) == 0, "{all:?}");
    assert_eq!(verdict(&r, "aws_security_group.ssh"), "would not drift");
    assert_eq!(plan::exit_code(&r, Severity::Low, UnknownPolicy::Fail).0, 0);
}

// Item 2 -----------------------------------------------------------------------------

#[test]
fn a_group_whose_vpc_comes_from_a_module_output_is_unknown_until_apply_never_a_pass() {
    let r = plan::evaluate(&design("client-a-prod"), &client_a(), &parse(&fixture("plan_module_vpc.json")));
    let address = "module.bastion[\"ops\"].aws_security_group.ssh[0]";
    let f = r
        .with(Verdict::Unknown)
        .find(|f| f.finding.rule == "sg.admin-port-open" && f.finding.resource == address)
        .unwrap_or_else(|| panic!("unknown: {:?}; changes: {:?}", with(&r, Verdict::Unknown), r.changes));
    assert!(f.unknown_attributes.iter().any(|a| a == "vpc_id"), "{:?}", f.unknown_attributes);
    assert!(f.finding.message.contains("vpc_id"), "{}", f.finding.message);
    assert_eq!(verdict(&r, address), "unknown until apply");
    assert_eq!(r.count(Verdict::Introduced), 0);
    let (code, why) = plan::exit_code(&r, Severity::Low, UnknownPolicy::Fail);
    assert_eq!(code, 2, "{why}");
}

#[test]
fn a_vpc_handed_from_a_vpc_module_to_another_module_is_followed_to_the_new_vpc() {
    // The same plan, with module.vpc creating the VPC (count = 1, as the registry VPC
    // module does): `var.vpc_id` <- `module.vpc.vpc_id` <- `aws_vpc.this[0].id`.
    let mut doc: serde_json::Value = serde_json::from_str(&fixture("plan_module_vpc.json")).expect("json");
    let vpc: serde_json::Value = serde_json::from_str(&fixture("plan_new_vpc.json")).expect("json");
    let mut change = vpc["resource_changes"][0].clone();
    change["address"] = "module.vpc.aws_vpc.this[0]".into();
    change["module_address"] = "module.vpc".into();
    change["name"] = "this".into();
    change["index"] = 0.into();
    doc["resource_changes"].as_array_mut().expect("changes").push(change);
    let mut block = vpc["configuration"]["root_module"]["resources"][0].clone();
    block["address"] = "aws_vpc.this".into();
    block["name"] = "this".into();
    doc["configuration"]["root_module"]["module_calls"]["vpc"]["module"]["resources"] = serde_json::json!([block]);
    let tf = parse(&doc.to_string());
    let group = tf.changes.iter().find(|c| c.rtype == "aws_security_group").expect("group");
    assert!(
        group.references["vpc_id"].iter().any(|r| r.starts_with("module.vpc.aws_vpc.this[0]")),
        "{:?}",
        group.references
    );
    let r = plan::evaluate(&design("client-a-prod"), &fresh_account(), &tf);
    let address = "module.bastion[\"ops\"].aws_security_group.ssh[0]";
    assert!(with(&r, Verdict::Introduced).contains(&p("sg.admin-port-open", address)), "{:?}", r.findings);
    assert_eq!(plan::exit_code(&r, Severity::Low, UnknownPolicy::Pass).0, 1);
}

#[test]
fn a_subnet_and_table_with_an_unknown_vpc_are_judged_at_worst_and_said_unknown() {
    // The same module shape for a route table and a subnet: placed in the high replay
    // (in scope), left out of the low one, never silently dropped.
    let text = fixture("plan_new_vpc.json").replace("\"aws_vpc.main.id\",\n        \"aws_vpc.main\"", "\"var.vpc_id\"");
    let tf = parse(&text);
    assert!(tf.changes.iter().all(|c| c.references.values().flatten().all(|r| !r.starts_with("aws_vpc"))));
    // Without the VPC in the plan, the group's VPC cannot be placed.
    let mut tf = tf;
    tf.changes.retain(|c| !c.address.starts_with("aws_vpc"));
    let r = plan::evaluate(&design("client-a-prod"), &client_a(), &tf);
    assert!(
        with(&r, Verdict::Unknown).contains(&p("sg.admin-port-open", "aws_security_group.ssh")),
        "{:?}",
        r.findings
    );
    assert!(r.after.subnets.iter().any(|s| s.id == "aws_subnet.data[0]" && s.vpc_id == terraform::UNKNOWN_VPC));
}

// Item 3 -----------------------------------------------------------------------------

#[test]
fn resources_planned_in_another_region_are_out_of_scope_and_said_so() {
    let tf = parse(&fixture("plan_regions.json"));
    let region = |a: &str| tf.changes.iter().find(|c| c.address == a).and_then(|c| c.region.clone());
    // An alias passed to a module, and an older plan's module-local key to the module's
    // own provider block.
    assert_eq!(region("module.replica.aws_db_instance.this").as_deref(), Some("us-east-1"));
    assert_eq!(region("module.legacy.aws_security_group.ssh").as_deref(), Some("us-west-2"));
    assert_eq!(region("aws_db_instance.scratch").as_deref(), Some("eu-west-2"));
    let r = plan::evaluate(&design("client-a-prod"), &client_a(), &tf);
    assert!(r.findings.iter().all(|f| f.finding.resource != "replica-us" && f.finding.resource != "module.legacy.aws_security_group.ssh"), "{:?}", with(&r, Verdict::Introduced));
    for a in ["module.replica.aws_db_instance.this", "module.legacy.aws_security_group.ssh"] {
        let c = r.changes.iter().find(|c| c.address == a).expect("change");
        assert_eq!(c.verdict, "out of scope");
        assert!(c.detail.as_deref().is_some_and(|d| d.contains("eu-west-2") && d.contains("planned in")), "{c:?}");
    }
    assert_eq!(r.out_of_scope(), 2);
    let table = engine::formats::plan::to_table(&r, "plan.json", false);
    assert!(table.contains("planned in us-east-1; the design covers eu-west-2"), "{table}");
}

#[test]
fn a_db_without_a_subnet_group_lands_in_the_default_vpc() {
    let tf = parse(&fixture("plan_regions.json"));
    let r = plan::evaluate(&design("client-a-prod"), &client_a(), &tf);
    // The default VPC is not in client-a's scope: nothing about scratch-eu.
    assert!(r.findings.iter().all(|f| f.finding.resource != "scratch-eu"), "{:?}", with(&r, Verdict::Introduced));
    let db = r.after.db_instances.iter().find(|d| d.id == "scratch-eu").expect("placed");
    assert_eq!(db.vpc_id.as_deref(), Some("vpc-default"));
    let c = r.changes.iter().find(|c| c.address == "aws_db_instance.scratch").expect("change");
    assert_eq!(c.verdict, "would not drift");
    assert_eq!(c.detail.as_deref(), Some("no db_subnet_group_name: lands in the default VPC vpc-default"));
    assert_eq!(plan::exit_code(&r, Severity::Low, UnknownPolicy::Fail).0, 0);
    // A design that covers the default VPC judges it.
    let mut d = design("client-a-prod");
    d.scope.vpc_ids.push("vpc-default".into());
    let r = plan::evaluate(&d, &client_a(), &tf);
    assert!(
        with(&r, Verdict::Introduced).contains(&p("rds.encryption", "scratch-eu")),
        "{:?}",
        with(&r, Verdict::Introduced)
    );
}
