//! `driftdeck init`: a starter design written from what exists (a snapshot or the live
//! inventory). Scope, tiers, roles, flows, admin sources, endpoints, flow logs, databases
//! and alarms are read off the inventory (`infer`) and written as TOML with a `# review:`
//! comment on every guess (`write`; the account controls in `controls`). The text is then
//! parsed and evaluated against the same inventory: whatever `check` would still report
//! is what the generator could not express, and is listed as comments at the end of the
//! file.

mod controls;
pub mod infer;
mod write;

use crate::design::Design;
use crate::drift::{self, Finding};
use model::Snapshot;
use std::fmt::Write;

#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Environment name; default: the VPC's `Name` tag, else its id.
    pub name: Option<String>,
    /// VPC to describe; default: the non-default VPC with the most subnets.
    pub vpc: Option<String>,
    /// Where the inventory came from, for the header comment.
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Generated {
    /// The design file, leftovers block included.
    pub text: String,
    /// What `check` reports with this design against the same inventory.
    pub leftovers: Vec<Finding>,
}

/// Heading of the leftovers block: everything after it is the generator's own report.
pub const LEFTOVERS_HEADING: &str = "# ---- Not expressed by this design";

pub fn generate(snap: &Snapshot, opts: &InitOptions) -> Result<Generated, String> {
    let vpc = infer::pick_vpc(snap, opts.vpc.as_deref())?;
    let name = opts.name.clone().or_else(|| vpc.tags.get("Name").cloned()).unwrap_or_else(|| vpc.id.clone());
    let body = write::design(snap, vpc, &name, &opts.source);
    let design = Design::parse("generated design", &body).map_err(|e| {
        // A design the generator cannot parse back is a bug here, not the user's.
        format!("driftdeck init wrote a design it cannot read back (please report): {e}")
    })?;
    let report = drift::evaluate(&design, snap);
    // Already in report order.
    let leftovers: Vec<Finding> = report.findings.iter().map(|f| (**f).clone()).collect();
    let mut text = body;
    let _ = writeln!(text);
    let _ = writeln!(text, "{LEFTOVERS_HEADING} ({} finding(s)): `driftdeck check` with this", leftovers.len());
    let _ = writeln!(text, "# design against the same inventory reports exactly these. Decide for each whether");
    let _ = writeln!(text, "# the design or the environment is wrong.");
    for f in &leftovers {
        let _ = writeln!(text, "# {} {} {}: {}", f.severity, f.rule, f.resource, one_line(&f.message));
    }
    if leftovers.is_empty() {
        let _ = writeln!(text, "# (none)");
    }
    Ok(Generated { text, leftovers })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
