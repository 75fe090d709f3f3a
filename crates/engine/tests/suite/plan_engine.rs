//! The plan judgement as a pure function: a hand-written `terraform show -json` fixture
//! (modules, count, for_each, references, replace in both orders, unknowns at several
//! depths) replayed onto the client-a snapshot fixture.

use testkit::fixtures;

use engine::plan::{self, PlanReport, UnknownPolicy, Verdict};
use engine::terraform;
use fixtures::*;
use model::*;

fn plan_text() -> String {
    std::fs::read_to_string(format!("{}/tests/terraform/plan_client_a.json", testkit::ROOT)).expect("fixture")
}

/// client-a with the world-open SSH rule the plan removes.
fn before() -> Snapshot {
    let mut s = client_a();
    let mut r = rule("tcp", 22, 22, cidr("0.0.0.0/0"));
    r.rule_id = Some("sgr-world22".into());
    sg_mut(&mut s, "sg-bastion").ingress.push(r);
    s
}

fn judge() -> PlanReport {
    let tf = terraform::parse_plan(&plan_text()).expect("plan parses");
    plan::evaluate(&design("client-a-prod"), &before(), &tf)
}

fn with(r: &PlanReport, v: Verdict) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        r.with(v).map(|f| (f.finding.rule.to_string(), f.finding.resource.to_string())).collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn peering_route_to_the_data_tier_is_introduced_with_its_cause() {
    let r = judge();
    let f = r
        .with(Verdict::Introduced)
        .find(|f| f.finding.rule == "route.peering-forbidden" && f.finding.resource == "rtb-data")
        .unwrap_or_else(|| panic!("introduced: {:?}", with(&r, Verdict::Introduced)));
    let cause = f.causes.iter().find(|c| c.address == "module.network.aws_route.data_peering[0]").expect("cause");
    assert_eq!(cause.action, terraform::Action::Create);
    assert_eq!(cause.values.get("vpc_peering_connection_id").map(String::as_str), Some("pcx-shared"));
}

#[test]
fn references_resolve_a_new_route_table_through_configuration() {
    let r = judge();
    // aws_route.extra[0] and the association name the new table only by reference.
    assert!(
        with(&r, Verdict::Introduced)
            .contains(&p("route.peering-forbidden", "module.network.aws_route_table.data_extra")),
        "{:?}",
        with(&r, Verdict::Introduced)
    );
    let extra = r.changes.iter().find(|c| c.address == "module.network.aws_route.extra[0]").expect("change");
    assert_eq!(extra.verdict, "would drift");
}

#[test]
fn removing_the_world_open_ssh_rule_is_fixed() {
    let r = judge();
    assert!(
        with(&r, Verdict::Fixed).contains(&p("sg.admin-port-open", "sg-bastion")),
        "{:?}",
        with(&r, Verdict::Fixed)
    );
    assert!(!with(&r, Verdict::Unchanged).iter().any(|(_, res)| res == "sg-bastion"));
}

#[test]
fn new_group_with_unknown_id_opening_ssh_to_the_world_is_introduced() {
    let r = judge();
    let intro = with(&r, Verdict::Introduced);
    assert!(intro.contains(&p("sg.admin-port-open", "aws_security_group.ops_debug")), "{intro:?}");
}

#[test]
fn rds_with_unknown_multi_az_is_unknown_until_apply() {
    let r = judge();
    let f = r
        .with(Verdict::Unknown)
        .find(|f| f.finding.rule == "rds.multi-az" && f.finding.resource == "client-a-prod-reporting")
        .unwrap_or_else(|| panic!("unknown: {:?}", with(&r, Verdict::Unknown)));
    assert_eq!(f.unknown_attributes, vec!["multi_az".to_string()]);
    // Its other attributes are known and fine: no other finding on it at all.
    assert!(r.findings.iter().filter(|f| f.finding.resource == "client-a-prod-reporting").count() == 1);
}

#[test]
fn replace_in_either_order_is_judged() {
    let r = judge();
    // delete-then-create turning transit encryption off
    assert!(with(&r, Verdict::Introduced).contains(&p("cache.encryption", "client-a-prod-redis")));
    // create-then-delete of an alarm: its state is unknown until apply, never a pass
    let alarm = r.changes.iter().find(|c| c.address == "aws_cloudwatch_metric_alarm.redis_memory").expect("alarm");
    assert_eq!(alarm.action, terraform::Action::Replace);
    assert!(with(&r, Verdict::Unknown).contains(&p("alarm.insufficient-data", "client-a-prod-redis-memory")));
}

#[test]
fn unmapped_types_are_listed_and_data_sources_and_no_ops_ignored() {
    let r = judge();
    let s3 = r.changes.iter().find(|c| c.address == "aws_s3_bucket.logs").expect("listed");
    assert_eq!(s3.verdict, "not judged");
    assert!(!r.changes.iter().any(|c| c.address.starts_with("data.")));
    assert!(!r.changes.iter().any(|c| c.address == "module.network.aws_route_table.data"));
}

#[test]
fn exit_codes_follow_the_gate() {
    let r = judge();
    use engine::drift::Severity;
    assert_eq!(plan::exit_code(&r, Severity::Low, UnknownPolicy::Fail).0, 1);
    // Above every introduced severity, the unknown RDS (high) decides: fail -> 2, pass -> 0.
    let tf = terraform::parse_plan(&plan_text()).expect("plan");
    let mut only_db = tf.clone();
    only_db.changes.retain(|c| c.rtype == "aws_db_instance");
    let r2 = plan::evaluate(&design("client-a-prod"), &client_a(), &only_db);
    assert_eq!(with(&r2, Verdict::Introduced), vec![]);
    let (code, why) = plan::exit_code(&r2, Severity::Low, UnknownPolicy::Fail);
    assert_eq!(code, 2, "{why}");
    assert!(why.contains("unknown until apply"), "{why}");
    assert_eq!(plan::exit_code(&r2, Severity::Low, UnknownPolicy::Pass).0, 0);
}

#[test]
fn format_version_major_2_is_refused_in_one_line() {
    let text = plan_text().replacen("\"format_version\": \"1.2\"", "\"format_version\": \"2.0\"", 1);
    let e = terraform::parse_plan(&text).unwrap_err();
    assert!(e.contains("format_version 2.0") && !e.contains('\n'), "{e}");
    let newer = plan_text().replacen("\"format_version\": \"1.2\"", "\"format_version\": \"1.7\"", 1);
    assert!(terraform::parse_plan(&newer).is_ok());
}

#[test]
fn a_clean_plan_changes_nothing() {
    let tf = terraform::parse_plan(&plan_text()).expect("plan");
    let mut none = tf.clone();
    none.changes.retain(|c| c.rtype == "aws_s3_bucket");
    let r = plan::evaluate(&design("client-a-prod"), &client_a(), &none);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(plan::exit_code(&r, engine::drift::Severity::Low, UnknownPolicy::Fail).0, 0);
}
