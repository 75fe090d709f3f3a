//! The `driftdeck init` subcommand: read a snapshot (or the live inventory), write the
//! starter design to a file or standard output, and say what it could not express.

use crate::cli::{AwsArgs, InitArgs};
use crate::exit::{EXIT_OK, fail};
use engine::design::Design;
use engine::init::{InitOptions, generate};
use model::{Kind, Snapshot};
use std::process::ExitCode;

pub fn run(args: &InitArgs, aws: &AwsArgs) -> ExitCode {
    if let Some(out) = &args.out
        && out.exists()
        && !args.force
    {
        return fail(format!("{} exists; give --force to overwrite it", out.display()));
    }
    let (snap, source) = match &args.from_snapshot {
        Some(path) => {
            let read = model::limits::read_capped(path, "snapshot", model::limits::MAX_SNAPSHOT_BYTES)
                .and_then(|t| Snapshot::from_json(&t).map_err(|e| format!("{}: {e}", path.display())));
            match read {
                Ok(s) => (s, format!("the snapshot {}", path.display())),
                Err(e) => return fail(e),
            }
        }
        None => match live(aws) {
            Ok(s) => {
                let source = source_of(&s);
                (s, source)
            }
            Err(e) => return fail(e),
        },
    };
    let opts = InitOptions { name: args.name.clone(), vpc: args.vpc.clone(), source };
    let generated = match generate(&snap, &opts) {
        Ok(g) => g,
        Err(e) => return fail(e),
    };
    match &args.out {
        Some(out) => {
            if let Err(e) = std::fs::write(out, &generated.text) {
                return fail(format!("cannot write {}: {e}", out.display()));
            }
            eprintln!(
                "driftdeck: wrote {}; review every `# review:` line; {} finding(s) it could not express are listed at its end",
                out.display(),
                generated.leftovers.len()
            );
        }
        None => print!("{}", generated.text),
    }
    ExitCode::from(EXIT_OK)
}

/// What the header comment of a design inferred from the live inventory names.
pub fn source_of(snap: &Snapshot) -> String {
    format!("the live inventory of {}", snap.region)
}

/// The whole inventory of the region, read with the usual connection flags (also the
/// console's start without a design).
pub fn live(aws: &AwsArgs) -> Result<Snapshot, String> {
    let region = aws.region.clone().ok_or("give --from-snapshot FILE, or --region to read the live inventory")?;
    // The fetch is driven by a design; a minimal one names the region and nothing else.
    let text =
        format!("[environment]\nname = \"init\"\nregion = {}\ncriticality = \"prod\"\n", serde_json::json!(region));
    let design = Design::parse("init", &text).map_err(|e| e.to_string())?;
    crate::collect::fetch(&design, aws, &Kind::ALL)
}
