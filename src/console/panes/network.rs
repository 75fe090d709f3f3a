//! Network pane: VPCs, tiers with their subnets by AZ (and `Name` tag) and the network
//! ACLs they use with inbound entries, route tables (named by their `Name` tag, id kept)
//! with their routes, and peering connections. A drifting route is marked with its rule;
//! the ACL entry that decides a `nacl.admin-port-open` finding is marked likewise.

use super::draw_items;
use crate::console::action::Pane;
use crate::console::state::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let title = Line::from(vec![
        Span::styled(" Network ", app.theme.title),
        super::freshness(app, crate::console::view::network::KINDS),
    ]);
    draw_items(frame, area, app, Pane::Network, title);
}
