//! `driftdeck man`: the manual page in roff, generated from the command-line definition
//! (`cli::Cli`): the top-level flags and every subcommand with its summary.

use crate::cli::Cli;
use crate::exit::{EXIT_ERROR, EXIT_OK, fail};
use clap::CommandFactory;
use std::process::ExitCode;

pub fn run() -> ExitCode {
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        return fail(format!("cannot render the manual page: {e}"));
    }
    match String::from_utf8(out) {
        Ok(text) if crate::exit::print(&text) => ExitCode::from(EXIT_OK),
        _ => ExitCode::from(EXIT_ERROR),
    }
}
