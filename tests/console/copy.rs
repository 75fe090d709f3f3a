//! `y`, `Y` and `o` (issue 22): the selected row's id, ARN or AWS console address goes to
//! the clipboard as an effect the event loop writes (OSC 52), and the status line says
//! what was copied.

use crate::ui_support;

use driftdeck::console::action::{Action, Effect, Pane};
use ui_support::*;

fn copied(effect: Option<Effect>) -> String {
    match effect {
        Some(Effect::Copy(text)) => text,
        other => panic!("expected a copy, got {other:?}"),
    }
}

#[test]
fn y_copies_the_selected_rows_id_and_capital_y_its_arn() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Security));
    app.update(Action::Top);
    let id = copied(app.update(Action::Copy { arn: false }));
    assert!(id.starts_with("sg-"), "the first Security row is a group: {id}");
    assert_eq!(app.message.as_deref(), Some(format!("copied {id}").as_str()));
    let arn = copied(app.update(Action::Copy { arn: true }));
    assert_eq!(arn, format!("arn:aws:ec2:eu-west-2:123456789012:security-group/{id}"));
}

#[test]
fn a_finding_row_copies_its_resource_and_opens_its_console_page() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::Top);
    let f = driftdeck::console::state::selected_finding(&app).expect("a finding row");
    let id = copied(app.update(Action::Copy { arn: false }));
    assert_eq!(id, f.resource.to_string());
    let url = copied(app.update(Action::OpenInConsole));
    assert!(url.starts_with("https://eu-west-2.console.aws.amazon.com/"), "{url}");
    assert!(url.contains(&id), "{url}");
    assert_eq!(app.message.as_deref(), Some(format!("copied {url}").as_str()));
}

#[test]
fn an_alarm_row_copies_the_alarm_name_and_its_arn() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Alarms));
    app.update(Action::Top);
    let name = copied(app.update(Action::Copy { arn: false }));
    assert!(app.env().snapshot.alarms.iter().any(|a| a.name == name), "{name}");
    let arn = copied(app.update(Action::Copy { arn: true }));
    assert_eq!(arn, format!("arn:aws:cloudwatch:eu-west-2:123456789012:alarm:{name}"));
}

#[test]
fn the_status_line_confirms_the_copy() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Network));
    app.update(Action::Top);
    app.update(Action::Copy { arn: false });
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
}
