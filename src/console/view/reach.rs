//! Rows of the Reach pane, from the answers the state holds (`state::reach`).

use super::Item;
use super::columns::Column;
use crate::console::state::App;
use engine::reach::Verdict;
use ratatui::text::{Line, Span};

pub fn items(app: &App) -> Vec<Item> {
    let th = &app.theme;
    app.reach
        .rows
        .iter()
        .map(|r| {
            let vstyle = match (r.severity, r.verdict) {
                _ if r.judging => th.dim,
                (Some(s), _) => th.severity(s),
                (None, Verdict::Unknown) => th.stale,
                (None, _) => th.ok,
            };
            let mark = if r.judging {
                "judging…".to_string()
            } else if r.severity.is_some() {
                format!("✗ {}", r.verdict.as_str())
            } else {
                r.verdict.as_str().to_string()
            };
            let mut it = Item::new(vec![
                Line::from(Span::styled(r.section, th.dim)),
                Line::from(r.from.clone()),
                Line::from(r.to.clone()),
                Line::from(r.port.clone()),
                Line::from(r.expect.clone()),
                Line::from(Span::styled(mark, vstyle)),
                Line::from(r.why.clone()),
            ]);
            it.severity = r.severity;
            it.finding = Some(std::sync::Arc::new(r.detail.clone()));
            it
        })
        .collect()
}

/// The Reach pane's columns: from and to name the row; Why, Expect, then the section give way.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::gives("", 3, 6, 9),
        Column::id("From", 10, 32),
        Column::id("To", 10, 32),
        Column::keep("Port", 4, 9),
        Column::gives("Expect", 2, 6, 8),
        Column::keep("Verdict", 7, 10),
        Column::fill("Why", 1, 12),
    ]
}
