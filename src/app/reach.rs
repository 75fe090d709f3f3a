//! The console's reachability: every data change re-judges the `[[reach]]` assertions of
//! the whole estate (a pure computation, `ReachState::compute`), keeps the Reach pane's
//! rows and merges each environment's reach findings into its report, so the Findings
//! pane shows them as `check` does. Nothing here runs while drawing.

use super::{App, EventKind, finding_key};
use crate::drift::Finding;
use std::collections::BTreeMap;

impl App {
    /// Judge the reach assertions and questions now, on this thread (headless `App`s, and
    /// when the questions or the environment on screen change).
    pub(super) fn recompute_reach(&mut self) {
        // A worker answer for the old questions or environment must not overwrite these rows.
        self.bg.reach_version += 1;
        let current = self.current.min(self.envs.len().saturating_sub(1));
        let per_env = self.reach.recompute(&self.envs, current);
        self.apply_reach_findings(per_env);
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
