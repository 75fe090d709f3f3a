//! The estate headless: several designs (environments) fetched concurrently, each with
//! its own profile, region and account guard, kinds of one account sharing one limit of
//! calls in flight. One environment failing never stops the others.

use super::{Budget, aws_options, fetch_all_within, guard};
use crate::cli::{AwsArgs, HistoryArgs};
use engine::design::Design;
use engine::drift::Report;
use model::history::History;
use model::source::Source;
use model::{Kind, Snapshot};
use std::time::Duration;

/// Fetch `kinds(design)` for every design at once. The result is in design order: a
/// snapshot (with history, the history of its findings and the report they come from),
/// or the one-line reason the environment could not be reached.
pub async fn fetch_estate(
    designs: &[Design],
    args: &AwsArgs,
    history: Option<&HistoryArgs>,
    kinds: impl Fn(&Design) -> Vec<Kind>,
) -> Vec<Result<(Snapshot, Option<(History, Report)>), String>> {
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
            let snap = inventory.await;
            // History of what the report names, after the inventory (it needs the
            // findings), on the same connection, within the history budget and the same
            // one bound; the report goes back with it so the caller does not evaluate
            // again. With `--no-history` (or for snapshots) it is not read at all.
            let history = match history.filter(|h| !h.no_history) {
                Some(h) => {
                    let report = engine::drift::evaluate(design, &snap);
                    let budget = tokio::time::Instant::now() + Duration::from_secs(h.history_budget);
                    let start = h.since.start(jiff::Timestamp::now());
                    let past = super::history::of_report(&aws, design, &report, start, budget.min(deadline)).await;
                    Some((past, report))
                }
                None => None,
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
