//! The console: live against AWS with the `--design` files, or on the built-in demo.

use crate::cli::Cli;
use crate::exit::{EXIT_OK, fail};
use crate::inputs::load_design;
use engine::design::Design;
use model::source::Source;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Open the console: live against AWS with the `--design` files, or on the demo.
pub fn run(cli: &Cli, demo: bool) -> ExitCode {
    use crate::console::{ConsoleOptions, Mode};
    let mut config = match crate::console::config::Config::load(cli.console.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    match cli.console.theme.as_deref() {
        None => {}
        Some("dark") => config.theme = crate::console::config::ThemeName::Dark,
        Some("light") => config.theme = crate::console::config::ThemeName::Light,
        Some(other) => return fail(format!("--theme: `{other}` is not a theme; expected dark or light")),
    }
    let intervals = match &cli.console.intervals {
        Some(spec) => {
            let mut i = if demo { crate::console::demo::DemoSource::intervals() } else { config.intervals.clone() };
            if let Err(e) = i.apply_flag(spec) {
                return fail(e);
            }
            Some(i)
        }
        None => None,
    };
    let mut inferred = None;
    let (designs, mode) = if demo {
        match Design::parse("client-a-prod.toml (built-in demo)", crate::console::demo::DESIGN) {
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
        if let Some(org) = &cli.org {
            match crate::inputs::load_estate(&[], Some(org), &cli.aws) {
                Ok(mut found) => designs.append(&mut found),
                Err(code) => return code,
            }
        }
        if designs.is_empty() {
            match infer(cli) {
                Ok((design, text)) => {
                    designs.push(design);
                    inferred = Some(text);
                }
                Err(e) => return fail(e),
            }
        }
        let args = cli.aws.clone();
        let bucket = cli.snapshots.clone();
        let factory: crate::console::SourceFactory = std::sync::Arc::new(move |design: &Design| {
            let (design, args, bucket) = (design.clone(), args.clone(), bucket.clone());
            Box::pin(async move {
                // `--snapshots s3://...`: the environment's snapshot in the bucket, polled.
                if let Some(url) = bucket {
                    let b = crate::collect::bucket::BucketSource::connect(&design, &url, &args).await?;
                    return Ok(std::sync::Arc::new(b) as std::sync::Arc<dyn Source>);
                }
                let aws = crate::collect::connect(&design, &args).await?;
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
    // The queue is read with the caller's own credentials (not a member's role).
    let events = cli.events.as_ref().zip(designs.first()).filter(|_| !demo).map(|(url, d)| {
        let mut opts = crate::collect::aws_options(d, &cli.aws);
        opts.assume = None;
        (url.clone(), opts)
    });
    match crate::console::run(ConsoleOptions {
        designs,
        mode,
        config,
        intervals,
        colour,
        history,
        plan,
        inferred,
        events,
    }) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => fail(e),
    }
}

/// No `--design`: read the live inventory and infer a design from it, exactly as `init`
/// does (the same code), so the console can open on an account nobody has described yet.
fn infer(cli: &Cli) -> Result<(Design, String), String> {
    if cli.aws.region.is_none() {
        return Err(
            "give --region R (with --profile P) to open the console on the live account with an inferred design".into(),
        );
    }
    eprintln!("driftdeck: no --design: reading the live inventory to infer one, as `driftdeck init` does…");
    let snap = super::init::live(&cli.aws)?;
    let opts = engine::init::InitOptions { name: None, vpc: None, source: super::init::source_of(&snap) };
    let generated = engine::init::generate(&snap, &opts)?;
    let design = Design::parse("inferred design", &generated.text)
        .map_err(|e| format!("the inferred design does not parse: {e}"))?;
    Ok((design, generated.text))
}
