//! Client-side rate limit for history calls. LookupEvents allows 2 requests/s per
//! account and region, shared with every other tool in the account: driftdeck never
//! bursts, every history call of one account waits its turn here.

use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

pub const DEFAULT_RATE: f64 = 1.0;

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// `per_second` requests per second at most (values at or below zero mean the default).
    pub fn new(per_second: f64) -> Self {
        let rate = if per_second.is_finite() && per_second > 0.0 { per_second } else { DEFAULT_RATE };
        RateLimiter { interval: Duration::from_secs_f64(1.0 / rate), next: Mutex::new(None) }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Wait for the next slot. Slots are handed out in order, one interval apart.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Push the next slot back after a throttling answer: the account is busy.
    pub async fn back_off(&self, by: Duration) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        *next = Some(next.map_or(now, |n| n.max(now)) + by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn concurrent_callers_are_spaced_one_interval_apart() {
        let limit = Arc::new(RateLimiter::new(20.0));
        let start = Instant::now();
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let l = limit.clone();
                tokio::spawn(async move {
                    l.wait().await;
                    Instant::now()
                })
            })
            .collect();
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.expect("task"));
        }
        times.sort();
        // Six calls at 20/s: the last one no earlier than 5 intervals (250 ms) after the first.
        assert!(times[5] - start >= Duration::from_millis(245), "{:?}", times[5] - start);
        for w in times.windows(2) {
            assert!(w[1] - w[0] >= Duration::from_millis(45), "{:?}", w[1] - w[0]);
        }
    }

    #[test]
    fn nonsense_rates_fall_back_to_the_default() {
        assert_eq!(RateLimiter::new(0.0).interval(), Duration::from_secs(1));
        assert_eq!(RateLimiter::new(f64::NAN).interval(), Duration::from_secs(1));
        assert_eq!(RateLimiter::new(2.0).interval(), Duration::from_millis(500));
    }
}
