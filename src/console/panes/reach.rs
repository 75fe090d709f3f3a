//! Reach pane: the design's `[[reach]]` assertions with live verdicts (drift marked),
//! the last `:reach SRC DST PORT` answer and the last "who can reach this" (`x`).
//! Everything here is computed in `ReachState::recompute` when data changes; `draw`
//! only reads the cached rows. Enter on a row opens its path.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use model::Kind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let broken = app.reach.rows.iter().filter(|r| r.severity.is_some()).count();
    let title = Line::from(vec![
        Span::styled(
            format!(" Reach ({broken} not holding)  :reach SRC DST PORT  x: who can reach  Enter: path "),
            app.theme.title,
        ),
        super::freshness(app, &[Kind::RouteTables, Kind::NetworkAcls, Kind::SecurityGroups]),
    ]);
    draw_items(frame, area, app, Pane::Reach, title);
}
