//! Databases pane: RDS instances and clusters and ElastiCache replication groups, with
//! Multi-AZ, failover, AZs, encryption, access and backups. The cell of each drifting
//! property is coloured by the severity of its finding.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let title = Line::from(vec![
        Span::styled(" Databases and caches ", app.theme.title),
        super::freshness(app, crate::console::view::databases::KINDS),
    ]);
    draw_items(frame, area, app, Pane::Databases, title);
}
