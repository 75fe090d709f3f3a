//! `cache.multi-az`: an ElastiCache replication group that should be Multi-AZ but is not.

use super::cache_automatic_failover::{flag_finding, groups};
use super::{CACHE, Rule};
use crate::design::Design;
use crate::drift::{Context, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "cache.multi-az";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        CACHE
    }
    fn applies(&self, d: &Design) -> bool {
        d.elasticache.as_ref().is_some_and(|p| p.multi_az == Some(true))
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for g in groups(cx) {
            if g.multi_az.as_deref() != Some("enabled") {
                out.push(flag_finding(ID, g, "MultiAZ", g.multi_az.as_deref(), "elasticache.multi_az = true"));
            }
        }
    }
}
