//! CI report formats: SARIF checked against the published 2.1.0 schema, JUnit parsed
//! back with quick-junit's own deserializer, the Markdown summary snapshotted, and the
//! `plan` binary's exit codes.

use testkit::fixtures;

use assert_cmd::Command;
use engine::formats::{self, Doc};
use engine::plan;
use engine::terraform;
use fixtures::*;
use model::Snapshot;
use std::path::{Path, PathBuf};

const PLAN: &str = "tests/terraform/plan_client_a.json";

fn before() -> Snapshot {
    let mut s = client_a();
    let mut r = rule("tcp", 22, 22, cidr("0.0.0.0/0"));
    r.rule_id = Some("sgr-world22".into());
    sg_mut(&mut s, "sg-bastion").ingress.push(r);
    s
}

fn plan_report() -> plan::PlanReport {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(PLAN)).expect("fixture");
    plan::evaluate(&design("client-a-prod"), &before(), &terraform::parse_plan(&text).expect("plan"))
}

fn in_repo() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).expect("cd");
}

/// Validate with the moto venv's Python `jsonschema` (already a test dependency there),
/// against `../shared/schemas/sarif-schema-2.1.0.json` relative to the repository.
fn validate_sarif(json: &str) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let schema = if schema.exists() { schema } else { PathBuf::from("/work/shared/schemas/sarif-schema-2.1.0.json") };
    if !schema.exists() {
        eprintln!("SKIPPED schema validation: ../shared/schemas/sarif-schema-2.1.0.json is absent");
        return;
    }
    let python = std::env::var("DRIFTDECK_PYTHON").unwrap_or_else(|_| ".venv/bin/python".into());
    let dir = tempfile::tempdir().expect("tmp");
    let doc = dir.path().join("out.sarif");
    std::fs::write(&doc, json).expect("write");
    let script = "import json,sys,jsonschema\n\
        s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2]))\n\
        V=jsonschema.validators.validator_for(s); V.check_schema(s)\n\
        errs=sorted(V(s).iter_errors(d), key=str)\n\
        [print(e.json_path, e.message) for e in errs]\n\
        sys.exit(1 if errs else 0)\n";
    let out = std::process::Command::new(&python)
        .args(["-c", script])
        .arg(&schema)
        .arg(&doc)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} (run scripts/test.sh once to create .venv): {e}"));
    assert!(
        out.status.success(),
        "SARIF fails the schema:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn check_github_rules(v: &serde_json::Value) {
    let run = &v["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().expect("rules") {
        assert!(rule["id"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(rule["shortDescription"]["text"].is_string() && rule["fullDescription"]["text"].is_string());
        assert!(rule["help"]["text"].is_string());
        assert!(rule["properties"]["security-severity"].as_str().is_some_and(|s| s.parse::<f64>().is_ok()));
    }
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().is_some_and(|u| !u.is_empty()), "{r}");
        assert!(loc["region"]["startLine"].as_i64().is_some_and(|l| l >= 1), "{r}");
        assert!(r["partialFingerprints"].as_object().is_some_and(|m| !m.is_empty()), "{r}");
    }
}

#[test]
fn plan_sarif_is_valid_and_locates_every_result() {
    in_repo();
    let d = design("client-a-prod");
    let r = plan_report();
    let json = formats::sarif::to_string(&Doc::new("plan", &d, formats::plan_cases(&d, &r))).expect("sarif");
    validate_sarif(&json);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    check_github_rules(&v);
    // The peering route points at the clause `tiers.data.peering` in the design.
    let text = std::fs::read_to_string("config/designs/client-a-prod.toml").expect("design");
    let data_line = text.lines().position(|l| l.trim() == "[tiers.data]").expect("tier") + 1;
    let peering = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| {
            r["ruleId"] == "route.peering-forbidden"
                && r["message"]["text"].as_str().is_some_and(|m| m.contains("rtb-data"))
        })
        .expect("peering result");
    let line = peering["locations"][0]["physicalLocation"]["region"]["startLine"].as_i64().expect("line") as usize;
    assert!(line >= data_line && line <= data_line + 4, "line {line}, tier at {data_line}");
    assert_eq!(peering["locations"][0]["logicalLocations"][1]["name"], "module.network.aws_route.data_peering[0]");
}

#[test]
fn check_sarif_is_valid_and_fingerprints_are_stable() {
    in_repo();
    let d = design("client-a-prod");
    let s = before();
    let report = engine::drift::evaluate(&d, &s);
    let a = formats::sarif::to_string(&Doc::new("check", &d, formats::check_cases(&d, &s, &report))).expect("sarif");
    validate_sarif(&a);
    check_github_rules(&serde_json::from_str(&a).expect("json"));
    // Same finding, different message wording: same fingerprint.
    let mut reworded = report.clone();
    for f in &mut reworded.findings {
        let f = std::sync::Arc::make_mut(f);
        f.message = format!("{} (reworded)", f.message).into();
    }
    let b = formats::sarif::to_string(&Doc::new("check", &d, formats::check_cases(&d, &s, &reworded))).expect("sarif");
    let fps = |t: &str| -> Vec<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_str(t).expect("json");
        v["runs"][0]["results"].as_array().expect("r").iter().map(|r| r["partialFingerprints"].clone()).collect()
    };
    assert_eq!(fps(&a), fps(&b));
}

#[test]
fn junit_parses_back_with_passing_checks_and_failures() {
    in_repo();
    let d = design("client-a-prod");
    let s = before();
    let report = engine::drift::evaluate(&d, &s);
    let xml = formats::junit::to_string(&Doc::new("check", &d, formats::check_cases(&d, &s, &report))).expect("xml");
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("JUnit parses back");
    let cases: Vec<&quick_junit::TestCase> = parsed.test_suites.iter().flat_map(|s| s.test_cases.iter()).collect();
    assert!(cases.iter().all(|c| c.classname.as_ref().is_some_and(|n| !n.as_str().is_empty())));
    let failed: Vec<_> =
        cases.iter().filter(|c| !matches!(c.status, quick_junit::TestCaseStatus::Success { .. })).collect();
    assert_eq!(failed.len(), report.findings.len());
    assert!(cases.len() > failed.len() + 10, "passing checks are included: {} cases", cases.len());
    let ssh = failed
        .iter()
        .find(|c| {
            c.name.as_str() == "sg-bastion"
                && c.classname.as_ref().is_some_and(|n| n.as_str() == "driftdeck.sg.admin-port-open")
        })
        .expect("ssh case");
    match &ssh.status {
        quick_junit::TestCaseStatus::NonSuccess { message, description, .. } => {
            assert!(message.as_ref().is_some_and(|m| m.as_str().contains("22")));
            let body = description.as_ref().expect("description");
            assert!(body.as_str().contains("expected:") && body.as_str().contains("actual:"), "{}", body.as_str());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn plan_markdown_summary() {
    in_repo();
    let d = design("client-a-prod");
    let r = plan_report();
    let md = formats::markdown::to_string(&Doc::new("plan", &d, formats::plan_cases(&d, &r)));
    let intro = md.find("Introduced").expect("introduced section");
    let unknown = md.find("Unknown until apply").expect("unknown section");
    assert!(intro < unknown, "introduced first");
    insta::assert_snapshot!("plan_markdown", md);
}

fn bin() -> Command {
    let mut c = Command::cargo_bin("driftdeck").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    let home = std::env::temp_dir().join("driftdeck-test-home");
    c.env("XDG_STATE_HOME", home.join("state")).env("XDG_CONFIG_HOME", home.join("config"));
    c
}

#[test]
fn plan_binary_exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let snap = dir.path().join("snap.json");
    std::fs::write(&snap, serde_json::to_string(&before()).expect("json")).expect("write");
    let out = bin()
        .args(["plan", "--design", "config/designs/client-a-prod.toml", "--plan", PLAN, "--snapshot"])
        .arg(&snap)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("INTRODUCED") && stdout.contains("module.network.aws_route.data_peering[0]"), "{stdout}");
    assert!(stdout.contains("aws_s3_bucket.logs") && stdout.contains("not judged"), "{stdout}");
    // Only critical counts, nothing critical introduced that is not... the peering route is critical: still 1.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"format_version": "2.0", "resource_changes": []}"#).expect("write");
    let out = bin()
        .args(["plan", "--design", "config/designs/client-a-prod.toml", "--plan"])
        .arg(&bad)
        .arg("--snapshot")
        .arg(&snap)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("format_version 2.0") && err.lines().count() == 1, "{err}");
    for format in ["json", "markdown", "sarif", "junit"] {
        let out = bin()
            .args([
                "plan",
                "--design",
                "config/designs/client-a-prod.toml",
                "--plan",
                PLAN,
                "--format",
                format,
                "--snapshot",
            ])
            .arg(&snap)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(!out.stdout.is_empty(), "{format}");
    }
}
