//! `cache.automatic-failover`: an ElastiCache replication group without automatic
//! failover where the design requires it.

use super::{CACHE, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, Finding, FindingBuilder, Findings};
use model::{CacheReplicationGroup, Kind};

pub struct R;
pub static RULE: R = R;
const ID: &str = "cache.automatic-failover";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        CACHE
    }
    fn applies(&self, d: &Design) -> bool {
        d.elasticache.as_ref().is_some_and(|p| p.automatic_failover == Some(true))
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for g in groups(cx) {
            if g.automatic_failover.as_deref() != Some("enabled") {
                let f = flag_finding(
                    ID,
                    g,
                    "AutomaticFailover",
                    g.automatic_failover.as_deref(),
                    "elasticache.automatic_failover = true",
                );
                out.push(f);
            }
        }
    }
}

/// In-scope replication groups (an unresolvable VPC counts as in scope).
pub(super) fn groups<'a, 'c>(cx: &'c Context<'a>) -> impl Iterator<Item = &'a CacheReplicationGroup> + use<'a, 'c> {
    cx.snap.cache_replication_groups.iter().filter(|g| cx.vpc_covered(g.vpc_id.as_deref()))
}

/// A finding for an enabled/disabled flag that should read `enabled`.
pub(super) fn flag_finding(
    id: &'static str,
    g: &CacheReplicationGroup,
    attr: &'static str,
    actual: Option<&str>,
    clause: &str,
) -> Finding {
    let actual = actual.unwrap_or("not reported");
    let azs: Vec<&str> = g.members.iter().filter_map(|m| m.az.as_deref()).collect();
    FindingBuilder::new(id, default_severity(id), "cache_replication_group", &g.id)
        .expected(format!("{attr} enabled"))
        .actual(format!("{attr} {actual}"))
        .evidence(attr, actual)
        .evidence("member_azs", azs.join(","))
        .evidence("members", g.members.len().to_string())
        .clause(clause)
        .message(format!("ElastiCache replication group {} has {attr} {actual}; the design requires it enabled", g.id))
}
