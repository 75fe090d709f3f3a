//! `driftdeck check`: evaluate each design against its inventory (live, or a snapshot)
//! once, add the estate's reach assertions and the history's attribution, print the
//! report in the chosen format, and exit 0 clean, 1 drift, 2 error or unknown.

use crate::cli::{AwsArgs, CheckArgs, Format, HistoryArgs};
use crate::exit::{EXIT_DRIFT, EXIT_ERROR, EXIT_OK, fail, worst};
use crate::inputs::read_snapshot;
use engine::design::Design;
use engine::drift::{self, Report};
use engine::formats;
use model::Snapshot;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// The snapshot of every design: read from `--snapshot` files (paired in order) or
/// fetched live, all environments concurrently. An environment that cannot be reached
/// is an error for that environment only.
type Fetched = Result<(Snapshot, Option<(engine::history::History, Report)>), String>;

fn snapshots(
    designs: &[Design],
    files: &[std::path::PathBuf],
    bucket: Option<&str>,
    aws: &AwsArgs,
    hist: &HistoryArgs,
) -> Result<Vec<Fetched>, ExitCode> {
    if let Some(url) = bucket {
        return crate::collect::bucket::read(designs, url, aws).map_err(fail);
    }
    if !files.is_empty() {
        if files.len() != designs.len() {
            return Err(fail(format!(
                "{} --design but {} --snapshot; give one snapshot per design, in the same order",
                designs.len(),
                files.len()
            )));
        }
        return Ok(designs
            .iter()
            .zip(files)
            .map(|(d, f)| {
                let snap = read_snapshot(f)?;
                if snap.region != d.environment.region {
                    eprintln!(
                        "driftdeck: warning: {} is a snapshot of {}, the design {} is for {}",
                        f.display(),
                        snap.region,
                        d.environment.name,
                        d.environment.region
                    );
                }
                // Offline checks carry no history: the snapshot has none.
                Ok((snap, None))
            })
            .collect());
    }
    let rt = crate::collect::runtime().map_err(fail)?;
    Ok(rt.block_on(crate::collect::estate::fetch_estate(designs, aws, Some(hist), |d| {
        engine::needed_kinds(d).into_iter().collect()
    })))
}

pub fn run(args: &CheckArgs, aws: &AwsArgs, hist: &HistoryArgs) -> ExitCode {
    let designs = match crate::inputs::load_estate(&args.designs, args.org.as_deref(), aws) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let snaps = match snapshots(&designs, &args.snapshots, args.bucket.as_deref(), aws, hist) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut codes = Vec::new();
    let mut reports = Vec::new();
    for (design, snap) in designs.iter().zip(snaps) {
        match snap {
            Ok((snapshot, fetched)) => {
                // With history the fetch evaluated already (to know what to read).
                let (history, report) = match fetched {
                    Some((h, r)) => (Some(h), r),
                    None => (None, drift::evaluate(design, &snapshot)),
                };
                codes.push(exit_code(&report, args.fail_on));
                reports.push((design, report, history, snapshot));
            }
            Err(e) => {
                // One environment that cannot be reached never hides the others' reports.
                eprintln!("driftdeck: {e}");
                codes.push(EXIT_ERROR);
            }
        }
    }
    {
        // Reach assertions are judged over the whole estate loaded here.
        let (envs, mut reps): (Vec<(&Design, &Snapshot)>, Vec<&mut Report>) =
            reports.iter_mut().map(|(d, r, _, s)| ((*d, &*s), r)).unzip();
        if let Some(note) = engine::reach::assert::add_to_check(&envs, &mut reps) {
            eprintln!("driftdeck: {note}");
        }
    }
    for (report, code) in reports.iter().map(|(_, r, _, _)| r).zip(codes.iter_mut().filter(|c| **c != EXIT_ERROR)) {
        *code = exit_code(report, args.fail_on);
    }
    let text = match args.format {
        Format::Json => {
            let docs: Vec<serde_json::Value> = reports
                .iter()
                .map(|(d, r, h, _)| {
                    let mut doc = formats::check::to_json(d, r);
                    if let Some(h) = h {
                        formats::history::annotate(&mut doc, r, h);
                    }
                    doc
                })
                .collect();
            let doc =
                if designs.len() == 1 { docs.into_iter().next() } else { Some(formats::check::estate_json(docs)) };
            match doc.map(|d| serde_json::to_string_pretty(&d)) {
                Some(Ok(s)) => s + "\n",
                Some(Err(e)) => return fail(format!("cannot encode the report: {e}")),
                None => String::new(),
            }
        }
        Format::Table => {
            let colour = formats::check::use_colour(std::io::stdout().is_terminal());
            let tables: Vec<String> =
                reports.iter().map(|(d, r, _, _)| formats::check::to_table(d, r, args.fail_on, colour)).collect();
            tables.join("\n")
        }
        other => {
            // SARIF, JUnit and Markdown documents describe one environment each.
            if designs.len() > 1 {
                return fail("--format sarif|junit|markdown reports one environment: run check once per --design");
            }
            let Some((design, report, _, snapshot)) = reports.first() else {
                return ExitCode::from(worst(codes));
            };
            let doc = formats::Doc::new("check", design, formats::check_cases(design, snapshot, report));
            match crate::output::render_doc(other, &doc) {
                Ok(s) => s,
                Err(e) => return fail(e),
            }
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        return ExitCode::from(EXIT_ERROR);
    }
    for (design, report, history, _) in &reports {
        for (source, line) in history.iter().flat_map(formats::history::problems) {
            eprintln!("driftdeck: {source}: {line}");
        }
        if let Some(n) = history.as_ref().map(|h| h.unread.len()).filter(|n| *n > 0) {
            eprintln!(
                "driftdeck: history of {n} reported resource(s) not read within --history-budget; their findings say so"
            );
        }
        if !report.unavailable.is_empty() {
            let kinds: Vec<&str> = report.unavailable.iter().map(|k| k.as_str()).collect();
            let env = if designs.len() > 1 { format!("{}: ", design.environment.name) } else { String::new() };
            eprintln!("driftdeck: {env}could not fetch {}; their rules are unknown", kinds.join(", "));
        }
    }
    ExitCode::from(worst(codes))
}

pub fn exit_code(report: &Report, fail_on: drift::Severity) -> u8 {
    if !report.unavailable.is_empty() {
        EXIT_ERROR
    } else if report.count_at_or_above(fail_on) > 0 {
        EXIT_DRIFT
    } else {
        EXIT_OK
    }
}
