//! `kms.rotation-disabled`: a listed key does not rotate automatically, or rotates on
//! another period than `kms.rotation_period_days`. A rotation status that could not be
//! read is unknown. Keys that are not enabled are left to `kms.key-unusable`.

use super::kms_common::{Lookup, label, lookup};
use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "kms.rotation-disabled";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::KmsKeys]
    }
    fn applies(&self, d: &Design) -> bool {
        d.kms.as_ref().is_some_and(|k| !k.keys.is_empty() && k.checks_rotation())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.kms else { return };
        let expected = match policy.rotation_period_days {
            Some(d) => format!("automatic rotation every {d} days"),
            None => "automatic rotation".to_string(),
        };
        for name in &policy.keys {
            let Lookup::Found(key) = lookup(cx.snap, name) else { continue };
            if key.state != "Enabled" {
                continue;
            }
            let who = label(name, key);
            let (actual, message, unknown) = match (key.rotation_enabled, key.rotation_period_days) {
                (None, _) => {
                    let why = key.rotation_error.as_deref().unwrap_or("the rotation status was not read");
                    (
                        format!("unknown: {why}"),
                        format!("unknown: rotation of KMS key {who} could not be read: {why}"),
                        true,
                    )
                }
                (Some(false), _) => {
                    ("rotation off".to_string(), format!("KMS key {who} does not rotate automatically"), false)
                }
                (Some(true), period) => match (policy.rotation_period_days, period) {
                    (Some(want), Some(have)) if want != have => (
                        format!("rotation every {have} days"),
                        format!("KMS key {who} rotates every {have} days, the design asks every {want}"),
                        false,
                    ),
                    (Some(want), None) => (
                        "unknown: rotation on, period not reported".to_string(),
                        format!(
                            "unknown: KMS key {who} rotates, but AWS did not report the period (design: {want} days)"
                        ),
                        true,
                    ),
                    _ => continue,
                },
            };
            let period = key.rotation_period_days.map(|d| d.to_string());
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "kms_key", key.id.as_str())
                    .expected(expected.clone())
                    .actual(actual)
                    .evidence("key", name.clone())
                    .evidence_opt("rotation_period_days", period.as_deref())
                    .evidence_opt("verdict", unknown.then_some("unknown"))
                    .clause(format!("[kms] rotation (line {})", policy.line))
                    .message(message),
            );
        }
    }
}
