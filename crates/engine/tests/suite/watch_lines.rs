//! `watch`'s judgement as a pure function: the baseline once, then only changes; a
//! finding whose kinds could not be read is held, never cleared; alarms change; an
//! environment fails once and recovers.

use engine::drift::evaluate;
use engine::watch::{Event, Origin, Watch, to_json};
use model::{AlarmState, Kind, KindStatus};
use testkit::fixtures::*;

fn events(lines: &[engine::watch::Line]) -> Vec<(Event, String)> {
    lines
        .iter()
        .map(|l| {
            let what = l.finding.as_ref().map(|f| format!("{} {}", f.rule, f.resource)).or(l.resource.clone());
            (l.event, what.unwrap_or_default())
        })
        .collect()
}

#[test]
fn the_baseline_once_then_only_changes() {
    let d = design("client-a-prod");
    let mut w = Watch::default();
    let clean = client_a();
    let base = w.observe(&evaluate(&d, &clean), &clean);
    assert!(w.started());
    assert!(base.iter().all(|l| l.event == Event::FindingAppeared));
    let baseline = base.len();
    // Nothing changed: nothing printed.
    assert!(w.observe(&evaluate(&d, &clean), &clean).is_empty());
    // SSH opens to the world: it appears; it closes: it clears.
    let mut open = client_a();
    sg_mut(&mut open, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    let lines = events(&w.observe(&evaluate(&d, &open), &open));
    assert!(lines.contains(&(Event::FindingAppeared, "sg.admin-port-open sg-app".into())), "{lines:?}");
    assert!(lines.iter().all(|(e, _)| *e == Event::FindingAppeared));
    let lines = events(&w.observe(&evaluate(&d, &clean), &clean));
    assert!(lines.contains(&(Event::FindingCleared, "sg.admin-port-open sg-app".into())), "{lines:?}");
    assert!(lines.iter().all(|(e, _)| *e == Event::FindingCleared));
    let _ = baseline;
}

#[test]
fn a_finding_whose_kind_failed_is_held_not_cleared() {
    let d = design("client-a-prod");
    let mut w = Watch::default();
    let mut open = client_a();
    sg_mut(&mut open, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    w.observe(&evaluate(&d, &open), &open);
    // Security groups cannot be read: the SSH finding is unknown, not fixed.
    let mut blind = open.clone();
    blind.security_groups.clear();
    blind.inventory.insert(Kind::SecurityGroups, KindStatus::failed("AccessDenied"));
    let lines = events(&w.observe(&evaluate(&d, &blind), &blind));
    assert!(!lines.iter().any(|(e, _)| *e == Event::FindingCleared), "{lines:?}");
    assert!(
        lines.iter().any(|(e, w)| *e == Event::FindingAppeared && w.starts_with("inventory.unavailable")),
        "{lines:?}"
    );
    // Read again and still open: only the unavailability clears.
    let lines = events(&w.observe(&evaluate(&d, &open), &open));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].0 == Event::FindingCleared && lines[0].1.starts_with("inventory.unavailable"));
    // Read again and closed: now it clears.
    let mut closed = client_a();
    closed.inventory = open.inventory.clone();
    let lines = events(&w.observe(&evaluate(&d, &closed), &closed));
    assert!(lines.contains(&(Event::FindingCleared, "sg.admin-port-open sg-app".into())), "{lines:?}");
}

#[test]
fn alarms_change_after_the_baseline_and_environments_fail_once() {
    let d = design("client-a-prod");
    let mut w = Watch::default();
    let s = client_a();
    w.observe(&evaluate(&d, &s), &s);
    let mut firing = s.clone();
    firing.alarms[0].state = AlarmState::Alarm;
    firing.alarms[0].state_reason = Some("Threshold Crossed".into());
    let lines = w.observe(&evaluate(&d, &firing), &firing);
    let alarm = lines.iter().find(|l| l.event == Event::Alarm).expect("an alarm line");
    assert_eq!(alarm.resource.as_deref(), Some(firing.alarms[0].name.as_str()));
    assert_eq!(alarm.message.as_deref(), Some("OK -> ALARM: Threshold Crossed"));
    assert!(w.failed("expired token").is_some());
    assert!(w.failed("expired token").is_none(), "said once");
    let back = w.observe(&evaluate(&d, &firing), &firing);
    assert_eq!(back[0].event, Event::EnvironmentRecovered);
    assert_eq!(back.len(), 1, "nothing else changed: {back:?}");
}

#[test]
fn each_line_is_the_documented_object() {
    let d = design("client-a-prod");
    let mut w = Watch::default();
    let mut open = client_a();
    sg_mut(&mut open, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    let lines = w.observe(&evaluate(&d, &open), &open);
    let l = lines.iter().find(|l| l.finding.as_ref().is_some_and(|f| f.rule == "sg.admin-port-open")).expect("ssh");
    let at = Origin { environment: "client-a-prod", account: Some("123456789012"), region: "eu-west-2", time: ts() };
    let v = to_json(l, &at, None);
    let keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    for k in
        ["event", "time", "environment", "account", "region", "rule", "severity", "resource", "message", "changed_by"]
    {
        assert!(keys.contains(&k), "{k} in {v}");
    }
    assert_eq!(v["event"], "finding_appeared");
    assert_eq!(v["severity"], "critical");
    assert_eq!(v["resource"], "sg-app");
    assert!(v["changed_by"].is_null());
}
