//! `driftdeck completions SHELL`: the shell completion script, generated from the same
//! command-line definition the binary parses (`cli::Cli`), so it never falls behind.

use crate::cli::Cli;
use crate::exit::{EXIT_ERROR, EXIT_OK};
use clap::CommandFactory;
use std::process::ExitCode;

pub fn run(shell: clap_complete::Shell) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "driftdeck", &mut out);
    match String::from_utf8(out) {
        Ok(text) if crate::exit::print(&text) => ExitCode::from(EXIT_OK),
        _ => ExitCode::from(EXIT_ERROR),
    }
}
