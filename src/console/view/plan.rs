//! Rows of the Plan pane (view-model read by `panes::plan` and by `App` for selection): each
//! planned change with its verdict, then the findings it introduces, fixes or leaves
//! unknown. Reads the judgement cached in `App::plan`; nothing is evaluated here.

use super::Item;
use super::columns::Column;
use crate::console::state::App;
use engine::drift::Severity;
use engine::plan::Verdict;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn verdict_style(app: &App, verdict: &str) -> Style {
    let th = &app.theme;
    match verdict {
        "would drift" => th.severity(Severity::High),
        // Neither is a pass: one resolves at apply, the other never does.
        "unknown until apply" | "not in the inventory" => th.stale,
        "would not drift" => th.ok,
        _ => th.dim,
    }
}

pub fn items(app: &App) -> Vec<Item> {
    let th = &app.theme;
    let Some(state) = &app.plan else { return Vec::new() };
    let mut out = Vec::new();
    let env_name = app.envs.get(state.env).map_or("?", |e| e.design.environment.name.as_str());
    let Some(report) = &state.report else {
        out.push(Item::new(vec![
            Line::from(state.path.clone()),
            Line::from(format!("for {env_name}")),
            Line::from(Span::styled("waiting for the whole inventory before judging", th.dim)),
            Line::from(""),
        ]));
        return out;
    };
    out.push(
        Item::new(vec![
            Line::from(format!("Planned changes ({})", state.plan.changes.len())),
            Line::from(format!("for {env_name}")),
            Line::from(""),
            Line::from(""),
        ])
        .header(),
    );
    for c in &report.changes {
        out.push(Item::new(vec![
            Line::from(format!("  {} {}", c.action.sign(), c.address)),
            Line::from(Span::styled(c.rtype.clone(), th.dim)),
            Line::from(Span::styled(c.verdict.clone(), verdict_style(app, &c.verdict))),
            Line::from(c.detail.clone().unwrap_or_default()),
        ]));
    }
    for v in [Verdict::Introduced, Verdict::Unknown, Verdict::Fixed] {
        let found: Vec<_> = report.with(v).collect();
        if found.is_empty() {
            continue;
        }
        out.push(
            Item::new(vec![
                Line::from(format!("Findings {} ({})", v.label(), found.len())),
                Line::from(""),
                Line::from(""),
                Line::from(""),
            ])
            .header(),
        );
        for f in found {
            let style = match v {
                Verdict::Introduced => th.severity(f.finding.severity),
                Verdict::Unknown => th.stale,
                _ => th.ok,
            };
            let causes: Vec<&str> = f.causes.iter().map(|c| c.address.as_str()).collect();
            let mut item = Item::new(vec![
                Line::from(format!("  {}", f.finding.resource)),
                Line::from(Span::styled(f.finding.rule.to_string(), style)),
                Line::from(Span::styled(v.label(), style)),
                Line::from(causes.join(", ")),
            ]);
            // Only what the plan would bring counts as drift on this pane.
            item.finding = Some(std::sync::Arc::new(f.finding.clone()));
            if v != Verdict::Fixed {
                item.severity = Some(f.finding.severity);
            }
            out.push(item);
        }
    }
    out
}

/// A `+` (on green) or `-` (on red) prefix for a row the plan adds or removes. Only the
/// sign is coloured, as a badge: the row keeps its own drift colour, which may be red.
pub fn mark(app: &App, added: bool, text: String) -> Line<'static> {
    let (sign, style) = if added { ("+", app.theme.nonprod_banner) } else { ("-", app.theme.prod_banner) };
    let rest = text.strip_prefix(' ').unwrap_or(&text).to_string();
    Line::from(vec![Span::styled(sign, style), Span::raw(rest)])
}

/// The Plan pane's columns: the change names the row; Detail, then Type / rule give way.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::id("Change / resource", 16, 64),
        Column::gives("Type / rule", 2, 10, 30),
        Column::keep("Verdict", 8, 20),
        Column::fill("Detail / caused by", 1, 12),
    ]
}
