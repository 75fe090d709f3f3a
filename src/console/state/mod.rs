//! Console state and `update(Action)`: the one place state changes. Every environment of
//! the estate is polled at once; background results arrive tagged with their environment
//! and that environment's generation, and results of an older generation (before a
//! reconnect) are dropped. Switching the environment on screen never stops polling.

use crate::console::action::{Action, Effect, Fetched, Pane};
use crate::console::config::Config;
use crate::console::theme::Theme;
use engine::design::Design;
use engine::drift::{Finding, Severity};
use jiff::Timestamp;
use ratatui_textarea::TextArea;
use std::collections::BTreeMap;

mod command;
mod copy;
mod env;
mod history;
mod keys;
mod plan;
mod reach;
mod rows;
mod sort;
mod worker;
pub use env::{EnvState, EnvStatus, polled_kinds};
pub use history::{EnvHistory, HistoryOverlay, HistoryUi, LineSource};
pub use keys::FindingKeys;
pub use plan::{Marks, PlanState, same_rule as plan_same_rule};
pub use reach::{Ask, ReachJudged, ReachState};
pub use rows::{
    Built, Layout, age, age_stamps, age_text, items, overview_kinds, row_count, selected_finding, selected_ids,
    selected_subject,
};
pub use sort::Sort;
pub use worker::{Change, Evaluated};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    FindingAppeared,
    FindingCleared,
    AlarmChanged,
    KindFailed,
    KindRecovered,
    Note,
    /// A CloudTrail change event (backfilled or polled).
    Change,
    /// An alarm transition from CloudWatch alarm history.
    AlarmHistory,
}

#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub at: Timestamp,
    pub kind: EventKind,
    pub severity: Option<Severity>,
    pub text: String,
    pub source: LineSource,
    /// Who made the change (CloudTrail lines).
    pub actor: Option<String>,
    /// Resource ids the line is about (history lines; observed lines name them in `text`).
    pub resources: Vec<String>,
    /// Environment the line belongs to.
    pub env: usize,
    /// History generation of a backfilled line (0 for observed lines).
    pub history_generation: u64,
    /// A failed call: an attempt, not a change.
    pub failed: bool,
    /// The CloudTrail event id of a change line: what `y` copies and `o` opens.
    pub event_id: Option<String>,
}

/// What the bottom line is being used for.
pub enum InputMode {
    Normal,
    Filter(TextArea<'static>),
    Command(TextArea<'static>),
}

pub struct App {
    /// The view-model this state builds its rows with (see `Layout`).
    pub layout: &'static Layout,
    pub envs: Vec<EnvState>,
    pub current: usize,
    pub pane: Pane,
    pub selected: BTreeMap<Pane, usize>,
    /// Applied filter, kept across refreshes and pane switches.
    pub filter: String,
    pub input: InputMode,
    pub drift_only: bool,
    pub show_help: bool,
    /// First line of the key help shown (it scrolls when taller than the screen; the
    /// draw clamps it to what fits).
    pub help_scroll: u16,
    /// The terminal's size, once the console has said (`Action::Resize`).
    pub screen: Option<(u16, u16)>,
    pub show_errors: bool,
    /// Finding shown in the detail overlay.
    pub detail: Option<Finding>,
    pub timeline: Vec<TimelineEvent>,
    pub now: Timestamp,
    pub started: Timestamp,
    pub message: Option<String>,
    pub config: Config,
    pub theme: Theme,
    /// Demo caption of the current scripted frame, if any.
    pub caption: Option<String>,
    /// Set when the screen must be redrawn.
    pub dirty: bool,
    /// Reach pane answers, recomputed on data change (never while drawing).
    pub reach: reach::ReachState,
    /// The evaluation worker, when started, and what waits for it (state/worker.rs).
    bg: worker::Background,
    /// History settings and the `h` / `:around` overlay (see `state/history.rs`).
    pub hist: HistoryUi,
    /// A Terraform plan loaded into the console, judged and diffed (state/plan.rs).
    pub plan: Option<PlanState>,
    /// The design's text when it was inferred from the live account (no `--design`):
    /// the header says so, and `:write FILE` saves it.
    pub inferred: Option<String>,
    /// The rows of the pane on screen, rebuilt only when their inputs change (state/rows.rs).
    rows: rows::RowCache,
    /// Each pane's sort (`s`/`S`), kept across refreshes and pane switches (state/sort.rs).
    pub sort: BTreeMap<Pane, Sort>,
    /// Wide mode (`w`): every column at full width, from column `wide_from` on.
    pub wide: bool,
    pub wide_from: usize,
}

const TIMELINE_CAP: usize = 2000;

impl App {
    pub fn new(layout: &'static Layout, designs: Vec<Design>, config: Config, colour: bool, now: Timestamp) -> App {
        let theme = Theme::new(config.theme, colour);
        // With several environments the first screen is the whole estate.
        let pane = if designs.len() > 1 { Pane::Estate } else { Pane::Overview };
        let mut app = App {
            layout,
            envs: designs.into_iter().map(EnvState::new).collect(),
            current: 0,
            pane,
            selected: BTreeMap::new(),
            filter: String::new(),
            input: InputMode::Normal,
            drift_only: false,
            show_help: false,
            help_scroll: 0,
            screen: None,
            show_errors: false,
            detail: None,
            timeline: Vec::new(),
            now,
            started: now,
            message: None,
            config,
            theme,
            caption: None,
            dirty: true,
            reach: Default::default(),
            bg: Default::default(),
            hist: HistoryUi::default(),
            plan: None,
            inferred: None,
            rows: Default::default(),
            sort: BTreeMap::new(),
            wide: false,
            wide_from: 0,
        };
        app.recompute_reach();
        app
    }

    pub fn env(&self) -> &EnvState {
        &self.envs[self.current.min(self.envs.len().saturating_sub(1))]
    }

    pub fn selected(&self, pane: Pane) -> usize {
        self.selected.get(&pane).copied().unwrap_or(0)
    }

    /// Does a row's text pass the filter (case-insensitive substring)?
    pub fn matches(&self, text: &str) -> bool {
        self.filter.is_empty() || contains_folded(text, &self.filter.to_lowercase())
    }

    /// API calls made and failed, over every environment.
    pub fn calls(&self) -> (u64, u64) {
        self.envs.iter().fold((0, 0), |(c, e), env| (c + env.calls.0, e + env.calls.1))
    }

    /// Is this an estate of several environments?
    pub fn is_estate(&self) -> bool {
        self.envs.len() > 1
    }

    /// Panes reachable with Tab: the Estate only when there are several environments.
    pub fn panes(&self) -> Vec<Pane> {
        Pane::ALL
            .into_iter()
            .filter(|p| *p != Pane::Estate || self.is_estate())
            .filter(|p| *p != Pane::Plan || self.plan.is_some())
            .collect()
    }

    /// Record a timeline line for environment `env`; with several environments the line
    /// names its environment.
    fn note_for(&mut self, env: usize, kind: EventKind, severity: Option<Severity>, text: String) {
        let text = match (self.is_estate(), self.envs.get(env)) {
            (true, Some(e)) => format!("[{}] {text}", e.design.environment.name),
            _ => text,
        };
        self.timeline.push(TimelineEvent {
            at: self.now,
            kind,
            severity,
            text,
            source: LineSource::Observed,
            actor: None,
            resources: Vec::new(),
            env,
            history_generation: 0,
            failed: false,
            event_id: None,
        });
        if self.timeline.len() > TIMELINE_CAP {
            self.timeline.remove(0);
        }
    }

    fn rows(&self, pane: Pane) -> usize {
        row_count(self, pane)
    }

    fn move_selection(&mut self, delta: isize) {
        let len = self.rows(self.pane);
        let cur = self.selected(self.pane) as isize;
        let next = (cur + delta).clamp(0, len.saturating_sub(1) as isize) as usize;
        self.selected.insert(self.pane, next);
    }

    pub fn update(&mut self, action: Action) -> Option<Effect> {
        let leaves_data = rows::leaves_data(&action);
        let effect = self.update_state(action);
        self.refresh_rows(leaves_data);
        effect
    }

    fn update_state(&mut self, action: Action) -> Option<Effect> {
        let was_dirty = self.dirty;
        self.dirty = true;
        match action {
            Action::Tick(now) => {
                // Idle cost: redraw only when an age label on screen would read differently.
                self.dirty = was_dirty || self.ages_change(now);
                self.now = now;
                self.flush_jobs();
                return None;
            }
            // Redrawn at the new size (dirty); the help's scrolling is bounded by it.
            Action::Resize { width, height } => {
                self.screen = Some((width, height));
                return None;
            }
            Action::Fetched(f) => return self.on_fetched(*f),
            Action::Evaluated(e) => {
                self.on_evaluated(*e);
                return None;
            }
            Action::ReachJudged(r) => {
                self.on_reach_judged(*r);
                return None;
            }
            Action::History(h) => return self.on_history(*h),
            Action::Nudged { env, kinds, change } => {
                // The event's actor attributes at once (no LookupEvents); the kinds it
                // touched are fetched now, not at their next interval.
                if let Some(e) = self.envs.get(env) {
                    let fetched = crate::console::action::HistoryFetched {
                        env,
                        generation: e.generation,
                        history_generation: e.history.generation,
                        history: engine::history::History { events: vec![*change], ..Default::default() },
                        incremental: true,
                        partial: false,
                        at: self.now,
                    };
                    if self.hist.on {
                        let _ = self.on_history(fetched);
                    }
                    return Some(Effect::RefreshKinds(env, kinds));
                }
                return None;
            }
            Action::SourceFailed { env: i, generation, error } => {
                if let Some(env) = self.envs.get_mut(i).filter(|e| e.generation == generation) {
                    env.connected = true;
                    env.connect_error = Some(error.clone());
                    let kinds = std::mem::take(&mut env.pending);
                    self.apply_changes(i, vec![Change::Failed { kinds, error: error.clone() }], true, false);
                    self.note_for(i, EventKind::KindFailed, Some(Severity::High), format!("cannot connect: {error}"));
                }
                return None;
            }
            Action::DesignWritten { path, result } => {
                self.message = Some(match result {
                    Ok(()) => format!("wrote {path}: review every `# review:` line, then open it with --design {path}"),
                    Err(e) => e,
                });
                return None;
            }
            Action::PlanLoaded { path, result } => {
                self.plan_loaded(path, result);
                return None;
            }
            Action::Connected { env: i, generation, account } => {
                if let Some(env) = self.envs.get_mut(i).filter(|e| e.generation == generation) {
                    env.connected = true;
                    env.connect_error = None;
                    // Cheap at connect time (the snapshot is small or not shared); the
                    // worker takes the account with the next job.
                    std::sync::Arc::make_mut(&mut env.snapshot).account = account.clone();
                    env.report.account = account;
                }
                return None;
            }
            _ => {}
        }
        if !matches!(self.input, InputMode::Normal) {
            return self.update_input(action);
        }
        self.message = None;
        match action {
            Action::Quit => return Some(Effect::Quit),
            // Esc closes the innermost thing open; with nothing open it clears the filter.
            Action::Back if self.hist.overlay.is_some() => self.hist.overlay = None,
            Action::Back => match (self.detail.is_some(), self.show_help, self.show_errors) {
                (true, _, _) => self.detail = None,
                (_, true, _) => self.show_help = false,
                (_, _, true) => self.show_errors = false,
                _ => self.filter.clear(),
            },
            // The history overlay is read-only: `h` again or Esc closes it.
            Action::ResourceHistory if self.hist.overlay.is_some() => self.hist.overlay = None,
            _ if self.hist.overlay.is_some() => {}
            _ if self.show_help || self.show_errors => {
                // Overlays swallow everything but closing them (and scrolling the help).
                if self.show_help {
                    // As far as the last line, on this screen (the draw counts the same lines).
                    let last = (self.layout.help_max_scroll)(&self.config.keymap, self.screen.unwrap_or((100, 30)));
                    let s = self.help_scroll.min(last);
                    self.help_scroll = match action {
                        Action::Up => s.saturating_sub(1),
                        Action::Down => (s + 1).min(last),
                        Action::PageUp => s.saturating_sub(10),
                        Action::PageDown => (s + 10).min(last),
                        Action::Top => 0,
                        Action::Bottom => last,
                        _ => s,
                    };
                }
                if matches!(action, Action::ToggleHelp) {
                    self.show_help = false;
                }
                if matches!(action, Action::ToggleErrors) {
                    self.show_errors = false;
                }
            }
            Action::NextPane | Action::PrevPane => {
                let panes = self.panes();
                let at = panes.iter().position(|p| *p == self.pane).unwrap_or(0);
                let step = if matches!(action, Action::NextPane) { 1 } else { panes.len() - 1 };
                self.set_pane(panes[(at + step) % panes.len()]);
            }
            Action::Pane(Pane::Estate) if !self.is_estate() => {
                self.message = Some("one environment loaded: the Estate needs several --design files".into());
            }
            Action::Pane(Pane::Plan) if self.plan.is_none() => {
                self.message = Some("no plan loaded: start with --plan FILE or type :plan FILE".into());
            }
            Action::Pane(p) => self.set_pane(p),
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-10),
            Action::PageDown => self.move_selection(10),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::Refresh => {
                // On the Estate every environment is refreshed; elsewhere the one on screen.
                let envs = if self.pane == Pane::Estate { (0..self.envs.len()).collect() } else { vec![self.current] };
                // An environment whose connection failed (expired SSO session, wrong
                // account) is connected again rather than polled.
                let (failed, live): (Vec<usize>, Vec<usize>) =
                    envs.into_iter().partition(|i| self.envs[*i].connect_error.is_some());
                if !failed.is_empty() {
                    for i in &failed {
                        self.reconnect(*i);
                    }
                    self.message = Some("connecting again…".into());
                    return Some(Effect::Reconnect(failed));
                }
                self.message = Some(if live.len() > 1 {
                    "refreshing every kind of every environment…".into()
                } else {
                    "refreshing every kind…".into()
                });
                return Some(Effect::RefreshNow(live));
            }
            Action::StartFilter => self.input = InputMode::Filter(text_input(&self.filter)),
            Action::StartCommand => self.input = InputMode::Command(text_input("")),
            Action::ToggleDriftOnly => {
                self.drift_only = !self.drift_only;
                self.selected.clear();
            }
            Action::ToggleHelp => {
                self.show_help = true;
                self.help_scroll = 0;
            }
            Action::ToggleErrors => self.show_errors = true,
            Action::Open if self.pane == Pane::Estate => {
                // The row names its environment (the Estate may be sorted).
                let i = selected_subject(self)
                    .and_then(|name| self.envs.iter().position(|e| e.design.environment.name == name))
                    .unwrap_or(self.current);
                self.switch_env(i);
                self.set_pane(Pane::Overview);
            }
            // The Overview's cards summarise findings: Enter opens them.
            Action::Open if self.pane == Pane::Overview => self.set_pane(Pane::Findings),
            Action::Open if self.detail.is_none() => self.detail = selected_finding(self),
            Action::ResourceHistory => self.open_resource_history(),
            Action::Copy { arn } => return self.copy_selected(arn),
            Action::OpenInConsole => return self.open_selected(),
            Action::Sort => self.sort_next(),
            Action::SortReverse => self.sort_reverse(),
            Action::ToggleWide => self.toggle_wide(),
            Action::ScrollColumns(by) => self.scroll_columns(by),
            Action::AroundAlarm => self.around_selected(),
            Action::WhoCanReach => {
                // The nearest id that names a group or an RDS instance (rows are made as
                // they are read: the search stops there).
                let ids: Vec<String> =
                    selected_ids(self).find(|id| reach::names_target(self.env(), id)).into_iter().collect();
                let env = &self.envs[self.current.min(self.envs.len().saturating_sub(1))];
                match self.reach.who(env, &ids) {
                    Ok(label) => {
                        self.recompute_reach();
                        self.message = Some(format!("who can reach {label}: Reach pane (8)"));
                        self.set_pane(Pane::Reach);
                    }
                    Err(e) => self.message = Some(e),
                }
            }
            _ => {}
        }
        None
    }

    fn set_pane(&mut self, p: Pane) {
        self.pane = p;
        self.detail = None;
        self.hist.overlay = None;
    }

    fn update_input(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Input(key) => {
                match &mut self.input {
                    InputMode::Filter(t) => {
                        t.input(key);
                        // The filter applies as you type.
                        self.filter = t.lines().join("");
                        self.selected.clear();
                    }
                    InputMode::Command(t) => {
                        t.input(key);
                    }
                    InputMode::Normal => {}
                }
                None
            }
            Action::Back => {
                if matches!(self.input, InputMode::Filter(_)) {
                    self.filter.clear();
                }
                self.input = InputMode::Normal;
                None
            }
            Action::Submit => match std::mem::replace(&mut self.input, InputMode::Normal) {
                InputMode::Command(t) => self.run_command(t.lines().join("").trim()),
                _ => None,
            },
            Action::Quit => Some(Effect::Quit),
            _ => None,
        }
    }

    /// Start environment `i` over: a new generation (late answers of the old connection
    /// are dropped), every kind pending again, the connection error cleared.
    pub fn reconnect(&mut self, i: usize) {
        if let Some(env) = self.envs.get_mut(i) {
            env.generation += 1;
            env.connected = false;
            env.connect_error = None;
            env.pending = polled_kinds(&env.design).into_iter().filter(|k| !env.snapshot.usable(*k)).collect();
        }
        self.invalidate_rows();
    }

    /// Show another environment. Only the view changes: every environment keeps being
    /// polled, so the switch is instant and nothing goes dark.
    pub fn switch_env(&mut self, i: usize) {
        if i >= self.envs.len() || i == self.current {
            return;
        }
        self.current = i;
        // The Estate's selection is kept so Esc/0 returns to the same row.
        self.selected.retain(|p, _| *p == Pane::Estate);
        self.detail = None;
        self.recompute_reach();
        self.invalidate_rows();
    }

    fn on_fetched(&mut self, f: Fetched) -> Option<Effect> {
        let current_generation = self.envs.get(f.env).map(|e| e.generation);
        if current_generation != Some(f.generation) {
            tracing::debug!(kind = %f.kind, env = f.env, generation = f.generation, "dropped a stale result");
            self.dirty = false;
            return None;
        }
        self.now = f.at.max(self.now);
        let now = self.now;
        let i = f.env;
        // A result for an environment not on screen changes only the Estate's numbers
        // (and the timeline); redraw anyway: the header and the Estate show them.
        let env = self.envs.get_mut(i)?;
        env.calls = f.calls;
        // Findings that show up while the first picture is still filling in are not changes.
        let settled = env.pending.is_empty();
        env.pending.remove(&f.kind);
        self.apply_changes(
            i,
            vec![Change::Fetched { kind: f.kind, result: Box::new(f.result), at: now }],
            false,
            settled,
        );
        None
    }

    /// Would any age label the screen can show read differently at `now`?
    fn ages_change(&self, now: Timestamp) -> bool {
        let was = self.now;
        age_stamps(self).is_none_or(|ts| ts.iter().any(|t| age_text(was, *t) != age_text(now, *t)))
    }
}

/// Identity of a finding across evaluations.
pub fn finding_key(f: &Finding) -> String {
    // The same identity `watch` uses: one definition.
    engine::watch::identity(f)
}

fn text_input(initial: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![initial.to_string()]);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t.set_cursor_line_style(ratatui::style::Style::default());
    t
}

/// Does `text`, lowercased, contain `needle` (already lowercased)? The same answer as
/// `text.to_lowercase().contains(needle)`, without lowercasing a copy of an ASCII text
/// (a filter reads every row of a 16,000-row pane on each result).
pub fn contains_folded(text: &str, needle: &str) -> bool {
    if !text.is_ascii() {
        return text.to_lowercase().contains(needle);
    }
    // An ASCII text lowercases to ASCII: a needle with other characters is not in it.
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    needle.is_ascii()
        && (pin.is_empty()
            || hay.windows(pin.len()).any(|w| w.iter().zip(pin).all(|(a, b)| a.to_ascii_lowercase() == *b)))
}
