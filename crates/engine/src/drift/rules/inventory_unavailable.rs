//! `inventory.unavailable`: a kind the design needs could not be fetched, so the rules
//! that read it report this instead of passing.

use super::default_severity;
use crate::drift::{Finding, FindingBuilder};
use model::{Kind, KindStatus};

pub const ID: &str = "inventory.unavailable";

pub fn finding(kind: Kind, status: &KindStatus) -> Finding {
    let error = status.error.clone().unwrap_or_else(|| "not fetched".into());
    FindingBuilder::new(ID, default_severity(ID), "inventory", kind.as_str())
        .expected(format!("{} fetched", kind.label()))
        .actual(format!("unavailable: {error}"))
        .evidence("kind", kind.as_str())
        .evidence("error", error.clone())
        .message(format!("{} could not be fetched, so the rules that need them are unknown: {error}", kind.label()))
}
