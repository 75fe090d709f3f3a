//! `driftdeck reach`: ask the reachability engine from the command line, live (every
//! `--design` fetched concurrently) or offline (`--snapshot` per design, in order).

use crate::cli::{AwsArgs, Format, ReachArgs};
use crate::exit::{EXIT_DRIFT, EXIT_ERROR, EXIT_OK, fail, print};
use engine::design::Design;
use engine::formats::reach::{exposure_table, trace};
use engine::reach::{self, Env, Estate, Protocol, Verdict};
use model::Snapshot;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &ReachArgs, aws: &AwsArgs) -> ExitCode {
    if !matches!(args.format, Format::Table | Format::Json) {
        return fail(format!(
            "reach prints a table or JSON, not {:?}; use --format table or --format json",
            args.format
        ));
    }
    let Some(protocol) = Protocol::parse(&args.protocol) else {
        return fail(format!("--protocol: `{}` is not tcp or udp", args.protocol));
    };
    let expect = match args.expect.as_deref() {
        None => None,
        Some("allowed") => Some(Verdict::Allowed),
        Some("denied") => Some(Verdict::Denied),
        Some(other) => return fail(format!("--expect: `{other}` is not allowed or denied")),
    };
    let mut designs = Vec::new();
    for path in &args.designs {
        match Design::load(path) {
            Ok(d) => designs.push(d),
            Err(errs) => return fail(errs),
        }
    }
    let snapshots = match load_or_fetch(&designs, &args.snapshots, aws) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let envs: Vec<Env<'_>> = designs
        .iter()
        .zip(&snapshots)
        .map(|(d, s)| Env { name: &d.environment.name, design: d, snapshot: s })
        .collect();
    let estate = Estate::new(&envs);
    match (&args.from, &args.to, args.port) {
        (Some(from), Some(to), Some(port)) => {
            let a = reach::query(&estate, 0, from, to, protocol, port);
            let text = match args.format {
                Format::Json => json(&a),
                _ => trace(&a),
            };
            if !print(&text) {
                return ExitCode::from(EXIT_ERROR);
            }
            let code = match (a.verdict, expect) {
                (Verdict::Unknown, _) => EXIT_ERROR,
                (v, Some(e)) if v != e => EXIT_DRIFT,
                _ => EXIT_OK,
            };
            ExitCode::from(code)
        }
        (None, Some(to), Some(port)) => {
            let answers = reach::exposure::who_can_reach(&estate, 0, to, protocol, port);
            let text = match args.format {
                Format::Json => json(&answers),
                _ => exposure_table(&format!("who can reach {to} on {}/{port}", protocol.as_str()), &answers),
            };
            if !print(&text) {
                return ExitCode::from(EXIT_ERROR);
            }
            ExitCode::from(if answers.iter().any(|a| a.verdict == Verdict::Unknown) { EXIT_ERROR } else { EXIT_OK })
        }
        (Some(from), None, None) if from == "internet" => {
            let answers = reach::exposure::internet_reach(&estate);
            let text = match args.format {
                Format::Json => json(&answers),
                _ => exposure_table("what the internet can reach", &answers),
            };
            if !print(&text) {
                return ExitCode::from(EXIT_ERROR);
            }
            ExitCode::from(if answers.iter().any(|a| a.verdict == Verdict::Unknown) { EXIT_ERROR } else { EXIT_OK })
        }
        _ => fail(
            "give --from, --to and --port; or --to and --port (who can reach it); or --from internet alone (what it can reach)",
        ),
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).map(|s| s + "\n").unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// Snapshots from files (paired with designs by position) or fetched live, concurrently.
fn load_or_fetch(designs: &[Design], files: &[PathBuf], aws: &AwsArgs) -> Result<Vec<Snapshot>, String> {
    if !files.is_empty() {
        if files.len() != designs.len() {
            return Err(format!(
                "{} --snapshot for {} --design: give one snapshot per design, in the same order",
                files.len(),
                designs.len()
            ));
        }
        return files
            .iter()
            .map(|p| {
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("cannot read snapshot {}: {e}", p.display()))?;
                Snapshot::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))
            })
            .collect();
    }
    let rt = crate::collect::runtime()?;
    rt.block_on(async {
        let futs = designs.iter().map(|d| async move {
            let aws = crate::collect::connect(d, aws).await.map_err(|e| format!("{}: {e}", d.environment.name))?;
            Ok::<Snapshot, String>(crate::collect::fetch_all(&aws, reach::assert::NEEDED).await)
        });
        futures::future::join_all(futs).await.into_iter().collect()
    })
}
