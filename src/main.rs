//! The `driftdeck` binary: parses flags and dispatches to the console or a headless command.

use clap::Parser;
use driftdeck::cli::{Cli, Command};
use driftdeck::commands;
use std::process::ExitCode;

/// mimalloc, not the system allocator: evaluation makes one to four small allocations
/// per finding (16,000 on a large account), and with glibc's malloc and free they were
/// a fifth of a full evaluation. The benches use it too, so they time what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = driftdeck::logging::init();
    match &cli.command {
        Some(Command::Check(args)) => commands::check(args, &cli.aws, &cli.history),
        Some(Command::History(args)) => driftdeck::history::command::command(args, &cli.aws, &cli.history),
        Some(Command::Snapshot(args)) => commands::snapshot(args, &cli.aws),
        Some(Command::Plan(args)) => driftdeck::plan_command::run(args, &cli.aws),
        Some(Command::Validate { files }) => commands::validate(files),
        Some(Command::Init(args)) => driftdeck::init::command::run(args, &cli.aws),
        Some(Command::Demo) => commands::console(&cli, true),
        Some(Command::Reach(args)) => driftdeck::reach_cmd::run(args, &cli.aws),
        None if !cli.designs.is_empty() => commands::console(&cli, false),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            eprintln!("\ndriftdeck: give --design FILE to open the console, or try `driftdeck demo`");
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
