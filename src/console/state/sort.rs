//! The sort of each pane (`s` moves it to the next column, `S` reverses it) and wide mode
//! (`w` shows every column at full width; `←`/`→` scroll them). Kept per pane across
//! refreshes and pane switches; the default is the pane's own order (severity first).

use super::App;
use crate::console::action::Pane;

/// A pane's sort: by column `col`, or the pane's own order when `None`; `desc` reverses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub col: Option<usize>,
    pub desc: bool,
}

impl App {
    /// The sort of `pane` (the default when never changed).
    pub fn sort_of(&self, pane: Pane) -> Sort {
        self.sort.get(&pane).copied().unwrap_or_default()
    }

    fn columns_of(&self, pane: Pane) -> usize {
        (self.layout.column_count)(self, pane)
    }

    /// `s`: the next column, ascending; after the last, the pane's own order again.
    pub(super) fn sort_next(&mut self) {
        let n = self.columns_of(self.pane);
        if n == 0 {
            self.message = Some("nothing to sort here".into());
            return;
        }
        let now = self.sort_of(self.pane);
        let col = match now.col {
            None => Some(0),
            Some(c) if c + 1 < n => Some(c + 1),
            Some(_) => None,
        };
        self.sort.insert(self.pane, Sort { col, desc: false });
        self.message = Some(self.sort_label(col, false));
    }

    /// `S`: the same column, the other way.
    pub(super) fn sort_reverse(&mut self) {
        if self.columns_of(self.pane) == 0 {
            self.message = Some("nothing to sort here".into());
            return;
        }
        let now = self.sort_of(self.pane);
        let next = Sort { col: now.col, desc: !now.desc };
        self.sort.insert(self.pane, next);
        self.message = Some(self.sort_label(next.col, next.desc));
    }

    fn sort_label(&self, col: Option<usize>, desc: bool) -> String {
        let way = if desc { "descending" } else { "ascending" };
        match col.and_then(|c| (self.layout.column_title)(self, self.pane, c)) {
            Some(t) if !t.is_empty() => format!("sorted by {t}, {way} (s: next column, S: reverse)"),
            Some(_) => format!("sorted by the first column, {way}"),
            None if desc => "the pane's own order, reversed (S: back)".into(),
            None => "the pane's own order (severity first)".into(),
        }
    }

    /// `w`: wide mode on or off.
    pub(super) fn toggle_wide(&mut self) {
        self.wide = !self.wide;
        self.wide_from = 0;
        self.message = Some(if self.wide {
            "wide: every column at full width (←/→ scroll, w: fit)".into()
        } else {
            "columns fitted to the screen (w: wide)".into()
        });
    }

    /// `←`/`→` in wide mode: the first column shown.
    pub(super) fn scroll_columns(&mut self, by: isize) {
        if !self.wide {
            self.message = Some("←/→ scroll columns in wide mode (w)".into());
            return;
        }
        let n = self.columns_of(self.pane);
        self.wide_from = self.wide_from.saturating_add_signed(by).min(n.saturating_sub(1));
    }
}
