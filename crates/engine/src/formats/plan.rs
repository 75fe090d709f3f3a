//! `plan` reports as a table and as JSON, with `--state`'s diff.

use crate::design::Design;
use crate::plan::{PlanReport, Verdict};
use crate::terraform;
use serde_json::json;
use std::fmt::Write as _;

/// Version of `plan --format json`. Bump on any incompatible change.
pub const PLAN_SCHEMA: u32 = 1;

/// `--state` JSON: the plan document plus `"state": {"live_only", "differing",
/// "missing_live"}`.
pub fn with_state(mut doc: serde_json::Value, diff: &Option<terraform::StateDiff>) -> serde_json::Value {
    if let (Some(d), Some(obj)) = (diff, doc.as_object_mut()) {
        obj.insert("state".into(), json!(d));
    }
    doc
}

/// `--state` table: attributes changed outside Terraform, live-only resources, and
/// state resources deleted outside Terraform.
pub fn state_table(d: &terraform::StateDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out);
    let _ = writeln!(out, "CHANGED OUTSIDE TERRAFORM ({})", d.differing.len());
    for x in &d.differing {
        let _ = writeln!(out, "  {:<24} {:<28} {}", x.kind, x.id, x.attribute);
        let _ = writeln!(out, "      state: {}", x.state);
        let _ = writeln!(out, "      live:  {}", x.live);
    }
    let _ = writeln!(out, "LIVE ONLY, NOT IN THE STATE ({})", d.live_only.len());
    for x in &d.live_only {
        let _ = writeln!(out, "  {:<24} {}", x.kind, x.id);
    }
    let _ = writeln!(out, "IN THE STATE, MISSING LIVE: DELETED OUTSIDE TERRAFORM ({})", d.missing_live.len());
    for x in &d.missing_live {
        let _ = writeln!(out, "  {:<24} {:<28} {}", x.kind, x.id, x.address);
    }
    out
}

pub fn to_json(design: &Design, r: &PlanReport, source: &str) -> serde_json::Value {
    let count = |v: Verdict| r.count(v);
    json!({
        "schema": PLAN_SCHEMA,
        "environment": design.environment.name,
        "design": design.source,
        "plan": source,
        "summary": {
            "introduced": count(Verdict::Introduced),
            "fixed": count(Verdict::Fixed),
            "unchanged": count(Verdict::Unchanged),
            "unknown": count(Verdict::Unknown),
            "not_judged": r.changes.iter().filter(|c| c.verdict == "not judged").count(),
            "changes_unknown_until_apply": r.unplaced(),
            "changes_not_in_inventory": r.not_in_inventory(),
            "changes_out_of_scope": r.out_of_scope(),
        },
        "unavailable": r.before.unavailable,
        "changes": r.changes,
        "findings": r.findings,
    })
}

pub fn to_table(r: &PlanReport, source: &str, state: bool) -> String {
    let mut out = String::new();
    let what = if state { "state" } else { "plan" };
    let _ = writeln!(out, "{} {source}: {} changes", what, r.changes.len());
    for c in &r.changes {
        let detail = c.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
        let _ = writeln!(out, "  {:<4} {:<60} {}{detail}", c.action.sign(), c.address, c.verdict);
    }
    let _ = writeln!(out);
    for v in [Verdict::Introduced, Verdict::Unknown, Verdict::Fixed, Verdict::Unchanged] {
        let group: Vec<_> = r.with(v).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} ({})", v.label().to_uppercase(), group.len());
        for pf in group {
            let f = &pf.finding;
            let _ = writeln!(out, "  {:<9} {:<26} {}", f.severity.as_str(), f.rule, f.resource);
            let _ = writeln!(out, "      {}", f.message);
            for c in &pf.causes {
                let vals: Vec<String> = c.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let _ = writeln!(out, "      {} {} {}", c.action.sign(), c.address, vals.join(" "));
            }
            if !pf.unknown_attributes.is_empty() {
                let _ = writeln!(out, "      unknown until apply: {}", pf.unknown_attributes.join(", "));
            }
        }
        let _ = writeln!(out);
    }
    // Changes that could not be placed carry no finding: counted on their own line.
    let _ = writeln!(
        out,
        "summary: {} introduced, {} fixed, {} unchanged, {} unknown until apply, {} not judged",
        r.count(Verdict::Introduced),
        r.count(Verdict::Fixed),
        r.count(Verdict::Unchanged),
        r.count(Verdict::Unknown),
        r.changes.iter().filter(|c| c.verdict == "not judged").count()
    );
    let _ = writeln!(
        out,
        "changes not placed: {} {}, {} unknown until apply, {} out of scope (another region)",
        r.not_in_inventory(),
        crate::plan::NOT_IN_INVENTORY,
        r.unplaced(),
        r.out_of_scope()
    );
    out
}
