//! Timeline pane, for incident triage: what changed since the console started
//! (findings appeared or cleared, alarm transitions, kinds failed or recovered), newest first.

use super::{Item, draw_items};
use crate::action::Pane;
use crate::app::{App, EventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};

pub fn items(app: &App) -> Vec<Item> {
    let th = &app.theme;
    app.timeline
        .iter()
        .rev()
        .map(|e| {
            let (label, style) = match e.kind {
                EventKind::FindingAppeared => ("+ drift", e.severity.map_or(th.base, |s| th.severity(s))),
                EventKind::FindingCleared => ("- cleared", th.ok),
                EventKind::AlarmChanged => ("alarm", e.severity.map_or(th.base, |s| th.severity(s))),
                EventKind::KindFailed => ("failed", th.failed),
                EventKind::KindRecovered => ("recovered", th.ok),
                EventKind::Note => ("note", th.dim),
            };
            let time = e.at.to_zoned(jiff::tz::TimeZone::UTC).strftime("%H:%M:%S").to_string();
            Item::new(vec![
                Line::from(Span::styled(time, th.dim)),
                Line::from(Span::styled(label, style)),
                Line::from(e.text.clone()),
            ])
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let since = app.started.to_zoned(jiff::tz::TimeZone::UTC).strftime("%H:%M:%S UTC").to_string();
    let title =
        Line::from(Span::styled(format!(" Timeline since {since} ({} events) ", app.timeline.len()), app.theme.title));
    draw_items(
        frame,
        area,
        app,
        Pane::Timeline,
        title,
        &["Time", "Event", "What"],
        &[Constraint::Length(8), Constraint::Length(10), Constraint::Min(20)],
    );
}
