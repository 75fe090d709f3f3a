//! Evaluation off the UI thread (console/state/worker.rs): the same results as the synchronous
//! App once the worker's answers are fed back, the last report kept on screen until the
//! answer arrives, answers of an old generation dropped, and the 1 s tick redrawing only
//! when an age label on screen changes.

use crate::ui_support;
use testkit::fixtures;

use driftdeck::console::action::{Action, Pane};
use driftdeck::console::config::Config;
use driftdeck::console::state::{App, EventKind};
use model::{AlarmState, FetchStatus, Kind};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;
use ui_support::*;

/// A connected App over client-a-prod whose evaluation runs on the worker; its answers
/// arrive on the returned receiver.
fn worker_app() -> (App, Receiver<Action>) {
    let mut app = driftdeck::console::app(vec![fixtures::design("client-a-prod")], Config::default(), true, at(0));
    let (tx, rx) = channel();
    app.start_worker(move |a| {
        let _ = tx.send(a);
    })
    .expect("worker thread");
    let generation = app.env().generation;
    app.update(Action::Connected { env: 0, generation, account: Some("123456789012".into()) });
    (app, rx)
}

/// Feed the worker's answers back until every change has been answered. Returns how
/// many answers were applied.
fn drain(app: &mut App, rx: &Receiver<Action>) -> usize {
    let mut n = 0;
    while app.evaluating() {
        let a = rx.recv_timeout(Duration::from_secs(30)).expect("the worker answers");
        app.update(a);
        n += 1;
    }
    n
}

fn keys(app: &App) -> Vec<String> {
    app.env().report.findings.iter().map(|f| driftdeck::console::state::finding_key(f)).collect()
}

#[test]
fn the_worker_gives_the_synchronous_result() {
    let sync = app_with(&drifted());
    let (mut app, rx) = worker_app();
    load(&mut app, &drifted(), 0);
    let answers = drain(&mut app, &rx);
    assert!(answers >= 1, "the worker answered");
    assert_eq!(keys(&app), keys(&sync));
    assert!(!keys(&app).is_empty(), "the drifted fixture has findings");
    assert_eq!(*app.env().snapshot, *sync.env().snapshot);
    assert_eq!(app.reach.rows.len(), sync.reach.rows.len(), "reach re-judged on the worker too");
    // The index on screen is the one of the snapshot on screen: panes can use it.
    assert_eq!(app.env().context().sg_role, sync.env().context().sg_role);
}

#[test]
fn the_last_report_stays_on_screen_until_the_answer_arrives() {
    let (mut app, rx) = worker_app();
    load(&mut app, &fixtures::client_a(), 0);
    drain(&mut app, &rx);
    let clean = keys(&app);

    // SSH opens to the world: the result is handed to the worker, nothing changes yet.
    let mut open = fixtures::client_a();
    fixtures::sg_mut(&mut open, "sg-app").ingress.push(fixtures::rule("tcp", 22, 22, fixtures::cidr("0.0.0.0/0")));
    let a = fetched(&app, Kind::SecurityGroups, &open, 20);
    app.update(a);
    assert_eq!(keys(&app), clean, "the UI keeps the last report while the worker evaluates");
    let answer = rx.recv_timeout(Duration::from_secs(10)).expect("an answer");
    assert!(matches!(answer, Action::Evaluated(_)));
    app.update(answer);
    let new: Vec<String> = keys(&app).into_iter().filter(|k| !clean.contains(k)).collect();
    assert!(new.iter().any(|k| k.contains("sg-app")), "the new finding is shown: {new:?}");
    assert!(!app.evaluating());
    assert!(
        app.timeline.iter().any(|e| e.kind == EventKind::FindingAppeared && e.text.contains("sg-app")),
        "the timeline says so"
    );
}

#[test]
fn an_answer_for_an_old_generation_is_dropped() {
    let (mut app, rx) = worker_app();
    load(&mut app, &fixtures::client_a(), 0);
    drain(&mut app, &rx);
    let before = app.env().snapshot.alarms.len();
    assert!(before > 0);
    let mut fewer = fixtures::client_a();
    fewer.alarms.clear();
    let a = fetched(&app, Kind::Alarms, &fewer, 30);
    app.update(a);
    // The environment reconnects while the worker evaluates: its answer is late.
    app.reconnect(0);
    let answer = rx.recv_timeout(Duration::from_secs(10)).expect("an answer");
    app.update(answer);
    assert_eq!(app.env().snapshot.alarms.len(), before, "the stale answer was not shown");
}

#[test]
fn failures_keep_stale_data_and_say_so_through_the_worker() {
    let (mut app, rx) = worker_app();
    load(&mut app, &fixtures::client_a(), 0);
    drain(&mut app, &rx);
    let a = failed(&app, Kind::Alarms, "Throttling: Rate exceeded", true, 40);
    app.update(a);
    drain(&mut app, &rx);
    assert_eq!(app.env().snapshot.status(Kind::Alarms).status, FetchStatus::Stale);
    assert!(!app.env().snapshot.alarms.is_empty(), "last good data kept");
    assert!(app.timeline.iter().any(|e| e.kind == EventKind::KindFailed && e.text.contains("Rate exceeded")));
    // An alarm transition is still a timeline line when evaluation is off the UI thread.
    let mut firing = fixtures::client_a();
    firing.alarms[0].state = AlarmState::Alarm;
    let a = fetched(&app, Kind::Alarms, &firing, 50);
    app.update(a);
    drain(&mut app, &rx);
    assert!(app.timeline.iter().any(|e| e.kind == EventKind::KindRecovered));
    assert!(app.timeline.iter().any(|e| e.kind == EventKind::AlarmChanged && e.text.contains("→ ALARM")));
}

#[test]
fn a_tick_redraws_only_when_an_age_label_changes() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Overview));
    // Draw at +10 s: the labels read "10s ago".
    render(&app, 120, 40);
    app.dirty = false;
    // Less than a second later the text is the same: nothing to redraw.
    app.update(Action::Tick(at(10).checked_add(jiff::SignedDuration::from_millis(400)).expect("ts")));
    assert!(!app.dirty, "same labels, no redraw");
    app.update(Action::Tick(at(11)));
    assert!(app.dirty, "\"11s ago\" must be drawn");

    // Past a minute the labels change once a minute only.
    app.update(Action::Tick(at(130)));
    render(&app, 120, 40);
    app.dirty = false;
    app.update(Action::Tick(at(131)));
    assert!(!app.dirty, "\"2m ago\" still reads the same");
    app.update(Action::Tick(at(180)));
    assert!(app.dirty, "\"3m ago\" must be drawn");
}

fn command(app: &mut App, text: &str) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    app.update(Action::StartCommand);
    for c in text.chars() {
        app.update(Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }
    app.update(Action::Submit);
}

fn query_rows(app: &App) -> Vec<(String, String, bool)> {
    app.reach
        .rows
        .iter()
        .filter(|r| r.section == "query")
        .map(|r| (r.to.clone(), r.verdict.as_str().to_string(), r.judging))
        .collect()
}

#[test]
fn a_reach_question_is_judged_on_the_worker_and_its_answer_shown() {
    let (mut app, rx) = worker_app();
    load(&mut app, &fixtures::client_a(), 0);
    drain(&mut app, &rx);
    let mut sync = app_with(&fixtures::client_a());
    command(&mut sync, "reach alb app 8080");
    let expected = query_rows(&sync);
    assert_eq!(expected.len(), 1);
    assert!(!expected[0].2);

    command(&mut app, "reach alb app 8080");
    assert_eq!(app.pane, Pane::Reach);
    // Asked, not answered: the row says "judging…", never a verdict, never empty.
    assert_eq!(query_rows(&app), [("app".to_string(), "unknown".to_string(), true)]);
    let screen = to_text(&render(&app, 150, 24));
    assert!(screen.contains("judging…"), "{screen}");
    let assertions = app.reach.rows.iter().filter(|r| r.section == "assertion" && !r.judging).count();
    assert!(assertions > 0, "the assertion rows of the same environment stay while it judges");
    let answer = rx.recv_timeout(Duration::from_secs(30)).expect("the worker answers");
    assert!(matches!(answer, Action::ReachJudged(_)));
    app.update(answer);
    assert!(!app.evaluating());
    assert_eq!(query_rows(&app), expected, "the worker's answer is the synchronous one");
    assert_eq!(app.reach.rows.len(), sync.reach.rows.len());
}

#[test]
fn a_reach_answer_for_an_old_question_is_dropped() {
    let (mut app, rx) = worker_app();
    load(&mut app, &fixtures::client_a(), 0);
    drain(&mut app, &rx);
    command(&mut app, "reach alb app 8080");
    // A second question before the first is answered: the first answer is stale.
    command(&mut app, "reach internet db 5432");
    let first = rx.recv_timeout(Duration::from_secs(30)).expect("the first answer");
    assert!(matches!(first, Action::ReachJudged(_)));
    app.update(first);
    assert_eq!(
        query_rows(&app),
        [("db".to_string(), "unknown".to_string(), true)],
        "the answer to the old question is not shown"
    );
    drain(&mut app, &rx);
    let rows = query_rows(&app);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].1.as_str(), rows[0].2), ("db", "denied", false), "{rows:?}");
}

/// A result that puts a new, more severe finding above the selected one: the selection
/// follows its finding to its new row instead of staying on the row number.
#[test]
fn the_selected_finding_stays_selected_when_a_result_moves_it() {
    let (mut app, rx) = worker_app();
    load(&mut app, &drifted(), 0);
    drain(&mut app, &rx);
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::Bottom);
    let picked = driftdeck::console::view::selected_finding(&app).expect("a finding is selected");
    let row = app.selected(Pane::Findings);
    assert!(row > 0, "the last of several findings");
    // A port opens to the world: a new finding, more severe than the last one.
    let before = keys(&app);
    let mut open = drifted();
    fixtures::sg_mut(&mut open, "sg-app").ingress.push(fixtures::rule("tcp", 9999, 9999, fixtures::cidr("0.0.0.0/0")));
    let a = fetched(&app, Kind::SecurityGroups, &open, 20);
    app.update(a);
    drain(&mut app, &rx);
    let after = keys(&app);
    assert!(after.iter().any(|k| !before.contains(k) && k.contains("9999")), "a new finding: {after:?}");
    assert_eq!(driftdeck::console::view::selected_finding(&app), Some(picked), "the same finding is selected");
    assert!(app.selected(Pane::Findings) > row, "further down: the new finding sorts above it");
}

/// Every row as the screen shows it: kind, header, severity and cells.
fn security_rows(app: &App) -> Vec<String> {
    let rows = app.pane_rows(Pane::Security).0;
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r.cells_in(app).iter().map(|l| l.to_string()).collect();
            format!("{:?} {} {:?} {}", r.deferred, r.header, r.severity, cells.join(" | "))
        })
        .collect()
}

fn type_filter(app: &mut App, text: &str) {
    app.update(Action::StartFilter);
    type_text(app, text);
}

/// With the Security pane on screen the worker builds its rows with the report, and the
/// UI thread takes them as they are: the same rows the synchronous App builds itself,
/// unfiltered, filtered and drift-only.
#[test]
fn the_security_rows_come_built_from_the_worker() {
    let mut drift = drifted();
    let mut stray = drift.security_groups[0].clone();
    stray.id = "sg-stray".into();
    stray.name = "stray".into();
    stray.tags.clear();
    drift.security_groups.push(stray);
    fixtures::sg_mut(&mut drift, "sg-app").ingress.push(fixtures::rule("tcp", 8443, 8443, fixtures::group("sg-stray")));
    let mut sync = app_with(&drift);
    sync.update(Action::Pane(Pane::Security));
    let (mut app, rx) = worker_app();
    app.update(Action::Pane(Pane::Security));
    load(&mut app, &drift, 0);
    drain(&mut app, &rx);
    app.update(Action::Tick(at(10)));
    let shared = app.env().security_rows.clone().expect("the worker built the Security rows");
    assert!(std::sync::Arc::ptr_eq(&app.pane_rows(Pane::Security).0, &shared), "taken as they are, not rebuilt");
    let want = security_rows(&sync);
    assert!(want.iter().any(|r| r.contains("flow not declared")), "the fixture drifts: {want:#?}");
    assert!(want.iter().any(|r| r.contains("sg.unclassified")), "a group without a role: {want:#?}");
    assert_eq!(security_rows(&app), want);

    type_filter(&mut sync, "8443");
    type_filter(&mut app, "8443");
    assert_eq!(security_rows(&app), security_rows(&sync));
    assert!(security_rows(&app).len() < want.len(), "the filter keeps a few rows");

    sync.update(Action::Back);
    app.update(Action::Back);
    sync.update(Action::ToggleDriftOnly);
    app.update(Action::ToggleDriftOnly);
    assert_eq!(security_rows(&app), security_rows(&sync));

    // Another pane on screen: the worker builds no Security rows.
    app.update(Action::Pane(Pane::Findings));
    let a = fetched(&app, Kind::SecurityGroups, &drifted(), 20);
    app.update(a);
    drain(&mut app, &rx);
    assert!(app.env().security_rows.is_none(), "built only for the pane on screen");
}

/// A kind fetched again with the same items runs none of its rules again: the findings
/// are the very ones of the last result (not made anew), the report shows the new fetch
/// time, and it is what a synchronous App makes of the same results.
#[test]
fn a_kind_fetched_again_unchanged_runs_no_rule_again() {
    let (mut app, rx) = worker_app();
    load(&mut app, &drifted(), 0);
    drain(&mut app, &rx);
    let sg = |app: &App| -> Vec<std::sync::Arc<engine::drift::Finding>> {
        app.env().report.findings.iter().filter(|f| f.rule.starts_with("sg.")).cloned().collect()
    };
    let before = sg(&app);
    assert!(!before.is_empty(), "the fixture has security-group findings");
    let a = fetched(&app, Kind::SecurityGroups, &drifted(), 30);
    app.update(a);
    drain(&mut app, &rx);
    let after = sg(&app);
    assert_eq!(after.len(), before.len());
    assert!(before.iter().zip(&after).all(|(a, b)| std::sync::Arc::ptr_eq(a, b)), "the same findings, not made again");
    let status = app.env().snapshot.status(Kind::SecurityGroups);
    assert_eq!(status.fetched_at, Some(at(30)));
    assert_eq!(app.env().report.inventory.get(&Kind::SecurityGroups).and_then(|s| s.fetched_at), Some(at(30)));
    let mut sync = app_with(&drifted());
    let a = fetched(&sync, Kind::SecurityGroups, &drifted(), 30);
    sync.update(a);
    assert_eq!(keys(&app), keys(&sync));

    // One rule changed: the rules run again and see it.
    let mut open = drifted();
    fixtures::sg_mut(&mut open, "sg-app").ingress.push(fixtures::rule("tcp", 9999, 9999, fixtures::cidr("0.0.0.0/0")));
    let a = fetched(&app, Kind::SecurityGroups, &open, 40);
    app.update(a);
    drain(&mut app, &rx);
    assert!(keys(&app).iter().any(|k| k.contains("9999")), "the new rule is judged");
}

/// Finding lines of the Timeline (what appeared or cleared), as text.
fn finding_lines(app: &App) -> Vec<String> {
    app.timeline
        .iter()
        .filter(|e| matches!(e.kind, EventKind::FindingAppeared | EventKind::FindingCleared))
        .map(|e| e.text.clone())
        .collect()
}

/// Issue 19, item 13: while kinds are still loading, findings that appear and clear are
/// the picture filling in, not events. Every kind's result reaches the App at once (as
/// on a fast account) while the worker still evaluates the first ones, so its first
/// answers judge partial snapshots: reach assertions over kinds not applied yet read
/// `reach.unknown`, and rules over a missing kind find nothing. The first complete
/// evaluation is the baseline; the Timeline holds only what changes after it.
#[test]
fn the_first_complete_picture_is_the_baseline_not_a_stream_of_events() {
    let (mut app, rx) = worker_app();
    load(&mut app, &drifted(), 0);
    drain(&mut app, &rx);
    assert!(!app.env().report.findings.is_empty(), "the drifted fixture has findings");
    assert!(app.env().baseline, "every polled kind answered");
    assert_eq!(finding_lines(&app), Vec::<String>::new(), "the first picture made Timeline lines");

    // After the baseline, a change is an event, once.
    let mut open = drifted();
    testkit::fixtures::sg_mut(&mut open, "sg-app").ingress.push(testkit::fixtures::rule(
        "tcp",
        3389,
        3389,
        testkit::fixtures::cidr("0.0.0.0/0"),
    ));
    let a = fetched(&app, Kind::SecurityGroups, &open, 5);
    app.update(a);
    drain(&mut app, &rx);
    let lines = finding_lines(&app);
    assert!(!lines.is_empty() && lines.iter().all(|l| l.contains("sg-app")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("sg.admin-port-open")), "{lines:?}");
}
