//! The drift engine: a pure function from (design, snapshot) to a report of findings.
//!
//! `context.rs` resolves the snapshot against the design once (scope, tiers, roles,
//! which route table serves which subnet); each rule in `rules/` reads that context
//! and emits findings. A rule whose inventory is unknown is replaced by
//! `inventory.unavailable`: unknown is never reported as a pass.

mod context;
mod finding;
mod incremental;
pub mod netset;
pub mod rules;

pub use context::{Context, Index, Within};
pub use finding::*;
pub use incremental::Evaluator;

use crate::design::Design;
use crate::model::{Kind, KindStatus, Snapshot};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

pub use crate::catalogue::RULE_IDS;

/// The result of one evaluation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub environment: String,
    pub account: Option<String>,
    pub region: String,
    pub generated_at: Option<Timestamp>,
    pub inventory: BTreeMap<Kind, KindStatus>,
    /// Active findings, sorted by severity (critical first), rule, resource.
    pub findings: Vec<Finding>,
    /// Findings silenced by an unexpired mute; kept so nothing is lost.
    pub muted: Vec<Finding>,
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
    // Every rule once, then the findings move (not copy) into the report.
    Evaluator::new(design, snapshot).into_report_at(design, snapshot, now)
}

/// Turn raw rule output into a report: unavailable kinds, severity overrides, mutes,
/// order. Shared by `evaluate_at` and the incremental `Evaluator`.
fn assemble(
    design: &Design,
    snapshot: &Snapshot,
    mut raw: Vec<Finding>,
    unavailable: BTreeSet<Kind>,
    now: Timestamp,
) -> Report {
    for kind in &unavailable {
        raw.push(rules::inventory_unavailable::finding(*kind, &snapshot.status(*kind)));
    }

    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut findings = Vec::new();
    let mut muted = Vec::new();
    for mut f in raw {
        if let Some(sev) = design.severity.get(&f.rule) {
            f.severity = *sev;
        }
        let mute = design.mutes.iter().find(|m| m.rule == f.rule && m.resource.is_match(&f.resource));
        match mute {
            Some(m) if m.expires.is_none_or(|d| d >= today) => {
                f.note = Some(format!("muted: {}", m.reason));
                muted.push(f);
            }
            Some(m) => {
                let when = m.expires.map(|d| d.to_string()).unwrap_or_default();
                f.note = Some(format!("mute expired on {when} (was: {})", m.reason));
                findings.push(f);
            }
            None => findings.push(f),
        }
    }
    findings.sort_by(Finding::order);
    findings.dedup();
    muted.sort_by(Finding::order);
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

/// The kinds a design needs fetched: those read by the rules it switches on.
pub fn needed_kinds(design: &Design) -> BTreeSet<Kind> {
    let mut kinds: BTreeSet<Kind> = rules::catalogue()
        .iter()
        .filter(|r| r.applies(design))
        .flat_map(|r| r.needs().iter().chain(r.reads()).copied())
        .collect();
    if !design.reach.is_empty() {
        kinds.extend(crate::reach::assert::NEEDED.iter().copied());
    }
    kinds
}
