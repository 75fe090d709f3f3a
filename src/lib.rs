//! driftdeck: see whether a live AWS environment matches its documented design.
//!
//! The binary's own code; the libraries are in `crates/` (ARCHITECTURE.md). Data flows one
//! way: collect (`collect` over the `aws` adapter's `Source`) → snapshot (`model`) →
//! evaluate (`engine`) → render (`engine::formats` for the commands, `console` for the TUI).

pub mod cli;
pub mod collect;
pub mod commands;
pub mod console;
pub mod exit;
pub mod inputs;
pub mod logging;
pub mod output;
