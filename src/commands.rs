//! The headless subcommands: `check`, `snapshot` and `validate`. They return an exit
//! code; every error is one line that says what to fix.

use crate::aws::{Aws, AwsOptions};
use crate::cli::{AwsArgs, CheckArgs, Format, SnapshotArgs};
use crate::design::Design;
use crate::drift::{self, Report};
use crate::model::{Kind, Snapshot};
use crate::source::{Source, fetch_all};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Exit codes: 0 clean, 1 drift, 2 error or unknown inventory.
pub const EXIT_OK: u8 = 0;
pub const EXIT_DRIFT: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("driftdeck: {message}");
    ExitCode::from(EXIT_ERROR)
}

fn load_design(path: &Path) -> Result<Design, ExitCode> {
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
    // A longer --timeout must also let each attempt run longer, or a slow (large) page
    // would still fail after max_attempts short tries.
    opts.attempt_timeout = opts.attempt_timeout.max(opts.operation_timeout / opts.max_attempts.max(1));
    opts
}

/// Connect, resolve the caller's account and refuse a design meant for another account.
pub async fn connect_checked(design: &Design, args: &AwsArgs) -> Result<Aws, String> {
    let opts = aws_options(design, args);
    let aws = Aws::connect(&opts).await.map_err(|e| e.to_string())?;
    match (aws.caller_account().await, &design.environment.account_id) {
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

fn fetch(design: &Design, args: &AwsArgs, kinds: &[Kind]) -> Result<Snapshot, ExitCode> {
    let rt = runtime()?;
    rt.block_on(async {
        let aws = connect_checked(design, args).await.map_err(fail)?;
        let snap = fetch_all(&aws, kinds).await;
        let (calls, errors) = aws.call_stats();
        tracing::info!(calls, errors, "inventory fetched");
        Ok(snap)
    })
}

pub fn check(args: &CheckArgs, aws: &AwsArgs) -> ExitCode {
    let design = match load_design(&args.design) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let snapshot = match &args.snapshot {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match Snapshot::from_json(&text) {
                Ok(s) => s,
                Err(e) => return fail(format!("{}: {e}", path.display())),
            },
            Err(e) => return fail(format!("cannot read snapshot {}: {e}", path.display())),
        },
        None => {
            let kinds: Vec<Kind> = drift::needed_kinds(&design).into_iter().collect();
            match fetch(&design, aws, &kinds) {
                Ok(s) => s,
                Err(code) => return code,
            }
        }
    };
    if snapshot.region != design.environment.region && args.snapshot.is_some() {
        eprintln!(
            "driftdeck: warning: snapshot is of {}, the design is for {}",
            snapshot.region, design.environment.region
        );
    }
    let mut report = drift::evaluate(&design, &snapshot);
    crate::reach_cmd::add_to_check(&design, &snapshot, &mut report);
    let text = match args.format {
        Format::Json => match serde_json::to_string_pretty(&crate::report::to_json(&design, &report)) {
            Ok(s) => s + "\n",
            Err(e) => return fail(format!("cannot encode the report: {e}")),
        },
        Format::Table => {
            let colour = crate::report::use_colour(std::io::stdout().is_terminal());
            crate::report::to_table(&design, &report, args.fail_on, colour)
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        return ExitCode::from(EXIT_ERROR);
    }
    if !report.unavailable.is_empty() {
        let kinds: Vec<&str> = report.unavailable.iter().map(|k| k.as_str()).collect();
        eprintln!("driftdeck: could not fetch {}; their rules are unknown", kinds.join(", "));
    }
    ExitCode::from(exit_code(&report, args.fail_on))
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
    let design = match load_design(&args.design) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let snap = match fetch(&design, aws, &Kind::ALL) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let json = match serde_json::to_string_pretty(&snap) {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot encode the snapshot: {e}")),
    };
    if let Err(e) = write_private(&args.out, json.as_bytes()) {
        return fail(format!("cannot write {}: {e}", args.out.display()));
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
        args.out.display(),
        snap.inventory.len() - failed.len(),
        snap.inventory.len()
    );
    if failed.is_empty() {
        ExitCode::from(EXIT_OK)
    } else {
        fail(format!("some kinds could not be fetched: {}", failed.join("; ")))
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
    match crate::console::run(ConsoleOptions { designs, mode, config, intervals, colour }) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => fail(e),
    }
}
