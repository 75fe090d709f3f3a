//! Alarms pane: metric and composite alarms, ALARM first, with since-when and reason.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use model::{AlarmState, Kind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let firing = app.env().snapshot.alarms.iter().filter(|a| a.state == AlarmState::Alarm).count();
    let title = Line::from(vec![
        Span::styled(format!(" Alarms ({firing} in ALARM) "), app.theme.title),
        super::freshness(app, &[Kind::Alarms]),
    ]);
    draw_items(frame, area, app, Pane::Alarms, title);
}
