//! The estate against moto: production and production-pci in two accounts (moto keys its
//! state by account; the pci profile assumes a role into the second one), checked at once.
//! Both answer; drift in one shows in its own report only; one environment failing (wrong
//! account) leaves the other's report whole and makes the exit code 2.

use crate::harness as common;

use common::*;

/// `check --format json` over production and `second` (production-pci or a variant).
fn check_pair(moto: &Moto, estate: &Estate, second: &std::path::Path) -> (Option<i32>, serde_json::Value, String) {
    check_json(
        estate
            .driftdeck(moto)
            .args(["check", "--format", "json", "--design"])
            .arg(&estate.production)
            .arg("--design")
            .arg(second),
    )
}

fn reports(doc: &serde_json::Value) -> Vec<&serde_json::Value> {
    doc["environments"].as_array().expect("environments array").iter().collect()
}

#[test]
fn two_accounts_are_checked_at_once() {
    let (moto, _g) = Moto::shared();
    moto.seed("pair-accounts", false);
    let estate = Estate::new();
    let (code, doc, stderr) = check_pair(moto, &estate, &estate.pci);
    assert_eq!(code, Some(0), "{stderr}\n{doc:#}");
    let r = reports(&doc);
    assert_eq!(r.len(), 2);
    assert_eq!((r[0]["environment"].as_str(), r[0]["account"].as_str()), (Some("production"), Some("123456789012")));
    assert_eq!((r[1]["environment"].as_str(), r[1]["account"].as_str()), (Some("production-pci"), Some(PCI_ACCOUNT)));
    for report in r {
        assert_eq!(finding_pairs(report), vec![], "{report:#}");
    }
}

#[test]
fn drift_in_one_account_and_a_failing_environment() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("pair-accounts", true);
    let estate = Estate::new();
    let (code, doc, _) = check_pair(moto, &estate, &estate.pci);
    assert_eq!(code, Some(1));
    let r = reports(&doc);
    // The drift is production-pci's route alone; the route rules say so per environment.
    // (The seed 004 reach assertions are judged over both and have their own tests.)
    let routes = |report: &serde_json::Value| -> Vec<(String, String)> {
        finding_pairs(report).into_iter().filter(|(rule, _)| !rule.starts_with("reach.")).collect()
    };
    assert_eq!(routes(r[0]), vec![], "production has no drift");
    let rt = ids["pci_rt_data"].as_str().expect("id").to_string();
    assert_eq!(routes(r[1]), vec![("route.peering-forbidden".to_string(), rt)]);

    // production-pci refused by its account guard: production is still reported in full.
    let wrong = estate.pci_with_wrong_account();
    let (code, doc, stderr) = check_pair(moto, &estate, &wrong);
    assert_eq!(code, Some(2), "an environment that cannot be checked is an error");
    let r = reports(&doc);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["environment"], "production");
    assert!(stderr.contains(&format!("production-pci: credentials belong to account {PCI_ACCOUNT}, but")), "{stderr}");
}

#[test]
fn snapshot_writes_one_file_per_environment() {
    let (moto, _g) = Moto::shared();
    moto.seed("pair-accounts", false);
    let estate = Estate::new();
    let out = estate.dir.path().join("snaps");
    let run = estate
        .driftdeck(moto)
        .args(["snapshot", "--design"])
        .arg(&estate.production)
        .arg("--design")
        .arg(&estate.pci)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("snapshot");
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    for (name, account) in [("production", "123456789012"), ("production-pci", PCI_ACCOUNT)] {
        let text = std::fs::read_to_string(out.join(format!("{name}.json"))).expect("snapshot file");
        let snap = model::Snapshot::from_json(&text).expect("valid snapshot");
        assert_eq!(snap.account.as_deref(), Some(account));
        assert!(snap.vpcs.iter().any(|v| v.tags.get("Name").map(String::as_str) == Some(name)), "{name}");
    }
}
