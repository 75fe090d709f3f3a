//! Command-line interface: every flag and subcommand (clap derive), and nothing else.
//! The commands in `commands/` read these types; nothing below the binary sees clap.

mod init;
mod plan;
mod reach;

pub use init::InitArgs;
pub use plan::{PlanArgs, Unknown};
pub use reach::ReachArgs;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "driftdeck",
    version = env!("DRIFTDECK_VERSION"),
    about = "See at once whether a live AWS environment matches its documented design",
    after_help = "Run the console on the built-in demo: driftdeck demo\nCheck an account in CI:          driftdeck check --design config/designs/client-a-prod.toml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Design file(s) for the live console; several allow `:env NAME` switching.
    #[arg(long = "design", short = 'd', global = false)]
    pub designs: Vec<PathBuf>,

    /// An organisation file for the live console: every matched account, in each of its regions.
    #[arg(long, value_name = "FILE", global = false)]
    pub org: Option<PathBuf>,

    /// An SQS queue receiving the organisation's CloudTrail write events (EventBridge):
    /// a change re-polls what it touched at once, its actor attributed without LookupEvents.
    #[arg(long, value_name = "QUEUE_URL", global = false)]
    pub events: Option<String>,

    /// Poll the snapshots per-account jobs write to `s3://BUCKET/PREFIX/` instead of AWS.
    #[arg(long, value_name = "S3_URL", global = false)]
    pub snapshots: Option<String>,

    /// Terraform plan JSON (`terraform show -json`) to judge in the console's Plan pane.
    #[arg(long = "plan", value_name = "FILE", global = false)]
    pub plan: Option<PathBuf>,

    #[command(flatten)]
    pub aws: AwsArgs,

    #[command(flatten)]
    pub console: ConsoleArgs,

    #[command(flatten)]
    pub history: HistoryArgs,
}

/// The history window, for the console and the headless commands.
#[derive(Args, Debug, Clone, Default)]
pub struct HistoryArgs {
    /// How far back history reaches: 30m, 6h, 3d, 2w or an RFC 3339 time (2026-11-23T08:00Z).
    #[arg(long, global = true, default_value = "24h", value_name = "DURATION", value_parser = engine::history::Since::parse)]
    pub since: engine::history::Since,
    /// Do not read CloudTrail or alarm history.
    #[arg(long, global = true)]
    pub no_history: bool,
    /// `check`: seconds the history of the reported resources may take (most severe
    /// first); a finding whose resource it did not reach says "history not read: budget".
    #[arg(long, global = true, default_value_t = 5, value_name = "SECS")]
    pub history_budget: u64,
}

#[derive(Args, Debug, Clone, Default)]
pub struct AwsArgs {
    /// AWS profile (overrides the design's `profile`; without either, the SDK chain reads AWS_PROFILE).
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// AWS region (overrides the design's `region`).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Custom endpoint for every AWS service (also read from AWS_ENDPOINT_URL).
    #[arg(long, global = true)]
    pub endpoint_url: Option<String>,
    /// Seconds the whole fetch may take: connecting, the identity lookup and every call of every kind.
    #[arg(long, global = true, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
    /// History calls per second for one account (LookupEvents allows 2, shared with every tool).
    #[arg(long, global = true, default_value_t = aws::limit::DEFAULT_RATE, value_name = "PER_SEC")]
    pub history_rate: f64,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ConsoleArgs {
    /// Console config file (default: $XDG_CONFIG_HOME/driftdeck/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour theme: dark or light (overrides the config file).
    #[arg(long, global = true)]
    pub theme: Option<String>,
    /// Poll intervals, e.g. `alarms=15,security_groups=60,db_instances=120` (seconds).
    #[arg(long, global = true, value_name = "KIND=SECS,...")]
    pub intervals: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate the design against AWS (or a snapshot) once and report drift; for CI gates.
    Check(CheckArgs),
    /// Fetch the inventory and write it as versioned JSON, to evaluate offline later.
    Snapshot(SnapshotArgs),
    /// Judge a Terraform plan (or state) against the design before deploying.
    Plan(PlanArgs),
    /// Write a starter design from what exists (a snapshot, or live), every guess marked.
    Init(InitArgs),
    /// Validate design files without touching AWS.
    Validate {
        /// Design files to validate.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print each design merged with its bases (`extends`), every value annotated with
        /// the file and line it came from (the verdict goes to standard error).
        #[arg(long)]
        explain: bool,
    },
    /// Open the console on the built-in demo environment (no AWS account needed).
    Demo,
    /// Print what changed and which alarms moved in the window, merged in time order.
    History(HistoryCommandArgs),
    /// Can X reach Y on a port? Routes, peering, ACLs and security groups, end to end.
    Reach(ReachArgs),
    /// Print a shell completion script to standard output (see the README's install section).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output: `driftdeck man > driftdeck.1`.
    Man,
    /// The live engine without the screen: one JSON object per line when a finding appears
    /// or clears, an alarm changes, or an environment fails or recovers (for alerting).
    Watch(WatchArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The documented design (TOML); repeat for an estate: each is one environment, all
    /// checked concurrently, one report each.
    #[arg(long = "design", short = 'd', required_unless_present = "org")]
    pub designs: Vec<PathBuf>,
    /// An organisation file (`[organization]`, `[[match]]`, `[[exclude]]`): every matched
    /// account of the organisation, in each of its regions, is an environment (docs/reference.md).
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Lowest severity that makes the check fail (exit 1).
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: engine::drift::Severity,
    /// Evaluate offline from a snapshot written by `driftdeck snapshot`; with several
    /// designs give one `--snapshot` per `--design`, in the same order.
    #[arg(long = "snapshot", value_name = "FILE")]
    pub snapshots: Vec<PathBuf>,
    /// Evaluate the snapshots per-account jobs wrote to `s3://BUCKET/PREFIX/` with
    /// `snapshot --out`: each environment reads `ENVIRONMENT.json` (with `--org`,
    /// `ACCOUNT/REGION.json`), and says its snapshot's age.
    #[arg(long = "snapshots", value_name = "S3_URL", conflicts_with = "snapshots")]
    pub bucket: Option<String>,
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// The documented design (TOML); repeat for an estate: each environment is watched on
    /// its own schedule, spread over the interval.
    #[arg(long = "design", short = 'd', required_unless_present = "org")]
    pub designs: Vec<PathBuf>,
    /// An organisation file (`[organization]`, `[[match]]`, `[[exclude]]`): every matched
    /// account of the organisation, in each of its regions, is an environment (docs/reference.md).
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Seconds between two evaluations of an environment (with `--events`, a safety net:
    /// 900 is plenty).
    #[arg(long, default_value_t = 60, value_name = "SECS", value_parser = clap::value_parser!(u64).range(5..))]
    pub interval: u64,
    /// An SQS queue receiving the organisation's "AWS API Call via CloudTrail" events from
    /// EventBridge (assets/events/): a write re-polls only what it touched, in seconds,
    /// and its actor is the finding's `changed_by`.
    #[arg(long, value_name = "QUEUE_URL")]
    pub events: Option<String>,
    /// Watch the snapshots per-account jobs write to `s3://BUCKET/PREFIX/` (`snapshot
    /// --out`) instead of calling each account.
    #[arg(long, value_name = "S3_URL")]
    pub snapshots: Option<String>,
}

#[derive(Args, Debug)]
pub struct HistoryCommandArgs {
    /// The documented design (TOML): gives region, profile, account guard and alarm prefix.
    #[arg(long, short = 'd')]
    pub design: PathBuf,
    /// Only lines about this resource id (security group, route table, DB, alarm name).
    #[arg(long, value_name = "ID")]
    pub resource: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// The documented design (TOML): gives region, profile and account guard. Repeat for
    /// an estate: the environments are fetched concurrently.
    #[arg(long = "design", short = 'd', required_unless_present = "org")]
    pub designs: Vec<PathBuf>,
    /// An organisation file (`[organization]`, `[[match]]`, `[[exclude]]`): every matched
    /// account of the organisation, in each of its regions, is an environment (docs/reference.md).
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Where to write the snapshot JSON (mode 0600); with several designs, a directory
    /// that receives one `ENVIRONMENT.json` per design (with `--org`, `ACCOUNT/REGION.json`).
    #[arg(long, value_name = "FILE|DIR")]
    pub out: PathBuf,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Sarif,
    Junit,
}

pub(crate) fn parse_severity(s: &str) -> Result<engine::drift::Severity, String> {
    engine::drift::Severity::parse(&s.to_ascii_lowercase())
        .ok_or_else(|| format!("`{s}` is not a severity; expected critical, high, medium, low or info"))
}
