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

/// A titled, bordered table of a pane's rows with its selection, its columns fitted to
/// the width by priority (`view::columns::fit`), the sort marked in the header, and a
/// preview of the selected row in full under the table.
pub fn draw_items(frame: &mut Frame, area: Rect, app: &App, pane: Pane, title: Line<'static>) {
    use crate::console::view::columns;
    let (rows_data, cached_widths) = app.pane_rows(pane);
    let mut cols = crate::console::view::columns(app, pane);
    let sort = app.sort_of(pane);
    // The sorted column's header carries a mark (▲/▼): room for it.
    if let Some(c) = sort.col.and_then(|i| cols.get_mut(i)) {
        let w = unicode_width::UnicodeWidthStr::width(c.title) as u16 + 1;
        c.max = c.max.max(w);
        c.min = c.min.max(w.min(c.max));
    }
    let th = &app.theme;
    let selected = app.selected(pane).min(rows_data.len().saturating_sub(1));
    let block = Block::default().borders(Borders::ALL).border_style(th.dim);
    let inner = block.inner(area);
    // The preview of the selected row: the whole id and message, wrapped.
    let preview = preview_lines(app, &cols, rows_data.get(selected));
    let preview_h = if preview.is_empty() || inner.height < 8 || inner.width < 10 {
        0
    } else {
        let text_w: usize = preview.iter().map(Span::width).sum();
        let lines = text_w.div_ceil(usize::from(inner.width)).max(1) as u16;
        lines.min((inner.height / 6).max(1)) + 1
    };
    let [table_area, preview_area] = Layout::vertical([Constraint::Min(1), Constraint::Length(preview_h)]).areas(inner);
    // Only the window that can be on screen is turned into table rows: the table scrolls
    // the selection into view from the top (offset 0), so rows more than a screen above
    // the selection or below it are never shown. Every row is one line high.
    let screen = usize::from(table_area.height);
    let start = selected.saturating_sub(screen);
    let end = (selected + screen + 1).min(rows_data.len());
    let mut window: Vec<Vec<Line<'static>>> = rows_data[start..end].iter().map(|it| live_cells(app, it)).collect();
    // Natural widths: the cached widest cells (rows whose cells are made when built),
    // widened by the rows on screen (rows made when read).
    let mut natural: Vec<usize> = (0..cols.len()).map(|i| cached_widths.get(i).copied().unwrap_or(0)).collect();
    for (row, it) in window.iter().zip(&rows_data[start..end]) {
        // A header row (a VPC, a section) names it in its first cell only: that cell
        // counts, so a section title is not cut in the middle.
        let take = if it.header { 1 } else { cols.len() };
        for (i, c) in row.iter().enumerate().take(take) {
            natural[i] = natural[i].max(c.width());
        }
    }
    let fitted = if app.wide {
        columns::wide(&cols, &natural, app.wide_from.min(cols.len().saturating_sub(1)))
    } else {
        columns::fit(&cols, &natural, table_area.width, 1)
    };
    // Cut what does not fit: ids in the middle, apart from each other; the rest at the end.
    for (i, (col, w)) in cols.iter().zip(&fitted).enumerate() {
        let Some(w) = w.map(usize::from) else { continue };
        if col.id {
            let texts: Vec<String> =
                window.iter().map(|r| r.get(i).map(|c| c.to_string()).unwrap_or_default()).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            for (row, short) in window.iter_mut().zip(columns::shorten(&refs, w)) {
                if let Some(c) = row.get_mut(i)
                    && c.width() > w
                {
                    *c = restyle(c, short);
                }
            }
        } else {
            for row in &mut window {
                if let Some(c) = row.get_mut(i)
                    && c.width() > w
                {
                    let short = columns::cut_end(&c.to_string(), w);
                    *c = restyle(c, short);
                }
            }
        }
    }
    let shown: Vec<usize> = (0..cols.len()).filter(|&i| fitted[i].is_some()).collect();
    let rows: Vec<Row> = window
        .into_iter()
        .zip(&rows_data[start..end])
        .map(|(mut cells, it)| {
            cells.resize(cols.len(), Line::default());
            let style = match (it.header, it.severity) {
                (_, Some(s)) if s >= Severity::High => th.severity(s).remove_modifier(Modifier::REVERSED),
                (_, Some(Severity::Medium)) => th.severity(Severity::Medium),
                (true, _) => th.title,
                _ => th.base,
            };
            let picked: Vec<Cell> = shown.iter().map(|&i| Cell::from(std::mem::take(&mut cells[i]))).collect();
            Row::new(picked).style(style)
        })
        .collect();
    let header: Vec<Cell> = shown
        .iter()
        .map(|&i| {
            let t = cols[i].title;
            match sort.col {
                Some(c) if c == i => Cell::from(format!("{t}{}", if sort.desc { "▼" } else { "▲" })),
                _ => Cell::from(t),
            }
        })
        .collect();
    let mut title = title;
    let hidden = cols.len() - shown.len();
    if app.wide {
        title.spans.push(Span::styled(
            format!(
                " wide: from column {}/{} (←/→, w: fit) ",
                app.wide_from.min(cols.len().saturating_sub(1)) + 1,
                cols.len()
            ),
            th.stale,
        ));
    } else if hidden > 0 {
        title.spans.push(Span::styled(format!(" +{hidden} cols: w "), th.key));
    }
    if sort.col.is_none() && sort.desc {
        title.spans.push(Span::styled(" order reversed (S) ", th.key));
    }
    let widths: Vec<Constraint> = shown.iter().map(|&i| Constraint::Length(fitted[i].unwrap_or(0))).collect();
    let empty = rows.is_empty();
    frame.render_widget(block.title(title), area);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(th.dim.add_modifier(Modifier::BOLD)))
        .row_highlight_style(th.selected)
        .column_spacing(1);
    let mut state = TableState::default();
    if !empty {
        state.select(Some(selected - start));
    }
    frame.render_stateful_widget(table, table_area, &mut state);
    if empty && table_area.height > 1 && table_area.width > 2 {
        let msg = if !app.filter.is_empty() || app.drift_only { "nothing matches the filter" } else { "nothing here" };
        let at = Rect { x: table_area.x + 1, y: table_area.y + 1, width: table_area.width - 2, height: 1 };
        frame.render_widget(Paragraph::new(msg).style(th.dim), at);
    }
    if preview_h > 0 {
        let p = Paragraph::new(Line::from(preview))
            .block(Block::default().borders(Borders::TOP).border_style(th.dim))
            .wrap(Wrap { trim: false });
        frame.render_widget(p, preview_area);
    }
}

/// `text` in place of `cell`, in the style of the cell's first span.
fn restyle(cell: &Line<'static>, text: String) -> Line<'static> {
    let style = cell.spans.first().map_or(cell.style, |s| s.style);
    Line::from(Span::styled(text, style)).style(cell.style)
}

/// The selected row in full for the preview: `Title: text` for every non-empty cell,
/// including hidden columns.
fn preview_lines(app: &App, cols: &[crate::console::view::columns::Column], item: Option<&Item>) -> Vec<Span<'static>> {
    let Some(item) = item else { return Vec::new() };
    let th = &app.theme;
    let mut out = Vec::new();
    for (i, c) in live_cells(app, item).iter().enumerate() {
        let text = c.to_string();
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Span::raw("  "));
        }
        if let Some(t) = cols.get(i).map(|c| c.title).filter(|t| !t.is_empty()) {
            out.push(Span::styled(format!("{t}: "), th.dim));
        }
        out.push(Span::styled(text.to_string(), th.base));
    }
    out
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
    if app.inferred.is_some() {
        // Inferred from what exists: it describes today's state, drift included.
        spans.push(Span::styled(" INFERRED DESIGN ", th.stale.add_modifier(Modifier::REVERSED)));
        if area.width >= 120 {
            spans.push(Span::styled(" review it, then :write FILE ", th.stale));
        }
    }
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

/// The tab bar: `0 Estate  1 Overview …` when it fits, else short names, else numbers
/// with the pane on screen named, so that every pane stays visible and reachable.
fn draw_tabs(frame: &mut Frame, area: Rect, app: &App) {
    let th = &app.theme;
    let panes = app.panes();
    let marker = if app.drift_only { "[drift only]" } else { "" };
    let fits = |labels: &[String]| {
        labels.iter().map(|l| l.chars().count() + 2).sum::<usize>() + marker.chars().count() <= usize::from(area.width)
    };
    let full: Vec<String> = panes.iter().map(|p| format!("{} {}", p.key(), p.title())).collect();
    let short: Vec<String> = panes.iter().map(|p| format!("{} {}", p.key(), p.short())).collect();
    let labels = if fits(&full) {
        full
    } else if fits(&short) {
        short
    } else {
        panes
            .iter()
            .map(|p| if *p == app.pane { format!("{} {}", p.key(), p.short()) } else { p.key().to_string() })
            .collect()
    };
    let mut spans = Vec::new();
    for (p, label) in panes.iter().zip(labels) {
        let style = if *p == app.pane { th.tab_active } else { th.dim };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw("  "));
    }
    if app.drift_only {
        spans.push(Span::styled(marker, th.stale));
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
