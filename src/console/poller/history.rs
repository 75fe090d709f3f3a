//! The console's history source: one background task per environment (never in the way
//! of the inventory pollers) that loads the `--since` window once, then polls only what
//! is newer than the newest record seen. Every call goes through the source's own history
//! rate limit (`history::limit`); results reach `App::update` through the same bounded
//! channel as inventory, tagged with the environment, its generation and the history
//! generation (bumped by `:since`), so an answer for an older window is dropped.

use crate::console::action::{Action, HistoryFetched};
use engine::history::{History, HistoryStatus, Since};
use jiff::Timestamp;
use model::source::Source;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How often the console asks for newer history once the window is loaded. CloudTrail
/// delivers events minutes late anyway; a minute keeps the budget for other tools.
pub const POLL: Duration = Duration::from_secs(60);

/// The longest wait after throttling or a failure before asking again.
const BACKOFF_CAP: Duration = Duration::from_secs(600);

/// Identifies one history task's results: (environment, generation, history generation).
pub type HistoryTag = (usize, u64, u64);

/// How much of the window the first load reads ahead of the rest.
const FIRST: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// The newest instant a history holds, where the next incremental poll starts.
pub fn newest(h: &History) -> Option<Timestamp> {
    let events = h.events.iter().map(|e| e.time);
    let transitions = h.transitions.iter().map(|t| t.time);
    events.chain(transitions).max()
}

fn problem(h: &History) -> bool {
    h.problems.iter().any(|(_, s)| !matches!(s, HistoryStatus::Ok))
}

/// Start the history task of one environment. `prefix` is the design's alarm prefix.
pub fn start(
    source: Arc<dyn Source>,
    prefix: Option<String>,
    since: Since,
    poll: Duration,
    tag: HistoryTag,
    tx: mpsc::Sender<Action>,
) -> JoinHandle<()> {
    let (env, generation, history_generation) = tag;
    tokio::spawn(async move {
        // `None` until the whole window has been read once: until then every attempt is
        // a full load (a throttled first load must not turn into an incremental one).
        let mut from: Option<Timestamp> = None;
        let mut wait = poll;
        // The newest hour first, so the Timeline's first screen fills at once while the
        // rest of the window (a call per 50 writes, at the account's history rate) loads.
        let now = Timestamp::now();
        let recent = now.checked_sub(FIRST).ok().filter(|r| *r > since.start(now));
        if let Some(recent) = recent {
            let history = source.history(prefix.clone(), recent).await;
            if !problem(&history) {
                let msg = HistoryFetched {
                    env,
                    generation,
                    history_generation,
                    history,
                    incremental: false,
                    partial: true,
                    at: Timestamp::now(),
                };
                if tx.send(Action::History(Box::new(msg))).await.is_err() {
                    return;
                }
            }
        }
        loop {
            let now = Timestamp::now();
            let start = from.unwrap_or_else(|| since.start(now));
            let history = source.history(prefix.clone(), start).await;
            let incremental = from.is_some();
            let failed = problem(&history);
            if !failed {
                // The next poll starts at the newest record seen (or where this one
                // started when nothing new came): records in that same second are
                // deduplicated by `App`.
                from = Some(newest(&history).map_or(start, |t| t.max(start)));
                wait = poll;
            } else {
                wait = (wait * 2).clamp(poll, BACKOFF_CAP.max(poll));
            }
            let msg = HistoryFetched {
                env,
                generation,
                history_generation,
                history,
                incremental,
                partial: false,
                at: Timestamp::now(),
            };
            if tx.send(Action::History(Box::new(msg))).await.is_err() {
                return; // the console is gone
            }
            tokio::time::sleep(wait).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::history::AlarmTransition;

    #[test]
    fn newest_covers_events_and_transitions() {
        let t = |s: &str| s.parse::<Timestamp>().expect("ts");
        let mut h = History::default();
        assert_eq!(newest(&h), None);
        h.transitions.push(AlarmTransition {
            time: t("2026-11-23T10:00:00Z"),
            alarm: "a".into(),
            old_state: "OK".into(),
            new_state: "ALARM".into(),
            reason: None,
        });
        assert_eq!(newest(&h), Some(t("2026-11-23T10:00:00Z")));
    }
}
