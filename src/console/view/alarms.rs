//! Rows of the Alarms pane (view-model read by `panes::alarms` and by `App` for selection).

use super::columns::{By, Column};
use super::{Item, Live, age};
use crate::console::state::App;
use model::{AlarmKind, AlarmState};
use ratatui::text::{Line, Span};

pub fn items(app: &App) -> Vec<Item> {
    let th = &app.theme;
    let env = app.env();
    let mut alarms: Vec<_> = env.snapshot.alarms.iter().collect();
    // ALARM first, then INSUFFICIENT_DATA, then OK; newest change first within a state.
    alarms.sort_by(|a, b| a.state.cmp(&b.state).then(b.state_updated.cmp(&a.state_updated)).then(a.name.cmp(&b.name)));
    alarms
        .into_iter()
        .map(|a| {
            let state_style = match a.state {
                AlarmState::Alarm => th.severity(engine::drift::Severity::High),
                AlarmState::InsufficientData => th.stale,
                AlarmState::Ok => th.ok,
            };
            let kind = match a.kind {
                AlarmKind::Metric => "metric",
                AlarmKind::Composite => "composite",
            };
            let finding = env.findings_for(&a.name).max_by_key(|f| f.severity);
            Item::new(vec![
                Line::from(Span::styled(a.state.as_str(), state_style)),
                Line::from(a.name.clone()),
                Line::from(Span::styled(kind, th.dim)),
                Line::from(age(app, a.state_updated)),
                Line::from(if a.actions_enabled { "" } else { "actions off" }),
                Line::from(a.state_reason.clone().unwrap_or_default()),
            ])
            .with_finding(finding)
            .about(Some(a.name.clone()))
            .live(Live::Age { col: 3, at: a.state_updated })
        })
        .collect()
}

/// The Alarms pane's columns: the alarm names the row; Reason, Since, Type, Actions give way.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::keep("State", 5, 17),
        Column::id("Alarm", 12, 48),
        Column::gives("Type", 3, 4, 9),
        Column::gives("Since", 2, 6, 9).by(By::Age),
        Column::gives("Actions", 4, 7, 11),
        Column::fill("Reason", 1, 10),
    ]
}
