//! Incremental evaluation: an `Evaluator` keeps the snapshot's `Index` and every rule's
//! last findings, so when one kind of inventory changes only the rules that read it
//! run again and the report is re-assembled from the rest. `evaluate` is this with
//! every rule run once.

use super::context::{Context, Index};
use super::{Finding, Report, rules};
use crate::design::Design;
use crate::model::{Kind, Snapshot};
use jiff::Timestamp;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Kinds the `Index` is built from: a change to one of them rebuilds it.
const INDEX_KINDS: &[Kind] = &[Kind::Vpcs, Kind::Subnets, Kind::RouteTables, Kind::NatGateways, Kind::SecurityGroups];

/// What one catalogue rule produced at its last run.
#[derive(Debug, Clone)]
enum Outcome {
    /// The design does not switch the rule on.
    Off,
    /// A kind it needs is unknown: these kinds are reported as unavailable instead.
    Missing(Vec<Kind>),
    /// It ran: its findings, sorted, de-duplicated and with the design's severity
    /// override applied (mutes depend on the day, so they apply per report). Shared, so
    /// a report takes them without copying.
    Ran(Vec<Arc<Finding>>),
}

/// Holds the index and per-rule findings of one (design, snapshot) pair. The caller
/// owns the snapshot and calls `update(kind)` after every change to one kind (data or
/// status); `report` then equals `evaluate` of the current snapshot.
#[derive(Debug, Clone)]
pub struct Evaluator {
    /// Shared so the console can hand the same index to the UI thread without copying it.
    index: Arc<Index>,
    outcomes: Vec<Outcome>,
}

impl Evaluator {
    /// Index the snapshot and run every rule once.
    pub fn new(design: &Design, snap: &Snapshot) -> Self {
        let index = Arc::new(Index::new(design, snap));
        let cx = Context::with_index(design, snap, &index);
        let outcomes = rules::catalogue().iter().map(|r| run(*r, &cx)).collect();
        Evaluator { index, outcomes }
    }

    /// The index of the current snapshot, for panes that want a `Context` without
    /// rebuilding it (`Context::with_index`).
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The same index, shared (a reference count, no copy).
    pub fn shared_index(&self) -> Arc<Index> {
        Arc::clone(&self.index)
    }

    /// One kind changed (its items or its fetch status): re-index if the index reads
    /// it, and re-run only the rules whose `needs()` include it.
    pub fn update(&mut self, design: &Design, snap: &Snapshot, kind: Kind) {
        if INDEX_KINDS.contains(&kind) {
            self.index = Arc::new(Index::new(design, snap));
        }
        let cx = Context::with_index(design, snap, &self.index);
        for (rule, outcome) in rules::catalogue().iter().zip(self.outcomes.iter_mut()) {
            // `reads()` too: a rule judges prefix-list peers item by item (see rules/mod.rs).
            if rule.needs().contains(&kind) || rule.reads().contains(&kind) {
                *outcome = run(*rule, &cx);
            }
        }
    }

    /// The report at the snapshot's own time (as `evaluate`).
    pub fn report(&self, design: &Design, snap: &Snapshot) -> Report {
        self.report_at(design, snap, snap.taken_at.unwrap_or(Timestamp::UNIX_EPOCH))
    }

    /// The report with an explicit "now" for mute expiry (as `evaluate_at`).
    pub fn report_at(&self, design: &Design, snap: &Snapshot, now: Timestamp) -> Report {
        let mut unavailable: BTreeSet<Kind> = BTreeSet::new();
        for outcome in &self.outcomes {
            if let Outcome::Missing(kinds) = outcome {
                unavailable.extend(kinds.iter().copied());
            }
        }
        let runs = self.outcomes.iter().filter_map(|o| match o {
            Outcome::Ran(found) => Some(found.as_slice()),
            _ => None,
        });
        super::assemble(design, snap, runs, unavailable, now)
    }
}

fn run(rule: &dyn rules::Rule, cx: &Context<'_>) -> Outcome {
    if !rule.applies(cx.design) {
        return Outcome::Off;
    }
    let missing: Vec<Kind> = rule.needs().iter().copied().filter(|k| !cx.snap.usable(*k)).collect();
    if !missing.is_empty() {
        return Outcome::Missing(missing);
    }
    let mut out = Vec::new();
    rule.check(cx, &mut out);
    // Sorted once here, so assembling a report only orders whole runs (see `assemble`).
    let mut out: Vec<Arc<Finding>> = out.into_iter().map(|f| super::overridden(cx.design, Arc::new(f))).collect();
    out.sort_by(|a, b| Finding::order(a, b));
    out.dedup();
    Outcome::Ran(out)
}
