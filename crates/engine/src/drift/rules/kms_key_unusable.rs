//! `kms.key-unusable`: a listed key exists but is not `Enabled`: disabled, pending
//! deletion (the finding says when it is deleted), pending import or unavailable. Data
//! under such a key cannot be decrypted.

use super::kms_common::{Lookup, label, lookup};
use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "kms.key-unusable";

/// States in which a key still works (being created or updated is passing).
const USABLE: &[&str] = &["Enabled", "Creating", "Updating"];

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::KmsKeys]
    }
    fn applies(&self, d: &Design) -> bool {
        d.kms.as_ref().is_some_and(|k| !k.keys.is_empty())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.kms else { return };
        for name in &policy.keys {
            let Lookup::Found(key) = lookup(cx.snap, name) else { continue };
            if USABLE.contains(&key.state.as_str()) {
                continue;
            }
            let who = label(name, key);
            let when = key.deletion_date.map(|d| d.strftime("%Y-%m-%d %H:%M UTC").to_string());
            let actual = match (&when, key.state.as_str()) {
                (Some(w), _) => format!("{} (deleted on {w})", key.state),
                (None, _) => key.state.clone(),
            };
            let message = match &when {
                Some(w) => format!("KMS key {who} is pending deletion: it is deleted on {w}; cancel the deletion"),
                None => format!("KMS key {who} is {}, so data under it cannot be decrypted", key.state),
            };
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "kms_key", key.id.as_str())
                    .expected("Enabled")
                    .actual(actual)
                    .evidence("key", name.clone())
                    .evidence("state", key.state.clone())
                    .evidence_opt("deletion_date", when.as_deref())
                    .clause(format!("kms.keys includes \"{name}\" (line {})", policy.line))
                    .message(message),
            );
        }
    }
}
