//! The rows the console shows, as a view-model built from `App` state: the UI draws them
//! and `App` reads them to move the selection and find what a key applies to. Kept out of
//! `panes` so the state machine (`state`) does not depend on drawing code.

pub mod alarms;
pub mod columns;
pub mod controls;
pub mod databases;
pub mod estate;
pub mod findings;
pub mod help;
pub mod network;
pub mod plan;
pub mod reach;
pub mod security;
pub mod timeline;

use crate::console::action::Pane;
pub use crate::console::action::{Deferred, Item, Live};
use crate::console::state::App;
use crate::console::state::Layout;
pub use crate::console::state::{
    age, age_stamps, age_text, items, overview_kinds, row_count, selected_finding, selected_ids, selected_subject,
};
use engine::drift::Finding;
use ratatui::text::{Line, Span};
use std::borrow::Cow;
use std::sync::Arc;

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
            event: None,
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

    pub fn event(mut self, id: Option<String>) -> Item {
        self.event = id;
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
        crate::console::state::contains_folded(&b, &needle)
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

/// Build a pane's rows from state (what `App` caches, see state/rows.rs), with the widest
/// cell of each column over the unfiltered, non-header rows whose cells are made (only
/// the Databases pane reads the widths; deferred rows add none).
pub fn build(app: &App, pane: Pane) -> crate::console::state::Built {
    // The worker's Security rows, when it built them for the report on screen: taken as
    // they are (shared), or filtered from a copy.
    let env = app.env();
    if pane == Pane::Security
        && app.plan_marks().is_none()
        && let Some(shared) = &env.security_rows
    {
        let widths = widths_of(shared);
        let plain = app.sort_of(pane) == crate::console::state::Sort::default();
        let rows = if app.filter.is_empty() && !app.drift_only && plain {
            Arc::clone(shared)
        } else {
            Arc::new(sorted(app, pane, visible(app, shared.iter().cloned().collect())))
        };
        return crate::console::state::Built { rows, widths };
    }
    let raw = match pane {
        Pane::Overview => Vec::new(),
        // One row per environment (under its OU with `--org`).
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
    // The Estate filters too (`/prod`, drift only): its rows name their environment, so a
    // filtered or sorted row still opens the right one.
    let rows = match pane {
        Pane::Overview => raw,
        _ => visible(app, raw),
    };
    crate::console::state::Built { rows: Arc::new(sorted(app, pane, rows)), widths }
}

/// The columns of a list pane (none for the Overview).
pub fn columns(app: &App, pane: Pane) -> Vec<columns::Column> {
    match pane {
        Pane::Overview => Vec::new(),
        Pane::Estate => estate::columns(app),
        Pane::Network => network::columns(app),
        Pane::Security => security::columns(app),
        Pane::Databases => databases::columns(app),
        Pane::Alarms => alarms::columns(app),
        Pane::Findings => findings::columns(app),
        Pane::Timeline => timeline::columns(app),
        Pane::Reach => reach::columns(app),
        Pane::Plan => plan::columns(app),
    }
}

/// The sort key of one row for a column: severity, time, or the cell's text.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    /// Reversed: ascending reads most severe first, as the panes' own order does.
    Severity(std::cmp::Reverse<Option<engine::drift::Severity>>),
    Time(Option<jiff::Timestamp>),
    Text(String),
}

/// `rows` in the pane's sort. Rows under a header (a route table's routes, a group's
/// rules) are sorted among themselves and headers stay where they are, so the tree reads
/// the same; flat panes sort whole. Stable: equal keys keep the pane's own order, which
/// puts the most severe first.
fn sorted(app: &App, pane: Pane, mut rows: Vec<Item>) -> Vec<Item> {
    let sort = app.sort_of(pane);
    if sort == crate::console::state::Sort::default() {
        return rows;
    }
    let cols = columns(app, pane);
    let by = sort.col.and_then(|c| cols.get(c).map(|col| (c, col.by)));
    let key = |r: &Item| -> SortKey {
        match by {
            None => SortKey::Text(String::new()),
            Some((_, columns::By::Severity)) => SortKey::Severity(std::cmp::Reverse(r.severity)),
            Some((c, columns::By::Age)) => match r.live {
                Some(Live::Age { at, .. }) => SortKey::Time(at),
                _ => SortKey::Text(r.cells_in(app).get(c).map(|l| l.to_string()).unwrap_or_default()),
            },
            Some((c, columns::By::Text)) => {
                SortKey::Text(r.cells_in(app).get(c).map(|l| l.to_string().trim().to_string()).unwrap_or_default())
            }
        }
    };
    let mut start = 0;
    while start < rows.len() {
        if rows[start].header {
            start += 1;
            continue;
        }
        let end = rows[start..].iter().position(|r| r.header).map_or(rows.len(), |n| start + n);
        let run = &mut rows[start..end];
        if by.is_some() {
            let mut keyed: Vec<(SortKey, Item)> = run.iter().map(|r| (key(r), r.clone())).collect();
            keyed.sort_by(|(a, _), (b, _)| {
                let o = match (a, b) {
                    (SortKey::Text(x), SortKey::Text(y)) => columns::natural_cmp(x, y),
                    _ => a.cmp(b),
                };
                if sort.desc { o.reverse() } else { o }
            });
            for (slot, (_, item)) in run.iter_mut().zip(keyed) {
                *slot = item;
            }
        } else if sort.desc {
            run.reverse();
        }
        start = end;
    }
    rows
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

pub fn drift_cell(app: &App, f: Option<&Finding>) -> Line<'static> {
    match f {
        Some(f) => Line::from(Span::styled(format!("✗ {}", f.rule), app.theme.severity(f.severity))),
        None => Line::from(""),
    }
}

/// The view-model the state builds and reads rows with (`state::Layout`).
pub static LAYOUT: Layout = Layout {
    build,
    cells: Item::cells_in,
    help_max_scroll: help::max_scroll,
    security_rows: security::worker_rows,
    column_count: |app, pane| columns(app, pane).len(),
    column_title: |app, pane, col| columns(app, pane).get(col).map(|c| c.title),
};
