//! Collect: fetch a source's kinds into one snapshot, concurrently, within the user's
//! bound; and the estate, several designs at once. Generic over `model::source::Source`,
//! so the live AWS adapter and the demo replay are collected by the same code.

pub mod bucket;
pub mod estate;
pub mod events;
pub mod history;
pub mod org;

use crate::cli::AwsArgs;
use aws::{AccountGuard, Aws, AwsOptions};
use engine::design::Design;
use model::source::{FetchError, Source, deadline_message};
use model::{Kind, KindStatus, Snapshot};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Kinds fetched at once per account, over every environment of that account. AWS
/// throttles per account and region; a handful in flight keeps a refresh quick without
/// bursting (each kind is itself several paged calls in sequence).
pub const PER_ACCOUNT_IN_FLIGHT: usize = 4;

/// Kinds fetched at once over every account: an estate of 200 environments must not open
/// 800 connections at once from one machine (and through one NAT), whatever the accounts.
pub const ALL_IN_FLIGHT: usize = 32;

/// Shared limits of calls in flight: one per account (or per profile while the account is
/// unknown), and one over all of them.
#[derive(Clone)]
pub struct Budget {
    limits: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    global: Arc<Semaphore>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { limits: Arc::default(), global: Arc::new(Semaphore::new(ALL_IN_FLIGHT)) }
    }
}

/// The two limits a fetch waits for: its account's and the global one.
#[derive(Clone)]
pub struct Limit {
    account: Arc<Semaphore>,
    global: Arc<Semaphore>,
}

impl Limit {
    /// Wait for a slot of the account, then of the whole estate (in that order, so an
    /// account at its limit does not hold global slots while it waits).
    pub async fn acquire(
        &self,
    ) -> (Option<tokio::sync::SemaphorePermit<'_>>, Option<tokio::sync::SemaphorePermit<'_>>) {
        let account = self.account.acquire().await.ok();
        let global = self.global.acquire().await.ok();
        (account, global)
    }
}

impl Budget {
    /// The limit for one account key; environments of the same account get the same one.
    pub fn for_account(&self, key: &str) -> Limit {
        let mut map = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        let account =
            map.entry(key.to_string()).or_insert_with(|| Arc::new(Semaphore::new(PER_ACCOUNT_IN_FLIGHT))).clone();
        Limit { account, global: Arc::clone(&self.global) }
    }
}

/// The wait before the next fetch, moved by up to a tenth of it either way, differently
/// for each environment and kind (`salt`): 200 environments connected in the same second then
/// spread their refreshes instead of calling AWS together on every beat. The clock's
/// nanoseconds vary it between cycles too.
pub fn jittered(interval: Duration, env: usize, salt: u64) -> Duration {
    let spread = interval.as_millis() as u64 / 10;
    if spread == 0 {
        return interval;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    // A small mix (splitmix64) of the environment, the kind and the clock.
    let mut x = (env as u64) << 32 ^ salt << 16 ^ u64::from(nanos);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    let offset = x % (2 * spread + 1);
    Duration::from_millis((interval.as_millis() as u64).saturating_sub(spread) + offset)
}

/// The one async runtime a headless command builds.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// AWS options from flags over the design's defaults.
pub fn aws_options(design: &Design, args: &AwsArgs) -> AwsOptions {
    let region = args.region.clone().unwrap_or_else(|| design.environment.region.clone());
    let mut opts = AwsOptions::new(region);
    opts.profile = args.profile.clone().or_else(|| design.environment.profile.clone());
    opts.endpoint_url = args.endpoint_url.clone();
    opts.operation_timeout = Duration::from_secs(args.timeout.max(1));
    opts.history_rate = args.history_rate;
    // An environment of an organisation: act in its account through the org's role.
    if let (Some(org), Some(account)) = (&design.environment.org, &design.environment.account_id) {
        opts.assume = Some(aws::AssumeRole::new(account, &org.role_name, org.external_id.clone()));
    }
    // A longer --timeout must also let each attempt run longer, or a slow (large) page
    // would still fail after max_attempts short tries.
    opts.attempt_timeout = opts.attempt_timeout.max(opts.operation_timeout / opts.max_attempts.max(1));
    opts
}

/// The design's account guard.
pub fn guard(design: &Design) -> AccountGuard {
    AccountGuard {
        expected: design.environment.account_id.clone(),
        design: design.source.clone(),
        environment: design.environment.name.clone(),
    }
}

/// Connect for a design and refuse credentials of another account than it names.
pub async fn connect(design: &Design, args: &AwsArgs) -> Result<Aws, String> {
    aws::connect_checked(&aws_options(design, args), &guard(design), None).await
}

/// One environment's inventory, fetched live within the one `--timeout` bound.
pub fn fetch(design: &Design, args: &AwsArgs, kinds: &[Kind]) -> Result<Snapshot, String> {
    let rt = runtime()?;
    let kinds = kinds.to_vec();
    let mut out = rt.block_on(estate::fetch_estate(std::slice::from_ref(design), args, None, |_| kinds.clone()));
    match out.pop() {
        Some(Ok((snap, _))) => Ok(snap),
        Some(Err(e)) => Err(e),
        None => Err("no environment was fetched".into()),
    }
}

/// Fetch the given kinds concurrently into one snapshot. A failing kind is recorded
/// as failed with its error; it never stops the others.
pub async fn fetch_all(source: &dyn Source, kinds: &[Kind]) -> Snapshot {
    fetch_all_by(source, kinds, None, None).await
}

/// `fetch_all`, with at most the limit's permits of kinds in flight: environments of one
/// account share one limit so the account's API budget is not burst.
pub async fn fetch_all_limited(source: &dyn Source, kinds: &[Kind], limit: Option<Limit>) -> Snapshot {
    fetch_all_by(source, kinds, None, limit).await
}

/// `fetch_all` inside one bound set by the user (`--timeout`): every kind, however many
/// calls it makes, ends by `deadline`; a kind cut off there fails with a message that
/// names the bound that really applied. Kinds that finished in time keep their data.
pub async fn fetch_all_within(
    source: &dyn Source,
    kinds: &[Kind],
    deadline: tokio::time::Instant,
    bound: std::time::Duration,
    limit: Option<Limit>,
) -> Snapshot {
    fetch_all_by(source, kinds, Some((deadline, bound)), limit).await
}

async fn fetch_all_by(
    source: &dyn Source,
    kinds: &[Kind],
    bound: Option<(tokio::time::Instant, std::time::Duration)>,
    limit: Option<Limit>,
) -> Snapshot {
    let futs = kinds.iter().map(|k| {
        let limit = limit.clone();
        async move {
            let work = async {
                // Waiting for the account's budget counts against the bound too.
                let _permits = match &limit {
                    Some(l) => Some(l.acquire().await),
                    None => None,
                };
                source.fetch_kind(*k).await
            };
            let result = match bound {
                None => work.await,
                Some((deadline, max)) => match tokio::time::timeout_at(deadline, work).await {
                    Ok(r) => r,
                    Err(_) => Err(FetchError::new(deadline_message(k.as_str(), max))),
                },
            };
            (*k, result)
        }
    });
    let results = futures::future::join_all(futs).await;
    let mut snap = Snapshot::new(source.region());
    snap.account = source.account();
    let now = jiff::Timestamp::now();
    snap.taken_at = Some(now);
    for (kind, result) in results {
        match result {
            Ok(mut part) => {
                let count = part.len_of(kind);
                snap.take_kind_from(kind, &mut part);
                snap.inventory.insert(kind, KindStatus::ok(now, count));
            }
            Err(e) => {
                snap.inventory.insert(kind, KindStatus::failed(e.message));
            }
        }
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_global_limit_holds_across_accounts() {
        let budget = Budget::default();
        let limits: Vec<Limit> = (0..ALL_IN_FLIGHT + 1).map(|i| budget.for_account(&format!("{i:012}"))).collect();
        let held: Vec<_> = limits.iter().take(ALL_IN_FLIGHT).map(|l| l.global.clone().try_acquire_owned()).collect();
        assert!(held.iter().all(Result::is_ok));
        let last = &limits[ALL_IN_FLIGHT];
        let waited = tokio::time::timeout(std::time::Duration::from_millis(50), last.acquire()).await;
        assert!(waited.is_err(), "a new account waits for a global slot");
        drop(held);
        let (a, g) = last.acquire().await;
        assert!(a.is_some() && g.is_some());
    }

    #[test]
    fn environments_of_one_account_share_one_limit() {
        let budget = Budget::default();
        let a = budget.for_account("111111111111");
        let b = budget.for_account("111111111111");
        let c = budget.for_account("222222222222");
        assert!(Arc::ptr_eq(&a.account, &b.account));
        assert!(!Arc::ptr_eq(&a.account, &c.account));
        assert!(Arc::ptr_eq(&a.global, &c.global), "one global limit over every account");
        let held: Vec<_> =
            (0..PER_ACCOUNT_IN_FLIGHT).filter_map(|_| a.account.clone().try_acquire_owned().ok()).collect();
        assert_eq!(held.len(), PER_ACCOUNT_IN_FLIGHT);
        assert!(b.account.clone().try_acquire_owned().is_err(), "the second environment waits on the same budget");
        assert!(c.account.clone().try_acquire_owned().is_ok(), "another account is not held back");
    }
}
