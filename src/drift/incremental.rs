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
    /// It ran: its raw findings (before severity overrides and mutes).
    Ran(Vec<Finding>),
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
        let total = self.outcomes.iter().map(|o| if let Outcome::Ran(f) = o { f.len() } else { 0 }).sum();
        let mut raw = Vec::with_capacity(total);
        let mut unavailable: BTreeSet<Kind> = BTreeSet::new();
        for outcome in &self.outcomes {
            match outcome {
                Outcome::Off => {}
                Outcome::Missing(kinds) => unavailable.extend(kinds.iter().copied()),
                Outcome::Ran(found) => raw.extend(found.iter().cloned()),
            }
        }
        super::assemble(design, snap, raw, unavailable, now)
    }
}

impl Evaluator {
    /// The report at `now`, consuming the evaluator: the findings move into the report
    /// instead of being copied (what a one-off `evaluate` wants).
    pub fn into_report_at(self, design: &Design, snap: &Snapshot, now: Timestamp) -> Report {
        let mut raw = Vec::new();
        let mut unavailable: BTreeSet<Kind> = BTreeSet::new();
        for outcome in self.outcomes {
            match outcome {
                Outcome::Off => {}
                Outcome::Missing(kinds) => unavailable.extend(kinds),
                Outcome::Ran(found) if raw.is_empty() => raw = found,
                Outcome::Ran(found) => raw.extend(found),
            }
        }
        super::assemble(design, snap, raw, unavailable, now)
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
    // Not pre-sorted here: measured, sorting each rule's findings once made every report
    // slower (its copies then read the findings' strings out of allocation order).
    Outcome::Ran(out)
}
