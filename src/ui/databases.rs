//! Databases pane: RDS instances and clusters and ElastiCache replication groups, with
//! Multi-AZ, failover, AZs, encryption, access and backups. The cell of each drifting
//! property is coloured by the severity of its finding.

use super::{Item, draw_items};
use crate::action::Pane;
use crate::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};

use crate::view::databases::HEADER;

/// Column widths from content: every column but the first is as wide as its widest cell
/// (header included), so the Drift marks are never cut; the resource column takes the rest.
fn widths(rows: &[Item]) -> Vec<Constraint> {
    let mut w: Vec<usize> = HEADER.iter().map(|h| h.chars().count()).collect();
    for r in rows.iter().filter(|r| !r.header) {
        for (i, c) in r.cells.iter().enumerate().take(w.len()) {
            w[i] = w[i].max(c.width());
        }
    }
    let resource = w[0].min(u16::MAX as usize) as u16;
    std::iter::once(Constraint::Min(resource.min(18)))
        .chain(w[1..].iter().map(|n| Constraint::Length((*n).min(40) as u16)))
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let title = Line::from(vec![
        Span::styled(" Databases and caches ", app.theme.title),
        super::freshness(app, crate::view::databases::KINDS),
    ]);
    let widths = widths(&crate::view::databases::items(app));
    draw_items(frame, area, app, Pane::Databases, title, &HEADER, &widths);
}
