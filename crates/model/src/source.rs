//! Where inventory comes from: the live AWS collectors or the demo replay.
//!
//! The live loop and `snapshot`/`check` only see this trait, so the console runs the
//! same code over AWS and over the built-in demo.

use crate::{Kind, Snapshot};
use futures_core::future::BoxFuture;
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

/// The one-line error of a kind cut off by the overall bound.
pub fn deadline_message(what: &str, bound: std::time::Duration) -> String {
    format!(
        "{what}: no answer within --timeout {}s, the bound on the whole fetch (identity lookup and every call of every kind); raise --timeout for a slow endpoint",
        bound.as_secs()
    )
}
