//! The estate headless: several designs (environments) fetched concurrently, each with
//! its own profile, region and account guard, kinds of one account sharing one limit of
//! calls in flight. One environment failing never stops the others.

use super::{Budget, aws_options, fetch_all_within, guard};
use crate::cli::{AwsArgs, HistoryArgs};
use engine::design::Design;
use model::history::{History, HistoryStatus};
use model::source::Source;
use model::{Kind, Snapshot};
use std::time::Duration;

/// Fetch `kinds(design)` for every design at once. The result is in design order: a
/// snapshot, or the one-line reason the environment could not be reached.
pub async fn fetch_estate(
    designs: &[Design],
    args: &AwsArgs,
    history: Option<&HistoryArgs>,
    kinds: impl Fn(&Design) -> Vec<Kind>,
) -> Vec<Result<(Snapshot, Option<History>), String>> {
    let budget = Budget::default();
    let futs = designs.iter().map(|design| {
        let kinds = kinds(design);
        let budget = budget.clone();
        async move {
            // One bound per environment for everything: connecting, the identity lookup
            // and every call of every kind (`--timeout`).
            let bound = Duration::from_secs(args.timeout.max(1));
            let deadline = tokio::time::Instant::now() + bound;
            let aws = aws::connect_checked(&aws_options(design, args), &guard(design), Some((deadline, bound)))
                .await
                .map_err(|e| with_env(design, designs.len(), &e))?;
            let key = aws.account().or_else(|| design.environment.account_id.clone()).unwrap_or_else(|| {
                format!("profile:{}", args.profile.as_deref().or(design.environment.profile.as_deref()).unwrap_or(""))
            });
            let inventory = fetch_all_within(&aws, &kinds, deadline, bound, Some(budget.for_account(&key)));
            // History runs beside the inventory on the same connection and never holds it
            // back; with `--no-history` (or for snapshots) it is not read at all.
            let (snap, history) = match history.filter(|h| !h.no_history) {
                Some(h) => {
                    let prefix = design.alarms.as_ref().and_then(|a| a.prefix.as_deref());
                    let past = aws.history(prefix, h.since.start(jiff::Timestamp::now()));
                    // History lives within the same one bound: a hung endpoint ends it too.
                    let past = async {
                        tokio::time::timeout_at(deadline, past).await.unwrap_or_else(|_| History {
                            window_start: None,
                            events: Vec::new(),
                            transitions: Vec::new(),
                            problems: vec![(
                                "cloudtrail".into(),
                                HistoryStatus::Unavailable(model::source::deadline_message("history", bound)),
                            )],
                            ..Default::default()
                        })
                    };
                    let (snap, past) = futures::join!(inventory, past);
                    (snap, Some(past))
                }
                None => (inventory.await, None),
            };
            let (calls, errors) = aws.call_stats();
            tracing::info!(environment = %design.environment.name, calls, errors, "inventory fetched");
            Ok((snap, history))
        }
    });
    futures::future::join_all(futs).await
}

/// With several environments, say which one an error belongs to.
fn with_env(design: &Design, n: usize, e: &str) -> String {
    if n > 1 { format!("{}: {e}", design.environment.name) } else { e.to_string() }
}
