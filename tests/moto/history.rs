//! History against moto: CloudTrail LookupEvents and CloudWatch DescribeAlarmHistory as
//! the harness serves them. Nothing here is a hand-written response: the harness
//! (tests/moto/history.py) generates both from the real mutating calls `seed.py history`
//! makes through moto, signed by three access keys it maps to an assumed-role session,
//! an IAM user and an SSO user, and from the alarms' real state changes.

use crate::harness as common;

use common::*;
use serde_json::Value;

const DESIGN: &str = "config/designs/client-a-prod.toml";

fn finding<'a>(report: &'a Value, rule: &str, resource: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule && f["resource"] == resource)
        .unwrap_or_else(|| panic!("no {rule} on {resource}: {report:#}"))
}

fn id(ids: &Value, k: &str) -> String {
    ids[k].as_str().unwrap_or_else(|| panic!("seed printed no {k}")).to_string()
}

#[test]
fn drift_is_attributed_to_the_identity_that_planted_it() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("history", false);
    let (code, report, stderr) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["history"]["problems"], serde_json::json!({}), "{stderr}");

    // Two changes touched the app group; the SSH finding is the role's, matched by rule.
    let ssh = &finding(&report, "sg.admin-port-open", &id(&ids, "sg_app"))["changed_by"];
    assert_eq!(ssh["status"], "changed", "{ssh:#}");
    assert_eq!(ssh["actor"], "platform-deploy/ci-run-42");
    assert_eq!(ssh["actor_type"], "assumed_role");
    assert_eq!(ssh["exact"], true);
    assert_eq!(ssh["event"], "AuthorizeSecurityGroupIngress");
    assert_eq!(ssh["asked"], serde_json::json!(["tcp 22 from 0.0.0.0/0"]));
    assert_eq!(ssh["agent"], "sdk", "boto3 signs the seed's calls");

    let flow = finding(&report, "sg.flow-undeclared", &id(&ids, "sg_app"));
    let dbg = moto.driftdeck().args(["history", "--design", DESIGN, "--resource", &id(&ids, "sg_app")]).output();
    let dbg = dbg.map(|o| String::from_utf8_lossy(&o.stdout).to_string()).unwrap_or_default();
    assert_eq!(
        (&flow["changed_by"]["actor"], &flow["changed_by"]["exact"]),
        (&Value::from("alice"), &Value::from(true)),
        "{flow:#} {} {dbg}",
        report["generated_at"]
    );

    let route = &finding(&report, "route.peering-forbidden", &id(&ids, "rt_data"))["changed_by"];
    assert_eq!(route["actor"], "bob@example.com (SSO NetworkAdmin)", "{route:#}");
    assert_eq!(route["asked"][0].as_str().map(|s| s.starts_with("10.50.0.0/16 -> pcx-")), Some(true));

    // The merged timeline: the alarm transition, and the refused call shown as failed.
    let out = moto.driftdeck().args(["history", "--design", DESIGN, "--format", "json"]).output().expect("run history");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let h: Value = serde_json::from_slice(&out.stdout).expect("json");
    let transitions = h["transitions"].as_array().expect("transitions");
    assert!(
        transitions
            .iter()
            .any(|t| t["alarm"] == "client-a-prod-alb-5xx" && t["old_state"] == "OK" && t["new_state"] == "ALARM"),
        "{transitions:#?}"
    );
    let lines = h["lines"].as_array().expect("lines");
    assert!(
        lines
            .iter()
            .any(|l| l["failed"] == true && l["text"].as_str().is_some_and(|t| t.contains("InvalidGroup.NotFound")))
    );
    assert!(lines.iter().any(|l| l["source"] == "alarm-history") && lines.iter().any(|l| l["source"] == "cloudtrail"));

    // --resource narrows the timeline to one id.
    let out = moto
        .driftdeck()
        .args(["history", "--design", DESIGN, "--resource", &id(&ids, "rt_data")])
        .output()
        .expect("run history");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CreateRoute") && !text.contains("AuthorizeSecurityGroupIngress"), "{text}");
}

#[test]
fn a_change_older_than_the_window_is_unexplained() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("history", false);
    moto.http("POST", "/_driftdeck/history/age", r#"{"seconds": 172800}"#).expect("age");
    let (_, report, stderr) =
        check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json", "--since", "24h"]));
    let ssh = &finding(&report, "sg.admin-port-open", &id(&ids, "sg_app"))["changed_by"];
    assert_eq!(ssh["status"], "older_than_window", "{ssh:#} {stderr}");
    // A wider window finds it again.
    let (_, report, _) =
        check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json", "--since", "3d"]));
    assert_eq!(
        finding(&report, "sg.admin-port-open", &id(&ids, "sg_app"))["changed_by"]["actor"],
        "platform-deploy/ci-run-42"
    );
}

#[test]
fn throttled_history_leaves_findings_untouched_and_says_delayed() {
    let (moto, _g) = Moto::shared();
    moto.seed("history", false);
    let (code_off, without, _) =
        check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json", "--no-history"]));
    assert!(without.get("history").is_none());
    moto.faults(serde_json::json!([{"action": "LookupEvents", "status": 400, "code": "ThrottlingException", "message": "Rate exceeded"}]));
    // A budget that outlasts the SDK's retries and our back-offs, so the throttling itself
    // is the answer (a shorter one ends as "history not read: budget", tested below).
    let (code, report, stderr) =
        check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json", "--history-budget", "30"]));
    assert_eq!(code, code_off);
    assert_eq!(finding_pairs(&report), finding_pairs(&without));
    for (kind, status) in report["inventory"].as_object().expect("inventory") {
        assert_eq!(status["status"], "ok", "inventory untouched by history throttling: {kind}");
    }
    assert!(stderr.contains("history delayed"), "{stderr}");
    for f in report["findings"].as_array().expect("findings") {
        assert_eq!(f["changed_by"]["status"], "unavailable", "{f:#}");
    }
}

#[test]
fn denied_history_says_unavailable() {
    let (moto, _g) = Moto::shared();
    moto.seed("history", false);
    moto.faults(serde_json::json!([
        {"action": "LookupEvents", "status": 400, "code": "AccessDeniedException", "message": "User is not authorized to perform: cloudtrail:LookupEvents"},
        {"action": "DescribeAlarmHistory", "status": 400, "code": "AccessDenied", "message": "not authorized"}
    ]));
    let (_, report, stderr) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert!(stderr.contains("cloudtrail: history unavailable"), "{stderr}");
    assert!(stderr.contains("alarm-history: history unavailable"), "{stderr}");
    let f = &report["findings"][0]["changed_by"];
    assert_eq!(f["status"], "unavailable", "{f:#}");
    assert!(f["reason"].as_str().is_some_and(|r| r.contains("AccessDenied")), "{f:#}");
    let out = moto.driftdeck().args(["history", "--design", DESIGN]).output().expect("run history");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("history unavailable"));
}

#[test]
fn the_client_side_rate_limit_holds() {
    let (moto, _g) = Moto::shared();
    moto.seed("history", false);
    let times = |moto: &Moto| -> Vec<f64> {
        let raw = moto.http("GET", "/_driftdeck/history/lookups", "").expect("lookups");
        // The control endpoint answers chunked: take the JSON object between the frames.
        let body = raw.find('{').zip(raw.rfind('}')).map_or("{}", |(a, b)| &raw[a..=b]);
        let v: Value = serde_json::from_str(body).expect("json");
        v["times"].as_array().expect("times").iter().filter_map(Value::as_f64).collect()
    };
    let before = times(moto).len();
    // The seed makes well over 50 write calls: several LookupEvents pages.
    let out =
        moto.driftdeck().args(["history", "--design", DESIGN, "--history-rate", "2"]).output().expect("run history");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t = times(moto);
    let ours = &t[before..];
    assert!(ours.len() >= 2, "expected several pages, got {}", ours.len());
    for w in ours.windows(2) {
        // 2 per second: at least 0.5 s apart (a little slack for clock reads).
        assert!(w[1] - w[0] >= 0.45, "two LookupEvents {:.3} s apart", w[1] - w[0]);
    }
}

/// The lookup attribute of every LookupEvents request the harness has answered so far.
fn lookups(moto: &Moto) -> Vec<String> {
    let raw = moto.http("GET", "/_driftdeck/history/lookups", "").expect("lookups");
    let body = raw.find('{').zip(raw.rfind('}')).map_or("{}", |(a, b)| &raw[a..=b]);
    let v: Value = serde_json::from_str(body).expect("json");
    v["keys"].as_array().expect("keys").iter().filter_map(Value::as_str).map(str::to_string).collect()
}

/// Issue 19, item 14: `check` reads the history of the resources it reports (LookupEvents
/// by ResourceName, newest first, stopping at what explains their findings), not the
/// whole window: on a busy account the cost follows the findings, not the account's
/// write volume, and every attribution is the same as from the whole window.
#[test]
fn check_reads_the_history_of_what_it_reports_not_the_whole_window() {
    let (moto, _g) = Moto::shared();
    // 300 routine writes after the drift: the whole window is 7 pages at 50 events.
    let ids = moto.seed("busy-history", false);
    let before = lookups(moto).len();
    let (code, report, stderr) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert_eq!(code, Some(1), "{stderr}");
    let asked = lookups(moto).split_off(before);
    let reported: std::collections::BTreeSet<&str> =
        report["findings"].as_array().expect("findings").iter().filter_map(|f| f["resource"].as_str()).collect();
    // Every request asks by resource (never the whole window's ReadOnly=false), at most
    // one page per reported resource here: each is explained by its newest page.
    assert!(asked.iter().all(|k| k == "ResourceName"), "{asked:?}");
    assert!(asked.len() <= reported.len(), "{} LookupEvents for {} reported resources", asked.len(), reported.len());
    let ssh = &finding(&report, "sg.admin-port-open", &id(&ids, "sg_app"))["changed_by"];
    assert_eq!((&ssh["status"], &ssh["actor"]), (&Value::from("changed"), &Value::from("platform-deploy/ci-run-42")));
    let flow = &finding(&report, "sg.flow-undeclared", &id(&ids, "sg_app"))["changed_by"];
    assert_eq!(flow["actor"], "alice", "{flow:#}");
    let route = &finding(&report, "route.peering-forbidden", &id(&ids, "rt_data"))["changed_by"];
    assert_eq!(route["actor"], "bob@example.com (SSO NetworkAdmin)", "{route:#}");
}

/// A finding whose resource the history budget did not reach says so: never "no
/// matching change", never "older than the window"; the gate's exit code is unchanged.
#[test]
fn a_finding_beyond_the_history_budget_says_history_not_read() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("history", false);
    let (code, report, stderr) =
        check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json", "--history-budget", "0"]));
    assert_eq!(code, Some(1), "{stderr}");
    let ssh = &finding(&report, "sg.admin-port-open", &id(&ids, "sg_app"))["changed_by"];
    assert_eq!(ssh["status"], "unavailable", "{ssh:#}");
    assert_eq!(ssh["reason"], "history not read: budget", "{ssh:#}");
}
