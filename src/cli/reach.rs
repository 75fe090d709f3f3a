//! `driftdeck reach` flags.

use super::Format;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ReachArgs {
    /// Design files of the estate; names without `ENV:` are resolved in the first.
    #[arg(long = "design", short = 'd', required = true)]
    pub designs: Vec<PathBuf>,
    /// Snapshot per design, in the same order (offline): give one per --design or none.
    #[arg(long = "snapshot", value_name = "FILE")]
    pub snapshots: Vec<PathBuf>,
    /// Source: `internet`, a CIDR, a role, `tier:NAME`, `role:NAME`, a cidr set, `ENV:NAME`.
    #[arg(long)]
    pub from: Option<String>,
    /// Destination, same forms as --from.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub port: Option<u16>,
    /// tcp or udp.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// CI gate: exit 0 when the answer is this (allowed|denied), 1 when not, 2 unknown.
    #[arg(long)]
    pub expect: Option<String>,
}
