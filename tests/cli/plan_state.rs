//! `plan --state`: what Terraform believes (a hand-written `terraform show -json` state,
//! format 1.0, Terraform 1.9: `tests/terraform/state_client_a.json`) against the live
//! inventory: attributes changed outside Terraform, and live resources it does not manage.

use testkit::fixtures;

use engine::terraform;
use fixtures::*;
use model::*;
use std::collections::BTreeSet;

fn state_text() -> String {
    std::fs::read_to_string(format!("{}/tests/terraform/state_client_a.json", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture")
}

/// client-a changed by hand in three places the state manages.
fn live() -> Snapshot {
    let mut s = client_a();
    sg_mut(&mut s, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    rt_mut(&mut s, "rtb-data").routes.push(route("10.50.0.0/16", TargetKind::VpcPeering, Some("pcx-shared")));
    s.db_instances[0].multi_az = false;
    s
}

fn diff(s: &Snapshot) -> terraform::StateDiff {
    let state = terraform::parse_state(&state_text()).expect("state parses");
    terraform::compare_state(&state, s, &BTreeSet::from(["vpc-a".to_string()]))
}

#[test]
fn changes_made_outside_terraform_name_the_attribute() {
    let d = diff(&live());
    let got: Vec<(&str, &str, &str, &str)> =
        d.differing.iter().map(|x| (x.id.as_str(), x.attribute.as_str(), x.state.as_str(), x.live.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("sg-app", "ingress", "-", "tcp 22 0.0.0.0/0"),
            ("rtb-data", "routes", "-", "10.50.0.0/16 -> pcx-shared"),
            ("client-a-prod-pg", "multi_az", "true", "false"),
        ]
    );
    // As Terraform left it, nothing differs.
    assert_eq!(diff(&client_a()).differing, vec![]);
}

#[test]
fn live_resources_terraform_does_not_manage_are_listed() {
    let d = diff(&live());
    let ids: BTreeSet<&str> = d.live_only.iter().map(|x| x.id.as_str()).collect();
    for managed in ["sg-app", "rtb-data", "client-a-prod-pg"] {
        assert!(!ids.contains(managed), "{managed} is in the state");
    }
    for unmanaged in ["sg-bastion", "sg-alb", "rtb-public", "rtb-app-a", "client-a-prod-redis", "subnet-data-a"] {
        assert!(ids.contains(unmanaged), "{unmanaged} missing from {ids:?}");
    }
    // AWS's own main table and default ACL are not "unmanaged" drift.
    assert!(!ids.contains("rtb-main") && !ids.contains("acl-default-a"), "{ids:?}");
    // Out of scope (the default VPC) is not listed.
    assert!(!ids.contains("subnet-default"));
}

#[test]
fn the_binary_prints_both_in_table_and_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let snap = dir.path().join("live.json");
    std::fs::write(&snap, serde_json::to_string(&live()).expect("json")).expect("write");
    let state = format!("{}/tests/terraform/state_client_a.json", env!("CARGO_MANIFEST_DIR"));
    let design = format!("{}/config/designs/client-a-prod.toml", env!("CARGO_MANIFEST_DIR"));
    let run = |format: &str| {
        assert_cmd::Command::cargo_bin("driftdeck")
            .expect("binary")
            .args(["plan", "--design", &design, "--state", &state, "--format", format, "--snapshot"])
            .arg(&snap)
            .output()
            .expect("run")
    };
    let out = run("json");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let differing = doc["state"]["differing"].as_array().expect("differing");
    assert!(differing.iter().any(|x| x["id"] == "client-a-prod-pg" && x["attribute"] == "multi_az"), "{doc:#}");
    assert!(doc["state"]["live_only"].as_array().is_some_and(|a| a.iter().any(|x| x["id"] == "sg-bastion")));
    let out = run("table");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CHANGED OUTSIDE TERRAFORM (3)"), "{text}");
    assert!(text.contains("LIVE ONLY, NOT IN THE STATE"), "{text}");
}
