//! The network rules as pure functions over fixtures: network ACLs (first match by rule
//! number, default ACL for unassociated subnets, IPv6, all-protocol entries), prefix
//! lists resolved in security group rules, VPC endpoints and flow logs.

use testkit::fixtures;

use engine::drift::evaluate;
use engine::needed_kinds;
use fixtures::*;
use model::*;

const NACL: &str = r#"
[tiers.data.nacl]
admin_ports_from = ["devops"]
deny_from = ["0.0.0.0/0", "::/0"]
deny_ports = [3389]
"#;

fn nacl_design() -> engine::design::Design {
    design_with("client-a-prod", NACL)
}

fn data_acl(entries: Vec<AclEntry>) -> NetworkAcl {
    acl("acl-data", &["subnet-data-a", "subnet-data-b", "subnet-data-c"], entries)
}

fn with_acl(a: NetworkAcl) -> Snapshot {
    let mut s = client_a();
    s.network_acls.push(a);
    restamp(&mut s);
    s
}

#[test]
fn shipped_client_a_fixture_is_clean_with_nacl_expectations_on_a_tight_acl() {
    let s = with_acl(data_acl(vec![
        acl_in(90, "6", false, "0.0.0.0/0", Some((3389, 3389))),
        acl_in(91, "6", false, "::/0", Some((3389, 3389))),
        acl_in(100, "6", true, "203.0.113.0/24", Some((22, 22))),
        acl_in(110, "6", true, "10.0.0.0/16", Some((5432, 5432))),
        acl_in(120, "6", true, "0.0.0.0/0", Some((1024, 65535))),
        acl_in(32767, "-1", false, "0.0.0.0/0", None),
        acl_in(32768, "-1", false, "::/0", None),
    ]));
    let r = evaluate(&nacl_design(), &s);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn subnet_without_explicit_association_is_judged_through_the_default_acl() {
    // No ACL of its own: the data tier uses vpc-a's default ACL, which allows all.
    let r = evaluate(&nacl_design(), &client_a());
    assert_eq!(pairs(&r), vec![p("nacl.admin-port-open", "acl-default-a")]);
    let f = r.findings.iter().find(|f| f.evidence["port"] == "22").expect("ssh finding");
    assert_eq!(f.evidence["rule_number"], "100");
    assert_eq!(f.evidence["entry"], "#100 ingress allow all all 0.0.0.0/0");
    assert_eq!(f.evidence["association"], "default ACL of the VPC (no association listed)");
    assert_eq!(f.evidence["subnets"], "subnet-data-a,subnet-data-b,subnet-data-c");
    assert_eq!(f.tier.as_deref(), Some("data"));
    // The default ACL lets the admin ports in from the world (v4 and v6), and 3389,
    // which deny_from says must be denied.
    let mut found: Vec<(&str, &str, bool)> = r
        .findings
        .iter()
        .map(|f| {
            (
                f.evidence["port"].as_str(),
                f.evidence["source"].as_str(),
                f.clause.as_deref().unwrap_or("").contains("deny_from"),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![("22", "0.0.0.0/1", false), ("3389", "0.0.0.0/0", true), ("3389", "0.0.0.0/1", false),],
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_lower_numbered_deny_wins_over_a_wider_allow() {
    let mut entries = vec![
        acl_in(90, "6", false, "0.0.0.0/0", Some((22, 22))),
        acl_in(95, "6", false, "0.0.0.0/0", Some((3389, 3389))),
        acl_in(96, "-1", false, "::/0", None),
        acl_in(100, "-1", true, "0.0.0.0/0", None),
    ];
    entries.insert(0, acl_in(80, "6", false, "0.0.0.0/0", Some((5432, 5432))));
    let r = evaluate(&nacl_design(), &with_acl(data_acl(entries.clone())));
    assert!(r.findings.is_empty(), "{:#?}", r.findings);

    // The same deny numbered after the allow no longer protects anything.
    for e in &mut entries {
        if e.rule_number == 90 {
            e.rule_number = 200;
        }
    }
    let r = evaluate(&nacl_design(), &with_acl(data_acl(entries)));
    assert_eq!(pairs(&r), vec![p("nacl.admin-port-open", "acl-data")]);
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_eq!(r.findings[0].evidence["port"], "22");
    assert_eq!(r.findings[0].evidence["rule_number"], "100");
}

#[test]
fn an_allow_from_inside_devops_is_clean_but_a_wider_one_names_the_entry() {
    let tight =
        vec![acl_in(100, "6", true, "198.51.100.0/24", Some((22, 22))), acl_in(32767, "-1", false, "0.0.0.0/0", None)];
    assert!(evaluate(&nacl_design(), &with_acl(data_acl(tight))).findings.is_empty());
    let wide =
        vec![acl_in(100, "6", true, "198.51.0.0/16", Some((20, 30))), acl_in(32767, "-1", false, "0.0.0.0/0", None)];
    let r = evaluate(&nacl_design(), &with_acl(data_acl(wide)));
    assert_eq!(pairs(&r), vec![p("nacl.admin-port-open", "acl-data")]);
    let f = &r.findings[0];
    assert_eq!(f.evidence["entry"], "#100 ingress allow tcp 20-30 198.51.0.0/16");
    // An example source outside devops, inside the entry's block.
    assert_eq!(f.evidence["source"], "198.51.0.0/18");
    assert!(f.clause.as_deref().unwrap_or("").starts_with("tiers.data.nacl.admin_ports_from"));
}

#[test]
fn ipv6_allow_entries_are_judged_too() {
    let r = evaluate(
        &nacl_design(),
        &with_acl(data_acl(vec![
            acl_in(100, "6", true, "2001:db8::/32", Some((22, 22))),
            acl_in(32767, "-1", false, "0.0.0.0/0", None),
        ])),
    );
    assert_eq!(pairs(&r), vec![p("nacl.admin-port-open", "acl-data")]);
    assert_eq!(r.findings[0].evidence["source"], "2001:db8::/32");
}

#[test]
fn all_protocol_and_udp_entries() {
    // udp 22 is not SSH; an all-protocol entry from a /8 outside devops is.
    let r = evaluate(
        &nacl_design(),
        &with_acl(data_acl(vec![
            acl_in(100, "17", true, "0.0.0.0/0", Some((0, 65535))),
            acl_in(110, "-1", true, "10.0.0.0/8", None),
            acl_in(32767, "-1", false, "0.0.0.0/0", None),
        ])),
    );
    let mut found: Vec<(&str, &str)> =
        r.findings.iter().map(|f| (f.evidence["port"].as_str(), f.evidence["rule_number"].as_str())).collect();
    found.sort();
    // 3389 twice: outside devops (admin_ports_from) and not denied (deny_from).
    assert_eq!(found, vec![("22", "110"), ("3389", "110"), ("3389", "110")], "{:#?}", r.findings);
}

#[test]
fn deny_from_ports_must_be_denied() {
    // 3389 let in from inside devops only: fine for admin_ports_from, but deny_from
    // (0.0.0.0/0 includes devops) says it must be denied from everywhere.
    let r = evaluate(
        &nacl_design(),
        &with_acl(data_acl(vec![
            acl_in(100, "6", true, "192.0.2.0/24", Some((3000, 4000))),
            acl_in(32767, "-1", false, "0.0.0.0/0", None),
        ])),
    );
    assert_eq!(pairs(&r), vec![p("nacl.admin-port-open", "acl-data")]);
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_eq!(r.findings[0].evidence["port"], "3389");
    assert_eq!(r.findings[0].evidence["source"], "192.0.2.0/24");
    assert!(r.findings[0].clause.as_deref().unwrap_or("").starts_with("tiers.data.nacl.deny_from"));
}

#[test]
fn unknown_acls_are_never_a_pass() {
    let mut s = client_a();
    s.inventory.insert(Kind::NetworkAcls, KindStatus::failed("AccessDenied: ec2:DescribeNetworkAcls"));
    let r = evaluate(&nacl_design(), &s);
    assert_eq!(pairs(&r), vec![p("inventory.unavailable", "network_acls")]);
    assert!(needed_kinds(&nacl_design()).contains(&Kind::NetworkAcls));
}

// --- prefix lists in security group rules ---

fn bastion_from_list(list: PrefixList) -> Snapshot {
    let mut s = client_a();
    sg_mut(&mut s, "sg-bastion").ingress.push(rule("tcp", 22, 22, RulePeer::PrefixList(list.id.clone())));
    s.prefix_lists.push(list);
    restamp(&mut s);
    s
}

#[test]
fn prefix_list_inside_devops_is_clean() {
    let s = bastion_from_list(prefix_list("pl-office", "office-vpn", &["203.0.113.0/25", "192.0.2.0/24"]));
    let r = evaluate(&design("client-a-prod"), &s);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn wider_prefix_list_is_a_finding_naming_the_entry() {
    let s = bastion_from_list(prefix_list("pl-office", "office-vpn", &["203.0.113.0/24", "100.64.0.0/10"]));
    let r = evaluate(&design("client-a-prod"), &s);
    assert_eq!(pairs(&r), vec![p("sg.admin-port-open", "sg-bastion")]);
    let f = &r.findings[0];
    assert_eq!(f.evidence["outside_entry"], "100.64.0.0/10");
    assert_eq!(f.evidence["source"], "pl-office (office-vpn)");
    assert!(f.message.contains("100.64.0.0/10"), "{}", f.message);
    assert!(!f.evidence.contains_key("verdict"));
}

#[test]
fn aws_managed_prefix_list_is_labelled_as_its_service() {
    let s = bastion_from_list(prefix_list("pl-s3", "com.amazonaws.eu-west-2.s3", &["52.95.148.0/23"]));
    let r = evaluate(&design("client-a-prod"), &s);
    assert_eq!(pairs(&r), vec![p("sg.admin-port-open", "sg-bastion")]);
    assert_eq!(r.findings[0].evidence["source"], "pl-s3 (AWS s3)");
}

#[test]
fn unreadable_prefix_list_is_unknown_not_inside() {
    let mut list = prefix_list("pl-office", "office-vpn", &[]);
    list.entries = None;
    list.entries_error = Some("AccessDenied: ec2:GetManagedPrefixListEntries".into());
    let r = evaluate(&design("client-a-prod"), &bastion_from_list(list));
    assert_eq!(pairs(&r), vec![p("sg.admin-port-open", "sg-bastion")]);
    let f = &r.findings[0];
    assert_eq!(f.evidence["verdict"], "unknown");
    assert!(f.message.contains("AccessDenied"), "{}", f.message);
}

#[test]
fn failed_prefix_list_kind_makes_only_prefix_list_rules_unknown() {
    let mut s = bastion_from_list(prefix_list("pl-office", "office-vpn", &["203.0.113.0/25"]));
    s.inventory.insert(Kind::PrefixLists, KindStatus::failed("throttled"));
    // An unrelated bad rule is still judged: the security rules keep running.
    sg_mut(&mut s, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    let r = evaluate(&design("client-a-prod"), &s);
    let pairs = pairs(&r);
    assert!(pairs.contains(&p("sg.admin-port-open", "sg-bastion")), "{pairs:?}");
    assert!(pairs.contains(&p("sg.admin-port-open", "sg-app")), "{pairs:?}");
    assert!(!pairs.iter().any(|(rule, _)| rule == "inventory.unavailable"), "{pairs:?}");
    let b = r.findings.iter().find(|f| f.resource == "sg-bastion").expect("bastion");
    assert_eq!(b.evidence["verdict"], "unknown");
    assert!(needed_kinds(&design("client-a-prod")).contains(&Kind::PrefixLists));
}

#[test]
fn flow_from_a_cidr_set_accepts_a_prefix_list_inside_it() {
    // devops -> bastion 22 is a declared flow; a prefix list inside devops matches it.
    let mut s = client_a();
    sg_mut(&mut s, "sg-bastion").ingress.push(rule("tcp", 22, 23, RulePeer::PrefixList("pl-office".into())));
    s.prefix_lists.push(prefix_list("pl-office", "office-vpn", &["192.0.2.0/24"]));
    restamp(&mut s);
    // 23 is not declared: an undeclared flow, but not an admin-port finding.
    let r = evaluate(&design("client-a-prod"), &s);
    assert_eq!(pairs(&r), vec![p("sg.flow-undeclared", "sg-bastion")]);
}

// --- endpoints and flow logs ---

#[test]
fn missing_endpoint_is_found_per_service() {
    let mut s = client_a();
    s.vpc_endpoints.retain(|e| e.id != "vpce-kms");
    restamp(&mut s);
    let r = evaluate(&design("client-a-prod"), &s);
    assert_eq!(pairs(&r), vec![p("network.endpoint-missing", "vpc-a")]);
    assert_eq!(r.findings[0].evidence["service"], "kms");
    assert_eq!(r.findings[0].evidence["endpoints_in_vpc"], "s3");
}

#[test]
fn endpoint_not_available_does_not_count() {
    let mut s = client_a();
    s.vpc_endpoints.iter_mut().filter(|e| e.id == "vpce-s3").for_each(|e| e.state = "pendingAcceptance".into());
    let r = evaluate(&design("client-a-prod"), &s);
    assert_eq!(pairs(&r), vec![p("network.endpoint-missing", "vpc-a")]);
    assert_eq!(r.findings[0].actual, "endpoint vpce-s3 for s3 is pendingAcceptance");
}

#[test]
fn flow_logs_must_cover_all_traffic_and_be_active() {
    let d = design("client-a-prod");
    let with = |logs: Vec<FlowLog>| {
        let mut s = client_a();
        s.flow_logs = logs;
        restamp(&mut s);
        pairs(&evaluate(&d, &s))
    };
    let missing = vec![p("network.flow-logs-missing", "vpc-a")];
    assert_eq!(with(vec![]), missing);
    assert_eq!(with(vec![flow_log("fl-1", "vpc-a", "REJECT", "ACTIVE")]), missing);
    assert_eq!(with(vec![flow_log("fl-1", "vpc-a", "ALL", "INACTIVE")]), missing);
    // A subnet's log does not cover the VPC.
    assert_eq!(with(vec![flow_log("fl-1", "subnet-data-a", "ALL", "ACTIVE")]), missing);
    assert_eq!(
        with(vec![flow_log("fl-1", "vpc-a", "ACCEPT", "ACTIVE"), flow_log("fl-2", "vpc-a", "REJECT", "ACTIVE")]),
        vec![]
    );
}

#[test]
fn reject_policy_is_covered_by_all_but_not_by_accept() {
    let text = std::fs::read_to_string(format!("{}/config/designs/client-a-prod.toml", testkit::ROOT))
        .expect("design")
        .replace(r#"flow_logs = { traffic = "ALL" }"#, r#"flow_logs = { traffic = "REJECT" }"#);
    let d = engine::design::Design::parse("client-a-prod.toml", &text).expect("valid");
    let run = |t: &str| {
        let mut s = client_a();
        s.flow_logs = vec![flow_log("fl-1", "vpc-a", t, "ACTIVE")];
        pairs(&evaluate(&d, &s))
    };
    assert_eq!(run("ALL"), vec![]);
    assert_eq!(run("REJECT"), vec![]);
    assert_eq!(run("ACCEPT"), vec![p("network.flow-logs-missing", "vpc-a")]);
}

#[test]
fn unknown_endpoints_and_flow_logs_are_never_a_pass() {
    let mut s = client_a();
    s.inventory.insert(Kind::VpcEndpoints, KindStatus::failed("denied"));
    s.inventory.insert(Kind::FlowLogs, KindStatus::failed("denied"));
    let r = evaluate(&design("client-a-prod"), &s);
    assert_eq!(pairs(&r), vec![p("inventory.unavailable", "flow_logs"), p("inventory.unavailable", "vpc_endpoints")]);
}
