//! Shared test fixtures for every member's tests and benches (dev-only): a correctly built
//! client-a-prod snapshot (`fixtures`), the production / production-PCI pair for reach
//! (`reach`), the pair joined by a transit gateway hub (`transit`), and the generated large
//! account (`large`). Compiled once, not per test binary.

pub mod fixtures;
pub mod large;
pub mod reach;
pub mod transit;

/// The repository root, where the shipped designs, demo frames and Terraform fixtures are.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
