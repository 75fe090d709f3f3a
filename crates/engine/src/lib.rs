//! The engine: everything driftdeck decides, as pure functions over a `model::Snapshot`.
//! The design and its rules, drift evaluation, reachability, history attribution,
//! Terraform plan and state replay, `init`'s inference, and the report formats.
//!
//! Pure: no AWS SDK, no async runtime, no terminal, no command line (ARCHITECTURE.md,
//! enforced by `tests/cli/architecture.rs`). It reads no clock it is not handed.

pub mod catalogue;
pub mod design;
pub mod drift;
pub mod formats;
pub mod history;
pub mod init;
pub mod org;
pub mod plan;
pub mod reach;
pub mod terraform;
pub mod watch;

use model::Kind;
use std::collections::BTreeSet;

/// The kinds a design needs fetched: those its rules read, and those reach reads when it
/// has `[[reach]]` assertions.
pub fn needed_kinds(design: &design::Design) -> BTreeSet<Kind> {
    let mut kinds = drift::rule_kinds(design);
    if !design.reach.is_empty() {
        kinds.extend(reach::assert::NEEDED.iter().copied());
    }
    kinds
}
