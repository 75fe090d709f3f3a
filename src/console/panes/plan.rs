//! Plan pane: a Terraform plan loaded with `--plan FILE` or `:plan FILE`. Each planned
//! change with its verdict (would drift, would not drift, unknown until apply, not
//! judged), then the findings it introduces, fixes or leaves unknown (Enter opens one).
//! Rows come from `view::plan`; nothing is evaluated here.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use engine::drift::Severity;
use engine::plan::Verdict;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let mut title = vec![Span::styled(" Plan ", th.title)];
    if let Some(p) = &app.plan {
        title.push(Span::styled(format!("{} ", p.path), th.dim));
        if let Some(r) = &p.report {
            let (i, u, f) = (r.count(Verdict::Introduced), r.count(Verdict::Unknown), r.count(Verdict::Fixed));
            let style = if i > 0 {
                th.severity(Severity::High)
            } else if u > 0 {
                th.stale
            } else {
                th.ok
            };
            title.push(Span::styled(format!("introduced {i} · unknown until apply {u} · fixed {f} "), style));
        }
    }
    let title = Line::from(title);
    draw_items(frame, area, app, Pane::Plan, title);
}
