//! client-a-prod against moto: seeded through the AWS APIs, read back through the real
//! SDK by the real binary. Clean gives nothing; every injected drift gives exactly its
//! findings.

use crate::harness as common;

use common::*;

const DESIGN: &str = "config/designs/client-a-prod.toml";

fn p(rule: &str, resource: &str) -> (String, String) {
    (rule.to_string(), resource.to_string())
}

#[test]
fn clean_environment_passes() {
    let (moto, _g) = Moto::shared();
    moto.seed("client-a", false);
    let (code, report, stderr) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert_eq!(finding_pairs(&report), vec![], "{report:#}");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["account"], "123456789012");
    for (kind, status) in report["inventory"].as_object().expect("inventory") {
        assert_eq!(status["status"], "ok", "{kind}: {status}");
    }
    // The 5 role groups, and the default group of each VPC in the region (client-a-prod,
    // shared-services, moto's default VPC): the defaults carry no Role tag and are not
    // reported as sg.unclassified.
    assert_eq!(report["inventory"]["security_groups"]["count"], 8);
}

#[test]
fn every_injected_drift_is_found_exactly() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("client-a", true);
    let id = |k: &str| ids[k].as_str().unwrap_or_else(|| panic!("seed printed no {k}")).to_string();
    let (code, report, _) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert_eq!(code, Some(1));
    let mut expected = vec![
        p("route.peering-forbidden", &id("rt_data")),
        p("route.internet-forbidden", &id("rt_cache")),
        p("route.internet-missing", &id("rt_public")),
        p("route.nat-missing", &id("rt_app_c")),
        p("sg.admin-port-open", &id("sg_app")),
        p("sg.public-ingress", &id("sg_app")),
        p("sg.flow-undeclared", &id("sg_app")),
        p("sg.admin-port-open", &id("sg_cache")),
        p("sg.public-ingress", &id("sg_cache")),
        p("sg.unclassified", &id("sg_legacy")),
        p("alarm.firing", "client-a-prod-rds-cpu-high"),
        p("alarm.firing", "client-a-prod-service-health"),
        p("alarm.actions-disabled", "client-a-prod-alb-5xx"),
        p("alarm.missing", "client-a-prod-redis-memory"),
        p("alarm.insufficient-data", "client-a-prod-queue-depth"),
    ];
    for rule in [
        "rds.multi-az",
        "rds.encryption",
        "rds.public",
        "rds.backup-retention",
        "rds.deletion-protection",
        "rds.instance-class",
    ] {
        expected.push(p(rule, "client-a-prod-reporting"));
    }
    for rule in ["cache.multi-az", "cache.automatic-failover", "cache.encryption"] {
        expected.push(p(rule, "client-a-prod-sessions"));
    }
    expected.sort();
    assert_eq!(finding_pairs(&report), expected);
    // ...and each exactly once.
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(expected.len()), "{report:#}");

    // Evidence names the exact route and rule.
    let findings = report["findings"].as_array().expect("findings");
    let peering = findings.iter().find(|f| f["rule"] == "route.peering-forbidden").expect("peering");
    assert_eq!(peering["evidence"]["target"], id("pcx").as_str());
    assert_eq!(peering["evidence"]["destination"], "10.50.0.0/16");
    let nat = findings.iter().find(|f| f["rule"] == "route.nat-missing").expect("nat");
    assert_eq!(nat["evidence"]["target"], id("nat_a").as_str());
    let ssh = findings
        .iter()
        .find(|f| f["rule"] == "sg.admin-port-open" && f["resource"] == id("sg_app").as_str())
        .expect("ssh");
    assert!(ssh["evidence"]["rule_id"].as_str().is_some_and(|r| r.starts_with("sgr-")), "{ssh}");
}

#[test]
fn offline_snapshot_gives_the_same_answer_and_is_private() {
    let (moto, _g) = Moto::shared();
    moto.seed("client-a", true);
    let dir = tempfile::tempdir().expect("tmp");
    let snap = dir.path().join("snap.json");
    let out = moto.driftdeck().args(["snapshot", "--design", DESIGN, "--out"]).arg(&snap).output().expect("snapshot");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&snap).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&snap).expect("read");
    assert!(text.contains("\"schema\": 1"));
    // Neither the access key pair nor the DB master password seed.py set.
    for secret in ["testing", "not-a-secret-123"] {
        assert!(!text.contains(secret), "a snapshot must not hold credentials: found {secret}");
    }

    let (_, live, _) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    let (code, offline, _) = check_json(
        driftdeck_isolated().args(["check", "--design", DESIGN, "--format", "json", "--snapshot"]).arg(&snap),
    );
    assert_eq!(code, Some(1));
    assert_eq!(finding_pairs(&offline), finding_pairs(&live));
}

/// moto returns every EC2 item in one page, but honours RDS's MaxRecords/Marker: 131
/// instances take two 100-record pages, and the one on the second page is still judged.
#[test]
fn every_page_is_collected() {
    let (moto, _g) = Moto::shared();
    moto.seed("paging", false);
    let (code, report, _) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert_eq!(report["inventory"]["db_instances"]["count"], 131);
    assert_eq!(finding_pairs(&report), vec![p("rds.deletion-protection", "client-a-prod-shard-129")]);
    assert_eq!(code, Some(1));
}
