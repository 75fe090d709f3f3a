//! Timeline pane, for incident triage: the history window backfilled (CloudTrail changes,
//! alarm transitions) merged with what the console observed since it started (findings
//! appeared or cleared, alarm transitions, kinds failed or recovered), newest first; every
//! line names its source. The title says where history stands, never "nothing changed"
//! when history is missing.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use engine::history::HistoryStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let since = app.started.to_zoned(jiff::tz::TimeZone::UTC).strftime("%H:%M:%S UTC").to_string();
    let th = &app.theme;
    let n = app.timeline.len();
    let mut spans = vec![Span::styled(format!(" Timeline since {since} ({n} events) "), th.title)];
    if app.hist.on {
        // The window reaches before the console started: say so rather than "since start".
        spans = vec![Span::styled(format!(" Timeline ({n} events, observed since {since}) "), th.title)];
        let h = &app.env().history;
        let style = match h.status {
            HistoryStatus::Ok => th.dim,
            HistoryStatus::Delayed(_) | HistoryStatus::Loading => th.stale,
            _ => th.failed,
        };
        spans.push(Span::styled(format!(" {} · window {} ", h.label(), app.hist.since.label()), style));
        // Records that could not be read are said where the history is shown, never only logged.
        if let Some(skipped) = h.data.skipped_label() {
            spans.push(Span::styled(format!(" {skipped} "), th.stale));
        }
    }
    let title = Line::from(spans);
    draw_items(frame, area, app, Pane::Timeline, title);
}
