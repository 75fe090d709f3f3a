//! Key bindings: defaults, remapping from the config file, and the help they generate.

use crate::console::action::{Action, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// A bindable command; its name is what the config file and the help use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Command {
    Quit,
    Estate,
    NextPane,
    PrevPane,
    Overview,
    Network,
    Security,
    Databases,
    Alarms,
    Findings,
    Timeline,
    Reach,
    Plan,
    WhoCanReach,
    ResourceHistory,
    AroundAlarm,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Refresh,
    Filter,
    CommandLine,
    DriftOnly,
    Help,
    Errors,
    Open,
    Back,
    CopyId,
    CopyArn,
    OpenInConsole,
    Sort,
    SortReverse,
    Wide,
    ScrollLeft,
    ScrollRight,
}

impl Command {
    pub const ALL: [Command; 38] = [
        Command::Estate,
        Command::Overview,
        Command::Network,
        Command::Security,
        Command::Databases,
        Command::Alarms,
        Command::Findings,
        Command::Timeline,
        Command::Reach,
        Command::Plan,
        Command::WhoCanReach,
        Command::ResourceHistory,
        Command::AroundAlarm,
        Command::NextPane,
        Command::PrevPane,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::Open,
        Command::Back,
        Command::CopyId,
        Command::CopyArn,
        Command::OpenInConsole,
        Command::Sort,
        Command::SortReverse,
        Command::Wide,
        Command::ScrollLeft,
        Command::ScrollRight,
        Command::Filter,
        Command::CommandLine,
        Command::DriftOnly,
        Command::Refresh,
        Command::Errors,
        Command::Help,
        Command::Quit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Estate => "estate",
            Command::NextPane => "next_pane",
            Command::PrevPane => "prev_pane",
            Command::Overview => "overview",
            Command::Network => "network",
            Command::Security => "security",
            Command::Databases => "databases",
            Command::Alarms => "alarms",
            Command::Findings => "findings",
            Command::Timeline => "timeline",
            Command::Reach => "reach",
            Command::Plan => "plan",
            Command::WhoCanReach => "who_can_reach",
            Command::ResourceHistory => "resource_history",
            Command::AroundAlarm => "around_alarm",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Refresh => "refresh",
            Command::Filter => "filter",
            Command::CommandLine => "command",
            Command::DriftOnly => "drift_only",
            Command::Help => "help",
            Command::Errors => "errors",
            Command::Open => "open",
            Command::Back => "back",
            Command::CopyId => "copy_id",
            Command::CopyArn => "copy_arn",
            Command::OpenInConsole => "open_in_console",
            Command::Sort => "sort",
            Command::SortReverse => "sort_reverse",
            Command::Wide => "wide",
            Command::ScrollLeft => "scroll_left",
            Command::ScrollRight => "scroll_right",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Command::Quit => "quit (terminal restored)",
            Command::Estate => "estate: every environment at once",
            Command::NextPane => "next pane",
            Command::PrevPane => "previous pane",
            Command::Overview => "overview: is it as designed and quiet?",
            Command::Network => "network: VPCs, tiers, route tables, peering",
            Command::Security => "security groups by role, offending rules marked",
            Command::Databases => "RDS and ElastiCache",
            Command::Alarms => "alarms, ALARM first",
            Command::Findings => "every finding, by severity",
            Command::Timeline => "what changed since start",
            Command::Reach => "reachability: assertions, queries",
            Command::Plan => "Terraform plan: changes and verdicts (--plan, :plan FILE)",
            Command::WhoCanReach => "who can reach the selected group, database or cache",
            Command::ResourceHistory => "history of the selected row's resource (changes, alarm transitions)",
            Command::AroundAlarm => "what changed in the hour before the selected alarm fired (:around NAME)",
            Command::Up => "move up",
            Command::Down => "move down",
            Command::PageUp => "page up",
            Command::PageDown => "page down",
            Command::Top => "first row",
            Command::Bottom => "last row",
            Command::Refresh => "refresh every kind now",
            Command::Filter => "filter rows (kept across refreshes)",
            Command::CommandLine => {
                "command line: :estate :net :sg :db :alarms :findings :timeline :env NAME :since 6h :around ALARM :write FILE :q"
            }
            Command::DriftOnly => "show drift only",
            Command::Help => "this help",
            Command::Errors => "fetch errors of failed kinds",
            Command::Open => "open the selected finding's detail",
            Command::Back => "close overlay / clear filter",
            Command::CopyId => "copy the selected row's id (OSC 52: over SSH, through tmux)",
            Command::CopyArn => "copy the selected resource's ARN",
            Command::OpenInConsole => "show and copy the selected resource's AWS console address",
            Command::Sort => "sort by the next column (header marks it; kept across refreshes)",
            Command::SortReverse => "reverse the sort",
            Command::Wide => "wide mode: every column at full width (header: +N cols: w)",
            Command::ScrollLeft => "wide mode: scroll columns left",
            Command::ScrollRight => "wide mode: scroll columns right",
        }
    }

    pub fn parse(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn action(self) -> Action {
        match self {
            Command::Quit => Action::Quit,
            Command::Estate => Action::Pane(Pane::Estate),
            Command::NextPane => Action::NextPane,
            Command::PrevPane => Action::PrevPane,
            Command::Overview => Action::Pane(Pane::Overview),
            Command::Network => Action::Pane(Pane::Network),
            Command::Security => Action::Pane(Pane::Security),
            Command::Databases => Action::Pane(Pane::Databases),
            Command::Alarms => Action::Pane(Pane::Alarms),
            Command::Findings => Action::Pane(Pane::Findings),
            Command::Timeline => Action::Pane(Pane::Timeline),
            Command::Reach => Action::Pane(Pane::Reach),
            Command::Plan => Action::Pane(Pane::Plan),
            Command::WhoCanReach => Action::WhoCanReach,
            Command::ResourceHistory => Action::ResourceHistory,
            Command::AroundAlarm => Action::AroundAlarm,
            Command::Up => Action::Up,
            Command::Down => Action::Down,
            Command::PageUp => Action::PageUp,
            Command::PageDown => Action::PageDown,
            Command::Top => Action::Top,
            Command::Bottom => Action::Bottom,
            Command::Refresh => Action::Refresh,
            Command::Filter => Action::StartFilter,
            Command::CommandLine => Action::StartCommand,
            Command::DriftOnly => Action::ToggleDriftOnly,
            Command::Help => Action::ToggleHelp,
            Command::Errors => Action::ToggleErrors,
            Command::Open => Action::Open,
            Command::Back => Action::Back,
            Command::CopyId => Action::Copy { arn: false },
            Command::CopyArn => Action::Copy { arn: true },
            Command::OpenInConsole => Action::OpenInConsole,
            Command::Sort => Action::Sort,
            Command::SortReverse => Action::SortReverse,
            Command::Wide => Action::ToggleWide,
            Command::ScrollLeft => Action::ScrollColumns(-1),
            Command::ScrollRight => Action::ScrollColumns(1),
        }
    }
}

/// A key with its modifiers, as written in the config: `q`, `ctrl-z`, `tab`, `f5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` subset with an order, so bindings sort stably in the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Tab,
    BackTab,
    Enter,
    Esc,
    Backspace,
}

impl Key {
    pub fn from_event(e: &KeyEvent) -> Option<Key> {
        let code = match e.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c.to_ascii_lowercase()),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            _ => return None,
        };
        // Shift only matters through the character itself (G vs g).
        let code = match (code, e.code) {
            (KeyCodeOrd::Char(_), KeyCode::Char(c)) if c.is_ascii_uppercase() => KeyCodeOrd::Char(c),
            (c, _) => c,
        };
        Some(Key {
            code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        })
    }

    pub fn parse(s: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "up" => KeyCodeOrd::Up,
            "down" => KeyCodeOrd::Down,
            "left" => KeyCodeOrd::Left,
            "right" => KeyCodeOrd::Right,
            "pageup" => KeyCodeOrd::PageUp,
            "pagedown" => KeyCodeOrd::PageDown,
            "home" => KeyCodeOrd::Home,
            "end" => KeyCodeOrd::End,
            "tab" => KeyCodeOrd::Tab,
            "backtab" | "shift-tab" => KeyCodeOrd::BackTab,
            "enter" => KeyCodeOrd::Enter,
            "esc" => KeyCodeOrd::Esc,
            "backspace" => KeyCodeOrd::Backspace,
            "space" => KeyCodeOrd::Char(' '),
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) => {
                KeyCodeOrd::F(f[1..].parse().ok()?)
            }
            c if c.chars().count() == 1 => KeyCodeOrd::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeOrd::Char(' ') => "space".to_string(),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::F(n) => format!("F{n}"),
            KeyCodeOrd::Up => "↑".into(),
            KeyCodeOrd::Down => "↓".into(),
            KeyCodeOrd::Left => "←".into(),
            KeyCodeOrd::Right => "→".into(),
            KeyCodeOrd::PageUp => "PgUp".into(),
            KeyCodeOrd::PageDown => "PgDn".into(),
            KeyCodeOrd::Home => "Home".into(),
            KeyCodeOrd::End => "End".into(),
            KeyCodeOrd::Tab => "Tab".into(),
            KeyCodeOrd::BackTab => "S-Tab".into(),
            KeyCodeOrd::Enter => "Enter".into(),
            KeyCodeOrd::Esc => "Esc".into(),
            KeyCodeOrd::Backspace => "Bksp".into(),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{base}"),
            (_, true) => format!("Alt-{base}"),
            _ => base,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Key, Command>,
}

const DEFAULTS: &[(&str, Command)] = &[
    ("0", Command::Estate),
    ("1", Command::Overview),
    ("2", Command::Network),
    ("3", Command::Security),
    ("4", Command::Databases),
    ("5", Command::Alarms),
    ("6", Command::Findings),
    ("7", Command::Timeline),
    ("8", Command::Reach),
    ("9", Command::Plan),
    ("x", Command::WhoCanReach),
    ("h", Command::ResourceHistory),
    ("a", Command::AroundAlarm),
    ("y", Command::CopyId),
    ("Y", Command::CopyArn),
    ("o", Command::OpenInConsole),
    ("s", Command::Sort),
    ("S", Command::SortReverse),
    ("w", Command::Wide),
    ("left", Command::ScrollLeft),
    ("right", Command::ScrollRight),
    ("tab", Command::NextPane),
    ("backtab", Command::PrevPane),
    ("k", Command::Up),
    ("up", Command::Up),
    ("j", Command::Down),
    ("down", Command::Down),
    ("pageup", Command::PageUp),
    ("ctrl-u", Command::PageUp),
    ("pagedown", Command::PageDown),
    ("ctrl-d", Command::PageDown),
    ("g", Command::Top),
    ("home", Command::Top),
    ("G", Command::Bottom),
    ("end", Command::Bottom),
    ("enter", Command::Open),
    ("esc", Command::Back),
    ("/", Command::Filter),
    (":", Command::CommandLine),
    ("ctrl-z", Command::DriftOnly),
    ("r", Command::Refresh),
    ("e", Command::Errors),
    ("?", Command::Help),
    ("q", Command::Quit),
    ("ctrl-c", Command::Quit),
];

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS.iter().filter_map(|(k, c)| Some((Key::parse(k)?, *c))).collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// Apply `[keys]` from the config: `command = "key"` or `command = ["key", "key"]`
    /// replaces that command's default keys.
    pub fn with_overrides(mut self, overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        for (name, keys) in overrides {
            let cmd = Command::parse(name).ok_or_else(|| {
                let names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                format!("keys.{name}: unknown command; expected one of {}", names.join(", "))
            })?;
            self.bindings.retain(|_, c| *c != cmd);
            for k in keys {
                let key = Key::parse(k).ok_or_else(|| {
                    format!("keys.{name}: `{k}` is not a key; expected e.g. \"q\", \"ctrl-z\", \"tab\", \"f5\"")
                })?;
                if let Some(other) = self.bindings.insert(key, cmd)
                    && other != cmd
                    && overrides.contains_key(other.name())
                {
                    return Err(format!("keys.{name}: `{k}` is also bound to {}", other.name()));
                }
            }
        }
        Ok(self)
    }

    pub fn lookup(&self, e: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(e)?;
        self.bindings.get(&key).map(|c| c.action())
    }

    /// Keys bound to each command, for the help overlay and the status bar.
    pub fn keys_for(&self, cmd: Command) -> Vec<String> {
        let mut keys: Vec<&Key> = self.bindings.iter().filter(|(_, c)| **c == cmd).map(|(k, _)| k).collect();
        // Plain keys first: the status bar shows the first one.
        keys.sort_by_key(|k| (k.ctrl || k.alt, matches!(k.code, KeyCodeOrd::Char(_)).then_some(0).unwrap_or(1)));
        keys.into_iter().map(Key::label).collect()
    }
}
