//! Everything that can change the console's state: key-driven intents and background
//! results. `App::update` is the only place they are applied.

use crate::model::{Kind, Snapshot};
use crate::source::FetchError;
use jiff::Timestamp;

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
    pub history: crate::history::History,
    /// False for the first load of a window (it replaces what was held).
    pub incremental: bool,
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
    /// Leave the current overlay, input line or filter.
    Back,
    /// A key typed into the filter or command line.
    Input(crossterm::event::KeyEvent),
    Submit,
    /// History arrived for an environment.
    History(Box<HistoryFetched>),
    /// A background fetch finished.
    Fetched(Box<Fetched>),
    /// The evaluation worker's new state of one environment (app/worker.rs).
    Evaluated(Box<crate::app::Evaluated>),
    /// The evaluation worker's answer to new reach questions (app/reach.rs).
    ReachJudged(Box<crate::app::ReachJudged>),
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
    /// A Terraform plan file was read (`--plan`, `:plan FILE`), or why it could not be.
    PlanLoaded {
        path: String,
        result: Result<Box<crate::terraform::Plan>, String>,
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
}
