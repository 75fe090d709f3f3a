//! The console's config file (`$XDG_CONFIG_HOME/driftdeck/config.toml`): theme, key
//! bindings and poll intervals. An invalid file is one clear error naming the key.

use crate::console::keymap::Keymap;
use model::Kind;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
}

/// Poll interval per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervals(pub BTreeMap<Kind, Duration>);

impl Default for Intervals {
    /// Alarms move fastest; network and security change on deploys; databases rarely.
    fn default() -> Self {
        let secs = |k: Kind| match k {
            Kind::Alarms => 15,
            Kind::DbInstances | Kind::DbClusters | Kind::CacheReplicationGroups | Kind::CacheClusters => 120,
            _ => 60,
        };
        Intervals(Kind::ALL.iter().map(|k| (*k, Duration::from_secs(secs(*k)))).collect())
    }
}

impl Intervals {
    pub fn get(&self, k: Kind) -> Duration {
        self.0.get(&k).copied().unwrap_or(Duration::from_secs(60))
    }

    /// Apply `kind=secs` pairs; `network`, `security`, `databases` name groups of kinds.
    pub fn set(&mut self, name: &str, secs: u64, origin: &str) -> Result<(), String> {
        if secs == 0 {
            return Err(format!("{origin}{name}: the interval must be at least 1 second"));
        }
        let kinds: Vec<Kind> = match name {
            "network" => vec![
                Kind::Vpcs,
                Kind::Subnets,
                Kind::RouteTables,
                Kind::InternetGateways,
                Kind::NatGateways,
                Kind::PeeringConnections,
                Kind::NetworkAcls,
                Kind::PrefixLists,
                Kind::VpcEndpoints,
                Kind::FlowLogs,
                Kind::NetworkInterfaces,
            ],
            "security" => vec![Kind::SecurityGroups],
            "databases" => vec![Kind::DbInstances, Kind::DbClusters, Kind::CacheReplicationGroups, Kind::CacheClusters],
            other => match Kind::ALL.iter().find(|k| k.as_str() == other) {
                Some(k) => vec![*k],
                None => {
                    return Err(format!(
                        "{origin}{other}: unknown kind; expected network, security, databases, alarms or a kind such as route_tables"
                    ));
                }
            },
        };
        for k in kinds {
            self.0.insert(k, Duration::from_secs(secs));
        }
        Ok(())
    }

    /// `--intervals alarms=15,network=60`.
    pub fn apply_flag(&mut self, spec: &str) -> Result<(), String> {
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("--intervals: `{part}` is not KIND=SECS, e.g. alarms=15"))?;
            let secs = v.trim().parse::<u64>().map_err(|_| format!("--intervals: `{v}` is not a number of seconds"))?;
            self.set(k.trim(), secs, "--intervals: ")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub theme: ThemeName,
    pub keymap: Keymap,
    pub intervals: Intervals,
}

impl Default for Config {
    fn default() -> Self {
        Config { theme: ThemeName::Dark, keymap: Keymap::default(), intervals: Intervals::default() }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    theme: Option<String>,
    #[serde(default)]
    keys: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    intervals: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Default location of the config file.
pub fn default_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    Some(etcetera::choose_base_strategy().ok()?.config_dir().join("driftdeck").join("config.toml"))
}

impl Config {
    /// Load `path`, or the default path when it exists; a missing default file is fine.
    pub fn load(path: Option<&Path>) -> Result<Config, String> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Config::default()),
            },
        };
        if !required && !path.exists() {
            return Ok(Config::default());
        }
        let text = model::limits::read_capped(&path, "config file", model::limits::MAX_CONFIG_BYTES)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        // Errors quote what the file says (a theme, a key name), and a TOML string can hold
        // a newline or a carriage return: escaped, so every error stays one line.
        Self::parse_unescaped(text).map_err(|e| e.replace('\n', "\\n").replace('\r', "\\r"))
    }

    fn parse_unescaped(text: &str) -> Result<Config, String> {
        if let Some(at) = model::limits::toml_too_deep(text, model::limits::MAX_TOML_DEPTH) {
            let (line, col) = model::limits::line_col(text, at);
            return Err(format!("line {line}:{col}: nested deeper than {} levels", model::limits::MAX_TOML_DEPTH));
        }
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().replace('\n', " ");
            match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: {msg}")
                }
                None => msg,
            }
        })?;
        let theme = match file.theme.as_deref() {
            None | Some("dark") => ThemeName::Dark,
            Some("light") => ThemeName::Light,
            Some(other) => return Err(format!("theme: `{other}` is not a theme; expected \"dark\" or \"light\"")),
        };
        let keys: BTreeMap<String, Vec<String>> = file
            .keys
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    match v {
                        OneOrMany::One(s) => vec![s],
                        OneOrMany::Many(v) => v,
                    },
                )
            })
            .collect();
        let keymap = Keymap::default().with_overrides(&keys)?;
        let mut intervals = Intervals::default();
        for (k, secs) in &file.intervals {
            intervals.set(k, *secs, "intervals.")?;
        }
        Ok(Config { theme, keymap, intervals })
    }
}
