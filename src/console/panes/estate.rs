//! Estate pane: every environment of the estate at once, one row each, so production and
//! production-PCI are watched side by side. Enter opens the environment under the cursor.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::{App, EnvStatus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let failing = app.envs.iter().filter(|e| matches!(e.status(), EnvStatus::Failed(_))).count();
    let mut title = vec![Span::styled(format!(" Estate ({} environments) ", app.envs.len()), app.theme.title)];
    if failing > 0 {
        title.push(Span::styled(format!(" {failing} failing "), app.theme.failed));
    }
    title.push(Span::styled(" Enter: open ", app.theme.dim));
    draw_items(frame, area, app, Pane::Estate, Line::from(title));
}
