//! `cache.encryption`: an ElastiCache replication group without at-rest or in-transit
//! encryption where the design requires it.

use super::cache_automatic_failover::groups;
use super::{CACHE, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "cache.encryption";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        CACHE
    }
    fn applies(&self, d: &Design) -> bool {
        d.elasticache.as_ref().is_some_and(|p| p.at_rest_encryption == Some(true) || p.transit_encryption == Some(true))
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(p) = cx.design.elasticache.as_ref() else { return };
        for g in groups(cx) {
            let mut missing = Vec::new();
            if p.at_rest_encryption == Some(true) && g.at_rest_encryption != Some(true) {
                missing.push("at-rest");
            }
            if p.transit_encryption == Some(true) && g.transit_encryption != Some(true) {
                missing.push("in-transit");
            }
            if missing.is_empty() {
                continue;
            }
            let show = |v: Option<bool>| v.map_or("not reported".to_string(), |b| b.to_string());
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "cache_replication_group", &g.id)
                    .expected("at-rest and in-transit encryption enabled")
                    .actual(format!("missing {} encryption", missing.join(" and ")))
                    .evidence("AtRestEncryptionEnabled", show(g.at_rest_encryption))
                    .evidence("TransitEncryptionEnabled", show(g.transit_encryption))
                    .clause("elasticache.at_rest_encryption / transit_encryption")
                    .message(format!(
                        "ElastiCache replication group {} lacks {} encryption",
                        g.id,
                        missing.join(" and ")
                    )),
            );
        }
    }
}
