//! Rows of the Findings pane (view-model read by `panes::findings` and by `App` for selection).
//! One row per finding; its cells are made when read (`Deferred::Finding`).

use super::columns::{By, Column};
use super::{Deferred, Item, Live};
use crate::console::state::App;
use engine::drift::Finding;
use ratatui::text::{Line, Span};

pub fn items(app: &App) -> Vec<Item> {
    app.env()
        .report
        .findings
        .iter()
        .map(|f| {
            let item = Item::deferred(Deferred::Finding).with_finding(Some(f));
            if app.hist.on { item.live(Live::History { col: 4 }) } else { item }
        })
        .collect()
}

/// The cells of a finding's row.
pub fn cells(app: &App, f: &Finding) -> Vec<Line<'static>> {
    let th = &app.theme;
    let env = app.env();
    let mut cells = vec![
        Line::from(Span::styled(f.severity.as_str().to_uppercase(), th.severity(f.severity))),
        // Copied straight from the str (`to_string` would go through `Display`).
        Line::from(f.rule.as_str().to_owned()),
        Line::from(f.resource.as_str().to_owned()),
        Line::from(f.tier.as_deref().or(f.role.as_deref()).unwrap_or_default().to_owned()),
        Line::from(f.message.as_str().to_owned()),
    ];
    // The "changed" column (cached attribution), only when history is on.
    if app.hist.on {
        let style = match env.history.attribution(f) {
            Some(engine::history::Attribution::Changed { .. }) => th.base,
            _ => th.dim,
        };
        cells.insert(4, Line::from(Span::styled(env.history.cell(f, app.now), style)));
    }
    cells
}

/// The text of a finding's row as the filter reads it: `cells` joined by spaces, written
/// straight from the finding (tests/ui_rows.rs holds the two equal).
pub fn write_text(app: &App, f: &Finding, buf: &mut String) {
    for c in f.severity.as_str().chars() {
        buf.extend(c.to_uppercase());
    }
    for part in [f.rule.as_str(), f.resource.as_str(), f.tier.as_deref().or(f.role.as_deref()).unwrap_or_default()] {
        buf.push(' ');
        buf.push_str(part);
    }
    if app.hist.on {
        buf.push(' ');
        buf.push_str(&app.env().history.cell(f, app.now));
    }
    buf.push(' ');
    buf.push_str(f.message.as_str());
}

/// The Findings pane's columns: rule and resource name the row; Tier, then Changed, then
/// the message give way (the preview line shows the whole message).
pub fn columns(app: &App) -> Vec<Column> {
    let mut cols = vec![
        Column::keep("Severity", 8, 8).by(By::Severity),
        Column::id("Rule", 12, 40),
        Column::id("Resource", 12, 60),
        Column::gives("Tier/role", 1, 4, 12),
        Column::fill("Message", 3, 12),
    ];
    if app.hist.on {
        cols.insert(4, Column::gives("Changed", 2, 10, 30));
    }
    cols
}
