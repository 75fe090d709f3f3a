//! `driftdeck plan`: read a Terraform plan (or state), judge it against the design on
//! the live (or snapshot) inventory, print it in the chosen format, exit 0 / 1 / 2.

use crate::cli::{AwsArgs, Format};
use crate::commands::{EXIT_ERROR, fail, fetch, load_design};
use crate::drift::{self, Severity};
use crate::formats::{self, Doc};
use crate::model::{Kind, Snapshot};
use crate::plan::{self, PlanReport, UnknownPolicy, Verdict};
use crate::terraform;
use clap::Args;
use serde_json::json;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The documented design (TOML).
    #[arg(long, short = 'd')]
    pub design: PathBuf,
    /// `terraform show -json PLANFILE` output.
    #[arg(long, value_name = "FILE", required_unless_present = "state", conflicts_with = "state")]
    pub plan: Option<PathBuf>,
    /// `terraform show -json` of a state: what Terraform believes, compared with live.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Judge against a snapshot written by `driftdeck snapshot` instead of live AWS.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Lowest severity of an introduced finding that fails the plan (exit 1).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Whether a result unknown until apply passes or fails (exit 2) the gate.
    #[arg(long, value_enum, default_value_t = UnknownPolicy::Fail)]
    pub unknown: UnknownPolicy,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(&s.to_ascii_lowercase())
        .ok_or_else(|| format!("`{s}` is not a severity; expected critical, high, medium, low or info"))
}

/// Render a report document in one of the CI formats.
pub fn render_doc(format: Format, doc: &Doc) -> Result<String, String> {
    match format {
        Format::Sarif => formats::sarif::to_string(doc),
        Format::Junit => formats::junit::to_string(doc),
        Format::Markdown => Ok(formats::markdown::to_string(doc)),
        Format::Table | Format::Json => Err("internal: table and json are rendered by their command".into()),
    }
}

pub fn run(args: &PlanArgs, aws: &AwsArgs) -> ExitCode {
    let design = match load_design(&args.design) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (path, parsed) = match (&args.plan, &args.state) {
        (Some(p), _) => {
            (p, std::fs::read_to_string(p).map_err(|e| e.to_string()).and_then(|t| terraform::parse_plan(&t)))
        }
        (None, Some(p)) => {
            (p, std::fs::read_to_string(p).map_err(|e| e.to_string()).and_then(|t| terraform::parse_state(&t)))
        }
        (None, None) => return fail("give --plan FILE (terraform show -json PLANFILE) or --state FILE"),
    };
    let tf = match parsed {
        Ok(p) => p,
        Err(e) => return fail(format!("{}: {e}", path.display())),
    };
    let snapshot = match &args.snapshot {
        Some(p) => match std::fs::read_to_string(p).map_err(|e| e.to_string()).and_then(|t| Snapshot::from_json(&t)) {
            Ok(s) => s,
            Err(e) => return fail(format!("{}: {e}", p.display())),
        },
        None => {
            let kinds: Vec<Kind> = drift::needed_kinds(&design).into_iter().collect();
            match fetch(&design, aws, &kinds) {
                Ok(s) => s,
                Err(code) => return code,
            }
        }
    };
    let report = plan::evaluate(&design, &snapshot, &tf);
    // With --state: what changed outside Terraform, and what it does not manage.
    let state_diff = args
        .state
        .is_some()
        .then(|| terraform::compare_state(&tf, &snapshot, &drift::Context::new(&design, &snapshot).vpcs));
    let source = path.display().to_string();
    let text = match args.format {
        Format::Table => {
            to_table(&report, &source, args.state.is_some()) + &state_diff.as_ref().map(state_table).unwrap_or_default()
        }
        Format::Json => {
            match serde_json::to_string_pretty(&with_state(to_json(&design, &report, &source), &state_diff)) {
                Ok(s) => s + "\n",
                Err(e) => return fail(format!("cannot encode the plan report: {e}")),
            }
        }
        other => match render_doc(other, &Doc::new("plan", &design, formats::plan_cases(&design, &report))) {
            Ok(s) => s,
            Err(e) => return fail(e),
        },
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        return ExitCode::from(EXIT_ERROR);
    }
    let (code, why) = plan::exit_code(&report, args.fail_on, args.unknown);
    eprintln!("driftdeck: {why} (exit {code})");
    ExitCode::from(code)
}

pub const PLAN_SCHEMA: u32 = 1;

/// `--state` JSON: the plan document plus `"state": {"live_only", "differing"}`.
pub fn with_state(mut doc: serde_json::Value, diff: &Option<terraform::StateDiff>) -> serde_json::Value {
    if let (Some(d), Some(obj)) = (diff, doc.as_object_mut()) {
        obj.insert("state".into(), json!(d));
    }
    doc
}

/// `--state` table: live-only resources and attributes changed outside Terraform.
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
    out
}

pub fn to_json(design: &crate::design::Design, r: &PlanReport, source: &str) -> serde_json::Value {
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
    let _ = writeln!(
        out,
        "summary: {} introduced, {} fixed, {} unchanged, {} unknown until apply, {} not judged",
        r.count(Verdict::Introduced),
        r.count(Verdict::Fixed),
        r.count(Verdict::Unchanged),
        r.count(Verdict::Unknown),
        r.changes.iter().filter(|c| c.verdict == "not judged").count()
    );
    out
}
