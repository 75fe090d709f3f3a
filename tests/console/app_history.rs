//! History in the console, driven headless through `App::update`: the window arriving
//! after the inventory backfills the Timeline and attributes findings; throttled history
//! says "delayed" and leaves findings alone; denied history says "unavailable"; answers
//! for an older window are dropped after `:since`; `h` and `:around` overlays. Plus insta
//! snapshots (with styles) of the backfilled Timeline, the detail view with attribution
//! and the resource history overlay.

use crate::ui_support;

use driftdeck::console::action::{Action, Effect, HistoryFetched, Pane};
use driftdeck::console::state::{App, EventKind, LineSource};
use engine::history::{
    Actor, ActorKind, Agent, AlarmTransition, Ask, Attribution, ChangeEvent, History, HistoryStatus, Since,
};
use ui_support::*;

fn actor(kind: ActorKind, name: &str) -> Actor {
    Actor { kind, name: name.into(), arn: Some(format!("arn:aws:sts::123456789012:assumed-role/{name}")) }
}

fn event(id: &str, secs: i64, name: &str, resource: &str, asked: Vec<Ask>, who: Actor) -> ChangeEvent {
    ChangeEvent {
        id: id.into(),
        time: at(secs),
        name: name.into(),
        source: "ec2.amazonaws.com".into(),
        actor: who,
        source_ip: Some("203.0.113.10".into()),
        user_agent: Some("aws-cli/2.22.3 Python/3.12.6 Linux/6.8".into()),
        agent: Agent::Cli,
        resources: vec![resource.into()],
        asked,
        error: None,
    }
}

/// The window's history for the `drifted()` fixture: who opened SSH on sg-app, who added
/// the data-tier peering route, a refused attempt, and the CPU alarm firing.
fn window() -> History {
    let role = actor(ActorKind::AssumedRole, "platform-deploy/ci-run-42");
    let bob = Actor { kind: ActorKind::SsoUser, name: "bob@example.com (SSO NetworkAdmin)".into(), arn: None };
    let ssh = Ask::Rule { protocol: "tcp".into(), ports: "22".into(), source: "0.0.0.0/0".into() };
    let route = Ask::Route { destination: "10.50.0.0/16".into(), target: Some("pcx-shared".into()) };
    let mut refused = event(
        "e-3",
        -1200,
        "AuthorizeSecurityGroupIngress",
        "sg-db",
        vec![Ask::Rule { protocol: "tcp".into(), ports: "3389".into(), source: "0.0.0.0/0".into() }],
        role.clone(),
    );
    refused.error = Some("Client.UnauthorizedOperation: You are not authorized".into());
    History {
        window_start: Some(at(-86_400)),
        events: vec![
            event("e-1", -3600, "AuthorizeSecurityGroupIngress", "sg-app", vec![ssh], role),
            event("e-2", -1800, "CreateRoute", "rtb-data", vec![route], bob),
            refused,
        ],
        transitions: vec![AlarmTransition {
            time: at(-1500),
            alarm: "client-a-prod-rds-cpu-high".into(),
            old_state: "OK".into(),
            new_state: "ALARM".into(),
            reason: Some("Threshold Crossed: 1 datapoint [91.0] was greater than the threshold (80.0)".into()),
        }],
        ..Default::default()
    }
}

fn answer(app: &App, history: History, incremental: bool, secs: i64) -> Action {
    Action::History(Box::new(HistoryFetched {
        env: 0,
        generation: app.env().generation,
        history_generation: app.env().history.generation,
        history,
        incremental,
        partial: false,
        at: at(secs),
    }))
}

/// The drifted fixture with history on, inventory loaded first (history arrives later).
fn app_with_history() -> App {
    let mut app = app_with(&drifted());
    app.enable_history(Since::default());
    // The inventory was already judged when history was turned on in this test: recompute.
    let a = fetched(&app, model::Kind::SecurityGroups, &drifted(), 5);
    app.update(a);
    app
}

fn changed(app: &App, rule: &str) -> Attribution {
    let env = app.env();
    let f = env.report.findings.iter().find(|f| f.rule == rule).expect("finding");
    env.history.attribution(f).cloned().expect("attributed")
}

fn command(app: &mut App, text: &str) -> Option<Effect> {
    app.update(Action::StartCommand);
    type_text(app, text);
    app.update(Action::Submit)
}

#[test]
fn history_arriving_after_the_inventory_backfills_and_attributes() {
    let mut app = app_with_history();
    assert_eq!(app.env().history.status, HistoryStatus::Loading);
    let findings_before = app.env().report.findings.clone();
    let f = findings_before.iter().find(|f| f.rule == "sg.admin-port-open").expect("ssh finding");
    assert_eq!(app.env().history.cell(f, app.now), "loading", "never shown as explained or unexplained yet");

    let a = answer(&app, window(), false, 20);
    app.update(a);
    assert_eq!(app.env().history.status, HistoryStatus::Ok);
    assert_eq!(app.env().report.findings, findings_before, "history never changes what is found");
    match changed(&app, "sg.admin-port-open") {
        Attribution::Changed { event, exact } => {
            assert_eq!((event.actor.name.as_str(), exact), ("platform-deploy/ci-run-42", true))
        }
        other => panic!("{other:?}"),
    }
    match changed(&app, "route.peering-forbidden") {
        Attribution::Changed { event, .. } => assert_eq!(event.actor.name, "bob@example.com (SSO NetworkAdmin)"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(changed(&app, "rds.multi-az"), Attribution::OlderThanWindow { .. }));

    // Backfilled lines are in time order before what the console observed, each naming its source.
    let lines: Vec<(LineSource, EventKind)> = app.timeline.iter().map(|l| (l.source, l.kind)).collect();
    assert_eq!(
        lines,
        vec![
            (LineSource::CloudTrail, EventKind::Change),
            (LineSource::CloudTrail, EventKind::Change),
            (LineSource::AlarmHistory, EventKind::AlarmHistory),
            (LineSource::CloudTrail, EventKind::Change),
        ]
    );
    assert!(app.timeline[3].failed, "the refused call is an attempt");
    let times: Vec<_> = app.timeline.iter().map(|l| l.at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));

    // An incremental poll adds only what is new (the same event twice is one line).
    let mut more = window();
    more.events.truncate(1);
    more.transitions.clear();
    let role = actor(ActorKind::AssumedRole, "platform-deploy/ci-run-42");
    more.events.push(event("e-9", 25, "RevokeSecurityGroupIngress", "sg-app", vec![], role));
    let a = answer(&app, more, true, 30);
    app.update(a);
    assert_eq!(app.env().history.data.events.len(), 4);
    assert_eq!(app.timeline.iter().filter(|l| l.source == LineSource::CloudTrail).count(), 4);

    // `/` filters the merged timeline by source or resource.
    app.update(Action::Pane(Pane::Timeline));
    app.update(Action::StartFilter);
    type_text(&mut app, "alarm history");
    app.update(Action::Submit);
    assert_eq!(driftdeck::console::view::row_count(&app, Pane::Timeline), 1);
}

#[test]
fn throttled_history_says_delayed_and_leaves_findings_untouched() {
    let mut app = app_with_history();
    let findings_before = app.env().report.findings.clone();
    let throttled = History {
        window_start: Some(at(-86_400)),
        problems: vec![(
            "cloudtrail".into(),
            HistoryStatus::Delayed("cloudtrail:LookupEvents: throttled (ThrottlingException)".into()),
        )],
        ..Default::default()
    };
    let a = answer(&app, throttled, false, 20);
    app.update(a);
    assert!(matches!(app.env().history.status, HistoryStatus::Delayed(_)));
    assert_eq!(app.env().report.findings, findings_before);
    let f = &app.env().report.findings[0];
    assert_eq!(app.env().history.cell(f, app.now), "history delayed");
    app.update(Action::Pane(Pane::Timeline));
    let screen = to_text(&render(&app, 140, 20));
    assert!(screen.contains("history delayed: cloudtrail: cloudtrail:LookupEvents: throttled"), "{screen}");

    // The retry succeeds: attribution follows.
    let a = answer(&app, window(), false, 40);
    app.update(a);
    assert!(matches!(changed(&app, "sg.admin-port-open"), Attribution::Changed { .. }));
}

#[test]
fn denied_history_is_unavailable_never_nothing_changed() {
    let mut app = app_with_history();
    let denied = History {
        window_start: Some(at(-86_400)),
        problems: vec![(
            "cloudtrail".into(),
            HistoryStatus::Unavailable("cloudtrail:LookupEvents: AccessDenied: not authorized".into()),
        )],
        ..Default::default()
    };
    let a = answer(&app, denied, false, 20);
    app.update(a);
    assert!(matches!(app.env().history.status, HistoryStatus::Unavailable(_)));
    assert!(matches!(changed(&app, "sg.admin-port-open"), Attribution::Unavailable { .. }));
    let f = &app.env().report.findings[0];
    assert_eq!(app.env().history.cell(f, app.now), "history unavailable");
    app.update(Action::Pane(Pane::Timeline));
    let screen = to_text(&render(&app, 140, 20));
    assert!(screen.contains("history unavailable: cloudtrail:"), "{screen}");
    // The resource overlay says why it is empty.
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::ResourceHistory);
    let o = app.hist.overlay.as_ref().expect("overlay");
    assert!(o.lines.is_empty() && o.empty.starts_with("history unavailable"), "{o:?}");
}

#[test]
fn an_old_window_is_dropped_after_since() {
    let mut app = app_with_history();
    let old = answer(&app, window(), false, 20);
    let effect = command(&mut app, "since 6h");
    assert_eq!(effect, Some(Effect::RestartHistory(vec![0])));
    assert_eq!(app.hist.since, Since::parse("6h").expect("since"));
    assert_eq!(app.env().history.status, HistoryStatus::Loading);
    app.update(old);
    assert_eq!(app.env().history.status, HistoryStatus::Loading, "the 24h answer arrived late: dropped");
    assert!(app.timeline.iter().all(|l| l.source == LineSource::Observed));
    let current = answer(&app, window(), false, 30);
    app.update(current);
    assert_eq!(app.env().history.status, HistoryStatus::Ok);
    assert_eq!(command(&mut app, "since yesterday"), None);
    assert!(app.message.as_deref().is_some_and(|m| m.starts_with(":since yesterday")), "{:?}", app.message);
}

#[test]
fn around_an_alarm_and_from_its_row() {
    let mut app = app_with_history();
    let a = answer(&app, window(), false, 20);
    app.update(a);
    command(&mut app, "around client-a-prod-rds-cpu-high");
    let o = app.hist.overlay.clone().expect("overlay");
    assert!(o.title.starts_with("changes in the hour before client-a-prod-rds-cpu-high went to ALARM"));
    // Fired at -1500 s: the route (-1800 s) and the SSH rule (-3600 s) are in the hour
    // before, newest first; the refused call (-1200 s) came after it fired.
    assert_eq!(o.lines.iter().map(|l| l.resources[0].as_str()).collect::<Vec<_>>(), vec!["rtb-data", "sg-app"]);
    app.update(Action::Back);
    assert!(app.hist.overlay.is_none());

    app.update(Action::Pane(Pane::Alarms));
    app.update(Action::Top);
    app.update(Action::AroundAlarm);
    let o = app.hist.overlay.as_ref().expect("overlay from the alarm row");
    assert!(o.title.contains("client-a-prod-rds-cpu-high"), "{}", o.title);
}

fn snapshot_app() -> App {
    let mut app = app_with_history();
    let a = answer(&app, window(), false, 20);
    app.update(a);
    app
}

#[test]
fn timeline_backfilled() {
    let mut app = snapshot_app();
    app.update(Action::Pane(Pane::Timeline));
    insta::assert_snapshot!(to_text(&render(&app, 140, 16)));
}

#[test]
fn finding_detail_with_attribution() {
    let mut app = snapshot_app();
    app.update(Action::Pane(Pane::Findings));
    let i = app.env().report.findings.iter().position(|f| f.rule == "sg.admin-port-open").expect("ssh");
    app.update(Action::Top);
    for _ in 0..i {
        app.update(Action::Down);
    }
    app.update(Action::Open);
    assert_eq!(app.detail.as_ref().map(|f| f.rule.as_str()), Some("sg.admin-port-open"));
    insta::assert_snapshot!(to_text(&render(&app, 120, 40)));
}

#[test]
fn findings_changed_column() {
    let mut app = snapshot_app();
    app.update(Action::Pane(Pane::Findings));
    insta::assert_snapshot!(to_text(&render(&app, 140, 16)));
}

#[test]
fn resource_history_overlay() {
    let mut app = snapshot_app();
    app.update(Action::Pane(Pane::Findings));
    let i = app.env().report.findings.iter().position(|f| f.rule == "sg.admin-port-open").expect("ssh");
    app.update(Action::Top);
    for _ in 0..i {
        app.update(Action::Down);
    }
    app.update(Action::ResourceHistory);
    let o = app.hist.overlay.as_ref().expect("overlay");
    assert_eq!(o.title, "history of sg-app");
    insta::assert_snapshot!(to_text(&render(&app, 120, 20)));
}

/// Issue 19, item 14: the first load sends the newest part of the window ahead of the
/// rest, so the Timeline fills at once; the window still says "loading" and nothing is
/// attributed from a part of it, until the whole window replaces it.
#[test]
fn the_newest_part_of_the_window_shows_at_once_and_the_window_still_loads() {
    let mut app = app_with_history();
    let full = window();
    // The part: the newest changes only (the SSH change, at -3600 s, is older).
    let recent = History {
        window_start: Some(at(-1800)),
        events: full.events.iter().filter(|e| e.time >= at(-1800)).cloned().collect(),
        ..Default::default()
    };
    assert!(!recent.events.is_empty() && recent.events.len() < full.events.len());
    let part = Action::History(Box::new(HistoryFetched {
        env: 0,
        generation: app.env().generation,
        history_generation: app.env().history.generation,
        history: recent,
        incremental: false,
        partial: true,
        at: at(6),
    }));
    app.update(part);
    assert!(app.timeline.iter().any(|l| l.source == LineSource::CloudTrail), "the newest lines are on the Timeline");
    assert_eq!(app.env().history.status, HistoryStatus::Loading, "the rest of the window is still loading");
    let f = app.env().report.findings.iter().find(|f| f.rule == "sg.admin-port-open").expect("ssh finding");
    assert_eq!(app.env().history.attribution(f), None, "nothing is attributed from part of the window");

    let whole = answer(&app, full, false, 7);
    app.update(whole);
    assert_eq!(app.env().history.status, HistoryStatus::Ok);
    assert!(matches!(changed(&app, "sg.admin-port-open"), Attribution::Changed { .. }));
    let lines = app.timeline.iter().filter(|l| l.source == LineSource::CloudTrail).count();
    assert_eq!(lines, app.env().history.data.events.len(), "the whole window replaced the part, no line twice");
}

/// `y` on a CloudTrail line copies its event id, and `o` opens that event in the
/// CloudTrail console (issue 22: every pane has an id to copy, the event included).
#[test]
fn a_timeline_change_copies_its_event_id_and_opens_the_event() {
    let mut app = app_with_history();
    let a = answer(&app, window(), false, 20);
    app.update(a);
    app.update(Action::Pane(Pane::Timeline));
    app.update(Action::StartFilter);
    type_text(&mut app, "CreateRoute");
    app.update(Action::Submit);
    app.update(Action::Top);
    let Some(Effect::Copy(id)) = app.update(Action::Copy { arn: false }) else { panic!("a copy") };
    assert_eq!(id, "e-2");
    let Some(Effect::Copy(url)) = app.update(Action::OpenInConsole) else { panic!("an address") };
    assert_eq!(url, "https://eu-west-2.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-2#/events/e-2");
}
