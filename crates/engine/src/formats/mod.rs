//! Every output format: `check`'s table and JSON (`check`), `plan`'s (`plan`), history
//! (`history`), reach answers (`reach`), and the CI formats shared by `check` and `plan`:
//! SARIF 2.1.0, JUnit XML and a Markdown pull-request summary.
//!
//! Every CI writer takes the same neutral `Doc`: a list of `Case`s (one per rule ×
//! resource, failing or passing) plus where the design lives, so a new command only has
//! to say what its cases are.

pub mod check;
pub mod history;
pub mod junit;
pub mod markdown;
pub mod plan;
pub mod reach;
pub mod rules;
pub mod sarif;

use crate::design::Design;
use crate::drift::{Context, Finding, Report, rules as drift_rules};
use model::Snapshot;
use std::collections::BTreeSet;

/// Outcome of one rule × resource check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// A finding; `status` says what kind (`drift`, `introduced`, `unchanged`).
    Fail {
        status: String,
    },
    /// The answer is unknown (inventory missing, or unknown until apply).
    Unknown {
        why: String,
    },
}

/// One rule × resource result.
#[derive(Debug, Clone)]
pub struct Case {
    pub rule: String,
    pub resource: String,
    pub outcome: Outcome,
    /// What the case is, for grouping: `drift`, `pass`, `introduced`, `fixed`,
    /// `unchanged`, `unknown until apply`, `unavailable`.
    pub status: String,
    pub finding: Option<Finding>,
    /// Extra lines: the planned changes that cause it, unknown attributes.
    pub notes: Vec<String>,
    /// Logical location besides the design clause, e.g. a Terraform address.
    pub logical: Option<String>,
}

/// What a writer needs: the design file (path as given, and its text for line numbers)
/// and the cases.
pub struct Doc<'a> {
    pub command: &'a str,
    pub design: &'a Design,
    pub design_text: String,
    pub cases: Vec<Case>,
}

impl<'a> Doc<'a> {
    pub fn new(command: &'a str, design: &'a Design, cases: Vec<Case>) -> Self {
        let design_text = std::fs::read_to_string(&design.source).unwrap_or_default();
        Doc { command, design, design_text, cases }
    }

    /// Line of the design clause a finding cites: `(line N)` when the clause carries it,
    /// else the line of the key or section it names, else 1 (a location is mandatory).
    pub fn clause_line(&self, f: &Finding) -> usize {
        let Some(clause) = &f.clause else { return section_line(&self.design_text, &f.rule) };
        if let Some(n) = clause.rsplit_once("(line ").and_then(|(_, r)| r.trim_end_matches(')').parse().ok()) {
            return n;
        }
        let path = clause.split([' ', '(', '=']).next().unwrap_or_default();
        key_line(&self.design_text, path).unwrap_or_else(|| section_line(&self.design_text, &f.rule))
    }
}

/// Line of `a.b.c`: the `[a.b]`/`[a]` header, then the `c =` key inside it.
fn key_line(text: &str, path: &str) -> Option<usize> {
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    for split in (1..=parts.len()).rev() {
        let header = parts[..split].join(".");
        let Some(start) = text.lines().position(|l| {
            let t = l.trim();
            t == format!("[{header}]") || t == format!("[[{header}]]")
        }) else {
            continue;
        };
        if let Some(k) = parts.get(split) {
            for (i, l) in text.lines().enumerate().skip(start + 1) {
                let t = l.trim_start();
                if t.starts_with('[') {
                    break;
                }
                if t.strip_prefix(k).is_some_and(|r| r.trim_start().starts_with('=')) {
                    return Some(i + 1);
                }
            }
        }
        return Some(start + 1);
    }
    None
}

/// The section a rule family is configured in: `route.*` -> `[tiers...]`, `sg.*` ->
/// `[security]`, `rds.*` -> `[rds]`, ...
fn section_line(text: &str, rule: &str) -> usize {
    let section = match rule.split('.').next().unwrap_or_default() {
        "route" => "tiers",
        "sg" => "security",
        "cache" => "elasticache",
        "alarm" => "alarms",
        "rds" => "rds",
        _ => "environment",
    };
    text.lines()
        .position(|l| {
            let t = l.trim().trim_start_matches('[').trim_end_matches(']');
            t == section || t.starts_with(&format!("{section}."))
        })
        .map_or(1, |i| i + 1)
}

/// The cases of a `check`: every finding fails; every in-scope resource a switched-on
/// rule looked at without a finding passes; unavailable kinds are unknown.
pub fn check_cases(design: &Design, snapshot: &Snapshot, report: &Report) -> Vec<Case> {
    let mut cases: Vec<Case> = report
        .findings
        .iter()
        .map(|f| Case {
            rule: f.rule.to_string(),
            resource: f.resource.to_string(),
            outcome: if f.rule == "inventory.unavailable" {
                Outcome::Unknown { why: f.message.to_string() }
            } else {
                Outcome::Fail { status: "drift".into() }
            },
            status: if f.rule == "inventory.unavailable" { "unavailable" } else { "drift" }.into(),
            finding: Some((**f).clone()),
            notes: vec![],
            logical: None,
        })
        .collect();
    let failing: BTreeSet<(String, String)> =
        report.findings.iter().chain(&report.muted).map(|f| (f.rule.to_string(), f.resource.to_string())).collect();
    cases.extend(passing(design, snapshot, &failing));
    cases
}

/// Rule × resource pairs judged without a finding.
pub fn passing(design: &Design, snapshot: &Snapshot, failing: &BTreeSet<(String, String)>) -> Vec<Case> {
    let cx = Context::new(design, snapshot);
    let mut out = Vec::new();
    for rule in drift_rules::catalogue() {
        if !rule.applies(design) || rule.needs().iter().any(|k| !snapshot.usable(*k)) {
            continue;
        }
        let id = rule.id();
        let resources: Vec<String> = match id.split('.').next().unwrap_or_default() {
            "route" => cx
                .route_tables_by_tier()
                .into_iter()
                .filter(|(_, t)| !t.is_empty())
                .map(|(r, _)| r.id.clone())
                .collect(),
            "sg" => cx.groups().map(|g| g.id.clone()).collect(),
            "rds" => snapshot
                .db_instances
                .iter()
                .filter(|d| cx.vpc_covered(d.vpc_id.as_deref()))
                .map(|d| d.id.clone())
                .chain(
                    snapshot.db_clusters.iter().filter(|c| cx.vpc_covered(c.vpc_id.as_deref())).map(|c| c.id.clone()),
                )
                .collect(),
            "cache" => snapshot
                .cache_replication_groups
                .iter()
                .filter(|g| cx.vpc_covered(g.vpc_id.as_deref()))
                .map(|g| g.id.clone())
                .collect(),
            "alarm" if id == "alarm.missing" => {
                design.alarms.iter().flat_map(|a| a.required.iter().map(|(t, _)| t.clone())).collect()
            }
            "alarm" => {
                let prefix = design.alarms.as_ref().and_then(|a| a.prefix.clone()).unwrap_or_default();
                snapshot.alarms.iter().filter(|a| a.name.starts_with(&prefix)).map(|a| a.name.clone()).collect()
            }
            _ => vec![],
        };
        for r in resources {
            if !failing.contains(&(id.to_string(), r.clone())) {
                out.push(Case {
                    rule: id.into(),
                    resource: r,
                    outcome: Outcome::Pass,
                    status: "pass".into(),
                    finding: None,
                    notes: vec![],
                    logical: None,
                });
            }
        }
    }
    out
}

/// The cases of a `plan`: introduced and unchanged findings fail, unknown-until-apply
/// ones are unknown, fixed ones pass (with their finding), and every other judged
/// rule × resource of the planned inventory passes.
pub fn plan_cases(design: &Design, r: &crate::plan::PlanReport) -> Vec<Case> {
    use crate::plan::Verdict;
    let mut cases: Vec<Case> = r
        .findings
        .iter()
        .map(|pf| {
            let f = &pf.finding;
            let mut notes: Vec<String> = pf
                .causes
                .iter()
                .map(|c| {
                    let vals: Vec<String> = c.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("caused by {} {} ({})", c.action.as_str(), c.address, vals.join(", "))
                })
                .collect();
            if !pf.unknown_attributes.is_empty() {
                notes.push(format!("unknown until apply: {}", pf.unknown_attributes.join(", ")));
            }
            let outcome = match pf.verdict {
                Verdict::Introduced => Outcome::Fail { status: "introduced".into() },
                Verdict::Unchanged => Outcome::Fail { status: "unchanged".into() },
                Verdict::Unknown => Outcome::Unknown { why: "unknown until apply".into() },
                Verdict::Fixed => Outcome::Pass,
            };
            Case {
                rule: f.rule.to_string(),
                resource: f.resource.to_string(),
                outcome,
                status: pf.verdict.label().into(),
                finding: Some(f.clone()),
                notes,
                logical: pf.causes.first().map(|c| c.address.clone()),
            }
        })
        .collect();
    // Changes that could not be placed have no finding (and no severity) but decide the
    // gate: one unknown case each, named by its Terraform address.
    for c in r.changes.iter().filter(|c| c.unplaced) {
        let Some(detail) = &c.detail else { continue };
        let rule = match c.verdict.as_str() {
            crate::plan::NOT_IN_INVENTORY => PLAN_NOT_IN_INVENTORY,
            "unknown until apply" => PLAN_UNPLACED,
            _ => continue,
        };
        cases.push(Case {
            rule: rule.into(),
            resource: c.address.clone(),
            outcome: Outcome::Unknown { why: format!("{}: {detail}", c.verdict) },
            status: c.verdict.clone(),
            finding: None,
            notes: vec![format!("{} {} ({detail})", c.action.as_str(), c.address)],
            logical: Some(c.address.clone()),
        });
    }
    let failing: BTreeSet<(String, String)> =
        r.findings.iter().map(|f| (f.finding.rule.to_string(), f.finding.resource.to_string())).collect();
    cases.extend(passing(design, &r.after, &failing));
    cases
}

/// Case rule of a planned change whose container is not in the inventory.
pub const PLAN_NOT_IN_INVENTORY: &str = "plan.not-in-inventory";
/// Case rule of a planned change that cannot be placed until apply (an unknown id).
pub const PLAN_UNPLACED: &str = "plan.unplaced";

/// A stable fingerprint of rule + resource + evidence (FNV-1a 64; no crypto needed,
/// only identity across runs).
pub fn fingerprint(f: &Finding) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(&f.rule);
    feed(&f.resource);
    for (k, v) in &f.evidence {
        feed(k);
        feed(v);
    }
    format!("{h:016x}")
}
