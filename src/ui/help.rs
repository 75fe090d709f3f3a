//! Overlays generated from state: the key help (from the live keymap, so remapped keys
//! show) and the fetch errors of failed kinds.

use super::{age, centered, popup};
use crate::app::App;
use crate::keymap::Command;
use crate::model::FetchStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw_help(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let mut lines: Vec<Line> = Command::ALL
        .iter()
        .map(|c| {
            let keys = app.config.keymap.keys_for(*c).join(" ");
            Line::from(vec![Span::styled(format!(" {keys:<16}"), th.key), Span::raw(c.describe())])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(" In the filter or command line: Enter applies, Esc cancels.", th.dim)));
    lines.push(Line::from(Span::styled(" Mouse wheel scrolls. Keys are remappable in config.toml [keys].", th.dim)));
    let h = (lines.len() as u16 + 2).min(area.height);
    popup(frame, centered(area, 90, h), app, "Keys", lines);
}

pub fn draw_errors(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let env = app.env();
    let mut lines: Vec<Line> = Vec::new();
    if let Some(e) = &env.connect_error {
        lines.push(Line::from(Span::styled(format!(" connection: {e}"), th.failed)));
    }
    for (kind, st) in &env.snapshot.inventory {
        if st.status == FetchStatus::Ok {
            continue;
        }
        let what = if st.status == FetchStatus::Stale {
            format!("stale, showing data from {}", age(app, st.fetched_at))
        } else {
            "no data".to_string()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", kind.label()), th.failed),
            Span::styled(format!("({what})"), th.dim),
        ]));
        lines.push(Line::from(format!("   {}", st.error.as_deref().unwrap_or("failed"))));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(" every kind fetched fine", th.ok)));
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    popup(frame, centered(area, 100, h), app, "Fetch errors", lines);
}
