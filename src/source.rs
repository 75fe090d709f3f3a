//! Where inventory comes from: the live AWS collectors or the demo replay.
//!
//! The live loop and `snapshot`/`check` only see this trait, so the console runs the
//! same code over AWS and over the built-in demo.

use crate::model::{Kind, Snapshot};
use futures::future::BoxFuture;
use std::fmt;

/// Why one kind could not be fetched. One line, says what to fix where it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub message: String,
    /// The API throttled us (after the SDK's own retries): back off before the next poll.
    pub throttled: bool,
}

impl FetchError {
    pub fn new(message: impl Into<String>) -> Self {
        FetchError { message: message.into(), throttled: false }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FetchError {}

/// A source of inventory, one kind at a time.
pub trait Source: Send + Sync {
    /// Fetch every item of one kind. The returned snapshot holds only that kind's items
    /// (merge with `Snapshot::take_kind_from`).
    fn fetch_kind(&self, kind: Kind) -> BoxFuture<'_, Result<Snapshot, FetchError>>;

    /// Region the source reads.
    fn region(&self) -> &str;

    /// Account the source reads, when known.
    fn account(&self) -> Option<String>;

    /// API calls made so far (every page counts), and how many of them failed.
    fn call_stats(&self) -> (u64, u64);

    /// Change events and alarm transitions from `start` to now (alarms filtered by the
    /// design's `prefix`). A source without history says so: unavailable, never empty.
    fn history(&self, prefix: Option<String>, start: jiff::Timestamp) -> BoxFuture<'_, crate::history::History> {
        let _ = prefix;
        let unavailable = crate::history::HistoryStatus::Unavailable("this source has no history".into());
        let h = crate::history::History {
            window_start: Some(start),
            problems: vec![("cloudtrail".into(), unavailable.clone()), ("alarm-history".into(), unavailable)],
            ..Default::default()
        };
        Box::pin(async move { h })
    }
}

/// Fetch the given kinds concurrently into one snapshot. A failing kind is recorded
/// as failed with its error; it never stops the others.
pub async fn fetch_all(source: &dyn Source, kinds: &[Kind]) -> Snapshot {
    fetch_all_by(source, kinds, None, None).await
}

/// `fetch_all`, with at most the limit's permits of kinds in flight: environments of one
/// account share one limit so the account's API budget is not burst.
pub async fn fetch_all_limited(
    source: &dyn Source,
    kinds: &[Kind],
    limit: Option<std::sync::Arc<tokio::sync::Semaphore>>,
) -> Snapshot {
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
    limit: Option<std::sync::Arc<tokio::sync::Semaphore>>,
) -> Snapshot {
    fetch_all_by(source, kinds, Some((deadline, bound)), limit).await
}

/// The one-line error of a kind cut off by the overall bound.
pub fn deadline_message(what: &str, bound: std::time::Duration) -> String {
    format!(
        "{what}: no answer within --timeout {}s, the bound on the whole fetch (identity lookup and every call of every kind); raise --timeout for a slow endpoint",
        bound.as_secs()
    )
}

async fn fetch_all_by(
    source: &dyn Source,
    kinds: &[Kind],
    bound: Option<(tokio::time::Instant, std::time::Duration)>,
    limit: Option<std::sync::Arc<tokio::sync::Semaphore>>,
) -> Snapshot {
    let futs = kinds.iter().map(|k| {
        let limit = limit.clone();
        async move {
            let work = async {
                // Waiting for the account's budget counts against the bound too.
                let _permit = match &limit {
                    Some(l) => l.acquire().await.ok(),
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
                snap.inventory.insert(kind, crate::model::KindStatus::ok(now, count));
            }
            Err(e) => {
                snap.inventory.insert(kind, crate::model::KindStatus::failed(e.message));
            }
        }
    }
    snap
}
