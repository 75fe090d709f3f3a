//! `driftdeck init` flags.

use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// Read the inventory from a snapshot written by `driftdeck snapshot`; without it the
    /// inventory is read live (give --region, and --profile / --endpoint-url as usual).
    #[arg(long, value_name = "FILE")]
    pub from_snapshot: Option<PathBuf>,
    /// Write the design here (default: standard output); an existing file is kept unless --force.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out when it exists.
    #[arg(long)]
    pub force: bool,
    /// Environment name (default: the VPC's Name tag, else its id).
    #[arg(long)]
    pub name: Option<String>,
    /// The VPC to describe (default: the non-default VPC with the most subnets).
    #[arg(long, value_name = "VPC_ID")]
    pub vpc: Option<String>,
}
