//! `driftdeck snapshot`: fetch each design's whole inventory and write it as versioned
//! JSON (mode 0600), to evaluate offline later.

use crate::cli::{AwsArgs, SnapshotArgs};
use crate::exit::{EXIT_ERROR, EXIT_OK, fail, worst};
use crate::inputs::load_designs;
use engine::design::Design;
use model::{Kind, Snapshot};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &SnapshotArgs, aws: &AwsArgs) -> ExitCode {
    let designs = match load_designs(&args.designs) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // Several environments write into a directory, one file per environment.
    let targets: Vec<std::path::PathBuf> = if designs.len() == 1 {
        vec![args.out.clone()]
    } else {
        if let Err(e) = std::fs::create_dir_all(&args.out) {
            return fail(format!("cannot create the directory {}: {e}", args.out.display()));
        }
        designs.iter().map(|d| args.out.join(format!("{}.json", d.environment.name))).collect()
    };
    let rt = match crate::collect::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let snaps = rt.block_on(crate::collect::estate::fetch_estate(&designs, aws, None, |_| Kind::ALL.to_vec()));
    let mut codes = Vec::new();
    for ((design, snap), out) in designs.iter().zip(snaps).zip(&targets) {
        let snap = match snap {
            Ok((s, _)) => s,
            Err(e) => {
                eprintln!("driftdeck: {e}");
                codes.push(EXIT_ERROR);
                continue;
            }
        };
        codes.push(write_snapshot(&snap, out, design, designs.len() > 1));
    }
    ExitCode::from(worst(codes))
}

fn write_snapshot(snap: &Snapshot, out: &Path, design: &Design, named: bool) -> u8 {
    let env = if named { format!("{}: ", design.environment.name) } else { String::new() };
    let json = match serde_json::to_string_pretty(snap) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("driftdeck: {env}cannot encode the snapshot: {e}");
            return EXIT_ERROR;
        }
    };
    if let Err(e) = write_private(out, json.as_bytes()) {
        eprintln!("driftdeck: {env}cannot write {}: {e}", out.display());
        return EXIT_ERROR;
    }
    let failed: Vec<String> = snap
        .inventory
        .iter()
        .filter(|(_, s)| !s.usable())
        .map(|(k, s)| format!("{k} ({})", s.error.as_deref().unwrap_or("failed")))
        .collect();
    let total: usize = snap.inventory.values().map(|s| s.count).sum();
    eprintln!(
        "driftdeck: wrote {} ({total} resources, {} of {} kinds)",
        out.display(),
        snap.inventory.len() - failed.len(),
        snap.inventory.len()
    );
    if failed.is_empty() {
        EXIT_OK
    } else {
        eprintln!("driftdeck: {env}some kinds could not be fetched: {}", failed.join("; "));
        EXIT_ERROR
    }
}

/// Write a file readable by its owner only: a snapshot maps a whole account.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let mut f = opts.open(path)?;
        // `mode` only applies on creation; tighten an existing file too.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(bytes)?;
        f.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut f = opts.open(path)?;
        f.write_all(bytes)
    }
}
