//! Security pane: security groups by role with their ingress rules; an offending rule is
//! marked with what is wrong (admin port open, public, flow not declared).

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use model::Kind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let title = Line::from(vec![
        Span::styled(" Security groups ", app.theme.title),
        super::freshness(app, &[Kind::SecurityGroups]),
    ]);
    draw_items(frame, area, app, Pane::Security, title);
}
