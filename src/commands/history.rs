//! `driftdeck history`: what changed and which alarms moved in the window, merged in time
//! order; exit 0 when every source answered, 2 when one could not be read.

use crate::cli::{AwsArgs, Format, HistoryArgs, HistoryCommandArgs};
use crate::exit::{EXIT_ERROR, EXIT_OK, fail};
use crate::inputs::load_design;
use engine::formats::history::{lines, to_json, to_table};
use jiff::Timestamp;
use std::process::ExitCode;

/// `driftdeck history`: exit 0 when every source answered, 2 when one could not be read
/// (the output then says which and why; the rest is still printed).
pub fn run(args: &HistoryCommandArgs, aws: &AwsArgs, hist: &HistoryArgs) -> ExitCode {
    if hist.no_history {
        return fail("`history` with --no-history has nothing to show; drop --no-history");
    }
    let design = match load_design(&args.design) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let rt = match crate::collect::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let prefix = design.alarms.as_ref().and_then(|a| a.prefix.as_deref());
    let h = match rt.block_on(async {
        let aws = crate::collect::connect(&design, aws).await?;
        Ok::<_, String>(aws.history(prefix, hist.since.start(Timestamp::now())).await)
    }) {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    let shown = lines(&h, args.resource.as_deref());
    let text = match args.format {
        Format::Table => to_table(&h, &shown, Timestamp::now()),
        Format::Json => match serde_json::to_string_pretty(&to_json(&h, &shown)) {
            Ok(s) => s + "\n",
            Err(e) => return fail(format!("cannot encode the history: {e}")),
        },
        other => {
            return fail(format!("history prints a table or JSON, not {other:?}; use --format table or --format json"));
        }
    };
    if !crate::exit::print(&text) {
        return ExitCode::from(EXIT_ERROR);
    }
    // A source that could not be read, or records that could not be: the output is
    // incomplete, and the exit code says so.
    let problems = engine::formats::history::problems(&h);
    for (source, line) in &problems {
        eprintln!("driftdeck: {source}: {line}");
    }
    if problems.is_empty() { ExitCode::from(EXIT_OK) } else { ExitCode::from(EXIT_ERROR) }
}
