//! Background polling: one task per kind and environment on its own interval, sending
//! results to the UI through a bounded channel, tagged with the environment and the
//! generation they were started for. Throttling doubles that kind's interval (up to a cap)
//! instead of hammering the account, and kinds of the same account share one limit of
//! calls in flight (`Budget`), so ten environments in one account do not hammer it.

use crate::console::action::{Action, Fetched};
pub mod history;

use crate::console::config::Intervals;
use model::Kind;
use model::source::Source;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;

/// The longest a throttled kind waits between polls.
const BACKOFF_CAP: Duration = Duration::from_secs(600);

/// The running pollers of one environment and generation; dropping it stops them all.
pub struct Pollers {
    tasks: JoinSet<()>,
    refresh: Arc<Notify>,
    /// Each kind's own wake-up, for a change that touched it (`--events`).
    each: std::collections::HashMap<Kind, Arc<Notify>>,
}

impl Pollers {
    pub fn start(
        source: Arc<dyn Source>,
        kinds: Vec<Kind>,
        intervals: &Intervals,
        (env, generation): (usize, u64),
        limit: crate::collect::Limit,
        tx: mpsc::Sender<Action>,
    ) -> Pollers {
        let refresh = Arc::new(Notify::new());
        let mut tasks = JoinSet::new();
        let mut each = std::collections::HashMap::new();
        for kind in kinds {
            let base = intervals.get(kind);
            let mine = Arc::new(Notify::new());
            each.insert(kind, Arc::clone(&mine));
            let (source, tx, refresh, limit) = (source.clone(), tx.clone(), refresh.clone(), limit.clone());
            tasks.spawn(async move {
                let mut interval = base;
                loop {
                    let result = {
                        // A closed semaphore never happens (it is never closed); fetch anyway.
                        let _permits = limit.acquire().await;
                        source.fetch_kind(kind).await
                    };
                    interval = next_interval(interval, base, result.as_ref().err().is_some_and(|e| e.throttled));
                    let at = jiff::Timestamp::now();
                    let msg = Fetched { env, generation, kind, result, at, calls: source.call_stats() };
                    if tx.send(Action::Fetched(Box::new(msg))).await.is_err() {
                        return; // the console is gone
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(crate::collect::jittered(interval, env, kind as u64)) => {}
                        _ = refresh.notified() => {}
                        _ = mine.notified() => {}
                    }
                }
            });
        }
        Pollers { tasks, refresh, each }
    }

    /// Fetch these kinds now (a change touched them); the others keep their schedule.
    pub fn refresh_kinds(&self, kinds: &[Kind]) {
        for k in kinds {
            if let Some(n) = self.each.get(k) {
                // A permit is kept if the task is mid-fetch: it fetches again right after.
                n.notify_one();
            }
        }
    }

    /// Fetch every kind now (each task skips the rest of its sleep).
    pub fn refresh_now(&self) {
        self.refresh.notify_waiters();
    }

    pub fn stop(mut self) {
        self.tasks.abort_all();
    }
}

/// Double the wait after throttling, back to the configured interval after a success.
pub fn next_interval(current: Duration, base: Duration, throttled: bool) -> Duration {
    if throttled { (current * 2).clamp(base, BACKOFF_CAP.max(base)) } else { base }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_a_tenth_and_spreads_environments() {
        let base = Duration::from_secs(60);
        let waits: Vec<Duration> =
            (0..200).map(|env| crate::collect::jittered(base, env, Kind::SecurityGroups as u64)).collect();
        assert!(waits.iter().all(|w| *w >= Duration::from_secs(54) && *w <= Duration::from_secs(66)), "{waits:?}");
        let distinct: std::collections::BTreeSet<_> = waits.iter().collect();
        assert!(distinct.len() > 150, "200 environments spread: {} distinct waits", distinct.len());
        assert_eq!(crate::collect::jittered(Duration::from_millis(5), 3, Kind::Vpcs as u64), Duration::from_millis(5));
    }

    #[test]
    fn throttling_backs_off_and_recovers() {
        let base = Duration::from_secs(60);
        let a = next_interval(base, base, true);
        assert_eq!(a, Duration::from_secs(120));
        let b = next_interval(Duration::from_secs(480), base, true);
        assert_eq!(b, BACKOFF_CAP);
        assert_eq!(next_interval(b, base, true), BACKOFF_CAP);
        assert_eq!(next_interval(b, base, false), base);
    }
}
