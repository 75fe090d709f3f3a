//! Reachability against moto: the production / production-pci pair in two accounts
//! (pair-accounts seed, with live members), the shipped seed-004 assertions holding, then
//! production-pci's database broken three ways through the AWS APIs. The PCI data tier is
//! kept from production by three defences: its group (5432 from PCI's app group only),
//! its route table (no route back across the peering) and its ACL (no egress to
//! production). Each break takes one down and the answer's deciding hop moves to the
//! next; when the last one falls the assertions flip to `reach.unexpected`, and mending
//! any single defence flips them back.

use crate::harness as common;

use common::*;
use serde_json::Value;

struct Pci<'a> {
    moto: &'a Moto,
    estate: Estate,
    ids: Value,
}

impl Pci<'_> {
    fn id(&self, name: &str) -> String {
        self.ids[name].as_str().unwrap_or_else(|| panic!("no {name} in the seed ids")).to_string()
    }

    /// One change through the AWS APIs in the PCI account (tests/moto/pci_break.py).
    fn change(&self, action: &str, args: &[&str]) -> Value {
        let out = std::process::Command::new(python())
            .arg(format!("{}/tests/moto/pci_break.py", env!("CARGO_MANIFEST_DIR")))
            .arg(&self.moto.endpoint)
            .arg(action)
            .args(args)
            .output()
            .expect("run pci_break.py");
        assert!(out.status.success(), "pci_break.py {action}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("pci_break.py prints JSON")
    }

    fn with_designs(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = self.estate.driftdeck(self.moto);
        c.arg(args[0]).arg("--design").arg(&self.estate.production).arg("--design").arg(&self.estate.pci);
        c.args(&args[1..]);
        c
    }

    /// `driftdeck reach --format json` for production's app tier to PCI's data tier on 5432.
    fn app_to_pci_data(&self) -> Value {
        let (code, v, stderr) = check_json(&mut self.with_designs(&[
            "reach",
            "--from",
            "tier:app",
            "--to",
            "production-pci:tier:data",
            "--port",
            "5432",
            "--expect",
            "denied",
            "--format",
            "json",
        ]));
        let expect = if v["verdict"] == "denied" { 0 } else { 1 };
        assert_eq!(code, Some(expect), "--expect denied gates on the verdict: {stderr}\n{v:#}");
        v
    }

    /// Reach findings of `check` over both environments: (environment, rule, from -> to).
    fn reach_findings(&self) -> (Option<i32>, Vec<(String, Value)>) {
        let (code, doc, stderr) = check_json(&mut self.with_designs(&["check", "--format", "json"]));
        let envs = doc["environments"].as_array().unwrap_or_else(|| panic!("{stderr}\n{doc:#}"));
        assert_eq!(envs.len(), 2, "{stderr}");
        let mut out = Vec::new();
        for e in envs {
            for f in e["findings"].as_array().expect("findings") {
                if f["rule"].as_str().is_some_and(|r| r.starts_with("reach.")) {
                    out.push((e["environment"].as_str().unwrap_or("").to_string(), f.clone()));
                }
            }
        }
        (code, out)
    }
}

/// (step, code, resource) of the answer's deciding hop, or None when allowed.
fn deciding(answer: &Value) -> Option<(String, String, String)> {
    let path = &answer["path"];
    let i = path["deciding"].as_u64()? as usize;
    let h = &path["hops"][i];
    Some((
        h["step"].as_str().unwrap_or("").to_string(),
        h["code"].as_str().unwrap_or("").to_string(),
        h["resource"].as_str().unwrap_or("").to_string(),
    ))
}

fn owned(a: &str, b: &str, c: &str) -> Option<(String, String, String)> {
    Some((a.to_string(), b.to_string(), c.to_string()))
}

#[test]
fn seed_004_holds_then_breaking_the_pci_database_three_ways_flips_it() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("pair-accounts", false);
    let pci = Pci { moto, estate: Estate::new(), ids };
    let (sg_db, rt_data, acl_data, pcx) =
        (pci.id("pci_sg_db"), pci.id("pci_rt_data"), pci.id("pci_acl_data"), pci.id("pcx"));
    let prod_cidr = "10.20.0.0/16";

    // Clean: every shipped assertion of both designs holds, on live members.
    let (code, found) = pci.reach_findings();
    assert_eq!(found, vec![], "seed 004 holds");
    assert_eq!(code, Some(0));
    let a = pci.app_to_pci_data();
    assert_eq!(a["verdict"], "denied", "{a:#}");
    assert_eq!(a["counts"], serde_json::json!([0, 9, 0]), "3 app interfaces x 3 database interfaces: {a:#}");
    assert_eq!(deciding(&a), owned("sg", "SG_NO_INGRESS", &sg_db), "{a:#}");
    // The internal ALB across the peering answers, through real members' groups.
    let (code, alb, _) = check_json(&mut pci.with_designs(&[
        "reach",
        "--from",
        "app",
        "--to",
        "production-pci:alb",
        "--port",
        "443",
        "--format",
        "json",
    ]));
    assert_eq!((code, &alb["verdict"]), (Some(0), &Value::from("allowed")), "{alb:#}");
    assert_eq!(alb["counts"], serde_json::json!([9, 0, 0]), "{alb:#}");
    assert!(alb["path"]["to"].as_str().is_some_and(|t| t.starts_with("eni-")), "a live member: {alb:#}");

    // (c) A group rule opened: the database's group lets production in. Still denied: the
    // data tier's route table has no way back across the peering.
    let rule = pci.change("sg-open", &[&sg_db, "5432", prod_cidr])["rule"].as_str().expect("rule id").to_string();
    let a = pci.app_to_pci_data();
    assert_eq!(a["verdict"], "denied", "{a:#}");
    assert_eq!(deciding(&a), owned("return-route", "NO_RETURN_ROUTE", &rt_data), "{a:#}");
    assert_eq!(pci.reach_findings().1, vec![], "still holds");

    // (a) A peering route added to the PCI data tier's table: the way back exists; the
    // ACL's egress deny (#90) still drops the answers.
    pci.change("route-add", &[&rt_data, prod_cidr, &pcx]);
    let a = pci.app_to_pci_data();
    assert_eq!(a["verdict"], "denied", "{a:#}");
    assert_eq!(deciding(&a), owned("return-acl", "ACL_RETURN_DENY", &acl_data), "{a:#}");
    let i = a["path"]["deciding"].as_u64().expect("deciding") as usize;
    assert!(a["path"]["hops"][i]["detail"].as_str().is_some_and(|d| d.contains("#90")), "{a:#}");
    assert_eq!(pci.reach_findings().1, vec![], "still holds");

    // (b) The ACL deny removed: the last defence is gone and the assertions flip.
    pci.change("acl-del", &[&acl_data, "90"]);
    let a = pci.app_to_pci_data();
    assert_eq!(a["verdict"], "allowed", "{a:#}");
    assert_eq!(a["counts"], serde_json::json!([9, 0, 0]), "{a:#}");
    assert_eq!(deciding(&a), None);
    let sg_hop = a["path"]["hops"].as_array().expect("hops").iter().find(|h| h["resource"] == sg_db.as_str()).cloned();
    assert!(sg_hop.is_some_and(|h| h["detail"].as_str().is_some_and(|d| d.contains(&rule))), "{a:#}");
    let (code, found) = pci.reach_findings();
    assert_eq!(code, Some(1));
    let mut flipped: Vec<(String, String, String)> = found
        .iter()
        .map(|(env, f)| {
            assert_eq!(f["resource"], sg_db.as_str(), "the group that lets it in: {f:#}");
            assert_eq!(f["severity"], "critical", "{f:#}");
            let hop = f["evidence"]["deciding_hop"].as_str().unwrap_or("");
            assert!(hop.starts_with(&format!("sg {sg_db} ingress {rule}")), "{f:#}");
            (env.clone(), f["rule"].as_str().unwrap_or("").to_string(), f["evidence"]["from"].to_string())
        })
        .collect();
    flipped.sort();
    let exp = |env: &str, from: &str| (env.to_string(), "reach.unexpected".to_string(), from.to_string());
    assert_eq!(
        flipped,
        vec![
            exp("production", "\"tier:app (tier app of production)\""),
            exp("production-pci", "\"production:app (role app of production)\""),
            exp("production-pci", "\"production:tier:app (tier app of production)\""),
        ]
    );

    // Each defence alone keeps the database closed: mending any one flips it back, with
    // that defence as the deciding hop.
    for (mend, undo, step, code, resource) in [
        (
            ("sg-close", vec![sg_db.as_str(), "5432", prod_cidr]),
            ("sg-open", vec![sg_db.as_str(), "5432", prod_cidr]),
            "sg",
            "SG_NO_INGRESS",
            &sg_db,
        ),
        (
            ("route-del", vec![rt_data.as_str(), prod_cidr]),
            ("route-add", vec![rt_data.as_str(), prod_cidr, pcx.as_str()]),
            "return-route",
            "NO_RETURN_ROUTE",
            &rt_data,
        ),
        (
            ("acl-deny", vec![acl_data.as_str(), "90", prod_cidr]),
            ("acl-del", vec![acl_data.as_str(), "90"]),
            "return-acl",
            "ACL_RETURN_DENY",
            &acl_data,
        ),
    ] {
        pci.change(mend.0, &mend.1);
        let a = pci.app_to_pci_data();
        assert_eq!(a["verdict"], "denied", "{}: {a:#}", mend.0);
        assert_eq!(deciding(&a), owned(step, code, resource), "{}: {a:#}", mend.0);
        assert_eq!(pci.reach_findings().1, vec![], "{} alone restores seed 004", mend.0);
        pci.change(undo.0, &undo.1);
        assert_eq!(pci.app_to_pci_data()["verdict"], "allowed", "{} undone", mend.0);
    }
}
