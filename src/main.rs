//! The `driftdeck` binary: parses flags and hands them to the subcommand that runs them.

use clap::Parser;
use driftdeck::cli::Cli;
use std::process::ExitCode;

/// mimalloc, not the system allocator: evaluation makes one to four small allocations
/// per finding (16,000 on a large account), and with glibc's malloc and free they were
/// a fifth of a full evaluation. The benches use it too, so they time what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = driftdeck::logging::init();
    driftdeck::commands::run(&cli)
}
