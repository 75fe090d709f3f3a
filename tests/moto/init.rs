//! `driftdeck init` round trip on the client-a moto environment (with its injected
//! drift): snapshot it through the real SDK, write a starter design from the snapshot,
//! validate it, and check the same snapshot with it: exactly the leftovers the file lists.

use crate::harness as common;

use common::*;

const DESIGN: &str = "config/designs/client-a-prod.toml";

#[test]
fn init_from_a_moto_snapshot_validates_and_checks_to_its_listed_leftovers() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("client-a", true);
    let id = |k: &str| ids[k].as_str().unwrap_or_else(|| panic!("seed printed no {k}")).to_string();
    let dir = tempfile::tempdir().expect("tmp");
    let snap = dir.path().join("snap.json");
    let out = moto.driftdeck().args(["snapshot", "--design", DESIGN, "--out"]).arg(&snap).output().expect("snapshot");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let starter = dir.path().join("starter.toml");
    let out = driftdeck_isolated()
        .args(["init", "--from-snapshot"])
        .arg(&snap)
        .arg("--out")
        .arg(&starter)
        .output()
        .expect("init");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&starter).expect("generated");
    // A second run keeps the file unless --force.
    let again = driftdeck_isolated().args(["init", "--from-snapshot"]).arg(&snap).arg("--out").arg(&starter).output();
    assert_eq!(again.expect("init").status.code(), Some(2));

    let out = driftdeck_isolated().arg("validate").arg(&starter).output().expect("validate");
    assert_eq!(out.status.code(), Some(0), "{}\n{text}", String::from_utf8_lossy(&out.stderr));

    let (code, report, stderr) = check_json(
        driftdeck_isolated().args(["check", "--format", "json", "--design"]).arg(&starter).arg("--snapshot").arg(&snap),
    );
    let found = finding_pairs(&report);
    let tail = text.split("# ---- Not expressed by this design").nth(1).expect("leftovers block");
    let mut listed: Vec<(String, String)> = tail
        .lines()
        .skip(3)
        .filter_map(|l| {
            let mut w = l.strip_prefix("# ")?.split_whitespace();
            let (_sev, rule, res) = (w.next()?, w.next()?, w.next()?);
            Some((rule.to_string(), res.trim_end_matches(':').to_string()))
        })
        .filter(|(r, _)| r != "(none)")
        .collect();
    listed.sort();
    listed.dedup();
    assert_eq!(found, listed, "{text}");
    assert_eq!(code, Some(if listed.is_empty() { 0 } else { 1 }), "{stderr}");
    // World-open SSH on the app group is drift, never written down as intent.
    assert!(listed.contains(&("sg.admin-port-open".to_string(), id("sg_app"))), "{listed:?}");
    // Roles come from the Role tags seed.py sets.
    for role in ["[security.roles.\"app\"]", "[security.roles.\"db\"]"] {
        assert!(text.contains(role), "{role} missing:\n{text}");
    }
}
