//! `driftdeck plan` flags.

use super::Format;
use super::parse_severity;
use clap::{Args, ValueEnum};
use engine::drift::Severity;
use engine::plan::UnknownPolicy;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The documented design (TOML).
    #[arg(long, short = 'd')]
    pub design: PathBuf,
    /// `terraform show -json PLANFILE` output.
    #[arg(long, value_name = "FILE", required_unless_present = "state", conflicts_with = "state")]
    pub plan: Option<PathBuf>,
    /// `terraform show -json` of a state: what Terraform believes, compared with live.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Judge against a snapshot written by `driftdeck snapshot` instead of live AWS.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Lowest severity of an introduced finding that fails the plan (exit 1).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Whether a result unknown until apply passes or fails (exit 2) the gate.
    #[arg(long, value_enum, default_value_t = Unknown::Fail)]
    pub unknown: Unknown,
}

/// `--unknown`: whether a result unknown until apply passes or fails the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Unknown {
    Pass,
    Fail,
}

impl From<Unknown> for UnknownPolicy {
    fn from(u: Unknown) -> UnknownPolicy {
        match u {
            Unknown::Pass => UnknownPolicy::Pass,
            Unknown::Fail => UnknownPolicy::Fail,
        }
    }
}
