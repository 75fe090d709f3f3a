//! The drift engine: a pure function from (design, snapshot) to a report of findings.
//!
//! `context.rs` resolves the snapshot against the design once (scope, tiers, roles,
//! which route table serves which subnet); each rule in `rules/` reads that context
//! and emits findings. A rule whose inventory is unknown is replaced by
//! `inventory.unavailable`: unknown is never reported as a pass.

mod context;
mod evidence;
mod finding;
mod incremental;
pub mod netset;
pub mod rules;
mod text;

pub use context::{Context, Index, TableTiers, TierSubnets, Within};
pub use finding::*;
pub use incremental::Evaluator;

use crate::design::Design;
use jiff::Timestamp;
use model::{Kind, KindStatus, Snapshot};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use crate::catalogue::RULE_IDS;

/// The result of one evaluation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub environment: String,
    pub account: Option<String>,
    pub region: String,
    pub generated_at: Option<Timestamp>,
    pub inventory: BTreeMap<Kind, KindStatus>,
    /// Active findings, sorted by severity (critical first), rule, resource. Shared with
    /// the evaluator that made them, so a report costs no copy of its findings.
    #[serde(with = "shared")]
    pub findings: Vec<Arc<Finding>>,
    /// Findings silenced by an unexpired mute; kept so nothing is lost.
    #[serde(with = "shared")]
    pub muted: Vec<Arc<Finding>>,
    /// Kinds the design needs that could not be fetched.
    pub unavailable: Vec<Kind>,
}

impl Report {
    pub fn count_at_or_above(&self, threshold: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity >= threshold).count()
    }

    pub fn counts(&self) -> BTreeMap<Severity, usize> {
        let mut m = BTreeMap::new();
        for f in &self.findings {
            *m.entry(f.severity).or_insert(0) += 1;
        }
        m
    }
}

/// Evaluate at the snapshot's own time (mute expiry is judged against it), so the
/// same inputs always give the same report.
pub fn evaluate(design: &Design, snapshot: &Snapshot) -> Report {
    evaluate_at(design, snapshot, snapshot.taken_at.unwrap_or(Timestamp::UNIX_EPOCH))
}

/// Evaluate with an explicit "now" for mute expiry.
pub fn evaluate_at(design: &Design, snapshot: &Snapshot, now: Timestamp) -> Report {
    Evaluator::new(design, snapshot).report_at(design, snapshot, now)
}

/// Turn the rules' sorted runs into a report: unavailable kinds, mutes, order. Shared by
/// `evaluate_at` and the incremental `Evaluator`. Each run is one rule's findings, sorted
/// and with the design's severity overrides applied; a run splits into one segment per
/// severity, and since a (severity, rule) pair belongs to one run, putting the segments
/// in report order is the whole sort: findings are shared (`Arc`), never copied.
fn assemble<'r>(
    design: &Design,
    snapshot: &Snapshot,
    runs: impl Iterator<Item = &'r [Arc<Finding>]>,
    unavailable: BTreeSet<Kind>,
    now: Timestamp,
) -> Report {
    let mut extra: Vec<Arc<Finding>> = unavailable
        .iter()
        .map(|kind| Arc::new(rules::inventory_unavailable::finding(*kind, &snapshot.status(*kind))))
        .map(|f| overridden(design, f))
        .collect();
    extra.sort_by(|a, b| Finding::order(a, b));
    let mut all: Vec<&[Arc<Finding>]> = runs.collect();
    all.push(&extra);
    let mut segments: Vec<&[Arc<Finding>]> = Vec::new();
    let mut total = 0;
    for run in all {
        total += run.len();
        let mut rest = run;
        while let Some(first) = rest.first() {
            let n = rest.iter().take_while(|f| f.severity == first.severity).count();
            let (seg, tail) = rest.split_at(n);
            segments.push(seg);
            rest = tail;
        }
    }
    let key = |s: &&[Arc<Finding>]| (std::cmp::Reverse(s[0].severity), s[0].rule.clone());
    segments.sort_by_cached_key(key);
    // Two segments with one key would mean two runs of one rule: then order them fully.
    let disjoint = segments.windows(2).all(|w| key(&w[0]) != key(&w[1]));

    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut findings = Vec::with_capacity(total);
    let mut muted = Vec::new();
    for f in segments.into_iter().flatten() {
        match mute(design, f, today) {
            Muting::None => findings.push(Arc::clone(f)),
            Muting::Muted(f) => muted.push(f),
            Muting::Expired(f) => findings.push(f),
        }
    }
    if !disjoint {
        findings.sort_by(|a, b| Finding::order(a, b));
        findings.dedup();
    }
    muted.sort_by(|a, b| Finding::order(a, b));
    Report {
        environment: design.environment.name.clone(),
        account: snapshot.account.clone(),
        region: snapshot.region.clone(),
        generated_at: snapshot.taken_at,
        inventory: snapshot.inventory.clone(),
        findings,
        muted,
        unavailable: unavailable.into_iter().collect(),
    }
}

/// A finding with the design's severity override for its rule (copied only when one applies).
pub fn overridden(design: &Design, mut f: Arc<Finding>) -> Arc<Finding> {
    if let Some(sev) = design.severity.get(f.rule.as_str())
        && f.severity != *sev
    {
        Arc::make_mut(&mut f).severity = *sev;
    }
    f
}

/// What the design's mutes make of one finding.
pub enum Muting {
    /// No mute names it: report it as it is.
    None,
    /// Silenced by an unexpired mute (the note says why).
    Muted(Arc<Finding>),
    /// A mute named it but has expired: reported, with a note saying so.
    Expired(Arc<Finding>),
}

/// Judge a finding against the design's mutes on `today`.
pub fn mute(design: &Design, f: &Arc<Finding>, today: jiff::civil::Date) -> Muting {
    let Some(m) = design.mutes.iter().find(|m| m.rule == f.rule && m.resource.is_match(f.resource.as_str())) else {
        return Muting::None;
    };
    let mut f = Arc::clone(f);
    match m.expires {
        Some(d) if d < today => {
            Arc::make_mut(&mut f).note = Some(format!("mute expired on {d} (was: {})", m.reason).into());
            Muting::Expired(f)
        }
        _ => {
            Arc::make_mut(&mut f).note = Some(format!("muted: {}", m.reason).into());
            Muting::Muted(f)
        }
    }
}

/// Insert findings into a report's sorted findings, keeping the order and dropping exact
/// duplicates. Each goes in by binary search: the few reach findings join a large report
/// without comparing every finding it holds.
pub fn merge_sorted(into: &mut Vec<Arc<Finding>>, more: Vec<Arc<Finding>>) {
    into.reserve(more.len());
    for f in more {
        let at = into.partition_point(|x| Finding::order(x, &f) == std::cmp::Ordering::Less);
        // Equal in order is not equal in content (the order ignores a few fields): look
        // at every neighbour that sorts equal before calling it a duplicate.
        let dup = into[at..].iter().take_while(|x| Finding::order(x, &f) == std::cmp::Ordering::Equal).any(|x| *x == f);
        if !dup {
            into.insert(at, f);
        }
    }
}

/// Shared findings read and written as plain JSON arrays of findings (serde's own `Arc`
/// support is a crate feature that would rebuild every serde user).
mod shared {
    use super::Finding;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::sync::Arc;

    pub fn serialize<S: Serializer>(v: &[Arc<Finding>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|f| &**f))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Arc<Finding>>, D::Error> {
        Ok(Vec::<Finding>::deserialize(d)?.into_iter().map(Arc::new).collect())
    }
}

/// The kinds the rules a design switches on read (`needed_kinds` adds reach's).
pub fn rule_kinds(design: &Design) -> BTreeSet<Kind> {
    rules::catalogue()
        .iter()
        .filter(|r| r.applies(design))
        .flat_map(|r| r.needs().iter().chain(r.reads()).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(sev: Severity, rule: &'static str, resource: &str, port: &str) -> Arc<Finding> {
        Arc::new(FindingBuilder::new(rule, sev, "security_group", resource).evidence("ports", port).message("m"))
    }

    #[test]
    fn merge_sorted_equals_sorting_everything_once() {
        let base = vec![
            f(Severity::Critical, "a", "sg-1", "22"),
            f(Severity::High, "b", "sg-1", "80"),
            f(Severity::High, "b", "sg-2", "80"),
            f(Severity::Low, "c", "sg-9", "1"),
        ];
        let more = vec![
            f(Severity::Info, "z", "sg-0", "1"),
            f(Severity::High, "b", "sg-1", "443"),
            f(Severity::Critical, "a", "sg-0", "22"),
            f(Severity::High, "b", "sg-2", "80"),
        ];
        let mut want: Vec<Arc<Finding>> = base.iter().chain(&more).cloned().collect();
        want.sort_by(|a, b| Finding::order(a, b));
        want.dedup();
        let mut got = base;
        merge_sorted(&mut got, more);
        assert_eq!(got, want);
        assert_eq!(got.len(), 7, "the duplicate sg-2/80 is kept once");
    }
}
