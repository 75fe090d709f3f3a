//! The console's reachability: every data change re-judges the `[[reach]]` assertions of
//! the whole estate (a pure computation, `ReachState::compute`), keeps the Reach pane's
//! rows and merges each environment's reach findings into its report, so the Findings
//! pane shows them as `check` does. Nothing here runs while drawing.

use super::worker::Work;
use super::{App, EventKind, finding_key};
use crate::drift::Finding;
use crate::view::reach::{Ask, Row};
use std::collections::BTreeMap;
use std::sync::mpsc::{SyncSender, TrySendError};

/// New reach questions, or another environment on screen, for the worker.
pub(super) struct ReachJob {
    pub asks: Vec<Ask>,
    pub current: usize,
    pub version: u64,
}

/// The worker's answer to a `ReachJob`: the Reach pane's rows for the questions and the
/// environment it was asked with, and every environment's reach findings.
#[derive(Debug, Clone)]
pub struct ReachJudged {
    pub rows: Vec<Row>,
    pub findings: Vec<Vec<Finding>>,
    pub current: usize,
    pub version: u64,
}

impl App {
    /// The reach questions or the environment on screen changed: judge them again. With
    /// a worker the judging happens there (at scale it is tens of milliseconds the UI
    /// thread would not answer keys in) and the rows say "judging…" until the answer;
    /// headless `App`s judge now, on this thread.
    pub(super) fn recompute_reach(&mut self) {
        // A worker answer for the old questions or environment must not overwrite these rows.
        self.bg.reach_version += 1;
        let current = self.current.min(self.envs.len().saturating_sub(1));
        if self.bg.jobs.is_some() {
            self.reach.judging(current);
            self.bg.reach_wanted = true;
            self.flush_jobs();
            return;
        }
        let per_env = self.reach.recompute(&self.envs, current);
        self.apply_reach_findings(per_env);
    }

    /// Send the wanted reach job; false when the channel is full (it goes with the next
    /// answer or tick).
    pub(super) fn send_reach_job(&mut self, tx: &SyncSender<Work>) -> bool {
        if !self.bg.reach_wanted {
            return true;
        }
        let job = ReachJob {
            asks: self.reach.asks.clone(),
            current: self.current.min(self.envs.len().saturating_sub(1)),
            version: self.bg.reach_version,
        };
        match tx.try_send(Work::Reach(job)) {
            Ok(()) => {
                self.bg.reach_wanted = false;
                self.bg.reach_inflight += 1;
                true
            }
            Err(TrySendError::Full(_)) => false,
            Err(TrySendError::Disconnected(_)) => {
                // No worker left to answer: say so rather than judge forever.
                self.bg.reach_wanted = false;
                self.message = Some("the evaluation worker stopped: reach questions are not answered".into());
                false
            }
        }
    }

    /// The worker's answer to reach questions: shown unless newer questions (or another
    /// environment) replaced them; the findings hold either way (they judge the worker's
    /// newest snapshots, whatever was asked).
    pub(super) fn on_reach_judged(&mut self, r: ReachJudged) {
        self.bg.reach_inflight = self.bg.reach_inflight.saturating_sub(1);
        if r.version == self.bg.reach_version {
            self.reach.rows = r.rows;
            self.reach.env = Some(r.current);
        } else {
            tracing::debug!(version = r.version, now = self.bg.reach_version, "dropped a stale reach answer");
        }
        self.apply_reach_findings(r.findings);
        self.flush_jobs();
    }

    /// Each environment's new reach findings (by index), merged into its report; the
    /// findings that appear or clear are timeline lines.
    pub(super) fn apply_reach_findings(&mut self, per_env: Vec<Vec<Finding>>) {
        // While a kind the engine reads is still loading anywhere in the estate, an
        // unknown answer means "not fetched yet", as `inventory.unavailable` does.
        let loading = self.envs.iter().any(|e| crate::reach::assert::NEEDED.iter().any(|k| e.pending.contains(k)));
        let mut events = Vec::new();
        let mut changed = Vec::new();
        for (i, (env, mut new)) in self.envs.iter_mut().zip(per_env).enumerate() {
            if loading {
                new.retain(|f| f.rule != "reach.unknown");
            }
            if new == env.reach_findings {
                continue;
            }
            let old = std::mem::replace(&mut env.reach_findings, new);
            // The findings it shares with the base report stay alive: dropping it here is cheap.
            drop(env.merge_reach());
            changed.push(i);
            // Changes of the first picture are not events (as for the other findings).
            if !loading && env.pending.is_empty() {
                events.extend(changes(&old, &env.reach_findings).into_iter().map(|(k, f, text)| (i, k, f, text)));
            }
        }
        for (i, kind, f, text) in events {
            self.note_for(i, kind, Some(f.severity), text);
        }
        for i in changed {
            self.reattribute(i);
        }
    }
}

/// Reach findings that appeared or cleared between two judgements.
fn changes(old: &[Finding], new: &[Finding]) -> Vec<(EventKind, Finding, String)> {
    let keyed =
        |v: &[Finding]| -> BTreeMap<String, Finding> { v.iter().map(|f| (finding_key(f), f.clone())).collect() };
    let (before, after) = (keyed(old), keyed(new));
    let mut out = Vec::new();
    for (k, f) in &after {
        if !before.contains_key(k) {
            out.push((EventKind::FindingAppeared, f.clone(), format!("{} {}: {}", f.rule, f.resource, f.message)));
        }
    }
    for (k, f) in &before {
        if !after.contains_key(k) {
            out.push((EventKind::FindingCleared, f.clone(), format!("{} {} cleared", f.rule, f.resource)));
        }
    }
    out
}
