//! `kms.key-missing`: a key the design lists (`kms.keys`) does not exist. An alias that
//! no key carries is missing; a key id or ARN not found is unknown (keys are found
//! through their aliases, and a key without one is not collected).

use super::kms_common::{Lookup, lookup};
use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "kms.key-missing";

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
            let clause = format!("kms.keys includes \"{name}\" (line {})", policy.line);
            let f = FindingBuilder::new(ID, default_severity(ID), "kms_key", name.as_str())
                .expected(format!("a KMS key {name}"))
                .evidence("key", name.clone())
                .clause(clause);
            match lookup(cx.snap, name) {
                Lookup::Found(_) => {}
                Lookup::Missing => out.push(
                    f.actual("no key carries this alias")
                        .message(format!("KMS key {name} does not exist: no key carries the alias")),
                ),
                Lookup::Unaliased => out.push(
                    f.actual("unknown: no aliased key has this id")
                        .evidence("verdict", "unknown")
                        .message(format!(
                            "unknown: KMS key {name} is not among the keys found through aliases (kms:ListAliases); give it an alias and list the alias, or it cannot be judged"
                        )),
                ),
            }
        }
    }
}
