//! The real binary, offline: `validate` on every invalid-design fixture, and `check
//! --snapshot` exit codes, table and JSON formats over recorded snapshots.

use testkit::fixtures;

use assert_cmd::Command;
use fixtures::*;
use model::{Kind, KindStatus, TargetKind};
use std::path::{Path, PathBuf};

fn bin() -> Command {
    let mut c = Command::cargo_bin("driftdeck").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    let home = std::env::temp_dir().join("driftdeck-test-home");
    c.env("XDG_STATE_HOME", home.join("state")).env("XDG_CONFIG_HOME", home.join("config")).env_remove("NO_COLOR");
    c
}

fn write_snapshot(dir: &Path, s: &model::Snapshot) -> PathBuf {
    let path = dir.join("snap.json");
    std::fs::write(&path, serde_json::to_string(s).expect("json")).expect("write");
    path
}

const DESIGN: &str = "config/designs/client-a-prod.toml";

#[test]
fn every_invalid_design_fixture_gives_its_exact_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/designs/invalid");
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("fixtures").flatten().map(|e| e.path()).collect();
    entries.sort();
    for toml in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
        let rel = toml.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("inside").to_path_buf();
        let expected = std::fs::read_to_string(toml.with_extension("err"))
            .unwrap_or_else(|_| panic!("{} has no .err file with its expected message", rel.display()));
        let out = bin().arg("validate").arg(&rel).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{}", rel.display());
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected, "{}", rel.display());
        assert!(out.stdout.is_empty());
        seen += 1;
    }
    assert!(seen >= 15, "only {seen} fixtures");
}

#[test]
fn shipped_designs_validate() {
    let out = bin()
        .args(["validate", "config/designs/client-a-prod.toml", "config/designs/production.toml"])
        .args(["config/designs/production-pci.toml", "config/designs/neurocipher-prod.toml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 4);
    assert!(
        text.starts_with("ok: config/designs/client-a-prod.toml (client-a-prod, eu-west-2, 4 tiers, 5 roles, 4 flows)")
    );
}

/// Every shipped design validates by glob (baselines live in `baselines/`, not designs by
/// themselves), and `--explain` prints the merged design, which itself validates.
#[test]
fn a_design_with_bases_validates_and_explains() {
    let out = bin().args(["validate", "config/designs/client-a-prod-tags.toml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "ok: config/designs/client-a-prod-tags.toml (client-a-prod-tags, eu-west-2, 4 tiers, 5 roles, 4 flows)"
    );
    let out = bin().args(["validate", "--explain", "config/designs/client-a-prod-tags.toml"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let merged = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(merged.contains("# from config/designs/baselines/tags.toml:"), "{merged}");
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("ok: "), "the verdict goes to stderr");
    let dir = tempfile::tempdir().expect("tmp");
    let flat = dir.path().join("flat.toml");
    std::fs::write(&flat, &merged).expect("write");
    let out = bin().arg("validate").arg(&flat).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // A base that is missing: one line naming it and the design that asked.
    std::fs::write(dir.path().join("d.toml"), "extends = [\"nowhere.toml\"]\n").expect("write");
    let out = bin().arg("validate").arg(dir.path().join("d.toml")).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("d.toml:1:") && err.contains("nowhere.toml"), "{err}");
}

#[test]
fn clean_snapshot_passes_with_exit_0() {
    let dir = tempfile::tempdir().expect("tmp");
    let snap = write_snapshot(dir.path(), &client_a());
    let out = bin().args(["check", "--design", DESIGN, "--snapshot"]).arg(&snap).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("No drift"), "{text}");
    assert!(text.contains("PASS: nothing at or above low (exit 0)"));
    assert!(!text.contains('\x1b'), "no colour when stdout is not a terminal");
}

#[test]
fn drift_gives_exit_1_and_fail_on_raises_the_bar() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = client_a();
    s.security_groups.push(sg("sg-legacy", None, vec![])); // info only
    let snap = write_snapshot(dir.path(), &s);
    let run = |fail_on: &str| {
        bin().args(["check", "--design", DESIGN, "--fail-on", fail_on, "--snapshot"]).arg(&snap).output().expect("run")
    };
    assert_eq!(run("info").status.code(), Some(1));
    assert_eq!(run("low").status.code(), Some(0));

    rt_mut(&mut s, "rtb-data").routes.push(route("10.50.0.0/16", TargetKind::VpcPeering, Some("pcx-shared")));
    let snap = write_snapshot(dir.path(), &s);
    let out = bin().args(["check", "--design", DESIGN, "--snapshot"]).arg(&snap).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let crit = text.find("CRITICAL (1)").expect("critical group");
    let info = text.find("INFO (1)").expect("info group");
    assert!(crit < info, "grouped by severity, worst first:\n{text}");
    assert!(text.contains("route.peering-forbidden    rtb-data [data]"), "{text}");
}

#[test]
fn json_report_follows_schema_1() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = client_a();
    sg_mut(&mut s, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    let snap = write_snapshot(dir.path(), &s);
    let out =
        bin().args(["check", "--design", DESIGN, "--format", "json", "--snapshot"]).arg(&snap).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid json");
    assert_eq!(v["schema"], 1);
    assert_eq!(v["environment"], "client-a-prod");
    assert_eq!(v["account"], "123456789012");
    assert_eq!(v["region"], "eu-west-2");
    assert_eq!(v["generated_at"], "2026-11-23T10:00:00Z");
    assert_eq!(v["inventory"]["security_groups"]["status"], "ok");
    assert_eq!(v["inventory"]["security_groups"]["count"], 6);
    assert!(v["inventory"]["security_groups"]["error"].is_null());
    let findings = v["findings"].as_array().expect("findings");
    let rules: Vec<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap_or("")).collect();
    assert_eq!(rules, vec!["sg.admin-port-open", "sg.public-ingress"]);
    let f = &findings[0];
    for key in ["severity", "resource", "resource_kind", "role", "expected", "actual", "evidence", "message"] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["resource"], "sg-app");
    assert_eq!(f["evidence"]["ports"], "22");
    assert_eq!(f["evidence"]["source"], "0.0.0.0/0");
}

#[test]
fn unavailable_kind_exits_2_even_with_drift() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = client_a();
    s.inventory
        .insert(Kind::RouteTables, KindStatus::failed("ec2:DescribeRouteTables: throttled (RequestLimitExceeded)"));
    let snap = write_snapshot(dir.path(), &s);
    let out = bin().args(["check", "--design", DESIGN, "--snapshot"]).arg(&snap).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("FAILED route_tables: ec2:DescribeRouteTables: throttled"), "{text}");
    assert!(text.contains("UNKNOWN: could not fetch route_tables (exit 2)"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not fetch route_tables"));
}

#[test]
fn bad_snapshot_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("s.json");
    std::fs::write(&path, r#"{"schema": 7}"#).expect("write");
    let out = bin().args(["check", "--design", DESIGN, "--snapshot"]).arg(&path).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("snapshot schema 7 is not supported"), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn bad_fail_on_value_is_rejected() {
    let out = bin().args(["check", "--design", DESIGN, "--fail-on", "urgent"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`urgent` is not a severity"));
}

#[test]
fn invalid_console_config_names_the_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[keys]\nquit = \"ctrl-\"\n").expect("write");
    let out = bin().arg("--config").arg(&cfg).arg("demo").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("keys.quit: `ctrl-` is not a key"), "{err}");

    let out = bin().args(["--intervals", "alarms=0", "demo"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("alarms: the interval must be at least 1 second"));
}

#[test]
fn console_without_a_terminal_points_to_check() {
    let out = bin().args(["--design", DESIGN]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the console needs a terminal; for CI use `driftdeck check`")
    );
}

#[test]
fn several_designs_give_one_report_each_and_the_worst_exit_code() {
    let dir = tempfile::tempdir().expect("tmp");
    let clean = write_snapshot(dir.path(), &client_a());
    let mut drifted = client_a();
    rt_mut(&mut drifted, "rtb-data").routes.push(route("10.50.0.0/16", TargetKind::VpcPeering, Some("pcx-1")));
    let drifted_path = dir.path().join("drifted.json");
    std::fs::write(&drifted_path, serde_json::to_string(&drifted).expect("json")).expect("write");
    // The same environment under a second name stands in for a second environment.
    let second = dir.path().join("client-a-dr.toml");
    let text =
        std::fs::read_to_string(DESIGN).expect("design").replace("name = \"client-a-prod\"", "name = \"client-a-dr\"");
    std::fs::write(&second, text).expect("write design");

    let out = bin()
        .args(["check", "--format", "json", "--design", DESIGN, "--snapshot"])
        .arg(&clean)
        .arg("--design")
        .arg(&second)
        .arg("--snapshot")
        .arg(&drifted_path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "the worst of 0 and 1: {}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["schema"], 1);
    let envs = doc["environments"].as_array().expect("an array under environments");
    assert_eq!(envs.len(), 2);
    assert_eq!(
        (envs[0]["environment"].as_str(), envs[0]["findings"].as_array().map(Vec::len)),
        (Some("client-a-prod"), Some(0))
    );
    assert_eq!(envs[1]["environment"], "client-a-dr");
    assert_eq!(envs[1]["findings"][0]["rule"], "route.peering-forbidden");

    // A snapshot count that does not match the designs is refused with what to do.
    let out = bin()
        .args(["check", "--design", DESIGN, "--design"])
        .arg(&second)
        .arg("--snapshot")
        .arg(&clean)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "driftdeck: 2 --design but 1 --snapshot; give one snapshot per design, in the same order\n"
    );
    // Two designs naming one environment are refused.
    let out = bin().args(["check", "--design", DESIGN, "--design", DESIGN]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("two designs name the environment `client-a-prod`"));
}
