//! The rows the console shows, as a view-model built from `App` state: the UI draws them
//! and `App` reads them to move the selection and find what a key applies to. Kept out of
//! `ui` so the state machine (`app`) does not depend on drawing code.

pub mod alarms;
pub mod databases;
pub mod estate;
pub mod findings;
pub mod help;
pub mod network;
pub mod plan;
pub mod reach;
pub mod security;
pub mod theme;
pub mod timeline;

use crate::action::Pane;
use crate::app::App;
use crate::drift::{Finding, Severity};
use crate::model::Kind;
use ratatui::text::{Line, Span};
use std::borrow::Cow;
use std::sync::Arc;

/// One row of a list pane.
#[derive(Clone)]
pub struct Item {
    /// The row's cells; empty while they are `deferred` (read them with `Item::cells_in`).
    pub cells: Vec<Line<'static>>,
    /// Worst severity of the findings behind this row, if any.
    pub severity: Option<Severity>,
    /// The finding Enter opens (shared with the report: a row costs no copy of it).
    pub finding: Option<Arc<Finding>>,
    /// Rows that give context to the rows under them (a VPC, a route table, a group):
    /// shown when anything under them is.
    pub header: bool,
    /// Nesting of a header: a header ends at the next header of the same or lower level.
    pub level: u8,
    /// The resource the row is about when its first cell does not name it (an alarm row
    /// starts with its state, a Timeline line with its time): what `h` opens.
    pub subject: Option<String>,
    /// A cell whose text depends on the clock: the cached row holds its text at build
    /// time (for the filter) and the frame redraws it for the rows on screen only.
    pub live: Option<Live>,
    /// How the cells are made when they are read, for rows built without them.
    pub deferred: Option<Deferred>,
}

/// A row whose cells are made when they are read (drawn, filtered, named by `x` or `h`),
/// not when the rows are built: the Findings and Security panes have 16,000 and 14,000
/// rows at scale 4 and a screen shows a few dozen, and styling every row's cells on each
/// result was most of the UI thread's time. What the cells show is read from the same
/// state the rows were built from (the cache key of app/rows.rs covers it), so a row
/// reads the same whenever its cells are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferred {
    /// A Findings row about `Item::finding`.
    Finding,
    /// A Security group header: the group at this position of the snapshot's groups.
    Group(u32),
    /// A Security rule row: (group, rule) positions in the snapshot's groups and that
    /// group's ingress rules.
    Rule(u32, u32),
}

/// A cell recomputed at draw time (see `Item::live`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Live {
    /// Column `col` shows the age of `at` ("12s ago"), tracked for the tick like `age`.
    Age { col: usize, at: Option<jiff::Timestamp> },
    /// Column `col` shows the finding's history cell (actor and age).
    History { col: usize },
}

impl Item {
    pub fn new(cells: Vec<Line<'static>>) -> Item {
        Item {
            cells,
            severity: None,
            finding: None,
            header: false,
            level: 0,
            subject: None,
            live: None,
            deferred: None,
        }
    }

    /// A row whose cells are made when read (see `Deferred`).
    pub fn deferred(how: Deferred) -> Item {
        Item { deferred: Some(how), ..Item::new(Vec::new()) }
    }

    /// The row's cells: its own, or made now from `app` for a deferred row.
    pub fn cells_in(&self, app: &App) -> Cow<'_, [Line<'static>]> {
        match self.deferred {
            None => Cow::Borrowed(&self.cells),
            Some(Deferred::Finding) => {
                Cow::Owned(self.finding.as_deref().map(|f| findings::cells(app, f)).unwrap_or_default())
            }
            Some(Deferred::Group(g)) => Cow::Owned(security::group_cells(app, g, self.finding.as_deref())),
            Some(Deferred::Rule(g, r)) => Cow::Owned(security::rule_cells(app, g, r, self.finding.as_deref())),
        }
    }

    pub fn header(self) -> Item {
        self.header_at(0)
    }

    pub fn header_at(mut self, level: u8) -> Item {
        self.header = true;
        self.level = level;
        self
    }

    pub fn about(mut self, subject: Option<String>) -> Item {
        self.subject = subject;
        self
    }

    pub fn live(mut self, live: Live) -> Item {
        self.live = Some(live);
        self
    }

    pub fn with_finding(mut self, f: Option<&Arc<Finding>>) -> Item {
        if let Some(f) = f {
            self.severity = Some(self.severity.map_or(f.severity, |s| s.max(f.severity)));
            self.finding = Some(Arc::clone(f));
        }
        self
    }

    /// The row's text for the filter: its cells joined by spaces, written into `buf`.
    /// A deferred Findings or Security rule row writes it straight from the data its
    /// cells are made from (no styled cells made and dropped for each of 16,000 rows).
    pub fn write_text(&self, app: &App, buf: &mut String) {
        use std::fmt::Write;
        buf.clear();
        match (self.deferred, self.finding.as_deref()) {
            (Some(Deferred::Finding), Some(f)) => findings::write_text(app, f, buf),
            (Some(Deferred::Rule(g, r)), f) => security::write_rule_text(app, g, r, f, buf),
            _ => {
                for (i, l) in self.cells_in(app).iter().enumerate() {
                    if i > 0 {
                        buf.push(' ');
                    }
                    let _ = write!(buf, "{l}");
                }
            }
        }
    }
}

/// Apply the filter and drift-only toggle. A row that stays brings the headers above it
/// (its VPC, its route table) along; a header that itself drifts or matches stays too.
/// Only a text filter reads the rows' cells (drift-only reads their severity).
fn visible(app: &App, items: Vec<Item>) -> Vec<Item> {
    if app.filter.is_empty() && !app.drift_only {
        return items;
    }
    // Rows stay deferred: their text is written into one buffer, row after row.
    let needle = app.filter.to_lowercase();
    let buf = std::cell::RefCell::new(String::new());
    let said = |i: &Item| {
        let mut b = buf.borrow_mut();
        i.write_text(app, &mut b);
        crate::app::contains_folded(&b, &needle)
    };
    let named = |i: &Item| app.filter.is_empty() || said(i);
    let keep = |i: &Item| (!app.drift_only || i.severity.is_some()) && named(i);
    let mut out: Vec<Item> = Vec::new();
    let mut ancestors: Vec<Item> = Vec::new();
    for item in items {
        if item.header {
            while ancestors.last().is_some_and(|h| h.level >= item.level) {
                ancestors.pop();
            }
            let drifts = item.severity.is_some() && named(&item);
            let shown = !app.drift_only && !app.filter.is_empty() && said(&item);
            if drifts || shown {
                out.append(&mut ancestors);
                out.push(item);
            } else {
                ancestors.push(item);
            }
        } else if keep(&item) {
            out.append(&mut ancestors);
            out.push(item);
        }
    }
    out
}

/// Build a pane's rows from state (what `App` caches, see app/rows.rs), with the widest
/// cell of each column over the unfiltered, non-header rows whose cells are made (only
/// the Databases pane reads the widths; deferred rows add none).
pub fn build(app: &App, pane: Pane) -> crate::app::Built {
    // The worker's Security rows, when it built them for the report on screen: taken as
    // they are (shared), or filtered from a copy.
    let env = app.env();
    if pane == Pane::Security
        && app.plan_marks().is_none()
        && let Some(shared) = &env.security_rows
    {
        let widths = widths_of(shared);
        let rows = if app.filter.is_empty() && !app.drift_only {
            Arc::clone(shared)
        } else {
            Arc::new(visible(app, shared.iter().cloned().collect()))
        };
        return crate::app::Built { rows, widths };
    }
    let raw = match pane {
        Pane::Overview => Vec::new(),
        // One row per environment, unfiltered: a row's index is its environment.
        Pane::Estate => estate::items(app),
        Pane::Network => network::items(app),
        Pane::Security => security::items(app),
        Pane::Databases => databases::items(app),
        Pane::Alarms => alarms::items(app),
        Pane::Findings => findings::items(app),
        Pane::Timeline => timeline::items(app),
        Pane::Reach => reach::items(app),
        Pane::Plan => plan::items(app),
    };
    let widths = widths_of(&raw);
    let rows = match pane {
        Pane::Overview | Pane::Estate => raw,
        _ => visible(app, raw),
    };
    crate::app::Built { rows: Arc::new(rows), widths }
}

/// The widest cell of each column over the non-header rows whose cells are made.
fn widths_of(rows: &[Item]) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    for r in rows.iter().filter(|r| !r.header) {
        for (i, c) in r.cells.iter().enumerate() {
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(c.width()),
                None => widths.push(c.width()),
            }
        }
    }
    widths
}

/// The rows a pane shows now (cached by `App` for the pane on screen).
pub fn items(app: &App, pane: Pane) -> std::sync::Arc<Vec<Item>> {
    app.pane_rows(pane).0
}

/// Rows a pane shows now (for moving the selection).
pub fn row_count(app: &App, pane: Pane) -> usize {
    match pane {
        Pane::Overview => overview_kinds(app).len(),
        p => items(app, p).len(),
    }
}

/// First cells of the selected row and the rows above it, nearest first: the ids a
/// row names (a rule row under its group header names the group further up). Made as
/// they are read: callers stop at the first id they can use, so a deferred row far up
/// the list is never made.
pub fn selected_ids(app: &App) -> impl Iterator<Item = String> + '_ {
    let rows = items(app, app.pane);
    let i = app.selected(app.pane).min(rows.len().saturating_sub(1));
    let n = if rows.is_empty() { 0 } else { i + 1 };
    (0..n).rev().filter_map(move |k| {
        rows.get(k).and_then(|r| r.cells_in(app).first().map(|c| c.to_string().trim().to_string()))
    })
}

/// What the selected row is about, when the row says so (`Item::about`).
pub fn selected_subject(app: &App) -> Option<String> {
    let rows = items(app, app.pane);
    let i = app.selected(app.pane).min(rows.len().saturating_sub(1));
    rows.get(i).and_then(|r| r.subject.clone())
}

/// The finding behind the selected row of the current pane.
pub fn selected_finding(app: &App) -> Option<Finding> {
    let rows = items(app, app.pane);
    let i = app.selected(app.pane).min(rows.len().saturating_sub(1));
    rows.get(i).and_then(|r| r.finding.as_deref().cloned())
}

/// "12s ago", "3m ago" for a timestamp relative to the app's clock.
pub fn age(app: &App, t: Option<jiff::Timestamp>) -> String {
    t.map_or_else(|| "never".into(), |t| age_text(app.now, t))
}

/// Every timestamp whose age label the screen can show now: the kinds' fetch times (status
/// bar, Overview, errors overlay), the Estate's oldest data, firing alarms on the Overview,
/// and the live age cells of the pane's rows. `update` reads it on the 1 s tick to redraw
/// only when a label would read differently; computed from state, so `draw` writes nothing.
/// `None` when the pane's rows are not cached (the tick then redraws rather than build
/// them here).
pub fn age_stamps(app: &App) -> Option<Vec<jiff::Timestamp>> {
    let env = app.env();
    let mut out: Vec<jiff::Timestamp> = env.snapshot.inventory.values().filter_map(|st| st.fetched_at).collect();
    match app.pane {
        Pane::Overview => out.extend(
            env.snapshot
                .alarms
                .iter()
                .filter(|a| a.state == crate::model::AlarmState::Alarm)
                .filter_map(|a| a.state_updated),
        ),
        Pane::Estate => out.extend(app.envs.iter().filter_map(|e| e.oldest_data())),
        _ => {}
    }
    if !matches!(app.pane, Pane::Overview | Pane::Estate) {
        let rows = app.cached_rows(app.pane)?;
        out.extend(rows.iter().filter_map(|r| match r.live {
            Some(Live::Age { at, .. }) => at,
            _ => None,
        }));
    }
    Some(out)
}

/// The text of an age label at `now`.
pub fn age_text(now: jiff::Timestamp, t: jiff::Timestamp) -> String {
    let secs = now.as_second().saturating_sub(t.as_second()).max(0);
    match secs {
        0..=59 => format!("{secs}s ago"),
        60..=3599 => format!("{}m ago", secs / 60),
        _ => format!("{}h{}m ago", secs / 3600, (secs % 3600) / 60),
    }
}

pub fn drift_cell(app: &App, f: Option<&Finding>) -> Line<'static> {
    match f {
        Some(f) => Line::from(Span::styled(format!("✗ {}", f.rule), app.theme.severity(f.severity))),
        None => Line::from(""),
    }
}

/// The Overview's rows: every kind polled or held, in `Kind::ALL` order.
pub fn overview_kinds(app: &App) -> Vec<Kind> {
    let env = app.env();
    let polled = crate::app::polled_kinds(&env.design);
    Kind::ALL.into_iter().filter(|k| polled.contains(k) || env.snapshot.inventory.contains_key(k)).collect()
}
