//! Network ACLs, managed prefix lists, VPC endpoints and flow logs against moto: seeded
//! through the AWS APIs (tests/moto/seed.py, scenario `network`), read back through the
//! real SDK by the real binary, with the traps of issue 10 asserted finding by finding.

use crate::harness as common;

use common::*;
use std::collections::BTreeSet;

fn p(rule: &str, resource: &str) -> (String, String) {
    (rule.to_string(), resource.to_string())
}

/// client-a's shipped design plus ACL expectations on the data and cache tiers.
fn design() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/config/designs/client-a-prod.toml")).expect("design");
    let dir = std::env::temp_dir().join(format!("driftdeck-net-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("client-a-nacl.toml");
    let extra =
        "\n[tiers.data.nacl]\nadmin_ports_from = [\"devops\"]\n\n[tiers.cache.nacl]\nadmin_ports_from = [\"devops\"]\n";
    std::fs::write(&path, format!("{text}{extra}")).expect("write design");
    path.display().to_string()
}

fn findings<'a>(report: &'a serde_json::Value, rule: &str, resource: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule && f["resource"] == resource)
        .collect()
}

fn ev<'a>(f: &'a serde_json::Value, key: &str) -> &'a str {
    f["evidence"][key].as_str().unwrap_or_else(|| panic!("no evidence {key} in {f:#}"))
}

#[test]
fn acls_and_prefix_lists_give_exactly_the_trap_findings() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("network", false);
    let id = |k: &str| ids[k].as_str().unwrap_or_else(|| panic!("seed printed no {k}")).to_string();
    let d = design();
    let (code, report, stderr) = check_json(moto.driftdeck().args(["check", "--design", &d, "--format", "json"]));
    assert_eq!(code, Some(1), "{stderr}");
    for (kind, status) in report["inventory"].as_object().expect("inventory") {
        assert_eq!(status["status"], "ok", "{kind}: {status}");
    }
    // Not acl_data (its denies at 90/95 win over the allow-all at 100), not sg_bastion
    // (its prefix list lies inside devops), and no endpoint or flow-log finding.
    let mut expected = vec![
        p("nacl.admin-port-open", &id("acl_cache")),
        p("nacl.admin-port-open", &id("acl_default")),
        p("sg.admin-port-open", &id("sg_app")),
    ];
    expected.sort();
    assert_eq!(finding_pairs(&report), expected, "{report:#}");

    // data-c was never given an ACL of its own: it is judged through the VPC's default ACL.
    let default = findings(&report, "nacl.admin-port-open", &id("acl_default"));
    let ports: BTreeSet<&str> = default.iter().map(|f| ev(f, "port")).collect();
    assert_eq!(ports, BTreeSet::from(["22", "3389"]));
    for f in &default {
        assert_eq!(ev(f, "subnets"), id("subnet_data_c"));
        assert_eq!(ev(f, "association"), "default ACL of the VPC");
        assert_eq!(ev(f, "rule_number"), "100");
        assert_eq!(f["tier"], "data");
    }

    // The cache ACL: 22 from inside devops is fine; 3389 from the world (rule 110) and
    // 22 over IPv6 (rule 120) are not.
    let cache = findings(&report, "nacl.admin-port-open", &id("acl_cache"));
    let decided: BTreeSet<(&str, &str, &str)> =
        cache.iter().map(|f| (ev(f, "rule_number"), ev(f, "port"), ev(f, "source"))).collect();
    assert_eq!(decided, BTreeSet::from([("110", "3389", "0.0.0.0/1"), ("120", "22", "::/0")]));

    // The wider prefix list on app names the entry outside devops and the list by name.
    let app = findings(&report, "sg.admin-port-open", &id("sg_app"));
    assert_eq!(app.len(), 1, "{app:#?}");
    assert_eq!(ev(app[0], "outside_entry"), "100.64.0.0/10");
    assert_eq!(ev(app[0], "source"), format!("{} (partners)", id("pl_wide")));
}

#[test]
fn missing_endpoint_and_partial_flow_log_are_found() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("network", true);
    let vpc = ids["vpc"].as_str().expect("vpc").to_string();
    let d = design();
    let (code, report, stderr) = check_json(moto.driftdeck().args(["check", "--design", &d, "--format", "json"]));
    assert_eq!(code, Some(1), "{stderr}");
    let pairs = finding_pairs(&report);
    assert!(pairs.contains(&p("network.endpoint-missing", &vpc)), "{pairs:?}");
    assert!(pairs.contains(&p("network.flow-logs-missing", &vpc)), "{pairs:?}");
    let ep = findings(&report, "network.endpoint-missing", &vpc);
    assert_eq!(ep.len(), 1, "{ep:#?}");
    assert_eq!(ev(ep[0], "service"), "kms");
    let fl = findings(&report, "network.flow-logs-missing", &vpc);
    assert_eq!(fl.len(), 1);
    // The REJECT-only log is seen and named, but does not cover ALL.
    let reject = ids["flow_log_reject"].as_str().expect("reject log");
    assert!(ev(fl[0], "flow_logs").contains(&format!("{reject} REJECT")), "{:#}", fl[0]);
}
