//! `driftdeck validate`: parse design files without touching AWS; every error on one line
//! with its file, line and column. `--explain` prints each design merged with its bases,
//! each value with the file and line it came from.

use crate::exit::{EXIT_ERROR, EXIT_OK};
use engine::design::Design;
use std::process::ExitCode;

pub fn run(files: &[std::path::PathBuf], explain: bool) -> ExitCode {
    let mut bad = 0;
    for f in files {
        if explain {
            match Design::explain(f) {
                Ok(text) => print!("{text}"),
                Err(errs) => {
                    bad += 1;
                    for e in &errs.0 {
                        eprintln!("{e}");
                    }
                    continue;
                }
            }
        }
        // With --explain, standard output is the merged design alone: the verdict goes to
        // standard error.
        let say = |line: String| if explain { eprintln!("{line}") } else { println!("{line}") };
        match Design::load(f) {
            Ok(d) => say(format!(
                "ok: {} ({}, {}, {} tiers, {} roles, {} flows)",
                f.display(),
                d.environment.name,
                d.environment.region,
                d.tiers.len(),
                d.security.roles.len(),
                d.security.flows.len()
            )),
            Err(errs) => {
                bad += 1;
                for e in &errs.0 {
                    eprintln!("{e}");
                }
            }
        }
    }
    if bad == 0 { ExitCode::from(EXIT_OK) } else { ExitCode::from(EXIT_ERROR) }
}
