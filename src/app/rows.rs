//! The rows of the pane on screen, cached: building them walks the whole environment
//! (16,000 findings, 12,000 rules at scale 4), so they are built in `update` when an input
//! changes (the published data, the filter, drift-only, the pane, the environment, the
//! history toggle, the day) and `draw` only reads the visible window of them. A tick or
//! a cursor move never rebuilds them. When new rows replace the pane's rows (a result
//! arrived), the finding that was selected stays selected wherever it moved.

use super::App;
use crate::action::{Action, Pane};
use crate::drift::Finding;
use crate::view::Item;
use std::sync::Arc;

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
        let built = crate::view::build(self, self.pane);
        let old = std::mem::replace(&mut self.rows.rows, built.rows);
        // The old rows may hold the last references to the previous report's findings:
        // freed on the freeing thread with that report (app/worker.rs).
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
        let built = crate::view::build(self, pane);
        (built.rows, Arc::new(built.widths))
    }
}
