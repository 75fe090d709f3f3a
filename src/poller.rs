//! Background polling: one task per kind and environment on its own interval, sending
//! results to the UI through a bounded channel, tagged with the environment and the
//! generation they were started for. Throttling doubles that kind's interval (up to a cap)
//! instead of hammering the account, and kinds of the same account share one limit of
//! calls in flight (`Budget`), so ten environments in one account do not hammer it.

use crate::action::{Action, Fetched};
use crate::config::Intervals;
use crate::model::Kind;
use crate::source::Source;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio::task::JoinSet;

/// The longest a throttled kind waits between polls.
const BACKOFF_CAP: Duration = Duration::from_secs(600);

/// Kinds fetched at once per account, over every environment of that account. AWS
/// throttles per account and region; a handful in flight keeps a refresh quick without
/// bursting (each kind is itself several paged calls in sequence).
pub const PER_ACCOUNT_IN_FLIGHT: usize = 4;

/// Shared limits of calls in flight, one semaphore per account (or per profile while the
/// account is unknown).
#[derive(Clone, Default)]
pub struct Budget {
    limits: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl Budget {
    /// The limit for one account key; environments of the same account get the same one.
    pub fn for_account(&self, key: &str) -> Arc<Semaphore> {
        let mut map = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.to_string()).or_insert_with(|| Arc::new(Semaphore::new(PER_ACCOUNT_IN_FLIGHT))).clone()
    }
}

/// The running pollers of one environment and generation; dropping it stops them all.
pub struct Pollers {
    tasks: JoinSet<()>,
    refresh: Arc<Notify>,
}

impl Pollers {
    pub fn start(
        source: Arc<dyn Source>,
        kinds: Vec<Kind>,
        intervals: &Intervals,
        (env, generation): (usize, u64),
        limit: Arc<Semaphore>,
        tx: mpsc::Sender<Action>,
    ) -> Pollers {
        let refresh = Arc::new(Notify::new());
        let mut tasks = JoinSet::new();
        for kind in kinds {
            let base = intervals.get(kind);
            let (source, tx, refresh, limit) = (source.clone(), tx.clone(), refresh.clone(), limit.clone());
            tasks.spawn(async move {
                let mut interval = base;
                loop {
                    let result = {
                        // A closed semaphore never happens (it is never closed); fetch anyway.
                        let _permit = limit.acquire().await.ok();
                        source.fetch_kind(kind).await
                    };
                    interval = next_interval(interval, base, result.as_ref().err().is_some_and(|e| e.throttled));
                    let at = jiff::Timestamp::now();
                    let msg = Fetched { env, generation, kind, result, at, calls: source.call_stats() };
                    if tx.send(Action::Fetched(Box::new(msg))).await.is_err() {
                        return; // the console is gone
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(interval) => {}
                        _ = refresh.notified() => {}
                    }
                }
            });
        }
        Pollers { tasks, refresh }
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
    fn environments_of_one_account_share_one_limit() {
        let budget = Budget::default();
        let a = budget.for_account("111111111111");
        let b = budget.for_account("111111111111");
        let c = budget.for_account("222222222222");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        let held: Vec<_> = (0..PER_ACCOUNT_IN_FLIGHT).filter_map(|_| a.clone().try_acquire_owned().ok()).collect();
        assert_eq!(held.len(), PER_ACCOUNT_IN_FLIGHT);
        assert!(b.clone().try_acquire_owned().is_err(), "the second environment waits on the same budget");
        assert!(c.clone().try_acquire_owned().is_ok(), "another account is not held back");
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
