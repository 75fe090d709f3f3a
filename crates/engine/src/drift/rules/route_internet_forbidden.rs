//! `route.internet-forbidden`: an internet gateway route in a route table serving a
//! tier that must not reach the internet directly.

use super::{NETWORK, Rule, default_severity};
use crate::design::{Design, Requirement};
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Kind, TargetKind};

pub struct InternetForbidden;
pub static RULE: InternetForbidden = InternetForbidden;
const ID: &str = "route.internet-forbidden";

impl Rule for InternetForbidden {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        NETWORK
    }
    fn applies(&self, d: &Design) -> bool {
        d.tiers.iter().any(|t| t.internet == Requirement::Forbidden)
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (rt, tiers) in cx.route_tables_by_tier_sorted() {
            for (tier, subnets) in tiers.iter().filter(|(t, _)| t.internet == Requirement::Forbidden) {
                let internet = rt.routes.iter().filter(|r| {
                    matches!(r.target_kind, TargetKind::InternetGateway | TargetKind::EgressOnlyInternetGateway)
                });
                for route in internet {
                    let target = route.target_id.as_deref().unwrap_or("?");
                    let subnet_ids: Vec<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
                    out.push(
                        FindingBuilder::new(ID, default_severity(ID), "route_table", &rt.id)
                            .tier(Some(&tier.name))
                            .expected("no internet gateway routes")
                            .actual(format!("{} -> {target}", route.destination))
                            .evidence("destination", route.destination.clone())
                            .evidence("target", target)
                            .evidence("subnets", subnet_ids.join(","))
                            .evidence("vpc", rt.vpc_id.clone())
                            .clause(format!("tiers.{}.internet = \"forbidden\" (line {})", tier.name, tier.line))
                            .message(format!(
                                "{} ({} tier) routes {} to internet gateway {target}; the {} tier must not reach the internet directly",
                                rt.id, tier.name, route.destination, tier.name
                            )),
                    );
                }
            }
        }
    }
}
