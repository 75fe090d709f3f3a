//! Incremental evaluation: an `Evaluator` keeps the snapshot's `Index` and every rule's
//! last findings, so when one kind of inventory changes only the rules that read it
//! run again and the report is re-assembled from the rest. `evaluate` is this with
//! every rule run once.

use super::context::{Context, Index};
use super::rules::Part;
use super::{Finding, Findings, Report, rules};
use crate::design::Design;
use jiff::Timestamp;
use model::{Kind, Snapshot};
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
    /// How many threads run rules (see `run_many`).
    threads: usize,
}

impl Evaluator {
    /// Index the snapshot and run every rule once, on two threads when the machine has
    /// two cores or more. (With the system allocator a second thread measured 7% slower
    /// on two cores; with mimalloc, and the largest rule split in two, it is about a third
    /// faster there: see the README's benchmarks.)
    pub fn new(design: &Design, snap: &Snapshot) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::with_threads(design, snap, if cores >= 2 { 2 } else { 1 })
    }

    /// As `new`, running rules on at most `threads` threads (1: all on this thread).
    pub fn with_threads(design: &Design, snap: &Snapshot, threads: usize) -> Self {
        let index = Arc::new(index(design, snap, threads));
        let cx = Context::with_index(design, snap, &index);
        let all: Vec<usize> = (0..rules::catalogue().len()).collect();
        let mut outcomes = vec![Outcome::Off; all.len()];
        for (i, outcome) in run_many(&all, &cx, threads) {
            outcomes[i] = outcome;
        }
        Evaluator { index, outcomes, threads }
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
            self.index = Arc::new(index(design, snap, self.threads));
        }
        let cx = Context::with_index(design, snap, &self.index);
        // `reads()` too: a rule judges prefix-list peers item by item (see rules/mod.rs).
        let stale: Vec<usize> = (rules::catalogue().iter().enumerate())
            .filter(|(_, r)| r.needs().contains(&kind) || r.reads().contains(&kind))
            .map(|(i, _)| i)
            .collect();
        for (i, outcome) in run_many(&stale, &cx, self.threads) {
            self.outcomes[i] = outcome;
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

/// Small snapshots are indexed and judged faster than a thread starts.
fn big(snap: &Snapshot) -> bool {
    snap.security_groups.len() + snap.route_tables.len() + snap.db_instances.len() >= 200
}

fn index(design: &Design, snap: &Snapshot, threads: usize) -> Index {
    if threads >= 2 && big(snap) { Index::new_on_two_threads(design, snap) } else { Index::new(design, snap) }
}

/// Run the catalogue rules at `which` on up to `threads` threads, at most two (rules are
/// pure and share the read-only context). On two threads a rule that splits
/// (`sg.flow-undeclared`, over half the work on a large account, and
/// `route.peering-forbidden`, the next largest) runs as two parts, one per thread, and
/// goes first, so neither thread is left with a large rule alone at the end.
fn run_many(which: &[usize], cx: &Context<'_>, threads: usize) -> Vec<(usize, Outcome)> {
    let catalogue = rules::catalogue();
    if threads < 2 || which.len() < 2 || !big(cx.snap) {
        return which.iter().map(|&i| (i, run(catalogue[i], cx, Part::WHOLE))).collect();
    }
    let mut units: Vec<(usize, Part)> = Vec::new();
    for &i in which {
        let of = if catalogue[i].splits() { 2 } else { 1 };
        units.extend((0..of).map(|index| (i, Part { index, of })));
    }
    units.sort_by_key(|(i, part)| (part.of == 1, !catalogue[*i].needs().contains(&Kind::SecurityGroups)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(&(i, part)) = units.get(k) else { break };
            done.push((i, part.index, run(catalogue[i], cx, part)));
        }
        done
    };
    let mut done = std::thread::scope(|s| {
        let other = std::thread::Builder::new().name("driftdeck-rules".into()).spawn_scoped(s, work);
        let mut done = work();
        match other {
            Ok(h) => match h.join() {
                Ok(theirs) => done.extend(theirs),
                // A rule panicked on the other thread: surface it here as the
                // single-threaded engine would.
                Err(p) => std::panic::resume_unwind(p),
            },
            // No thread to be had: this thread has already run every rule.
            Err(e) => tracing::debug!(error = %e, "rules ran on one thread"),
        }
        done
    });
    // Each rule's parts back together, in part order.
    done.sort_by_key(|(i, index, _)| (*i, *index));
    let mut out: Vec<(usize, Outcome)> = Vec::with_capacity(which.len());
    for (i, _, outcome) in done {
        match out.last_mut() {
            Some((last, joined)) if *last == i => join(joined, outcome),
            _ => out.push((i, outcome)),
        }
    }
    out
}

/// Append a later part's outcome to a rule's. Parts agree on `Off` and `Missing` (both
/// depend on the design and the snapshot alone); their findings, each sorted, are sorted
/// whole if the seam between them is.
fn join(joined: &mut Outcome, part: Outcome) {
    if let (Outcome::Ran(all), Outcome::Ran(more)) = (joined, part) {
        let seam_sorted = match (all.last(), more.first()) {
            (Some(a), Some(b)) => Finding::order(a, b) == std::cmp::Ordering::Less,
            _ => true,
        };
        all.extend(more);
        if !seam_sorted {
            all.sort_by(|a, b| Finding::order(a, b));
            all.dedup();
        }
    }
}

fn run(rule: &dyn rules::Rule, cx: &Context<'_>, part: Part) -> Outcome {
    if !rule.applies(cx.design) {
        return Outcome::Off;
    }
    let missing: Vec<Kind> = rule.needs().iter().copied().filter(|k| !cx.snap.usable(*k)).collect();
    if !missing.is_empty() {
        return Outcome::Missing(missing);
    }
    let mut out = Findings::default();
    if part == Part::WHOLE {
        rule.check(cx, &mut out);
    } else {
        rule.check_part(cx, part, &mut out);
    }
    let mut out = out.into_vec();
    debug_assert!(out.iter().all(|f| f.rule.as_str() == rule.id()), "{} emitted another rule's finding", rule.id());
    // The design's severity override, looked up once per run, not per finding.
    if let Some(sev) = cx.design.severity.get(rule.id()) {
        for f in out.iter_mut().filter(|f| f.severity != *sev) {
            Arc::make_mut(f).severity = *sev;
        }
    }
    // Sorted once here, so assembling a report only orders whole runs (see `assemble`).
    // Rules mostly emit in order already: one pass proves it (strictly increasing also
    // means no duplicates), and only a rule that did not pays for the sort.
    if !out.windows(2).all(|w| Finding::order(&w[0], &w[1]) == std::cmp::Ordering::Less) {
        out.sort_by(|a, b| Finding::order(a, b));
        out.dedup();
    }
    Outcome::Ran(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::{FindingBuilder, Severity};

    fn found(resource: &str) -> Arc<Finding> {
        Arc::new(FindingBuilder::new("sg.flow-undeclared", Severity::High, "security_group", resource).message("m"))
    }

    #[test]
    fn parts_joined_across_an_unsorted_seam_are_sorted_and_deduplicated() {
        let mut joined = Outcome::Ran(vec![found("sg-1"), found("sg-3")]);
        join(&mut joined, Outcome::Ran(vec![found("sg-2"), found("sg-3"), found("sg-4")]));
        let Outcome::Ran(all) = joined else { panic!("ran") };
        let ids: Vec<&str> = all.iter().map(|f| f.resource.as_str()).collect();
        assert_eq!(ids, ["sg-1", "sg-2", "sg-3", "sg-4"]);
        // A sorted seam is only appended.
        let mut joined = Outcome::Ran(vec![found("sg-1")]);
        join(&mut joined, Outcome::Ran(vec![found("sg-2")]));
        let Outcome::Ran(all) = joined else { panic!("ran") };
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn a_part_is_a_contiguous_share_and_the_parts_cover_every_item() {
        let items: Vec<u32> = (0..7).collect();
        let parts: Vec<&[u32]> = (0..3).map(|index| Part { index, of: 3 }.of_slice(&items)).collect();
        assert_eq!(parts.concat(), items);
        assert!(parts.iter().all(|p| p.len() >= 2));
        assert_eq!(Part::WHOLE.of_slice(&items), items.as_slice());
    }
}
