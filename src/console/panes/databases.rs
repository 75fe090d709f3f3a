//! Databases pane: RDS instances and clusters and ElastiCache replication groups, with
//! Multi-AZ, failover, AZs, encryption, access and backups. The cell of each drifting
//! property is coloured by the severity of its finding.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};

use crate::console::view::databases::HEADER;

/// Column widths from content: every column but the first is as wide as its widest cell
/// (header included; cells over the unfiltered rows, cached with them), so the Drift
/// marks are never cut; the resource column takes the rest.
fn widths(cells: &[usize]) -> Vec<Constraint> {
    let w: Vec<usize> =
        HEADER.iter().enumerate().map(|(i, h)| h.chars().count().max(cells.get(i).copied().unwrap_or(0))).collect();
    let resource = w[0].min(u16::MAX as usize) as u16;
    std::iter::once(Constraint::Min(resource.min(18)))
        .chain(w[1..].iter().map(|n| Constraint::Length((*n).min(40) as u16)))
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let title = Line::from(vec![
        Span::styled(" Databases and caches ", app.theme.title),
        super::freshness(app, crate::console::view::databases::KINDS),
    ]);
    let widths = widths(&app.pane_rows(Pane::Databases).1);
    draw_items(frame, area, app, Pane::Databases, title, &HEADER, &widths);
}
