//! `driftdeck plan`: read a Terraform plan (or state), judge it against the design on
//! the live (or snapshot) inventory, print it in the chosen format, exit 0 / 1 / 2.

use crate::cli::{AwsArgs, Format, PlanArgs};
use crate::collect::fetch;
use crate::exit::{EXIT_ERROR, fail};
use crate::inputs::load_design;
use crate::output::render_doc;
use engine::drift;
use engine::formats::plan::{state_table, to_json, to_table, with_state};
use engine::formats::{self, Doc};
use engine::plan;
use engine::terraform;
use model::{Kind, Snapshot};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: &PlanArgs, aws: &AwsArgs) -> ExitCode {
    let design = match load_design(&args.design) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // Read capped, then decoded by the engine (a UTF-8 BOM, or UTF-16 from PowerShell).
    let read = |p: &std::path::Path, what: &str| {
        model::limits::read_capped_bytes(p, what, model::limits::MAX_SNAPSHOT_BYTES).and_then(|b| terraform::decode(&b))
    };
    let (path, parsed) = match (&args.plan, &args.state) {
        (Some(p), _) => (p, read(p, "plan").and_then(|t| terraform::parse_plan(&t))),
        (None, Some(p)) => (p, read(p, "state").and_then(|t| terraform::parse_state(&t))),
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
            let kinds: Vec<Kind> = engine::needed_kinds(&design).into_iter().collect();
            match fetch(&design, aws, &kinds) {
                Ok(s) => s,
                Err(e) => return fail(e),
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
    let (code, why) = plan::exit_code(&report, args.fail_on, args.unknown.into());
    eprintln!("driftdeck: {why} (exit {code})");
    ExitCode::from(code)
}
