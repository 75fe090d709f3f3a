//! `driftdeck snapshot`: fetch each design's whole inventory and write it as versioned
//! JSON (mode 0600), to evaluate offline later.

use crate::cli::{AwsArgs, SnapshotArgs};
use crate::exit::{EXIT_ERROR, EXIT_OK, fail, worst};
use engine::design::Design;
use model::{Kind, Snapshot};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &SnapshotArgs, aws: &AwsArgs) -> ExitCode {
    let designs = match crate::inputs::load_estate(&args.designs, args.org.as_deref(), aws) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // One name per environment: `ENVIRONMENT.json`, or `ACCOUNT/REGION.json` for an
    // environment of an organisation (its name holds a `/`).
    let names: Vec<String> = designs.iter().map(file_name).collect();
    let out = args.out.to_string_lossy().to_string();
    let s3 = if aws::s3::S3Url::is_s3(&out) {
        match aws::s3::S3Url::parse(&out) {
            Ok(u) => Some(u),
            Err(e) => return fail(format!("--out: {e}")),
        }
    } else {
        None
    };
    // Several environments write into a directory, one file per environment.
    let targets: Vec<std::path::PathBuf> = if s3.is_some() {
        names.iter().map(std::path::PathBuf::from).collect()
    } else if designs.len() == 1 {
        vec![args.out.clone()]
    } else {
        let targets: Vec<_> = names.iter().map(|n| args.out.join(n)).collect();
        for dir in targets.iter().filter_map(|t| t.parent()) {
            if let Err(e) = std::fs::create_dir_all(dir) {
                return fail(format!("cannot create the directory {}: {e}", dir.display()));
            }
        }
        targets
    };
    let rt = match crate::collect::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let snaps = rt.block_on(crate::collect::estate::fetch_estate(&designs, aws, None, |_| Kind::ALL.to_vec()));
    // The bucket is written with the caller's own credentials (not a member's role).
    let bucket = match (&s3, designs.first()) {
        (Some(_), Some(first)) => {
            let mut opts = crate::collect::aws_options(first, aws);
            opts.assume = None;
            match rt.block_on(aws::s3::Bucket::connect(&opts)) {
                Ok(b) => Some(b),
                Err(e) => return fail(format!("--out: {e}")),
            }
        }
        _ => None,
    };
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
        let code = match (&s3, &bucket) {
            (Some(url), Some(b)) => put_snapshot(&rt, b, url, &snap, &out.to_string_lossy(), design),
            _ => write_snapshot(&snap, out, design, designs.len() > 1),
        };
        codes.push(code);
    }
    ExitCode::from(worst(codes))
}

/// The file an environment's snapshot goes to inside `--out` (what `--snapshots` reads).
fn file_name(d: &Design) -> String {
    crate::collect::bucket::name_of(d)
}

/// Upload one snapshot to `s3://bucket/prefix/NAME` (`snapshot --out s3://...`).
fn put_snapshot(
    rt: &tokio::runtime::Runtime,
    bucket: &aws::s3::Bucket,
    url: &aws::s3::S3Url,
    snap: &Snapshot,
    name: &str,
    design: &Design,
) -> u8 {
    let env = &design.environment.name;
    let json = match serde_json::to_vec_pretty(snap) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("driftdeck: {env}: cannot encode the snapshot: {e}");
            return EXIT_ERROR;
        }
    };
    match rt.block_on(bucket.put(url, name, json)) {
        Ok(key) => {
            eprintln!("driftdeck: wrote s3://{}/{key} ({env})", url.bucket);
            if snap.inventory.values().all(|s| s.usable()) { EXIT_OK } else { EXIT_ERROR }
        }
        Err(e) => {
            eprintln!("driftdeck: {env}: cannot write s3://{}/{}: {}", url.bucket, url.key(name), e.message);
            EXIT_ERROR
        }
    }
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
