//! `driftdeck validate`: parse design files without touching AWS; every error on one line
//! with its file, line and column.

use crate::exit::{EXIT_ERROR, EXIT_OK};
use engine::design::Design;
use std::process::ExitCode;

pub fn run(files: &[std::path::PathBuf]) -> ExitCode {
    let mut bad = 0;
    for f in files {
        match Design::load(f) {
            Ok(d) => println!(
                "ok: {} ({}, {}, {} tiers, {} roles, {} flows)",
                f.display(),
                d.environment.name,
                d.environment.region,
                d.tiers.len(),
                d.security.roles.len(),
                d.security.flows.len()
            ),
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
