//! Drawing the console. `draw` reads `App` only: it never awaits and does no I/O.
//!
//! Every list pane produces `Item`s (cells + the finding behind the row) so selection,
//! filtering, drift-only and "Enter opens the finding" work the same everywhere.

mod alarms;
mod databases;
mod estate;
mod findings;
mod help;
mod history;
mod network;
mod overview;
mod plan;
mod reach;
mod security;

mod timeline;

pub use crate::console::theme;
pub use crate::console::view::{Item, age, drift_cell, row_count, selected_finding, selected_ids};

use crate::console::action::Pane;
use crate::console::state::{App, InputMode};
use engine::drift::Severity;
use model::{FetchStatus, Kind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

/// Smallest size the full layout is designed for; below it the console degrades.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Freshness of the kinds behind a pane, for its title: oldest age, and stale/failed marks.
pub fn freshness(app: &App, kinds: &[Kind]) -> Span<'static> {
    let env = app.env();
    let mut worst: Option<FetchStatus> = None;
    let mut oldest: Option<jiff::Timestamp> = None;
    let mut loading = false;
    for k in kinds {
        if env.pending.contains(k) {
            loading = true;
            continue;
        }
        let Some(st) = env.snapshot.inventory.get(k) else { continue };
        worst = match (worst, st.status) {
            (Some(FetchStatus::Failed), _) | (_, FetchStatus::Failed) => Some(FetchStatus::Failed),
            (Some(FetchStatus::Stale), _) | (_, FetchStatus::Stale) => Some(FetchStatus::Stale),
            _ => Some(FetchStatus::Ok),
        };
        if let Some(t) = st.fetched_at {
            oldest = Some(oldest.map_or(t, |o: jiff::Timestamp| o.min(t)));
        }
    }
    let th = &app.theme;
    match (loading, worst) {
        (true, _) => Span::styled(" loading… ", th.dim),
        (_, Some(FetchStatus::Failed)) => Span::styled(" FAILED (e: errors) ", th.failed),
        (_, Some(FetchStatus::Stale)) => {
            Span::styled(format!(" STALE, data {} (e: errors) ", age(app, oldest)), th.stale)
        }
        _ => Span::styled(format!(" {} ", age(app, oldest)), th.dim),
    }
}

/// A titled, bordered table of items with the pane's selection.
pub fn draw_items(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    pane: Pane,
    title: Line<'static>,
    header: &[&str],
    widths: &[Constraint],
) {
    let rows_data = crate::console::view::items(app, pane);
    let th = &app.theme;
    let selected = app.selected(pane).min(rows_data.len().saturating_sub(1));
    // Only the window that can be on screen is turned into table rows: the table scrolls
    // the selection into view from the top (offset 0), so rows more than a screen above
    // the selection or below it are never shown. Every row is one line high.
    let screen = usize::from(area.height);
    let start = selected.saturating_sub(screen);
    let end = (selected + screen + 1).min(rows_data.len());
    let rows: Vec<Row> = rows_data[start..end]
        .iter()
        .map(|it| {
            let style = match (it.header, it.severity) {
                (_, Some(s)) if s >= Severity::High => th.severity(s).remove_modifier(Modifier::REVERSED),
                (_, Some(Severity::Medium)) => th.severity(Severity::Medium),
                (true, _) => th.title,
                _ => th.base,
            };
            Row::new(live_cells(app, it).into_iter().map(Cell::from)).style(style)
        })
        .collect();
    let empty = rows.is_empty();
    let block = Block::default().borders(Borders::ALL).title(title).border_style(th.dim);
    let table = Table::new(rows, widths.to_vec())
        .header(Row::new(header.iter().map(|h| Cell::from(*h))).style(th.dim.add_modifier(Modifier::BOLD)))
        .block(block)
        .row_highlight_style(th.selected)
        .column_spacing(1);
    let mut state = TableState::default();
    if !empty {
        state.select(Some(selected - start));
    }
    frame.render_stateful_widget(table, area, &mut state);
    if empty && area.height > 3 && area.width > 4 {
        let msg = if !app.filter.is_empty() || app.drift_only { "nothing matches the filter" } else { "nothing here" };
        let inner = Rect { x: area.x + 2, y: area.y + 2, width: area.width - 4, height: 1 };
        frame.render_widget(Paragraph::new(msg).style(th.dim), inner);
    }
}

/// A row's cells with its clock-dependent cell (if any) written for this frame.
fn live_cells(app: &App, it: &Item) -> Vec<Line<'static>> {
    let mut cells = it.cells_in(app).into_owned();
    match it.live {
        Some(crate::console::view::Live::Age { col, at }) => {
            if let Some(c) = cells.get_mut(col) {
                *c = Line::from(age(app, at));
            }
        }
        Some(crate::console::view::Live::History { col }) => {
            if let (Some(c), Some(f)) = (cells.get_mut(col), &it.finding) {
                let style = c.spans.first().map_or(Style::default(), |s| s.style);
                *c = Line::from(Span::styled(app.env().history.cell(f, app.now), style));
            }
        }
        None => {}
    }
    cells
}

pub fn draw(frame: &mut Frame, app: &App) {
    // The age labels of this frame are collected afresh (see `view::age`).
    let area = frame.area();
    if area.width < 20 || area.height < 5 {
        frame.render_widget(Paragraph::new("driftdeck: terminal too small").wrap(Wrap { trim: true }), area);
        return;
    }
    let [header, tabs, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)])
            .areas(area);
    draw_header(frame, header, app);
    draw_tabs(frame, tabs, app);
    match app.pane {
        Pane::Estate => estate::draw(frame, body, app),
        Pane::Overview => overview::draw(frame, body, app),
        Pane::Network => network::draw(frame, body, app),
        Pane::Security => security::draw(frame, body, app),
        Pane::Databases => databases::draw(frame, body, app),
        Pane::Alarms => alarms::draw(frame, body, app),
        Pane::Findings => findings::draw(frame, body, app),
        Pane::Timeline => timeline::draw(frame, body, app),
        Pane::Reach => reach::draw(frame, body, app),
        Pane::Plan => plan::draw(frame, body, app),
    }
    draw_status(frame, status, app);
    if let Some(f) = &app.detail {
        findings::draw_detail(frame, body, app, f);
    }
    if let Some(o) = &app.hist.overlay {
        history::draw_overlay(frame, body, app, o);
    }
    if app.show_errors {
        help::draw_errors(frame, body, app);
    }
    if app.show_help {
        help::draw_help(frame, body, app);
    }
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App) {
    let env = app.env();
    let th = &app.theme;
    let e = &env.design.environment;
    let banner = match e.criticality {
        engine::design::Criticality::Prod => Span::styled(" PROD ", th.prod_banner),
        engine::design::Criticality::NonProd => Span::styled(" NON-PROD ", th.nonprod_banner),
    };
    let account = env.snapshot.account.clone().unwrap_or_else(|| "account ?".into());
    let counts = env.report.counts();
    let verdict = if !env.pending.is_empty() {
        Span::styled(format!(" loading {} kinds… ", env.pending.len()), th.dim)
    } else if !env.report.unavailable.is_empty() {
        Span::styled(" UNKNOWN: some inventory unavailable ", th.failed)
    } else if env.report.findings.iter().any(|f| f.severity >= Severity::Low) {
        let worst = Severity::ALL_DESC.into_iter().find(|s| counts.contains_key(s)).unwrap_or(Severity::Low);
        let n: usize = counts.values().sum();
        Span::styled(format!(" DRIFT: {n} findings "), th.severity(worst))
    } else {
        Span::styled(" AS DESIGNED ", th.ok.add_modifier(Modifier::BOLD))
    };
    let mut spans = vec![banner, Span::styled(format!(" {} ", e.name), th.title)];
    if area.width >= MIN_WIDTH {
        spans.push(Span::styled(format!("{account} · {} ", env.snapshot.region), th.base));
    }
    spans.push(verdict);
    if app.is_estate() {
        let others = app.envs.len() - 1;
        let failing = app
            .envs
            .iter()
            .enumerate()
            .filter(|(i, e)| *i != app.current && matches!(e.status(), crate::console::state::EnvStatus::Failed(_)))
            .count();
        let style = if failing > 0 { th.failed } else { th.dim };
        let text = if failing > 0 {
            format!(" +{others} envs, {failing} failing (0: estate)")
        } else {
            format!(" +{others} envs (0: estate)")
        };
        spans.push(Span::styled(text, style));
    }
    if let Some(c) = &app.caption {
        spans.push(Span::styled(format!(" demo: {c}"), th.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let mut spans = Vec::new();
    for p in app.panes() {
        let label = if area.width >= MIN_WIDTH { format!("{} {}", p.key(), p.title()) } else { format!("{}", p.key()) };
        let style = if p == app.pane { th.tab_active } else { th.dim };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw("  "));
    }
    if app.drift_only {
        spans.push(Span::styled("[drift only]", th.stale));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    match &app.input {
        InputMode::Filter(t) | InputMode::Command(t) => {
            let prefix = if matches!(app.input, InputMode::Filter(_)) { "/" } else { ":" };
            let [p, rest] = Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(area);
            frame.render_widget(Paragraph::new(prefix).style(th.key), p);
            frame.render_widget(t, rest);
            return;
        }
        InputMode::Normal => {}
    }
    let (calls, errors) = app.calls();
    let mut spans =
        vec![Span::styled(format!("API calls {calls} · errors {errors} "), if errors > 0 { th.stale } else { th.dim })];
    if !app.filter.is_empty() {
        spans.push(Span::styled(format!("filter: {} ", app.filter), th.key));
    }
    if let Some(m) = &app.message {
        spans.push(Span::styled(m.clone(), th.stale));
    } else {
        let km = &app.config.keymap;
        for (cmd, label) in [
            (crate::console::keymap::Command::Help, "help"),
            (crate::console::keymap::Command::Filter, "filter"),
            (crate::console::keymap::Command::CommandLine, "cmd"),
            (crate::console::keymap::Command::Refresh, "refresh"),
            (crate::console::keymap::Command::Quit, "quit"),
        ] {
            if let Some(k) = km.keys_for(cmd).first() {
                spans.push(Span::styled(format!("{k} "), th.key));
                spans.push(Span::styled(format!("{label}  "), th.dim));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A centred rectangle of at most `w`x`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

pub fn popup(frame: &mut Frame, area: Rect, app: &App, title: &str, lines: Vec<Line<'static>>) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), app.theme.title))
        .style(Style::default());
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
