//! Overlays generated from state: the key help (from the live keymap, so remapped keys
//! show) and the fetch errors of failed kinds.

use super::{age, centered, popup};
use crate::console::state::App;
use crate::console::view::help;
use model::FetchStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The key help (text from `view::help`). When it is taller than the screen it scrolls
/// (`j`/`k`, page keys) and the title says which lines are shown.
pub fn draw_help(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let w = help::box_width(area.width);
    let mut lines: Vec<Line> = help::lines(&app.config.keymap, w)
        .into_iter()
        .map(|l| Line::from(vec![Span::styled(l.keys, th.key), Span::raw(l.text)]))
        .collect();
    lines.push(Line::from(""));
    lines.extend(help::NOTES.iter().map(|n| Line::from(Span::styled(*n, th.dim))));
    let total = lines.len() as u16;
    let h = (total + 2).min(area.height);
    let shown = h.saturating_sub(2);
    let from = app.help_scroll.min(total.saturating_sub(shown));
    let title = if shown < total {
        format!("Keys {}-{} of {total} (j/k, PgUp/PgDn)", from + 1, from + shown)
    } else {
        "Keys".to_string()
    };
    let lines: Vec<Line> = lines.into_iter().skip(usize::from(from)).collect();
    popup(frame, centered(area, w, h), app, &title, lines);
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
