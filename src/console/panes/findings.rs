//! Findings pane: every finding by severity; Enter opens a detail view explaining
//! expected vs actual with the evidence and the design clause.

use super::{centered, draw_items, popup};
use crate::console::action::Pane;
use crate::console::state::App;
use engine::drift::Finding;
use model::Kind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let n = app.env().report.findings.len();
    let title = Line::from(vec![
        Span::styled(format!(" Findings ({n}) "), app.theme.title),
        super::freshness(app, &Kind::ALL),
        Span::styled(" Enter: detail ", app.theme.dim),
    ]);
    draw_items(frame, area, app, Pane::Findings, title);
}

pub fn draw_detail(frame: &mut Frame, area: Rect, app: &App, f: &Finding) {
    let th = &app.theme;
    let label = |k: &str| Span::styled(format!("{k:<10}"), th.dim);
    let mut lines = vec![
        Line::from(vec![label("rule"), Span::styled(format!("{} ({})", f.rule, f.severity), th.severity(f.severity))]),
        Line::from(vec![label("resource"), Span::raw(format!("{} [{}]", f.resource, f.resource_kind))]),
    ];
    if let Some(t) = f.tier.as_ref().or(f.role.as_ref()) {
        lines.push(Line::from(vec![label(if f.tier.is_some() { "tier" } else { "role" }), Span::raw(t.to_string())]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::raw(f.message.to_string())));
    lines.push(Line::from(""));
    lines.push(Line::from(vec![label("expected"), Span::styled(f.expected.to_string(), th.ok)]));
    lines.push(Line::from(vec![label("actual"), Span::styled(f.actual.to_string(), th.severity(f.severity))]));
    if let Some(c) = &f.clause {
        lines.push(Line::from(vec![label("design"), Span::raw(format!("{c} in {}", app.env().design.source))]));
    }
    if let Some(n) = &f.note {
        lines.push(Line::from(vec![label("note"), Span::styled(n.to_string(), th.stale)]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("evidence", th.title)));
    for (k, v) in &f.evidence {
        lines.push(Line::from(vec![Span::styled(format!("  {k:<14} "), th.dim), Span::raw(v.to_string())]));
    }
    if app.hist.on {
        lines.push(Line::from(""));
        lines.extend(super::history::attribution_lines(app, f));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Esc closes", th.dim)));
    let h = (lines.len() as u16 + 2).min(area.height);
    popup(frame, centered(area, 96, h), app, "Finding", lines);
}
