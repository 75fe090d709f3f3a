//! The console's state machine driven headless with actions: the filter survives a
//! refresh, stale generations are dropped, a failed kind keeps stale data and its error,
//! the timeline records transitions; plus the config file's errors.

use crate::ui_support;
use testkit::fixtures;

use driftdeck::console::action::{Action, Effect, Pane};
use driftdeck::console::config::Config;
use driftdeck::console::state::{App, EventKind};
use model::{AlarmState, FetchStatus, Kind, TargetKind};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ui_support::*;

fn events(app: &App, kind: EventKind) -> Vec<String> {
    app.timeline.iter().filter(|e| e.kind == kind).map(|e| e.text.clone()).collect()
}

#[test]
fn filter_survives_a_refresh() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::StartFilter);
    type_text(&mut app, "rds.");
    app.update(Action::Submit);
    assert_eq!(app.filter, "rds.");
    let before = driftdeck::console::panes::row_count(&app, Pane::Findings);
    assert_eq!(before, 2, "rds.public and rds.multi-az");
    load(&mut app, &drifted(), 60);
    assert_eq!(app.filter, "rds.");
    assert_eq!(driftdeck::console::panes::row_count(&app, Pane::Findings), before);
    app.update(Action::Pane(Pane::Security));
    assert_eq!(app.filter, "rds.", "the filter is kept across panes too");
    app.update(Action::Back);
    assert!(app.filter.is_empty(), "Esc clears it");
}

#[test]
fn results_of_an_old_generation_are_dropped() {
    let designs = vec![fixtures::design("client-a-prod"), fixtures::design("production")];
    let mut app = driftdeck::console::app(designs, Config::default(), true, at(0));
    let old = app.envs[1].generation;
    app.update(Action::SourceFailed { env: 1, generation: old, error: "the SSO session has expired".into() });
    // `r` on the Estate connects the failed environment again, under a new generation.
    assert_eq!(app.pane, Pane::Estate);
    assert_eq!(app.update(Action::Refresh), Some(Effect::Reconnect(vec![1])));
    assert!(app.envs[1].generation > old);
    assert!(app.envs[1].connect_error.is_none());

    // A late answer of the old connection must not land in production's snapshot.
    let late = driftdeck::console::action::Fetched {
        env: 1,
        generation: old,
        kind: Kind::SecurityGroups,
        result: Ok(fixtures::client_a()),
        at: at(5),
        calls: (1, 0),
    };
    app.update(Action::Fetched(Box::new(late)));
    assert!(app.envs[1].snapshot.security_groups.is_empty());
    assert!(app.envs[1].pending.contains(&Kind::SecurityGroups), "still waiting for its own answer");
    let current = fetched_for(&app, 1, Kind::SecurityGroups, &fixtures::client_a(), 6);
    app.update(current);
    assert_eq!(app.envs[1].snapshot.security_groups.len(), 6);
}

#[test]
fn every_environment_is_polled_and_switching_is_only_the_view() {
    let designs = vec![fixtures::design("client-a-prod"), fixtures::design("production")];
    let mut app = driftdeck::console::app(designs, Config::default(), true, at(0));
    assert_eq!(app.pane, Pane::Estate, "several designs open on the Estate");
    for env in 0..2 {
        let g = app.envs[env].generation;
        app.update(Action::Connected { env, generation: g, account: Some(format!("11111111111{env}")) });
    }
    // Results for the environment not on screen land in it, not in the one shown.
    load_env(&mut app, 1, &fixtures::client_a(), 1);
    load_env(&mut app, 0, &drifted(), 2);
    assert_eq!(app.current, 0);
    assert!(app.envs[1].pending.is_empty(), "the second environment was polled while the first was shown");
    assert!(!app.envs[0].report.findings.is_empty());

    // `:env` switches instantly: nothing is pending, no effect restarts any polling.
    app.update(Action::StartCommand);
    type_text(&mut app, "env production");
    assert_eq!(app.update(Action::Submit), None);
    assert_eq!(app.env().design.environment.name, "production");
    assert!(app.env().pending.is_empty());
    assert_eq!(app.pane, Pane::Overview);

    // One environment failing never blanks the other.
    let a = fetched_for(&app, 0, Kind::SecurityGroups, &fixtures::client_a(), 3);
    app.update(a);
    let g = app.envs[1].generation;
    app.update(Action::Fetched(Box::new(driftdeck::console::action::Fetched {
        env: 1,
        generation: g,
        kind: Kind::SecurityGroups,
        result: Err(model::source::FetchError::new("ec2:DescribeSecurityGroups: ExpiredToken")),
        at: at(4),
        calls: (9, 1),
    })));
    assert_eq!(app.envs[1].snapshot.status(Kind::SecurityGroups).status, FetchStatus::Stale);
    assert_eq!(app.envs[0].snapshot.status(Kind::SecurityGroups).status, FetchStatus::Ok);
    assert!(
        app.timeline.iter().any(|e| e.text.starts_with("[production] Security groups failed")),
        "timeline lines name their environment: {:?}",
        app.timeline.iter().map(|e| &e.text).collect::<Vec<_>>()
    );

    // Enter on an Estate row opens that environment.
    app.update(Action::Pane(Pane::Estate));
    app.update(Action::Top);
    app.update(Action::Open);
    assert_eq!((app.current, app.pane), (0, Pane::Overview));
    let screen = {
        app.update(Action::Pane(Pane::Estate));
        to_text(&render(&app, 140, 20))
    };
    assert!(screen.contains("client-a-prod") && screen.contains("production"), "{screen}");
    assert!(screen.contains("STALE: security_groups stale"), "{screen}");
}

#[test]
fn a_failed_kind_keeps_its_stale_data_and_shows_the_error() {
    let mut app = app_with(&drifted());
    let a =
        failed(&app, Kind::SecurityGroups, "ec2:DescribeSecurityGroups: throttled (RequestLimitExceeded)", true, 60);
    app.update(a);
    let st = app.env().snapshot.status(Kind::SecurityGroups);
    assert_eq!(st.status, FetchStatus::Stale);
    assert_eq!(st.fetched_at, Some(at(0)), "the last good fetch time is kept");
    assert!(st.error.as_deref().is_some_and(|e| e.contains("RequestLimitExceeded")));
    assert_eq!(app.env().snapshot.security_groups.len(), 6, "last good data kept");
    assert!(app.env().report.findings.iter().any(|f| f.rule == "sg.admin-port-open"), "stale data is still judged");
    assert_eq!(events(&app, EventKind::KindFailed).len(), 1);

    app.update(Action::Pane(Pane::Security));
    let screen = to_text(&render(&app, 100, 30));
    assert!(screen.contains("STALE, data 1m ago (e: errors)"), "{screen}");
    app.update(Action::ToggleErrors);
    let screen = to_text(&render(&app, 100, 30));
    assert!(screen.contains("ec2:DescribeSecurityGroups: throttled (RequestLimitExceeded)"), "{screen}");

    app.update(Action::Back);
    let a = fetched(&app, Kind::SecurityGroups, &drifted(), 120);
    app.update(a);
    assert_eq!(app.env().snapshot.status(Kind::SecurityGroups).status, FetchStatus::Ok);
    assert_eq!(events(&app, EventKind::KindRecovered), vec!["Security groups recovered".to_string()]);
}

#[test]
fn timeline_records_appeared_cleared_and_alarm_transitions() {
    let clean = fixtures::client_a();
    let mut app = app_with(&clean);
    assert!(app.timeline.is_empty(), "the first picture is not a change: {:?}", app.timeline);

    let mut s = clean.clone();
    fixtures::rt_mut(&mut s, "rtb-data").routes.push(fixtures::route(
        "10.50.0.0/16",
        TargetKind::VpcPeering,
        Some("pcx-shared"),
    ));
    s.alarms[0].state = AlarmState::Alarm;
    let a = fetched(&app, Kind::RouteTables, &s, 30);
    app.update(a);
    let a = fetched(&app, Kind::Alarms, &s, 45);
    app.update(a);
    let appeared = events(&app, EventKind::FindingAppeared);
    assert_eq!(appeared.len(), 2, "{appeared:?}");
    assert!(appeared[0].starts_with("route.peering-forbidden rtb-data"));
    assert!(appeared[1].starts_with("alarm.firing client-a-prod-rds-cpu-high"));
    assert_eq!(events(&app, EventKind::AlarmChanged), vec!["client-a-prod-rds-cpu-high OK → ALARM".to_string()]);

    let a = fetched(&app, Kind::RouteTables, &clean, 90);
    app.update(a);
    assert_eq!(events(&app, EventKind::FindingCleared), vec!["route.peering-forbidden rtb-data cleared".to_string()]);
    let times: Vec<_> = app.timeline.iter().map(|e| e.at).collect();
    assert_eq!(times, vec![at(30), at(45), at(45), at(90)]);
}

#[test]
fn kinds_still_loading_are_not_reported_unavailable() {
    let mut app = driftdeck::console::app(vec![fixtures::design("client-a-prod")], Config::default(), true, at(0));
    let a = fetched(&app, Kind::Vpcs, &fixtures::client_a(), 1);
    app.update(a);
    assert!(app.env().report.findings.is_empty(), "{:?}", app.env().report.findings);
    assert!(app.env().pending.contains(&Kind::RouteTables));
}

#[test]
fn a_failed_connection_marks_every_kind_failed() {
    let mut app = driftdeck::console::app(vec![fixtures::design("client-a-prod")], Config::default(), true, at(0));
    let generation = app.env().generation;
    app.update(Action::SourceFailed { env: 0, generation, error: "no AWS credentials found: pass --profile".into() });
    assert!(app.env().pending.is_empty());
    let r = &app.env().report;
    // Nothing could be read: every finding says "unknown" (the inventory, and the design's
    // reach assertions that need it), none is a judgement on data.
    assert!(r.findings.iter().all(|f| matches!(f.rule.as_str(), "inventory.unavailable" | "reach.unknown")), "{r:?}");
    assert!(r.findings.iter().any(|f| f.rule == "inventory.unavailable"));
    assert!(!r.unavailable.is_empty(), "unknown, never a pass");
    let screen = to_text(&render(&app, 100, 30));
    assert!(screen.contains("UNKNOWN: some inventory unavailable"), "{screen}");
}

#[test]
fn drift_only_and_selection() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Security));
    let all = driftdeck::console::panes::row_count(&app, Pane::Security);
    app.update(Action::ToggleDriftOnly);
    let drift = driftdeck::console::panes::row_count(&app, Pane::Security);
    assert_eq!(drift, 3, "the app group header and its two offending rules");
    assert!(drift < all);
    app.update(Action::Bottom);
    assert_eq!(app.selected(Pane::Security), 2);
    app.update(Action::Open);
    assert_eq!(app.detail.as_ref().map(|f| f.rule.as_str()), Some("sg.flow-undeclared"));
}

#[test]
fn unknown_command_says_so() {
    let mut app = app_with(&drifted());
    app.update(Action::StartCommand);
    type_text(&mut app, "nope");
    app.update(Action::Submit);
    assert!(app.message.as_deref().is_some_and(|m| m.starts_with("unknown command `:nope`")));
    app.update(Action::StartCommand);
    type_text(&mut app, "sg");
    app.update(Action::Submit);
    assert_eq!(app.pane, Pane::Security);
    app.update(Action::StartCommand);
    type_text(&mut app, "q");
    assert_eq!(app.update(Action::Submit), Some(Effect::Quit));
}

#[test]
fn config_remaps_keys_and_rejects_bad_ones() {
    let c = Config::parse(
        "theme = \"light\"\n[keys]\nquit = \"x\"\ndrift_only = [\"ctrl-d\", \"D\"]\n[intervals]\nalarms = 5\n",
    )
    .expect("valid config");
    let q = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    assert!(matches!(c.keymap.lookup(&q), Some(Action::Quit)));
    assert!(c.keymap.lookup(&KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)).is_none(), "remapped away");
    assert_eq!(c.intervals.get(Kind::Alarms), std::time::Duration::from_secs(5));

    let err = |text: &str| Config::parse(text).expect_err("invalid");
    assert_eq!(
        err("[keys]\nquit = \"ctrl-\"\n"),
        "keys.quit: `ctrl-` is not a key; expected e.g. \"q\", \"ctrl-z\", \"tab\", \"f5\""
    );
    assert!(err("[keys]\nexplode = \"x\"\n").starts_with("keys.explode: unknown command"));
    assert_eq!(err("theme = \"neon\"\n"), "theme: `neon` is not a theme; expected \"dark\" or \"light\"");
    assert!(err("[intervals]\nlambdas = 5\n").starts_with("intervals.lambdas: unknown kind"));
    assert!(err("colour = 1\n").starts_with("line 1: unknown field `colour`"));
}

/// Type `:cmd` and submit it; the effect `update` asks the loop for.
fn command(app: &mut App, cmd: &str) -> Option<Effect> {
    app.update(Action::StartCommand);
    type_text(app, cmd);
    app.update(Action::Submit)
}

#[test]
fn write_saves_only_an_inferred_design_and_never_over_a_file_without_bang() {
    let mut app = app_with(&drifted());
    assert_eq!(command(&mut app, "write x.toml"), None);
    assert!(app.message.as_deref().is_some_and(|m| m.contains("came from a file")), "{:?}", app.message);
    app.inferred = Some("[environment]\nname = \"x\"\n".into());
    assert_eq!(command(&mut app, "write"), None);
    assert!(app.message.as_deref().is_some_and(|m| m.contains(":write FILE")));
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("d.toml");
    let Some(Effect::WriteDesign { path: p, text, force: false }) =
        command(&mut app, &format!("write {}", path.display()))
    else {
        panic!("a write effect")
    };
    assert_eq!((p.as_path(), text.as_str()), (path.as_path(), "[environment]\nname = \"x\"\n"));
    // The loop writes it; a second write refuses; `:write!` overwrites.
    app.update(driftdeck::console::write_design(&path, &text, false));
    assert!(app.message.as_deref().is_some_and(|m| m.starts_with("wrote ")), "{:?}", app.message);
    std::fs::write(&path, "edited").expect("edit");
    app.update(driftdeck::console::write_design(&path, &text, false));
    assert!(app.message.as_deref().is_some_and(|m| m.contains("exists; :write! ")), "{:?}", app.message);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "edited", "nothing lost");
    let Some(Effect::WriteDesign { force: true, .. }) = command(&mut app, &format!("write! {}", path.display())) else {
        panic!("a forced write")
    };
    app.update(driftdeck::console::write_design(&path, &text, true));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn an_inferred_design_says_so_in_the_banner() {
    let mut app = app_with(&drifted());
    app.inferred = Some(String::new());
    insta::assert_snapshot!(to_text(&render(&app, 140, 12)));
}

/// The documented config example is a valid config: read from docs/reference.md itself.
#[test]
fn the_documented_config_example_parses() {
    let readme =
        std::fs::read_to_string(format!("{}/docs/reference.md", env!("CARGO_MANIFEST_DIR"))).expect("reference");
    let start = readme.find("## Config file").expect("the config section");
    let block = readme[start..].split("```toml\n").nth(1).and_then(|b| b.split("```").next()).expect("a toml block");
    let c = Config::parse(block).unwrap_or_else(|e| panic!("{e}\n{block}"));
    let mut want = Config::default().intervals;
    want.apply_flag("alarms=15,network=60,databases=120").expect("flag");
    assert_eq!(format!("{:?}", c.intervals), format!("{want:?}"));
}
