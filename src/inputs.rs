//! Reading the user's files: designs (one line per error, with file, line and column) and
//! snapshots (size-capped before they are read).

use crate::exit::{EXIT_ERROR, fail};
use engine::design::Design;
use model::Snapshot;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn load_design(path: &Path) -> Result<Design, ExitCode> {
    Design::load(path).map_err(|errs| {
        for e in &errs.0 {
            eprintln!("{e}");
        }
        ExitCode::from(EXIT_ERROR)
    })
}

/// The environments of a command: its `--design` files, and with `--org` every matched
/// account × region of the organisation (`--region` is refused there: the org file
/// names the regions).
pub fn load_estate(paths: &[PathBuf], org: Option<&Path>, aws: &crate::cli::AwsArgs) -> Result<Vec<Design>, ExitCode> {
    let mut designs = if paths.is_empty() { Vec::new() } else { load_designs(paths)? };
    if let Some(org) = org {
        if aws.region.is_some() {
            return Err(fail("--region does not go with --org: the org file's `regions` name them"));
        }
        let mut found = crate::collect::org::designs(org, aws).map_err(fail)?;
        designs.append(&mut found);
    }
    Ok(designs)
}

/// Every design, or every error of every design; two designs may not share a name.
pub fn load_designs(paths: &[PathBuf]) -> Result<Vec<Design>, ExitCode> {
    let mut designs = Vec::new();
    let mut bad = false;
    for p in paths {
        match Design::load(p) {
            Ok(d) => designs.push(d),
            Err(errs) => {
                bad = true;
                for e in &errs.0 {
                    eprintln!("{e}");
                }
            }
        }
    }
    if bad {
        return Err(ExitCode::from(EXIT_ERROR));
    }
    let mut names: Vec<&str> = designs.iter().map(|d| d.environment.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(fail(format!("two designs name the environment `{}`; each environment needs its own name", w[0])));
    }
    Ok(designs)
}

/// A snapshot written by `driftdeck snapshot`.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, String> {
    let text = model::limits::read_capped(path, "snapshot", model::limits::MAX_SNAPSHOT_BYTES)?;
    Snapshot::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}
