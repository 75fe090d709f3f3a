//! driftdeck: see whether a live AWS environment matches its documented design.
//!
//! Data flows one way: collect (`aws`, `source`) → snapshot (`model`) → evaluate
//! (`drift`, against `design`) → render (`report` for `check`, `ui` for the console).

pub mod aws;
pub mod cli;
pub mod commands;
pub mod design;
pub mod drift;
pub mod logging;
pub mod model;
pub mod report;
pub mod source;
