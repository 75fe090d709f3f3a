//! The subcommands, one file each, and the dispatch from parsed flags to them. Each
//! returns its exit code; every error is one line that says what to fix.

mod check;
mod completions;
mod console;
mod history;
mod init;
mod man;
mod plan;
mod reach;
mod snapshot;
mod validate;
mod watch;

use crate::cli::{Cli, Command};
use crate::exit::EXIT_ERROR;
use std::process::ExitCode;

/// Run what the command line asks for.
pub fn run(cli: &Cli) -> ExitCode {
    match &cli.command {
        Some(Command::Check(args)) => check::run(args, &cli.aws, &cli.history),
        Some(Command::History(args)) => history::run(args, &cli.aws, &cli.history),
        Some(Command::Snapshot(args)) => snapshot::run(args, &cli.aws),
        Some(Command::Plan(args)) => plan::run(args, &cli.aws),
        Some(Command::Validate { files, explain }) => validate::run(files, *explain),
        Some(Command::Init(args)) => init::run(args, &cli.aws),
        Some(Command::Demo) => console::run(cli, true),
        Some(Command::Reach(args)) => reach::run(args, &cli.aws),
        Some(Command::Completions { shell }) => completions::run(*shell),
        Some(Command::Man) => man::run(),
        Some(Command::Watch(args)) => watch::run(args, &cli.aws, &cli.history),
        None if !cli.designs.is_empty() || cli.org.is_some() => console::run(cli, false),
        // No design: the live account with a design inferred as `init` infers it.
        None if cli.aws.region.is_some() || cli.aws.profile.is_some() => console::run(cli, false),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            eprintln!(
                "\ndriftdeck: give --design FILE to open the console, --region R (and --profile P) to open it on the live account with an inferred design, or try `driftdeck demo`"
            );
            ExitCode::from(EXIT_ERROR)
        }
    }
}
