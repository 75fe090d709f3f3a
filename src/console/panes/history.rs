//! History on screen: the "how it came to be" block of the finding detail and the
//! resource history / `:around` overlay. Both read what `App::update` cached.

use super::{centered, popup};
use crate::console::state::{App, HistoryOverlay};
use engine::drift::Finding;
use engine::history::{Attribution, age};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The detail view's attribution: the full change event, or why there is none.
pub fn attribution_lines(app: &App, f: &Finding) -> Vec<Line<'static>> {
    let th = &app.theme;
    let label = |k: &str| Span::styled(format!("  {k:<12} "), th.dim);
    let h = &app.env().history;
    let mut lines = vec![Line::from(Span::styled("how it came to be", th.title))];
    match h.attribution(f) {
        Some(attribution @ Attribution::Changed { event, .. }) => {
            let e = event.as_ref();
            let matched = attribution.how().unwrap_or_default();
            lines.push(Line::from(vec![label("time"), Span::raw(format!("{} ({})", e.time, age(e.time, app.now)))]));
            lines.push(Line::from(vec![label("event"), Span::raw(format!("{} · {}", e.name, e.source))]));
            lines.push(Line::from(vec![label("actor"), Span::styled(e.actor.display(), th.title)]));
            if let Some(arn) = &e.actor.arn {
                lines.push(Line::from(vec![label("arn"), Span::raw(arn.clone())]));
            }
            lines.push(Line::from(vec![
                label("source IP"),
                Span::raw(e.source_ip.clone().unwrap_or_else(|| "-".into())),
            ]));
            let ua = e.user_agent.clone().unwrap_or_else(|| "-".into());
            lines.push(Line::from(vec![label("user agent"), Span::raw(format!("{ua} ({})", e.agent.as_str()))]));
            let asked: Vec<String> = e.asked.iter().map(engine::history::Ask::describe).collect();
            let asked = if asked.is_empty() { "-".to_string() } else { asked.join("; ") };
            lines.push(Line::from(vec![label("asked"), Span::raw(asked)]));
            if let Some(err) = &e.error {
                lines.push(Line::from(vec![label("error"), Span::styled(err.clone(), th.failed)]));
            }
            lines.push(Line::from(vec![label("match"), Span::styled(matched, th.dim)]));
        }
        Some(Attribution::OlderThanWindow { since }) => lines.push(Line::from(vec![
            label("changed"),
            Span::raw(format!("older than the window: no change to {} since {since}", f.resource)),
        ])),
        Some(Attribution::NoMatchingChange { since, other_changes }) => lines.push(Line::from(vec![
            label("changed"),
            Span::raw(format!(
                "no matching change since {since} ({other_changes} other changes to the resource; h lists them)"
            )),
        ])),
        Some(Attribution::Unavailable { reason }) => lines.push(Line::from(vec![
            label("changed"),
            Span::styled(format!("history unavailable: {reason}"), th.failed),
        ])),
        None => lines.push(Line::from(vec![label("changed"), Span::styled(h.label(), th.stale)])),
    }
    lines
}

pub fn draw_overlay(frame: &mut Frame, area: Rect, app: &App, o: &HistoryOverlay) {
    let th = &app.theme;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if o.lines.is_empty() {
        lines.push(Line::from(Span::styled(o.empty.clone(), th.dim)));
    }
    for l in &o.lines {
        let time = l.time.to_zoned(jiff::tz::TimeZone::UTC).strftime("%m-%d %H:%M:%S").to_string();
        let style = if l.failed { th.dim } else { th.base };
        let failed = if l.failed { " [failed]" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!("{time} "), th.dim),
            Span::styled(format!("{:<8} ", age(l.time, app.now)), th.dim),
            Span::styled(format!("{:<13} ", l.source), th.dim),
            Span::styled(format!("{}{failed}", l.text), style),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("newest first · Esc closes", th.dim)));
    let h = (lines.len() as u16 + 2).min(area.height);
    popup(frame, centered(area, 110, h), app, &o.title, lines);
}
