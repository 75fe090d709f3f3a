//! Replaying what Terraform believes onto live: a group read back from a state (or
//! updated only in its tags) must read unchanged (issue 19 item 4), and `--state`
//! lists what the state manages but live no longer has (item 5).
//!
//! The documents are built in the shape of Terraform's "JSON Output Format" page
//! (developer.hashicorp.com/terraform/internals/json-format): a state's
//! `values.root_module.resources[]` with `address`, `mode`, `type`, `values`; a plan's
//! `resource_changes[].change` with `actions`, `before`, `after`, `after_unknown`.
//! The group's attributes are those of the AWS provider's `aws_security_group` (inline
//! `ingress` blocks with `cidr_blocks`, `description`, `self`, ...).

use engine::plan::{self, Verdict};
use engine::terraform;
use model::*;
use serde_json::{Value, json};
use testkit::fixtures::*;

fn described(proto: &str, port: i32, peer: RulePeer, id: &str, description: Option<&str>) -> SgRule {
    SgRule { rule_id: Some(id.into()), description: description.map(str::to_string), ..rule(proto, port, port, peer) }
}

/// client-a with a legacy group whose world-open admin rules carry AWS rule ids and
/// descriptions, as a live inventory does.
fn live() -> Snapshot {
    let mut s = client_a();
    let mut g = sg(
        "sg-legacy",
        Some("app"),
        vec![
            described("tcp", 22, cidr("0.0.0.0/0"), "sgr-0a1", Some("ssh from anywhere")),
            described("tcp", 3389, cidr("0.0.0.0/0"), "sgr-0a2", Some("rdp")),
            described("tcp", 22, RulePeer::Cidr6("::/0".into()), "sgr-0a3", None),
        ],
    );
    g.egress = vec![described("-1", -1, cidr("0.0.0.0/0"), "sgr-0e1", None)];
    s.security_groups.push(g);
    restamp(&mut s);
    s
}

/// The group as the provider writes it: one inline block per rule, `""` for no
/// description, all-traffic as protocol "-1" ports 0.
fn group_values(tags: Value) -> Value {
    let block = |from: i32, proto: &str, v4: &[&str], v6: &[&str], d: &str| {
        json!({"from_port": from, "to_port": from, "protocol": proto, "cidr_blocks": v4,
               "ipv6_cidr_blocks": v6, "prefix_list_ids": [], "security_groups": [], "self": false,
               "description": d})
    };
    json!({
        "id": "sg-legacy",
        "arn": "arn:aws:ec2:eu-west-2:123456789012:security-group/sg-legacy",
        "name": "client-a-prod-legacy",
        "description": "test",
        "vpc_id": "vpc-a",
        "owner_id": "123456789012",
        "revoke_rules_on_delete": false,
        "ingress": [
            block(22, "tcp", &["0.0.0.0/0"], &[], "ssh from anywhere"),
            block(3389, "tcp", &["0.0.0.0/0"], &[], "rdp"),
            block(22, "tcp", &[], &["::/0"], ""),
        ],
        "egress": [block(0, "-1", &["0.0.0.0/0"], &[], "")],
        "tags": tags,
        "tags_all": tags,
    })
}

fn state_doc(resources: Vec<Value>) -> String {
    json!({"format_version": "1.0", "terraform_version": "1.9.8",
           "values": {"root_module": {"resources": resources}}})
    .to_string()
}

fn state_resource(address: &str, rtype: &str, values: Value) -> Value {
    let name = address.rsplit('.').next().unwrap_or(address);
    json!({"address": address, "mode": "managed", "type": rtype, "name": name,
           "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1, "values": values})
}

#[test]
fn a_live_group_read_back_from_the_state_is_unchanged() {
    let live = live();
    let before = engine::drift::evaluate(&design("client-a-prod"), &live);
    let on_legacy = before.findings.iter().filter(|f| f.resource == "sg-legacy").count();
    assert!(on_legacy >= 3, "the fixture must have findings to keep: {:?}", pairs(&before));

    // The RDP rule is also managed as a standalone rule resource (the provider then lists
    // it in the group's inline blocks as well).
    let rdp = state_resource(
        "aws_vpc_security_group_ingress_rule.rdp",
        "aws_vpc_security_group_ingress_rule",
        json!({"id": "sgr-0a2", "security_group_rule_id": "sgr-0a2", "security_group_id": "sg-legacy",
               "ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv4": "0.0.0.0/0",
               "description": "rdp"}),
    );
    let text = state_doc(vec![
        state_resource("aws_security_group.legacy", "aws_security_group", group_values(json!({"Role": "app"}))),
        rdp,
    ]);
    let state = terraform::parse_state(&text).expect("state parses");
    let r = plan::evaluate(&design("client-a-prod"), &live, &state);
    let show = |v| {
        r.with(v)
            .map(|f| format!("{} {} {:?}", f.finding.rule, f.finding.resource, f.finding.evidence))
            .collect::<Vec<_>>()
    };
    assert_eq!(r.count(Verdict::Introduced), 0, "{:#?}", show(Verdict::Introduced));
    assert_eq!(r.count(Verdict::Fixed), 0, "{:#?}", show(Verdict::Fixed));
    assert_eq!(r.with(Verdict::Unchanged).filter(|f| f.finding.resource == "sg-legacy").count(), on_legacy);
    // Each unchanged finding still names the live rule.
    let admin = r
        .with(Verdict::Unchanged)
        .find(|f| {
            f.finding.rule == "sg.admin-port-open" && f.finding.evidence.get("rule_id").map(|t| &**t) == Some("sgr-0a1")
        })
        .expect("the ssh rule keeps its id");
    assert_eq!(admin.finding.evidence.get("description").map(|t| &**t), Some("ssh from anywhere"));
    let legacy = r.after.security_groups.iter().find(|g| g.id == "sg-legacy").expect("group");
    assert_eq!(legacy.ingress.len(), 3, "{:?}", legacy.ingress);
}

#[test]
fn a_tags_only_update_of_a_group_would_not_drift() {
    let before = group_values(json!({"Role": "app"}));
    let after = group_values(json!({"Role": "app", "CostCentre": "42"}));
    let text = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": [{
            "address": "aws_security_group.legacy", "mode": "managed", "type": "aws_security_group",
            "name": "legacy", "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["update"], "before": before, "after": after,
                       "after_unknown": {"tags": {}, "tags_all": {}, "ingress": [{}, {}, {}], "egress": [{}]}}
        }],
        "configuration": {"root_module": {}}
    })
    .to_string();
    let tf = terraform::parse_plan(&text).expect("plan parses");
    let r = plan::evaluate(&design("client-a-prod"), &live(), &tf);
    assert_eq!(
        r.count(Verdict::Introduced) + r.count(Verdict::Fixed) + r.count(Verdict::Unknown),
        0,
        "{:#?}",
        r.findings
    );
    assert_eq!(r.changes[0].verdict, "would not drift");
    assert!(r.with(Verdict::Unchanged).any(|f| f.finding.resource == "sg-legacy"));
}

// Item 5 -----------------------------------------------------------------------------

#[test]
fn state_resources_missing_live_are_listed_as_deleted_outside_terraform() {
    let live = live();
    let mut resources = Vec::new();
    // Thirty groups, subnets and tables of the in-scope VPC that live no longer has.
    for i in 0..10 {
        resources.push(state_resource(
            &format!("aws_security_group.gone[{i}]"),
            "aws_security_group",
            json!({"id": format!("sg-gone{i}"), "name": format!("gone-{i}"), "vpc_id": "vpc-a", "ingress": [], "egress": []}),
        ));
        resources.push(state_resource(
            &format!("module.net.aws_subnet.gone[\"{i}\"]"),
            "aws_subnet",
            json!({"id": format!("subnet-gone{i}"), "vpc_id": "vpc-a", "cidr_block": format!("10.0.{}.0/24", 100 + i)}),
        ));
        resources.push(state_resource(
            &format!("aws_route_table.gone[{i}]"),
            "aws_route_table",
            json!({"id": format!("rtb-gone{i}"), "vpc_id": "vpc-a", "route": []}),
        ));
    }
    resources.push(state_resource(
        "aws_db_instance.old",
        "aws_db_instance",
        json!({"id": "db-OLD", "identifier": "client-a-prod-old", "engine": "postgres"}),
    ));
    resources.push(state_resource(
        "aws_cloudwatch_metric_alarm.old",
        "aws_cloudwatch_metric_alarm",
        json!({"id": "client-a-prod-old-cpu", "alarm_name": "client-a-prod-old-cpu"}),
    ));
    // Not listed: a group live has, one of a live VPC outside the scope, one planned in
    // another region (AWS provider 6 writes `region` on each resource).
    resources.push(state_resource(
        "aws_security_group.app",
        "aws_security_group",
        json!({"id": "sg-app", "vpc_id": "vpc-a"}),
    ));
    resources.push(state_resource(
        "aws_security_group.sandbox",
        "aws_security_group",
        json!({"id": "sg-sandbox", "vpc_id": "vpc-default"}),
    ));
    resources.push(state_resource(
        "aws_security_group.virginia",
        "aws_security_group",
        json!({"id": "sg-virginia", "vpc_id": "vpc-0us", "region": "us-east-1"}),
    ));
    let state = terraform::parse_state(&state_doc(resources)).expect("state parses");
    let vpcs = engine::drift::Context::new(&design("client-a-prod"), &live).vpcs.clone();
    let diff = terraform::compare_state(&state, &live, &vpcs);
    let ids: Vec<&str> = diff.missing_live.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(diff.missing_live.len(), 32, "{ids:?}");
    for id in ["sg-gone3", "subnet-gone9", "rtb-gone0", "client-a-prod-old", "client-a-prod-old-cpu"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    for id in ["sg-app", "sg-sandbox", "sg-virginia"] {
        assert!(!ids.contains(&id), "{id} in {ids:?}");
    }
    let sub = diff.missing_live.iter().find(|m| m.id == "subnet-gone2").expect("subnet");
    assert_eq!((sub.kind, sub.address.as_str()), ("subnet", "module.net.aws_subnet.gone[\"2\"]"));
    let table = engine::formats::plan::state_table(&diff);
    assert!(table.contains("IN THE STATE, MISSING LIVE: DELETED OUTSIDE TERRAFORM (32)"), "{table}");
    assert!(table.contains("module.net.aws_subnet.gone[\"2\"]"), "{table}");
    // A kind the inventory could not read proves nothing missing.
    let mut partial = live.clone();
    partial.inventory.insert(Kind::Alarms, KindStatus::failed("AccessDenied"));
    let diff = terraform::compare_state(&state, &partial, &vpcs);
    assert_eq!(diff.missing_live.len(), 31);
    assert!(!diff.missing_live.iter().any(|m| m.kind == "alarm"));
}
