//! Rows of the Timeline pane (view-model read by `panes::timeline` and by `App` for selection).

use super::Item;
use super::columns::Column;
use crate::console::state::{App, EventKind};
use ratatui::text::{Line, Span};

pub fn items(app: &App) -> Vec<Item> {
    let th = &app.theme;
    let today = app.now.to_zoned(jiff::tz::TimeZone::UTC).date();
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
                EventKind::Change if e.failed => ("failed call", th.dim),
                EventKind::Change => ("change", th.stale),
                EventKind::AlarmHistory => ("alarm", e.severity.map_or(th.base, |s| th.severity(s))),
            };
            // Backfilled lines can be days old: those show their date.
            let at = e.at.to_zoned(jiff::tz::TimeZone::UTC);
            let time = if at.date() == today { at.strftime("%H:%M:%S") } else { at.strftime("%m-%d %H:%M") };
            Item::new(vec![
                Line::from(Span::styled(time.to_string(), th.dim)),
                Line::from(Span::styled(e.source.label(), th.dim)),
                Line::from(Span::styled(label, style)),
                Line::from(e.text.clone()),
            ])
            .about(e.resources.first().cloned())
            .event(e.event_id.clone())
        })
        .collect()
}

/// The Timeline pane's columns: what happened stays; Source, then Event give way.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::keep("Time", 8, 11),
        Column::gives("Source", 1, 6, 13),
        Column::gives("Event", 2, 6, 11),
        Column { fill: true, ..Column::keep("What", 20, u16::MAX) },
    ]
}
