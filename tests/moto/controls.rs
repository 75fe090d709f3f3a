//! The account controls of the design (keys, instance metadata, detectors, the trail,
//! EKS) end to end against moto: the `controls` seed is as designed but for GuardDuty
//! (no detector), and with `--drift` a key stops rotating, a launch template version
//! allows IMDSv1 and the EKS endpoint opens to the world.

use crate::harness as common;

use common::*;

const CONTROLS: &str = r#"
[kms]
keys = ["alias/client-a-data"]
rotation = true

[instances]
imdsv2 = "required"
max_hop_limit = 1

[detectors]
guardduty = true
securityhub = true
cloudtrail = { multi_region = true, logging = true, log_file_validation = true }

[eks]
public_endpoint_from = ["devops"]
"#;

fn design(dir: &std::path::Path) -> std::path::PathBuf {
    let base = std::fs::read_to_string(format!("{}/config/designs/client-a-prod.toml", env!("CARGO_MANIFEST_DIR")))
        .expect("design");
    let path = dir.join("client-a-controls.toml");
    std::fs::write(&path, format!("{base}\n{CONTROLS}")).expect("write");
    path
}

fn control_findings(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = finding_pairs(report)
        .into_iter()
        .filter(|(r, _)| ["kms.", "ec2.", "detector.", "trail.", "eks."].iter().any(|p| r.starts_with(p)))
        .collect();
    v.sort();
    v
}

#[test]
fn controls_hold_then_drift_through_the_apis() {
    let (moto, _g) = Moto::shared();
    let dir = tempfile::tempdir().expect("tmp");
    let d = design(dir.path());
    moto.reset();
    moto.seed("controls", false);
    let (_, report, stderr) =
        check_json(moto.driftdeck().arg("check").arg("--design").arg(&d).args(["--format", "json", "--no-history"]));
    for kind in ["kms_keys", "launch_templates", "detectors", "trails", "eks_clusters"] {
        assert_eq!(report["inventory"][kind]["status"], "ok", "{kind}: {}\n{stderr}", report["inventory"][kind]);
    }
    let rules: Vec<String> = control_findings(&report).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, ["detector.guardduty-off"], "only GuardDuty is off: {report:#}");
    moto.reset();
    let ids = moto.seed("controls", true);
    let (code, report, _) =
        check_json(moto.driftdeck().arg("check").arg("--design").arg(&d).args(["--format", "json", "--no-history"]));
    assert_eq!(code, Some(1));
    let rules: Vec<String> = control_findings(&report).into_iter().map(|(r, _)| r).collect();
    for rule in ["kms.rotation-disabled", "ec2.imdsv2-optional", "eks.endpoint-public", "detector.guardduty-off"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} in {rules:?}");
    }
    let imds = finding_pairs(&report).into_iter().find(|(r, _)| r == "ec2.imdsv2-optional").expect("imds");
    assert!(imds.1.contains(ids["launch_template"].as_str().expect("lt")), "{imds:?}");
}
