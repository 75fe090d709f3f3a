//! `route.blackhole`: a route whose target no longer exists (state blackhole) in an
//! in-scope route table; traffic to it is silently dropped.

use super::{NETWORK, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Kind, RouteState};

pub struct Blackhole;
pub static RULE: Blackhole = Blackhole;
const ID: &str = "route.blackhole";

impl Rule for Blackhole {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        NETWORK
    }
    fn applies(&self, _: &Design) -> bool {
        true
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (rt, tiers) in cx.route_tables_by_tier_sorted() {
            let tier = tiers.first().map(|t| t.name.as_str());
            for route in rt.routes.iter().filter(|r| r.state == RouteState::Blackhole) {
                let target = route.target_id.as_deref().unwrap_or(route.target_kind.label());
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "route_table", &rt.id)
                        .tier(tier)
                        .expected("every route active")
                        .actual(format!("{} -> {target} (blackhole)", route.destination))
                        .evidence("destination", route.destination.clone())
                        .evidence("target", target)
                        .evidence("vpc", rt.vpc_id.clone())
                        .message(format!(
                            "{} routes {} to {target}, which no longer exists (blackhole)",
                            rt.id, route.destination
                        )),
                );
            }
        }
    }
}
