//! The rows of the pane on screen, cached: building them walks the whole environment
//! (16,000 findings, 12,000 rules at scale 4), so they are built in `update` when an input
//! changes (the published data, the filter, drift-only, the pane, the environment, the
//! history toggle, the day) and `draw` only reads the visible window of them. A tick or
//! a cursor move never rebuilds them. When new rows replace the pane's rows (a result
//! arrived), the finding that was selected stays selected wherever it moved.

use super::App;
use crate::console::action::{Action, Item, Live, Pane};
use crate::console::keymap::Keymap;
use engine::design::Design;
use engine::drift::{Context, Finding, Report};
use model::{Kind, Snapshot};
use ratatui::text::Line;
use std::borrow::Cow;
use std::sync::Arc;

/// What the state needs of the view-model: how a pane's rows are built and a deferred
/// row's cells made, how far the help scrolls, and the Security rows the worker builds.
/// The view provides it (`view::LAYOUT`); the state only holds it, so `update` builds and
/// reads rows without the state depending on the view.
pub struct Layout {
    pub build: fn(&App, Pane) -> Built,
    pub cells: for<'a> fn(&'a Item, &App) -> Cow<'a, [Line<'static>]>,
    pub help_max_scroll: fn(&Keymap, (u16, u16)) -> u16,
    pub security_rows: fn(&Design, &Snapshot, &Context<'_>, &Report) -> Vec<Item>,
    /// How many columns a pane has, and the title of one (for `s` and its message).
    pub column_count: fn(&App, Pane) -> usize,
    pub column_title: fn(&App, Pane, usize) -> Option<&'static str>,
}

impl Item {
    /// The row's cells, made by the view for a deferred row.
    pub fn cells_of<'a>(&'a self, app: &App) -> Cow<'a, [Line<'static>]> {
        (app.layout.cells)(self, app)
    }
}

/// What the cached rows were built from. Equal keys mean equal rows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowKey {
    pane: Pane,
    current: usize,
    filter: String,
    drift_only: bool,
    history: bool,
    /// Timeline lines show a date unless they are from today.
    day: jiff::civil::Date,
    /// Bumped by every action that may change the data behind the rows.
    revision: u64,
    sort: super::Sort,
}

/// The cached rows and the widest cell of each column over the unfiltered rows (the
/// Databases pane sizes its columns from them).
#[derive(Default)]
pub struct RowCache {
    key: Option<RowKey>,
    rows: Arc<Vec<Item>>,
    widths: Arc<Vec<usize>>,
    revision: u64,
}

/// Rows built afresh: the filtered rows and the column widths of the unfiltered ones.
/// Shared: rows the worker built are taken as they are (see `view::security::worker_rows`).
pub struct Built {
    pub rows: Arc<Vec<Item>>,
    pub widths: Vec<usize>,
}

/// Actions that change neither the data nor anything else the rows are built from
/// outside the key (the pane, filter, drift-only and environment are in the key).
pub(super) fn leaves_data(action: &Action) -> bool {
    matches!(
        action,
        Action::Tick(_)
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::ToggleHelp
            | Action::ToggleErrors
            | Action::StartFilter
            | Action::StartCommand
            | Action::Input(_)
            | Action::Back
            | Action::Open
            | Action::Resize { .. }
            | Action::Pane(_)
            | Action::NextPane
            | Action::PrevPane
            | Action::ToggleDriftOnly
            | Action::Copy { .. }
            | Action::OpenInConsole
            | Action::Sort
            | Action::SortReverse
            | Action::ToggleWide
            | Action::ScrollColumns(_)
            | Action::Quit
    )
}

/// Panes whose rows are cached. The Estate (one row per environment, with ages) is
/// cheap and built on every draw; the Overview has no list rows.
fn cached(pane: Pane) -> bool {
    !matches!(pane, Pane::Overview | Pane::Estate)
}

impl App {
    fn row_key(&self, pane: Pane) -> RowKey {
        RowKey {
            pane,
            current: self.current,
            filter: self.filter.clone(),
            drift_only: self.drift_only,
            history: self.hist.on,
            day: self.now.to_zoned(jiff::tz::TimeZone::UTC).date(),
            revision: self.rows.revision,
            sort: self.sort_of(pane),
        }
    }

    /// After an action: note a possible data change, then rebuild the rows of the pane
    /// on screen if what they are built from changed.
    pub(super) fn refresh_rows(&mut self, action_leaves_data: bool) {
        if !action_leaves_data {
            self.invalidate_rows();
        }
        if !cached(self.pane) {
            self.rows.key = None;
            return;
        }
        let key = self.row_key(self.pane);
        if self.rows.key.as_ref() == Some(&key) {
            return;
        }
        // The finding on the selected row, when only the data behind the rows changed
        // (a new result; not the pane, filter or toggles): it stays selected if still shown.
        let data_only = |k: &&RowKey| RowKey { revision: key.revision, ..(*k).clone() } == key;
        let held = self.rows.key.as_ref().filter(data_only).and_then(|_| {
            let at = self.selected(self.pane);
            self.rows.rows.get(at).and_then(|r| r.finding.clone()).map(|f| (at, f))
        });
        let built = (self.layout.build)(self, self.pane);
        let old = std::mem::replace(&mut self.rows.rows, built.rows);
        // The old rows may hold the last references to the previous report's findings:
        // freed on the freeing thread with that report (state/worker.rs).
        self.discard_rows(old);
        self.rows.widths = Arc::new(built.widths);
        self.rows.key = Some(key);
        if let Some((at, f)) = held {
            self.keep_selected(at, &f);
        }
    }

    /// Select the row of finding `f` (by its key) if it moved from row `at`.
    fn keep_selected(&mut self, at: usize, f: &Finding) {
        let env = self.env();
        let key = env.keys.key(f);
        let same = |r: &Item| r.finding.as_deref().is_some_and(|g| std::ptr::eq(g, f) || env.keys.key(g) == key);
        if self.rows.rows.get(at).is_some_and(same) {
            return;
        }
        if let Some(now) = self.rows.rows.iter().position(same) {
            self.selected.insert(self.pane, now);
        }
    }

    /// The data behind the rows may have changed (called outside `update` too).
    pub(super) fn invalidate_rows(&mut self) {
        self.rows.revision += 1;
    }

    /// The cached rows of `pane` if they are current (never builds them).
    pub fn cached_rows(&self, pane: Pane) -> Option<Arc<Vec<Item>>> {
        self.rows.key.as_ref().is_some_and(|k| *k == self.row_key(pane)).then(|| Arc::clone(&self.rows.rows))
    }

    /// The rows `pane` shows now: the cached ones when they are current, else built
    /// here (a pane not cached, or state changed outside `update`, as in some tests).
    pub fn pane_rows(&self, pane: Pane) -> (Arc<Vec<Item>>, Arc<Vec<usize>>) {
        if self.rows.key.as_ref().is_some_and(|k| *k == self.row_key(pane)) {
            return (Arc::clone(&self.rows.rows), Arc::clone(&self.rows.widths));
        }
        let built = (self.layout.build)(self, pane);
        (built.rows, Arc::new(built.widths))
    }
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
        rows.get(k).and_then(|r| r.cells_of(app).first().map(|c| c.to_string().trim().to_string()))
    })
}

/// What the selected row is about, when the row says so (`Item::about`).
pub fn selected_subject(app: &App) -> Option<String> {
    let rows = items(app, app.pane);
    let i = app.selected(app.pane).min(rows.len().saturating_sub(1));
    rows.get(i).and_then(|r| r.subject.clone())
}

/// The event the selected row is (a Timeline line's CloudTrail event id).
pub fn selected_event(app: &App) -> Option<String> {
    let rows = items(app, app.pane);
    let i = app.selected(app.pane).min(rows.len().saturating_sub(1));
    rows.get(i).and_then(|r| r.event.clone())
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
            env.snapshot.alarms.iter().filter(|a| a.state == model::AlarmState::Alarm).filter_map(|a| a.state_updated),
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

/// The Overview's rows: every kind polled or held, in `Kind::ALL` order.
pub fn overview_kinds(app: &App) -> Vec<Kind> {
    let env = app.env();
    let polled = crate::console::state::polled_kinds(&env.design);
    Kind::ALL.into_iter().filter(|k| polled.contains(k) || env.snapshot.inventory.contains_key(k)).collect()
}
