//! `route.internet-missing`: a tier that must reach the internet (public subnets) is
//! served by a route table without an active default route to an internet gateway.

use super::{NETWORK, Rule, default_severity};
use crate::design::{Design, Requirement};
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Kind, RouteState, TargetKind};

pub struct InternetMissing;
pub static RULE: InternetMissing = InternetMissing;
const ID: &str = "route.internet-missing";

impl Rule for InternetMissing {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        NETWORK
    }
    fn applies(&self, d: &Design) -> bool {
        d.tiers.iter().any(|t| t.internet == Requirement::Required)
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (rt, tiers) in cx.route_tables_by_tier_sorted() {
            for (tier, subnets) in tiers.iter().filter(|(t, _)| t.internet == Requirement::Required) {
                let ok = rt.routes.iter().any(|r| {
                    r.destination == "0.0.0.0/0"
                        && r.target_kind == TargetKind::InternetGateway
                        && r.state == RouteState::Active
                });
                if ok {
                    continue;
                }
                let default = rt.routes.iter().find(|r| r.destination == "0.0.0.0/0");
                let actual = match default {
                    Some(r) if r.state == RouteState::Blackhole => format!("{} (blackhole)", r.describe()),
                    Some(r) => r.describe(),
                    None => "no default route".to_string(),
                };
                let subnet_ids: Vec<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "route_table", &rt.id)
                        .tier(Some(&tier.name))
                        .expected("0.0.0.0/0 -> internet gateway")
                        .actual(actual.clone())
                        .evidence("destination", "0.0.0.0/0")
                        .evidence_opt("target", default.and_then(|r| r.target_id.as_deref()))
                        .evidence("subnets", subnet_ids.join(","))
                        .evidence("vpc", rt.vpc_id.clone())
                        .clause(format!("tiers.{}.internet = \"required\" (line {})", tier.name, tier.line))
                        .message(format!(
                            "{} ({} tier) has no active default route to an internet gateway ({actual})",
                            rt.id, tier.name
                        )),
                );
            }
        }
    }
}
