//! Everything that can change the console's state: key-driven intents and background
//! results. `App::update` is the only place they are applied.
//!
//! A leaf: it imports nothing of the console. What the background sends is defined here
//! too (a fetched kind, a history window, the evaluation worker's answers and the rows it
//! built for them); their behaviour lives with the state and the view that use them.

use engine::drift::{Finding, Index, Report, Severity};
use engine::reach::Verdict;
use jiff::Timestamp;
use model::source::FetchError;
use model::{Kind, Snapshot};
use ratatui::text::Line;
use std::collections::HashMap;
use std::sync::Arc;

/// The console's panes, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pane {
    /// Every environment of the estate, one row each (first screen with several designs).
    Estate,
    Overview,
    Network,
    Security,
    Databases,
    Alarms,
    Findings,
    Timeline,
    Reach,
    /// A Terraform plan's changes and verdicts (only while a plan is loaded).
    Plan,
}

impl Pane {
    pub const ALL: [Pane; 10] = [
        Pane::Estate,
        Pane::Overview,
        Pane::Network,
        Pane::Security,
        Pane::Databases,
        Pane::Alarms,
        Pane::Findings,
        Pane::Timeline,
        Pane::Reach,
        Pane::Plan,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Estate => "Estate",
            Pane::Overview => "Overview",
            Pane::Network => "Network",
            Pane::Security => "Security",
            Pane::Databases => "Databases",
            Pane::Alarms => "Alarms",
            Pane::Findings => "Findings",
            Pane::Timeline => "Timeline",
            Pane::Reach => "Reach",
            Pane::Plan => "Plan",
        }
    }

    /// The tab bar's name at narrow widths.
    pub fn short(self) -> &'static str {
        match self {
            Pane::Estate => "Est",
            Pane::Overview => "Ovw",
            Pane::Network => "Net",
            Pane::Security => "SG",
            Pane::Databases => "DB",
            Pane::Alarms => "Alrm",
            Pane::Findings => "Find",
            Pane::Timeline => "Time",
            Pane::Reach => "Reach",
            Pane::Plan => "Plan",
        }
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The digit that selects the pane (`0` Estate, `1` Overview, ...).
    pub fn key(self) -> usize {
        self.index()
    }

    /// `:net`, `:sg`, ... as typed on the command line.
    pub fn from_command(cmd: &str) -> Option<Pane> {
        Some(match cmd {
            "estate" | "all" => Pane::Estate,
            "overview" | "ov" | "home" => Pane::Overview,
            "net" | "network" | "routes" => Pane::Network,
            "sg" | "security" => Pane::Security,
            "db" | "databases" | "rds" | "cache" => Pane::Databases,
            "alarms" | "alarm" => Pane::Alarms,
            "findings" | "drift" => Pane::Findings,
            "timeline" | "tl" => Pane::Timeline,
            "reach" => Pane::Reach,
            "plan" => Pane::Plan,
            _ => return None,
        })
    }
}

/// One result from the background: a kind fetched (or not) for a generation.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Index of the environment (design) the result belongs to.
    pub env: usize,
    pub generation: u64,
    pub kind: Kind,
    pub result: Result<Snapshot, FetchError>,
    pub at: Timestamp,
    /// API calls made and failed so far by the source.
    pub calls: (u64, u64),
}

/// One environment's history answer (a full window, or what is newer than the last one),
/// tagged like `Fetched` plus the history generation that `:since` bumps.
#[derive(Debug, Clone)]
pub struct HistoryFetched {
    pub env: usize,
    pub generation: u64,
    pub history_generation: u64,
    pub history: engine::history::History,
    /// False for the first load of a window (it replaces what was held).
    pub incremental: bool,
    /// The newest part of a first load, sent ahead of the rest so the Timeline fills at
    /// once: it replaces what was held, but the window is still loading.
    pub partial: bool,
    pub at: Timestamp,
}

#[derive(Debug, Clone)]
pub enum Action {
    Quit,
    NextPane,
    PrevPane,
    Pane(Pane),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Refresh,
    StartFilter,
    StartCommand,
    ToggleDriftOnly,
    ToggleHelp,
    ToggleErrors,
    /// Open the detail of the selected finding.
    Open,
    /// Who can reach the selected group, database or cache (Reach pane).
    WhoCanReach,
    /// The selected row's resource history (`h`).
    ResourceHistory,
    /// The changes before the selected alarm last fired (`a`).
    AroundAlarm,
    /// Copy the selected row's id (`y`) or its ARN (`Y`, `arn: true`) to the clipboard.
    Copy {
        arn: bool,
    },
    /// Show the selected resource's AWS console address, and copy it (`o`).
    OpenInConsole,
    /// Sort the pane by its next column (`s`).
    Sort,
    /// Reverse the pane's sort (`S`).
    SortReverse,
    /// Wide mode on or off (`w`): every column at full width.
    ToggleWide,
    /// Scroll the columns in wide mode (`←` is -1, `→` is +1).
    ScrollColumns(isize),
    /// Leave the current overlay, input line or filter.
    Back,
    /// A key typed into the filter or command line.
    Input(crossterm::event::KeyEvent),
    Submit,
    /// History arrived for an environment.
    History(Box<HistoryFetched>),
    /// A background fetch finished.
    Fetched(Box<Fetched>),
    /// The evaluation worker's new state of one environment (state/worker.rs).
    Evaluated(Box<Evaluated>),
    /// The evaluation worker's answer to new reach questions (state/reach.rs).
    ReachJudged(Box<ReachJudged>),
    /// Connecting an environment's source failed for a generation (no credentials, wrong account).
    SourceFailed {
        env: usize,
        generation: u64,
        error: String,
    },
    /// The source is connected; its account is known.
    Connected {
        env: usize,
        generation: u64,
        account: Option<String>,
    },
    /// Time passed: ages shown on screen change.
    Tick(Timestamp),
    /// The terminal's size (columns, rows), at start and on every resize.
    Resize {
        width: u16,
        height: u16,
    },
    /// The events queue says a write touched these kinds of environment `env` (`--events`):
    /// the change joins its history at once and the kinds are fetched now.
    Nudged {
        env: usize,
        kinds: Vec<model::Kind>,
        change: Box<engine::history::ChangeEvent>,
    },
    /// The inferred design was written (`:write FILE`), or why not.
    DesignWritten {
        path: String,
        result: Result<(), String>,
    },
    /// A Terraform plan file was read (`--plan`, `:plan FILE`), or why it could not be.
    PlanLoaded {
        path: String,
        result: Result<Box<engine::terraform::Plan>, String>,
    },
}

/// What the event loop must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Fetch every kind of these environments now.
    RefreshNow(Vec<usize>),
    /// Connect these environments again (their connection had failed): new generation.
    Reconnect(Vec<usize>),
    /// Fetch these environments' history window again (after `:since`).
    RestartHistory(Vec<usize>),
    /// Read and parse this Terraform plan file (`:plan FILE`), then send `PlanLoaded`.
    LoadPlan(std::path::PathBuf),
    /// Put this text on the clipboard (OSC 52: over SSH and through tmux).
    Copy(String),
    /// Fetch these kinds of this environment now (a change arrived from the events queue).
    RefreshKinds(usize, Vec<model::Kind>),
    /// Write the inferred design to `path` (`:write FILE`; over an existing file only
    /// with `force`, `:write! FILE`), then send `DesignWritten`.
    WriteDesign {
        path: std::path::PathBuf,
        text: String,
        force: bool,
    },
}

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
    /// An event the row is (a Timeline line's CloudTrail event id): what `y` copies and
    /// `o` opens, before the subject.
    pub event: Option<String>,
}

/// A row whose cells are made when they are read (drawn, filtered, named by `x` or `h`),
/// not when the rows are built: the Findings and Security panes have 16,000 and 14,000
/// rows at scale 4 and a screen shows a few dozen, and styling every row's cells on each
/// result was most of the UI thread's time. What the cells show is read from the same
/// state the rows were built from (the cache key of state/rows.rs covers it), so a row
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

/// One cached row.
#[derive(Debug, Clone)]
pub struct Row {
    pub section: &'static str,
    pub from: String,
    pub to: String,
    pub port: String,
    pub expect: String,
    pub verdict: Verdict,
    pub why: String,
    /// Set when the row is drift (an assertion that does not hold).
    pub severity: Option<Severity>,
    /// What Enter opens: the finding, or the path as a detail.
    pub detail: Finding,
    /// Asked of the worker, not answered yet: shown as "judging…", never as a verdict.
    pub judging: bool,
}

/// The keys of one report's findings, by address. Each entry holds its finding, so an
/// address in the map always names that finding (it cannot be freed and reused while
/// the map lives); a finding not in the map (a reach finding merged in on the UI
/// thread, a copy held by the detail view) has its key formatted when asked.
#[derive(Debug, Clone, Default)]
pub struct FindingKeys {
    pub(crate) by_addr: HashMap<usize, (Arc<Finding>, Arc<str>)>,
}

/// Rows built on the worker, shared with the App as they are.
#[derive(Clone)]
pub struct SharedRows(pub Arc<Vec<Item>>);

impl std::fmt::Debug for SharedRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedRows({} rows)", self.0.len())
    }
}

/// A worker's answer: the new state of one environment, ready to show.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub env: usize,
    pub generation: u64,
    pub seq: u64,
    pub snapshot: Arc<Snapshot>,
    pub index: Arc<Index>,
    pub report: Report,
    /// Kinds fetched in this job (for the timeline's recovered/failed/alarm lines).
    pub fetched: Vec<Kind>,
    pub settled: bool,
    /// Findings new since the worker's previous answer for this environment, and gone
    /// since: diffing 16,000 findings is work the UI thread should not do.
    pub appeared: Vec<Arc<Finding>>,
    pub cleared: Vec<Arc<Finding>>,
    pub reach_rows: Vec<Row>,
    /// Findings of every environment's `[[reach]]` assertions (by index): a change here
    /// can flip an assertion of another environment that names this one.
    pub reach_findings: Vec<Vec<Finding>>,
    pub reach_version: u64,
    /// The report's finding keys, made here with the diff (the UI thread looks them up).
    pub keys: FindingKeys,
    /// The Security pane's rows for this report, when the job asked for them.
    pub security_rows: Option<SharedRows>,
}

/// The worker's answer to a `ReachJob`: the Reach pane's rows for the questions and the
/// environment it was asked with, and every environment's reach findings.
#[derive(Debug, Clone)]
pub struct ReachJudged {
    pub rows: Vec<Row>,
    pub findings: Vec<Vec<Finding>>,
    pub current: usize,
    pub version: u64,
}
