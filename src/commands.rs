//! The headless subcommands: `check`, `snapshot` and `validate`. They return an exit
//! code; every error is one line that says what to fix.

use crate::aws::{Aws, AwsOptions};
use crate::cli::{AwsArgs, CheckArgs, Format, SnapshotArgs};
use crate::design::Design;
use crate::drift::{self, Report};
use crate::model::{Kind, Snapshot};
use crate::source::Source;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Exit codes: 0 clean, 1 drift, 2 error or unknown inventory.
pub const EXIT_OK: u8 = 0;
pub const EXIT_DRIFT: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub(crate) fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("driftdeck: {message}");
    ExitCode::from(EXIT_ERROR)
}

pub(crate) fn load_design(path: &Path) -> Result<Design, ExitCode> {
    Design::load(path).map_err(|errs| {
        for e in &errs.0 {
            eprintln!("{e}");
        }
        ExitCode::from(EXIT_ERROR)
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(format!("cannot start the async runtime: {e}")))
}

/// AWS options from flags over the design's defaults.
pub fn aws_options(design: &Design, args: &AwsArgs) -> AwsOptions {
    let region = args.region.clone().unwrap_or_else(|| design.environment.region.clone());
    let mut opts = AwsOptions::new(region);
    opts.profile = args.profile.clone().or_else(|| design.environment.profile.clone());
    opts.endpoint_url = args.endpoint_url.clone();
    opts.operation_timeout = Duration::from_secs(args.timeout.max(1));
    opts.history_rate = args.history_rate;
    // A longer --timeout must also let each attempt run longer, or a slow (large) page
    // would still fail after max_attempts short tries.
    opts.attempt_timeout = opts.attempt_timeout.max(opts.operation_timeout / opts.max_attempts.max(1));
    opts
}

/// Connect, resolve the caller's account and refuse a design meant for another account.
pub async fn connect_checked(design: &Design, args: &AwsArgs) -> Result<Aws, String> {
    connect_checked_within(design, args, None).await
}

/// `connect_checked` inside the user's one bound (`deadline`, `bound` = `--timeout`):
/// an identity lookup cut off there is fatal only when the design names its account.
pub async fn connect_checked_within(
    design: &Design,
    args: &AwsArgs,
    limit: Option<(tokio::time::Instant, Duration)>,
) -> Result<Aws, String> {
    let opts = aws_options(design, args);
    let cut_off = |what: &str| match limit {
        Some((_, bound)) => crate::source::deadline_message(what, bound),
        None => what.to_string(),
    };
    let connect = Aws::connect(&opts);
    let aws = match limit {
        None => connect.await,
        Some((deadline, _)) => match tokio::time::timeout_at(deadline, connect).await {
            Ok(r) => r,
            Err(_) => return Err(cut_off("connecting")),
        },
    }
    .map_err(|e| e.to_string())?;
    let identity = match limit {
        None => aws.caller_account().await.map_err(|e| e.to_string()),
        Some((deadline, _)) => match tokio::time::timeout_at(deadline, aws.caller_account()).await {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(_) => Err(cut_off("sts:GetCallerIdentity")),
        },
    };
    match (identity, &design.environment.account_id) {
        (Ok(actual), Some(expected)) if actual != *expected => Err(format!(
            "credentials belong to account {actual}, but {} is the design of account {expected} ({}); use the right --profile",
            design.source, design.environment.name
        )),
        (Ok(_), _) => Ok(aws),
        (Err(e), Some(expected)) => Err(format!("cannot confirm the account (the design requires {expected}): {e}")),
        (Err(e), None) => {
            tracing::warn!("caller identity unknown: {e}");
            Ok(aws)
        }
    }
}

fn load_designs(paths: &[std::path::PathBuf]) -> Result<Vec<Design>, ExitCode> {
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

/// One environment's inventory, fetched live within the one `--timeout` bound.
pub(crate) fn fetch(design: &Design, args: &AwsArgs, kinds: &[Kind]) -> Result<Snapshot, ExitCode> {
    let rt = runtime()?;
    let kinds = kinds.to_vec();
    let mut out = rt.block_on(crate::estate::fetch_estate(std::slice::from_ref(design), args, None, |_| kinds.clone()));
    match out.pop() {
        Some(Ok((snap, _))) => Ok(snap),
        Some(Err(e)) => Err(fail(e)),
        None => Err(fail("no environment was fetched")),
    }
}

fn read_snapshot(path: &Path) -> Result<Snapshot, String> {
    let text = crate::limits::read_capped(path, "snapshot", crate::limits::MAX_SNAPSHOT_BYTES)?;
    Snapshot::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The snapshot of every design: read from `--snapshot` files (paired in order) or
/// fetched live, all environments concurrently. An environment that cannot be reached
/// is an error for that environment only.
type Fetched = Result<(Snapshot, Option<crate::history::History>), String>;

fn snapshots(
    designs: &[Design],
    files: &[std::path::PathBuf],
    aws: &AwsArgs,
    hist: &crate::cli::HistoryArgs,
) -> Result<Vec<Fetched>, ExitCode> {
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
    let rt = runtime()?;
    Ok(rt.block_on(crate::estate::fetch_estate(designs, aws, Some(hist), |d| {
        drift::needed_kinds(d).into_iter().collect()
    })))
}

pub fn check(args: &CheckArgs, aws: &AwsArgs, hist: &crate::cli::HistoryArgs) -> ExitCode {
    let designs = match load_designs(&args.designs) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let snaps = match snapshots(&designs, &args.snapshots, aws, hist) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut codes = Vec::new();
    let mut reports = Vec::new();
    for (design, snap) in designs.iter().zip(snaps) {
        match snap {
            Ok((snapshot, history)) => {
                let report = drift::evaluate(design, &snapshot);
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
        crate::reach_cmd::add_to_check(&envs, &mut reps);
    }
    for (report, code) in reports.iter().map(|(_, r, _, _)| r).zip(codes.iter_mut().filter(|c| **c != EXIT_ERROR)) {
        *code = exit_code(report, args.fail_on);
    }
    let text = match args.format {
        Format::Json => {
            let docs: Vec<serde_json::Value> = reports
                .iter()
                .map(|(d, r, h, _)| {
                    let mut doc = crate::report::to_json(d, r);
                    if let Some(h) = h {
                        crate::history::command::annotate(&mut doc, r, h);
                    }
                    doc
                })
                .collect();
            let doc = if designs.len() == 1 { docs.into_iter().next() } else { Some(crate::report::estate_json(docs)) };
            match doc.map(|d| serde_json::to_string_pretty(&d)) {
                Some(Ok(s)) => s + "\n",
                Some(Err(e)) => return fail(format!("cannot encode the report: {e}")),
                None => String::new(),
            }
        }
        Format::Table => {
            let colour = crate::report::use_colour(std::io::stdout().is_terminal());
            let tables: Vec<String> =
                reports.iter().map(|(d, r, _, _)| crate::report::to_table(d, r, args.fail_on, colour)).collect();
            tables.join("\n")
        }
        other => {
            // SARIF, JUnit and Markdown documents describe one environment each.
            if designs.len() > 1 {
                return fail("--format sarif|junit|markdown reports one environment: run check once per --design");
            }
            let Some((design, report, _, snapshot)) = reports.first() else {
                return ExitCode::from(crate::estate::worst_exit(codes));
            };
            let doc = crate::formats::Doc::new("check", design, crate::formats::check_cases(design, snapshot, report));
            match crate::plan_command::render_doc(other, &doc) {
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
        for (source, status) in history.iter().flat_map(|h| h.problems.iter()) {
            eprintln!("driftdeck: {source}: {}", status.label());
        }
        if !report.unavailable.is_empty() {
            let kinds: Vec<&str> = report.unavailable.iter().map(|k| k.as_str()).collect();
            let env = if designs.len() > 1 { format!("{}: ", design.environment.name) } else { String::new() };
            eprintln!("driftdeck: {env}could not fetch {}; their rules are unknown", kinds.join(", "));
        }
    }
    ExitCode::from(crate::estate::worst_exit(codes))
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

pub fn snapshot(args: &SnapshotArgs, aws: &AwsArgs) -> ExitCode {
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
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let snaps = rt.block_on(crate::estate::fetch_estate(&designs, aws, None, |_| Kind::ALL.to_vec()));
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
    ExitCode::from(crate::estate::worst_exit(codes))
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

pub fn validate(files: &[std::path::PathBuf]) -> ExitCode {
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

/// Open the console: live against AWS with the `--design` files, or on the demo.
pub fn console(cli: &crate::cli::Cli, demo: bool) -> ExitCode {
    use crate::console::{ConsoleOptions, Mode};
    let mut config = match crate::config::Config::load(cli.console.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    match cli.console.theme.as_deref() {
        None => {}
        Some("dark") => config.theme = crate::config::ThemeName::Dark,
        Some("light") => config.theme = crate::config::ThemeName::Light,
        Some(other) => return fail(format!("--theme: `{other}` is not a theme; expected dark or light")),
    }
    let intervals = match &cli.console.intervals {
        Some(spec) => {
            let mut i = if demo { crate::demo::DemoSource::intervals() } else { config.intervals.clone() };
            if let Err(e) = i.apply_flag(spec) {
                return fail(e);
            }
            Some(i)
        }
        None => None,
    };
    let (designs, mode) = if demo {
        match Design::parse("client-a-prod.toml (built-in demo)", crate::demo::DESIGN) {
            Ok(d) => (vec![d], Mode::Demo),
            Err(e) => return fail(e),
        }
    } else {
        let mut designs = Vec::new();
        for path in &cli.designs {
            match load_design(path) {
                Ok(d) => designs.push(d),
                Err(code) => return code,
            }
        }
        let args = cli.aws.clone();
        let factory: crate::console::SourceFactory = std::sync::Arc::new(move |design: &Design| {
            let (design, args) = (design.clone(), args.clone());
            Box::pin(async move {
                let aws = connect_checked(&design, &args).await?;
                Ok(std::sync::Arc::new(aws) as std::sync::Arc<dyn Source>)
            })
        });
        (designs, Mode::Live(factory))
    };
    if !std::io::stdout().is_terminal() {
        return fail("the console needs a terminal; for CI use `driftdeck check`");
    }
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let history = (!cli.history.no_history).then_some(cli.history.since);
    let plan = cli.plan.clone();
    match crate::console::run(ConsoleOptions { designs, mode, config, intervals, colour, history, plan }) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => fail(e),
    }
}
