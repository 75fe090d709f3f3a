//! `driftdeck watch` against moto: the baseline printed once as `finding_appeared` lines,
//! then a change made through the API appears with its actor (read from the harness's
//! CloudTrail emulation, built from the real calls), and SIGTERM ends it cleanly.

use crate::harness as common;

use std::process::Command;
use std::time::{Duration, Instant};

/// `driftdeck watch` over client-a-prod with these extra arguments.
fn spawn_watch(moto: &common::Moto, extra: &[&str]) -> common::Running {
    let mut args = vec!["watch", "--design", "config/designs/client-a-prod.toml"];
    args.extend_from_slice(extra);
    moto.spawn(&args)
}

fn open_ssh(moto: &common::Moto, group: &str) {
    let mut seed = Command::new(common::python());
    seed.arg(format!("{}/tests/moto/seed.py", env!("CARGO_MANIFEST_DIR"))).arg(&moto.endpoint).arg("ssh-open");
    assert!(seed.env("DRIFTDECK_GROUP", group).status().expect("seed").success());
}

fn stop(child: &mut std::process::Child) {
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(ok.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{status:?}");
            return;
        }
        assert!(Instant::now() < deadline, "watch did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn watch_prints_the_baseline_then_a_change_with_its_actor_and_stops_on_sigterm() {
    let (moto, _g) = common::Moto::shared();
    moto.reset();
    let ids = moto.seed("client-a", false);
    let sg_app = ids["sg_app"].as_str().expect("sg_app").to_string();
    let common::Running { mut child, lines: rx, said: heard } = spawn_watch(moto, &["--interval", "5"]);
    let next = |within: u64| rx.recv_timeout(Duration::from_secs(within));
    // The clean seed matches its design: the baseline is empty, and stderr says it is done.
    let baseline = heard.recv_timeout(Duration::from_secs(60)).expect("the baseline is said");
    assert_eq!(baseline, "driftdeck: watching client-a-prod: baseline of 0 finding(s); from now on, changes only");
    assert!(next(1).is_err(), "no line for an environment as designed");
    // A change through the API, by the deploy role.
    open_ssh(moto, &sg_app);
    let opened = Instant::now();
    let line = loop {
        let v = next(30).expect("the change appears");
        if v["rule"] == "sg.admin-port-open" {
            break v;
        }
        assert_ne!(v["event"], "finding_cleared", "nothing cleared: {v}");
    };
    assert!(opened.elapsed() < Duration::from_secs(20), "seen within two intervals: {:?}", opened.elapsed());
    assert_eq!(line["event"], "finding_appeared");
    assert_eq!(line["environment"], "client-a-prod");
    assert_eq!(line["account"], "123456789012");
    assert_eq!(line["region"], "eu-west-2");
    assert_eq!(line["severity"], "critical");
    assert!(line["time"].is_string() && line["message"].is_string());
    assert_eq!(line["resource"], sg_app.as_str());
    assert_eq!(line["changed_by"]["status"], "changed", "{line}");
    assert_eq!(line["changed_by"]["event"], "AuthorizeSecurityGroupIngress");
    assert!(line["changed_by"]["actor"].as_str().is_some_and(|a| a.contains("platform-deploy")), "{line}");
    // SIGTERM: a clean exit.
    stop(&mut child);
}

/// With `--events`, a change is seen within seconds while the poll interval is 600 s:
/// the harness puts each recorded write call on the queue as an EventBridge event
/// (tests/moto/events.py, built from the real calls), and the actor comes from the
/// event itself. Every message is deleted once applied; duplicates change nothing.
#[test]
fn with_events_a_change_shows_within_seconds_with_its_actor() {
    let (moto, _g) = common::Moto::shared();
    moto.reset();
    let ids = moto.seed("client-a", false);
    let sg_app = ids["sg_app"].as_str().expect("sg_app").to_string();
    let queue = moto.events_queue("driftdeck-events");
    // Each event sent twice: a duplicate must change nothing.
    let body = serde_json::json!({"queue_url": queue, "region": "eu-west-2", "duplicates": true}).to_string();
    moto.http("POST", "/_driftdeck/events", &body).expect("events twice");
    let common::Running { mut child, lines: rx, said: heard } =
        spawn_watch(moto, &["--interval", "600", "--events", &queue]);
    let baseline = heard.recv_timeout(Duration::from_secs(60)).expect("the baseline is said");
    assert!(baseline.contains("baseline of 0 finding(s)"), "{baseline}");
    open_ssh(moto, &sg_app);
    let opened = Instant::now();
    let mut printed = Vec::new();
    let line = loop {
        let v = rx.recv_timeout(Duration::from_secs(30)).expect("the change appears");
        printed.push(v.clone());
        if v["rule"] == "sg.admin-port-open" {
            break v;
        }
    };
    assert!(opened.elapsed() < Duration::from_secs(5), "seen in {:?} with a 600 s interval", opened.elapsed());
    assert_eq!(line["changed_by"]["status"], "changed", "{line}");
    assert_eq!(line["changed_by"]["event"], "AuthorizeSecurityGroupIngress");
    assert!(line["changed_by"]["actor"].as_str().is_some_and(|a| a.contains("platform-deploy")), "{line}");
    // The same change may make several findings (SSH open is also public ingress), each
    // once: the duplicate of the event printed nothing more.
    while let Ok(v) = rx.recv_timeout(Duration::from_secs(2)) {
        printed.push(v);
    }
    let mut keys: Vec<String> =
        printed.iter().map(|v| format!("{} {} {}", v["event"], v["rule"], v["resource"])).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "each finding once: {printed:#?}");
    assert!(
        printed.iter().all(|v| v["event"] == "finding_appeared" && v["resource"] == sg_app.as_str()),
        "{printed:#?}"
    );
    moto.http("DELETE", "/_driftdeck/events", "").expect("events off");
    stop(&mut child);
}
