//! Changes that cannot be placed (issue 19 item 6): counted and shown in every format,
//! labelled "not in the inventory" when what they change is absent (applying will not
//! resolve that) and "unknown until apply" when an id is only known after apply; the
//! gate's message gives them no severity.
//!
//! The plan is written in the shape of Terraform's "JSON Output Format"
//! (developer.hashicorp.com/terraform/internals/json-format), with the AWS provider's
//! `aws_vpc_security_group_ingress_rule` and `aws_route` attributes.

use engine::drift::Severity;
use engine::formats::{self, Doc};
use engine::plan::{self, PlanReport, UnknownPolicy};
use engine::terraform;
use serde_json::json;
use testkit::fixtures::*;

fn report() -> PlanReport {
    let change = |address: &str, rtype: &str, after: serde_json::Value, unknown: serde_json::Value| {
        json!({"address": address, "mode": "managed", "type": rtype, "name": address.rsplit('.').next(),
               "provider_name": "registry.terraform.io/hashicorp/aws",
               "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": unknown}})
    };
    let text = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": [
            change("aws_vpc_security_group_ingress_rule.ssh", "aws_vpc_security_group_ingress_rule",
                   json!({"security_group_id": "sg-elsewhere", "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
                          "cidr_ipv4": "0.0.0.0/0"}),
                   json!({"id": true, "arn": true, "security_group_rule_id": true})),
            change("aws_route.peer", "aws_route",
                   json!({"route_table_id": "rtb-elsewhere", "destination_cidr_block": "10.50.0.0/16",
                          "vpc_peering_connection_id": "pcx-shared"}),
                   json!({"id": true})),
            change("aws_route.later", "aws_route",
                   json!({"destination_cidr_block": "10.60.0.0/16", "vpc_peering_connection_id": "pcx-shared"}),
                   json!({"id": true, "route_table_id": true})),
        ],
        "configuration": {"root_module": {}}
    })
    .to_string();
    plan::evaluate(&design("client-a-prod"), &client_a(), &terraform::parse_plan(&text).expect("plan"))
}

#[test]
fn changes_on_what_the_inventory_lacks_are_labelled_and_counted() {
    let r = report();
    for a in ["aws_vpc_security_group_ingress_rule.ssh", "aws_route.peer"] {
        let c = r.changes.iter().find(|c| c.address == a).expect("change");
        assert_eq!(c.verdict, "not in the inventory", "{c:?}");
    }
    let later = r.changes.iter().find(|c| c.address == "aws_route.later").expect("change");
    assert_eq!(later.verdict, "unknown until apply");
    assert_eq!((r.not_in_inventory(), r.unplaced()), (2, 1));
}

#[test]
fn the_gate_message_gives_unplaced_changes_no_severity() {
    let r = report();
    for (sev, policy) in [(Severity::Critical, UnknownPolicy::Fail), (Severity::Low, UnknownPolicy::Pass)] {
        let (code, why) = plan::exit_code(&r, sev, policy);
        assert_eq!(code, 2, "{why}");
        assert!(!why.contains("at or above"), "{why}");
        assert!(why.contains("not in the inventory"), "{why}");
    }
}

#[test]
fn every_format_shows_them() {
    let r = report();
    let d = design("client-a-prod");
    let table = formats::plan::to_table(&r, "plan.json", false);
    assert!(table.contains("changes not placed: 2 not in the inventory, 1 unknown until apply"), "{table}");
    assert!(table.contains("security group sg-elsewhere is not in the inventory"), "{table}");
    let json = formats::plan::to_json(&d, &r, "plan.json");
    assert_eq!(json["summary"]["changes_not_in_inventory"], 2);
    assert_eq!(json["summary"]["changes_unknown_until_apply"], 1);

    let doc = Doc::new("plan", &d, formats::plan_cases(&d, &r));
    let sarif = formats::sarif::to_sarif(&doc);
    let results = sarif.runs[0].results.as_ref().expect("results");
    let of = |rule: &str| results.iter().filter(|x| x.rule_id.as_deref() == Some(rule)).count();
    assert_eq!((of("plan.not-in-inventory"), of("plan.unplaced")), (2, 1));
    // Each is described, and referenced by index as GitHub code scanning reads it.
    let rules = sarif.runs[0].tool.driver.rules.as_ref().expect("rules");
    for x in results.iter().filter(|x| x.rule_id.as_deref().is_some_and(|r| r.starts_with("plan."))) {
        let i = x.rule_index.expect("rule index") as usize;
        assert_eq!(Some(rules[i].id.as_str()), x.rule_id.as_deref());
        assert!(rules[i].full_description.is_some() && rules[i].help.is_some());
    }
    let sarif_text = formats::sarif::to_string(&doc).expect("sarif");
    assert!(sarif_text.contains("aws_route.peer: not in the inventory: route table rtb-elsewhere"), "{sarif_text}");

    let junit = formats::junit::to_string(&doc).expect("junit");
    assert!(junit.contains("driftdeck.plan.not-in-inventory") && junit.contains("aws_route.peer"), "{junit}");
    assert!(junit.contains("driftdeck.plan.unplaced"), "{junit}");

    let md = formats::markdown::to_string(&doc);
    assert!(md.contains("**2 not in the inventory**"), "{md}");
    assert!(md.contains("| – | `plan.not-in-inventory` | `aws_vpc_security_group_ingress_rule.ssh` |"), "{md}");
    assert!(md.contains("1 unknown until apply"), "{md}");
}
