//! `driftdeck reach` and the `[[reach]]` part of `check`, offline over snapshots of the
//! production / production-pci pair (one snapshot per design, in order).

use testkit::reach as reach_support;

use assert_cmd::Command;
use reach_support::*;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    let mut c = Command::cargo_bin("driftdeck").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    let home = std::env::temp_dir().join("driftdeck-test-home");
    c.env("XDG_STATE_HOME", home.join("state")).env("XDG_CONFIG_HOME", home.join("config")).env_remove("NO_COLOR");
    c
}

fn write(dir: &Path, name: &str, s: &model::Snapshot) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(s).expect("json")).expect("write");
    path
}

const PROD: &str = "config/designs/production.toml";
const PCI: &str = "config/designs/production-pci.toml";

fn pair_files(dir: &Path, pci: model::Snapshot) -> (PathBuf, PathBuf) {
    (write(dir, "prod.json", &side("prod")), write(dir, "pci.json", &pci))
}

fn reach(a: &Path, b: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = bin()
        .args(["reach", "--design", PROD, "--design", PCI, "--snapshot"])
        .arg(a)
        .arg("--snapshot")
        .arg(b)
        .args(extra)
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_query_prints_the_hops_and_gates_on_expect() {
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = pair_files(dir.path(), side("pci"));
    let q = ["--from", "app", "--to", "production-pci:alb", "--port", "443"];
    let (code, out, err) = reach(&a, &b, &[&q[..], &["--expect", "allowed"]].concat());
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.starts_with(
            "app (role app of production) -> production-pci:alb (role alb of production-pci) tcp/443\nverdict: ALLOWED"
        ),
        "{out}"
    );
    assert!(out.contains("peering      production       ok    pcx-1 active: vpc-prod -> vpc-pci"), "{out}");
    let (code, _, _) = reach(&a, &b, &[&q[..], &["--expect", "denied"]].concat());
    assert_eq!(code, Some(1));
    let (code, out, _) =
        reach(&a, &b, &["--from", "app", "--to", "production-pci:db", "--port", "5432", "--expect", "denied"]);
    assert_eq!(code, Some(0), "{out}");
    // The database's group decides before the missing return route does, and the path
    // shown ends at the hop that decided it.
    assert!(out.contains("verdict: DENIED SG_NO_INGRESS: no ingress rule of sg-pci-db allows tcp 5432"), "{out}");
    assert!(out.contains("sg           production-pci   BLOCK"), "{out}");
    assert!(!out.contains("return-route"), "{out}");
    let (code, out, _) = reach(&a, &b, &[&q[..], &["--format", "json"]].concat());
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["verdict"], "allowed");
    assert_eq!(v["path"]["hops"][1]["resource"], "pcx-1");
}

#[test]
fn an_unknown_answer_exits_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut pci = side("pci");
    pci.inventory.insert(model::Kind::NetworkAcls, model::KindStatus::failed("AccessDenied"));
    let (a, b) = pair_files(dir.path(), pci);
    let (code, out, _) =
        reach(&a, &b, &["--from", "app", "--to", "production-pci:alb", "--port", "443", "--expect", "allowed"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("verdict: UNKNOWN UNAVAILABLE: network_acls of production-pci unavailable"), "{out}");
}

#[test]
fn exposure_lists_who_can_reach_the_pci_alb() {
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = pair_files(dir.path(), side("pci"));
    let (code, out, err) = reach(&a, &b, &["--to", "production-pci:alb", "--port", "443"]);
    // Tiers without interfaces take the groups the design places there ("placed by
    // design"), so every answer is known.
    assert_eq!(code, Some(0), "every tier answers: {err}");
    insta::assert_snapshot!("exposure_pci_alb_443", out);
    let (_, out, _) = reach(&a, &b, &["--from", "internet"]);
    assert!(out.contains("allowed  internet                             -> production:role:alb"), "{out}");
    assert!(!out.contains("production-pci:role:alb"), "the PCI ALB is internal: {out}");
}

#[test]
fn mismatched_snapshots_and_bad_flags_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = write(dir.path(), "prod.json", &side("prod"));
    let out = bin()
        .args(["reach", "--design", PROD, "--design", PCI, "--snapshot"])
        .arg(&a)
        .args(["--to", "app", "--port", "1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "driftdeck: 1 --snapshot for 2 --design: give one snapshot per design, in the same order\n"
    );
    let out =
        bin().args(["reach", "--design", PROD, "--snapshot"]).arg(&a).args(["--to", "app"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("driftdeck: give --from, --to and --port"));
}

#[test]
fn check_judges_the_local_assertions_and_names_the_others() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = write(dir.path(), "prod.json", &side("prod"));
    let out = bin().args(["check", "--design", PROD, "--format", "json", "--snapshot"]).arg(&a).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}{}", String::from_utf8_lossy(&out.stdout));
    assert!(err.contains("7 reach assertion(s) name production-pci: not judged"), "{err}");
    // Open SSH on the bastion to the world: internet -> bastion 22 must be denied.
    let mut s = side("prod");
    sg_mut(&mut s, "sg-prod-bastion").ingress.push(rule(
        "sgr-wide",
        "tcp",
        22,
        22,
        model::RulePeer::Cidr4("0.0.0.0/0".into()),
    ));
    let a = write(dir.path(), "prod.json", &s);
    let out = bin().args(["check", "--design", PROD, "--format", "json", "--snapshot"]).arg(&a).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f: Vec<&serde_json::Value> =
        v["findings"].as_array().expect("findings").iter().filter(|f| f["rule"] == "reach.unexpected").collect();
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["resource"], "sg-prod-bastion");
    assert_eq!(f[0]["severity"], "critical");
    assert!(f[0]["evidence"]["deciding_hop"].as_str().expect("hop").contains("sgr-wide"), "{:#}", f[0]);
}
