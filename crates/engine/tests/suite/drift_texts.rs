//! The exact text of the findings the two largest rules make (`sg.flow-undeclared`,
//! `route.peering-forbidden`): every field, for every kind of source and association.
//! Both rules build their findings by hand for speed, so this pins what they say: the
//! snapshots were written by the builder-based rules they replace.

use testkit::fixtures;

use engine::drift::evaluate;
use fixtures::*;
use model::*;

use testkit::large;

/// One undeclared rule per kind of source the rule words differently.
fn every_source() -> Snapshot {
    let mut s = client_a();
    s.prefix_lists.push(prefix_list("pl-office", "office", &["192.0.2.0/24"]));
    s.prefix_lists.push(prefix_list("pl-s3", "com.amazonaws.eu-west-2.s3", &["52.95.0.0/16"]));
    let mut unreadable = prefix_list("pl-broken", "broken", &[]);
    unreadable.entries = None;
    unreadable.entries_error = Some("AccessDenied: not authorised".into());
    s.prefix_lists.push(unreadable);
    let app = sg_mut(&mut s, "sg-app");
    app.ingress.push(rule("tcp", 8080, 8080, group("sg-bastion")));
    app.ingress.push(rule("tcp", 8080, 8080, group("sg-0unknown")));
    app.ingress.push(rule("udp", 53, 53, cidr("10.9.0.0/16")));
    app.ingress.push(rule("tcp", 8000, 8100, cidr("2001:db8::/32")));
    app.ingress.push(rule("tcp", 9000, 9000, RulePeer::PrefixList("pl-office".into())));
    app.ingress.push(rule("tcp", 9001, 9001, RulePeer::PrefixList("pl-s3".into())));
    app.ingress.push(rule("tcp", 9002, 9002, RulePeer::PrefixList("pl-broken".into())));
    let mut described = rule("-1", -1, -1, group("sg-cache"));
    described.description = Some("temporary: debugging \"cache\" misses".into());
    described.rule_id = None;
    app.ingress.push(described);
    restamp(&mut s);
    s
}

/// Peering routes in tables serving data subnets explicitly, implicitly (main) and
/// through a table that serves two tiers.
fn every_association() -> Snapshot {
    let mut s = client_a();
    for dest in ["10.60.0.0/16", "10.50.0.0/16"] {
        rt_mut(&mut s, "rtb-data").routes.push(route(dest, TargetKind::VpcPeering, Some("pcx-shared")));
    }
    rt_mut(&mut s, "rtb-data").associations.retain(|a| a.subnet_id.as_deref() != Some("subnet-data-c"));
    rt_mut(&mut s, "rtb-main").routes.push(route("10.50.0.0/16", TargetKind::VpcPeering, None));
    restamp(&mut s);
    s
}

fn findings_json(s: &Snapshot, rules: &[&str]) -> String {
    let r = evaluate(&design("client-a-prod"), s);
    let picked: Vec<_> = r.findings.iter().filter(|f| rules.contains(&f.rule.as_str())).map(|f| &**f).collect();
    assert!(!picked.is_empty(), "the fixture drifts");
    serde_json::to_string_pretty(&picked).expect("json")
}

#[test]
fn undeclared_flows_say_the_same_for_every_kind_of_source() {
    insta::assert_snapshot!(findings_json(&every_source(), &["sg.flow-undeclared"]));
}

#[test]
fn peering_routes_say_the_same_for_every_association() {
    insta::assert_snapshot!(findings_json(&every_association(), &["route.peering-forbidden"]));
}

/// FNV-1a: a digest that is the same on every platform and Rust release.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The whole report of the large benchmark account (16,000 findings), as counts per
/// rule and a digest of its JSON: any change to a word, a fact or the order shows.
#[test]
fn the_large_account_report_is_unchanged() {
    let r = evaluate(&design("client-a-prod"), &large::big_snapshot());
    let mut counts = std::collections::BTreeMap::new();
    for f in &r.findings {
        *counts.entry(f.rule.as_str()).or_insert(0usize) += 1;
    }
    let json = serde_json::to_vec(&r).expect("json");
    let summary = format!(
        "{counts:#?}\nfindings: {}\njson bytes: {}\nfnv1a: {:016x}",
        r.findings.len(),
        json.len(),
        fnv1a(&json)
    );
    insta::assert_snapshot!(summary);
}
