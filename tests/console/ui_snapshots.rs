//! Every pane, overlay and input line rendered at a fixed size from fixture snapshots,
//! with styles (drift is shown in colour), plus renders at small sizes that must not panic.

use crate::ui_support;
use testkit::fixtures;

use driftdeck::console::action::{Action, Pane};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ui_support::*;

fn key(c: char) -> Action {
    Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn pane(p: Pane) -> String {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(p));
    to_text(&render(&app, 100, 30))
}

#[test]
fn overview() {
    insta::assert_snapshot!(pane(Pane::Overview));
}

#[test]
fn network() {
    insta::assert_snapshot!(pane(Pane::Network));
}

#[test]
fn security() {
    insta::assert_snapshot!(pane(Pane::Security));
}

#[test]
fn databases() {
    insta::assert_snapshot!(pane(Pane::Databases));
}

#[test]
fn databases_at_160_columns_keeps_the_drift_column() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Databases));
    let text = to_text(&render(&app, 160, 40));
    // Columns are sized from content: the header's Drift and the rows' marks are whole.
    assert!(text.contains("Drift"), "{text}");
    assert!(text.contains("✗"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn alarms() {
    insta::assert_snapshot!(pane(Pane::Alarms));
}

#[test]
fn findings() {
    insta::assert_snapshot!(pane(Pane::Findings));
}

#[test]
fn timeline_after_a_change() {
    let mut app = app_with(&fixtures::client_a());
    let s = drifted();
    let a = fetched(&app, model::Kind::RouteTables, &s, 60);
    app.update(a);
    let a = fetched(&app, model::Kind::Alarms, &s, 75);
    app.update(a);
    app.update(Action::Pane(Pane::Timeline));
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}

#[test]
fn finding_detail() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::Open);
    assert!(app.detail.as_ref().is_some_and(|f| f.rule == "rds.public"), "Enter opens the selected (first) finding");
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}

#[test]
fn help_overlay() {
    let mut app = app_with(&drifted());
    app.update(Action::Resize { width: 100, height: 30 });
    app.update(Action::ToggleHelp);
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}

/// At 100x30 the help is taller than the screen: it scrolls to its last line (the notes
/// were cut off before), no further, and back up one line per `k`.
#[test]
fn help_overlay_scrolls_to_its_last_line() {
    let mut app = app_with(&drifted());
    app.update(Action::Resize { width: 100, height: 30 });
    app.update(Action::ToggleHelp);
    let top = to_text(&render(&app, 100, 30));
    assert!(!top.contains("Keys are remappable"), "the last note is below the fold at the top");
    app.update(Action::Bottom);
    let bottom = to_text(&render(&app, 100, 30));
    assert!(bottom.contains("Keys are remappable in config.toml [keys]."), "{bottom}");
    app.update(Action::Down);
    assert_eq!(to_text(&render(&app, 100, 30)), bottom, "no scrolling past the end");
    app.update(Action::Up);
    let up = to_text(&render(&app, 100, 30));
    assert_ne!(up, bottom, "one k from the bottom moves at once");
    assert!(!up.contains("Keys are remappable"));
    insta::assert_snapshot!(bottom);
}

#[test]
fn filter_line() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::StartFilter);
    for c in "rds".chars() {
        app.update(key(c));
    }
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}

#[test]
fn command_line() {
    let mut app = app_with(&drifted());
    app.update(Action::StartCommand);
    for c in "env client".chars() {
        app.update(key(c));
    }
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}

#[test]
fn errors_overlay_with_a_stale_kind() {
    let mut app = app_with(&drifted());
    let a = failed(
        &app,
        model::Kind::SecurityGroups,
        "ec2:DescribeSecurityGroups: throttled (RequestLimitExceeded)",
        true,
        70,
    );
    app.update(a);
    app.update(Action::ToggleErrors);
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}

#[test]
fn minimum_size_80x24() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Security));
    insta::assert_snapshot!(to_text(&render(&app, 80, 24)));
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let mut app = app_with(&drifted());
    for p in Pane::ALL {
        app.update(Action::Pane(p));
        for (w, h) in [(1, 1), (10, 3), (19, 4), (20, 5), (40, 10), (79, 23), (200, 60), (300, 8)] {
            render(&app, w, h);
        }
    }
    app.update(Action::ToggleHelp);
    render(&app, 30, 8);
    app.update(Action::Back);
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::Open);
    render(&app, 25, 6);
}

#[test]
fn network_drift_only_keeps_the_route_table_and_vpc() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Network));
    app.update(Action::ToggleDriftOnly);
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}

#[test]
fn estate_with_one_environment_failing() {
    use driftdeck::console::config::Config;
    let designs = vec![fixtures::design("client-a-prod"), fixtures::design("production")];
    let mut app = driftdeck::console::app(designs, Config::default(), true, at(0));
    let g = app.envs[0].generation;
    app.update(Action::Connected { env: 0, generation: g, account: Some("123456789012".into()) });
    load_env(&mut app, 0, &drifted(), 0);
    let g = app.envs[1].generation;
    app.update(Action::SourceFailed {
        env: 1,
        generation: g,
        error: "credentials belong to account 210987654321, but production.toml is the design of account 111122223333"
            .into(),
    });
    app.update(Action::Tick(at(30)));
    insta::assert_snapshot!(to_text(&render(&app, 140, 12)));
}

/// The Overview's Controls card: keys drifting (no rotation), GuardDuty off, Security Hub
/// on, and EKS unreadable: unknown, never "as designed".
#[test]
fn overview_controls_card() {
    use model::*;
    let design = fixtures::design_with(
        "client-a-prod",
        "[kms]\nkeys = [\"alias/client-a-data\"]\nrotation = true\n\n[detectors]\nguardduty = true\nsecurityhub = true\n\n[eks]\npublic_endpoint_from = []\n",
    );
    let mut app = driftdeck::console::app(vec![design], driftdeck::console::config::Config::default(), true, at(0));
    let g = app.env().generation;
    app.update(Action::Connected { env: 0, generation: g, account: Some("123456789012".into()) });
    let mut s = drifted();
    s.kms_keys.push(KmsKey {
        id: "1234abcd".into(),
        arn: "arn:aws:kms:eu-west-2:123456789012:key/1234abcd".into(),
        aliases: vec!["alias/client-a-data".into()],
        state: "Enabled".into(),
        deletion_date: None,
        rotation_enabled: Some(false),
        rotation_period_days: None,
        manager: "CUSTOMER".into(),
        key_spec: Some("SYMMETRIC_DEFAULT".into()),
        rotation_error: None,
    });
    s.detectors.push(Detector {
        service: DetectorService::SecurityHub,
        id: "arn:aws:securityhub:eu-west-2:123456789012:hub/default".into(),
        status: "ENABLED".into(),
        error: None,
    });
    for kind in driftdeck::console::state::polled_kinds(&app.envs[0].design) {
        let a = if matches!(kind, Kind::EksClusters | Kind::EksAccessEntries) {
            failed(&app, kind, "eks:ListClusters: AccessDeniedException", false, 0)
        } else {
            fetched(&app, kind, &s, 0)
        };
        app.update(a);
    }
    app.update(Action::Tick(at(10)));
    let screen = to_text(&render(&app, 120, 32));
    assert!(screen.contains("KMS keys  ✗ 1: kms.rotation-disabled"), "{screen}");
    assert!(screen.contains("Detectors ✗ 1: detector.guardduty-off"), "{screen}");
    assert!(screen.contains("EKS       UNKNOWN: eks_clusters unavailable"), "{screen}");
    insta::assert_snapshot!(screen);
    // Enter opens the findings the card summarises.
    app.update(Action::Open);
    assert_eq!(app.pane, Pane::Findings);
}

/// An organisation's environments roll up under their OU on the Estate pane, and Enter
/// opens the environment the row names even though headers sit between the rows.
#[test]
fn estate_rolls_up_an_organisation_by_ou() {
    use driftdeck::console::config::Config;
    use engine::design::OrgPlace;
    let place = |ou: &str| OrgPlace {
        role_name: "driftdeck-readonly".into(),
        external_id: None,
        ou_path: ou.into(),
        rule: "org.toml:12".into(),
    };
    let mut designs = Vec::new();
    for (name, ou) in [("web/eu-west-2", "Prod"), ("cards/eu-west-2", "Prod/PCI"), ("payments/eu-west-2", "Prod")] {
        let mut d = fixtures::design("client-a-prod");
        d.environment.name = name.into();
        d.environment.org = Some(place(ou));
        designs.push(d);
    }
    let mut app = driftdeck::console::app(designs, Config::default(), true, at(0));
    for env in 0..3 {
        let g = app.envs[env].generation;
        app.update(Action::Connected { env, generation: g, account: Some("123456789012".into()) });
        load_env(&mut app, env, &if env == 1 { drifted() } else { fixtures::client_a() }, 0);
    }
    app.update(Action::Tick(at(30)));
    let screen = to_text(&render(&app, 140, 14));
    assert!(screen.contains("OU Root/Prod ") && screen.contains("OU Root/Prod/PCI"), "{screen}");
    insta::assert_snapshot!(screen);
    // The second row under the first header is payments (OU Prod, in --design order).
    app.update(Action::Top);
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Open);
    assert_eq!(app.env().design.environment.name, "payments/eu-west-2");
    // The Estate filters: only the matching environment, under its OU.
    app.update(Action::Pane(Pane::Estate));
    app.update(Action::StartFilter);
    type_text(&mut app, "cards");
    app.update(Action::Submit);
    let screen = to_text(&render(&app, 140, 14));
    let table: String = screen.lines().filter(|l| l.starts_with('│')).collect::<Vec<_>>().join("\n");
    assert!(table.contains("cards/eu-west-2") && table.contains("OU Root/Prod/PCI"), "{screen}");
    assert!(!table.contains("payments/eu-west-2") && !table.contains("OU Root/Prod "), "{screen}");
}
