//! Alarms pane: metric and composite alarms, ALARM first, with since-when and reason.

use super::{Item, age, draw_items};
use crate::action::Pane;
use crate::app::App;
use crate::model::{AlarmKind, AlarmState, Kind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
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
                AlarmState::Alarm => th.severity(crate::drift::Severity::High),
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
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let firing = app.env().snapshot.alarms.iter().filter(|a| a.state == AlarmState::Alarm).count();
    let title = Line::from(vec![
        Span::styled(format!(" Alarms ({firing} in ALARM) "), app.theme.title),
        super::freshness(app, &[Kind::Alarms]),
    ]);
    draw_items(
        frame,
        area,
        app,
        Pane::Alarms,
        title,
        &["State", "Alarm", "Type", "Since", "Actions", "Reason"],
        &[
            Constraint::Length(17),
            Constraint::Length(30),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(11),
            Constraint::Min(20),
        ],
    );
}
