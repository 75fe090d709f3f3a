//! The built-in demo: a replay `Source` over recorded snapshots of the client-a-prod
//! environment (assets/demo/, recorded from moto by scripts/record-demo.sh) that advance
//! on a script, so the panes, highlighting and timeline move with no AWS account. Its
//! history (assets/demo/history.json, recorded by the same script through the moto
//! harness, which generates CloudTrail events and alarm transitions from the real calls)
//! is replayed too: each record is re-timed to the frame it belongs to, so the SSH rule
//! is opened by its role when that frame takes over.

use engine::history::{AlarmTransition, ChangeEvent, History};
use futures::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};
use model::source::{FetchError, Source};
use model::{Kind, Snapshot};
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The design the demo evaluates against.
pub const DESIGN: &str = include_str!("../../config/designs/client-a-prod.toml");
const SCRIPT: &str = include_str!("../../assets/demo/script.toml");
const HISTORY: &str = include_str!("../../assets/demo/history.json");
const FRAMES: &[(&str, &str)] = &[
    ("00-base.json", include_str!("../../assets/demo/00-base.json")),
    ("01-alarm.json", include_str!("../../assets/demo/01-alarm.json")),
    ("02-ssh-open.json", include_str!("../../assets/demo/02-ssh-open.json")),
    ("03-ssh-closed.json", include_str!("../../assets/demo/03-ssh-closed.json")),
    ("04-data-peering.json", include_str!("../../assets/demo/04-data-peering.json")),
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
    /// Wall-clock time of `start`: replayed history is placed relative to it.
    started_at: Timestamp,
    history: History,
    calls: AtomicU64,
}

/// The part of `driftdeck history --format json` the demo replays.
#[derive(Deserialize)]
struct RecordedHistory {
    events: Vec<ChangeEvent>,
    transitions: Vec<AlarmTransition>,
}

impl DemoSource {
    /// The embedded demo.
    pub fn builtin() -> Result<DemoSource, String> {
        let mut demo =
            Self::from_parts(SCRIPT, |name| FRAMES.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()))?;
        demo.set_history(HISTORY)?;
        Ok(demo)
    }

    /// Load recorded history and re-time it: a record made while frame N was being
    /// recorded (after frame N-1's snapshot, before N's) happens `after` frame N takes
    /// over, as long before it as it was before N's snapshot; records of the base frame
    /// fall before the demo started.
    pub fn set_history(&mut self, json: &str) -> Result<(), String> {
        let rec: RecordedHistory = serde_json::from_str(json).map_err(|e| format!("demo history: {e}"))?;
        let retime = |t: Timestamp| -> Timestamp {
            let frame = self.frames.iter().find(|f| f.snapshot.taken_at.is_some_and(|at| at >= t));
            let Some((after, taken)) = frame.and_then(|f| f.snapshot.taken_at.map(|at| (f.after, at))) else {
                return self.started_at;
            };
            let before = taken.duration_since(t);
            let at = SignedDuration::try_from(after).unwrap_or_default() - before;
            self.started_at.checked_add(at).unwrap_or(self.started_at)
        };
        let mut h = History::default();
        for mut e in rec.events {
            e.time = retime(e.time);
            h.events.push(e);
        }
        for mut t in rec.transitions {
            t.time = retime(t.time);
            h.transitions.push(t);
        }
        self.history = h;
        Ok(())
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
        Ok(DemoSource {
            frames,
            start: Instant::now(),
            started_at: Timestamp::now(),
            history: History::default(),
            calls: AtomicU64::new(0),
        })
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
    pub fn intervals() -> crate::console::config::Intervals {
        let mut i = crate::console::config::Intervals::default();
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

    /// What the recording holds between `start` and now (on the demo's clock).
    fn history(&self, prefix: Option<String>, start: Timestamp) -> BoxFuture<'_, History> {
        let now = self.started_at.checked_add(self.start.elapsed()).unwrap_or(self.started_at);
        let within = |t: Timestamp| t >= start && t <= now;
        let h = History {
            window_start: Some(start),
            events: self.history.events.iter().filter(|e| within(e.time)).cloned().collect(),
            transitions: self
                .history
                .transitions
                .iter()
                .filter(|t| within(t.time) && prefix.as_deref().is_none_or(|p| t.alarm.starts_with(p)))
                .cloned()
                .collect(),
            problems: Vec::new(),
            ..Default::default()
        };
        Box::pin(async move { h })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recording's scripted changes come back re-timed to their frames: who opened
    /// SSH and who added the peering route, each after the frame before theirs took over.
    #[test]
    fn recorded_history_is_replayed_on_the_script() {
        let demo = DemoSource::builtin().expect("demo");
        let after = |file: &str| {
            let f = demo.frames.iter().find(|f| f.snapshot.taken_at.is_some() && f.caption.contains(file));
            f.map(|f| demo.started_at.checked_add(f.after).expect("ts")).expect("frame")
        };
        let by = |name: &str| demo.history.events.iter().rev().find(|e| e.name == name).expect(name);
        let ssh = by("AuthorizeSecurityGroupIngress");
        assert!(ssh.actor.name.contains("platform-deploy"), "{:?}", ssh.actor);
        assert!(ssh.time > after("goes to ALARM") && ssh.time <= after("opens SSH"), "{}", ssh.time);
        let route = demo.history.events.iter().rev().find(|e| e.name == "CreateRoute").expect("route");
        assert!(route.actor.name.starts_with("bob@example.com"), "{:?}", route.actor);
        assert!(route.time > after("removed again") && route.time <= after("peering route"));
        let fired = demo.history.transitions.iter().find(|t| t.new_state == "ALARM").expect("transition");
        assert!(fired.time > demo.started_at && fired.time <= after("goes to ALARM"));

        // At start only the base frame's past is there: nothing from the future.
        let now = demo.started_at;
        let start = now.checked_sub(SignedDuration::from_hours(24)).expect("ts");
        let h = futures::executor::block_on(demo.history(Some("client-a-prod-".into()), start));
        assert!(h.events.iter().all(|e| e.time <= now) && !h.events.is_empty());
        assert!(h.events.iter().all(|e| e.actor.name == "testing"), "the seed's calls only");
        assert!(h.events.len() < demo.history.events.len());
        assert!(h.transitions.is_empty() && h.problems.is_empty());
    }
}
