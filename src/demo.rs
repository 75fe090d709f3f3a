//! The built-in demo: a replay `Source` over recorded snapshots of the client-a-prod
//! environment (assets/demo/, recorded from moto by scripts/record-demo.sh) that advance
//! on a script, so the panes, highlighting and timeline move with no AWS account.

use crate::model::{Kind, Snapshot};
use crate::source::{FetchError, Source};
use futures::future::BoxFuture;
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The design the demo evaluates against.
pub const DESIGN: &str = include_str!("../config/designs/client-a-prod.toml");
const SCRIPT: &str = include_str!("../assets/demo/script.toml");
const FRAMES: &[(&str, &str)] = &[
    ("00-base.json", include_str!("../assets/demo/00-base.json")),
    ("01-alarm.json", include_str!("../assets/demo/01-alarm.json")),
    ("02-ssh-open.json", include_str!("../assets/demo/02-ssh-open.json")),
    ("03-ssh-closed.json", include_str!("../assets/demo/03-ssh-closed.json")),
    ("04-data-peering.json", include_str!("../assets/demo/04-data-peering.json")),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    frame: Vec<FrameSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameSpec {
    file: String,
    after_secs: u64,
    caption: String,
}

pub struct Frame {
    pub after: Duration,
    pub caption: String,
    pub snapshot: Snapshot,
}

pub struct DemoSource {
    frames: Vec<Frame>,
    start: Instant,
    calls: AtomicU64,
}

impl DemoSource {
    /// The embedded demo.
    pub fn builtin() -> Result<DemoSource, String> {
        Self::from_parts(SCRIPT, |name| FRAMES.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()))
    }

    pub fn from_parts(script: &str, load: impl Fn(&str) -> Option<String>) -> Result<DemoSource, String> {
        let script: Script = toml::from_str(script).map_err(|e| format!("demo script: {}", e.message()))?;
        let mut frames = Vec::new();
        for f in script.frame {
            let text = load(&f.file).ok_or_else(|| format!("demo script names {}, which is not embedded", f.file))?;
            let snapshot = Snapshot::from_json(&text).map_err(|e| format!("{}: {e}", f.file))?;
            frames.push(Frame { after: Duration::from_secs(f.after_secs), caption: f.caption, snapshot });
        }
        frames.sort_by_key(|f| f.after);
        if frames.is_empty() {
            return Err("demo script has no frames".into());
        }
        Ok(DemoSource { frames, start: Instant::now(), calls: AtomicU64::new(0) })
    }

    /// The frame in force `elapsed` after start.
    pub fn frame_at(&self, elapsed: Duration) -> &Frame {
        self.frames.iter().rev().find(|f| f.after <= elapsed).unwrap_or(&self.frames[0])
    }

    pub fn current(&self) -> &Frame {
        self.frame_at(self.start.elapsed())
    }

    /// History is polled as often as the inventory, so the scripted changes show up.
    pub const HISTORY_POLL: Duration = Duration::from_secs(3);

    /// Polls every few seconds so the script plays out within a minute.
    pub fn intervals() -> crate::config::Intervals {
        let mut i = crate::config::Intervals::default();
        for k in Kind::ALL {
            i.0.insert(k, Duration::from_secs(if k == Kind::Alarms { 2 } else { 3 }));
        }
        i
    }
}

impl Source for DemoSource {
    fn fetch_kind(&self, kind: Kind) -> BoxFuture<'_, Result<Snapshot, FetchError>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let frame = self.current();
        let result = match frame.snapshot.inventory.get(&kind) {
            Some(st) if !st.usable() => Err(FetchError::new(st.error.clone().unwrap_or_else(|| "failed".into()))),
            _ => Ok(frame.snapshot.only(kind)),
        };
        Box::pin(async move { result })
    }

    fn region(&self) -> &str {
        &self.frames[0].snapshot.region
    }

    fn account(&self) -> Option<String> {
        self.frames[0].snapshot.account.clone()
    }

    fn call_stats(&self) -> (u64, u64) {
        (self.calls.load(Ordering::Relaxed), 0)
    }
}
