//! `route.transit-forbidden`: a route to a transit gateway in a route table serving a tier
//! that forbids transit, or towards a destination outside the tier's `transit_cidrs`:
//! the counterpart of `route.peering-forbidden` for transit gateways.

use super::{NETWORK, Rule, default_severity};
use crate::design::{Design, Peering, Tier};
use crate::drift::{Context, FindingBuilder, Findings};
use ipnet::IpNet;
use model::{Kind, TargetKind};

pub struct TransitForbidden;
pub static RULE: TransitForbidden = TransitForbidden;
const ID: &str = "route.transit-forbidden";

impl Rule for TransitForbidden {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        NETWORK
    }
    fn applies(&self, d: &Design) -> bool {
        d.tiers.iter().any(|t| t.transit == Peering::Forbidden || !t.transit_cidrs.is_empty())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (rt, tiers) in cx.route_tables_by_tier_sorted() {
            let how = if rt.main && rt.associations.iter().all(|a| a.subnet_id.is_none()) {
                "main route table (implicit)"
            } else if rt.main {
                "main route table"
            } else {
                "explicit association"
            };
            for (tier, subnets) in tiers.iter() {
                for route in rt.routes.iter().filter(|r| r.target_kind == TargetKind::TransitGateway) {
                    if allowed(tier, &route.destination) {
                        continue;
                    }
                    let (expected, why) = texts(tier);
                    let tgw = route.target_id.as_deref().unwrap_or("?");
                    let ids: Vec<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
                    out.push(
                        FindingBuilder::new(ID, default_severity(ID), "route_table", &rt.id)
                            .tier(Some(tier.name.as_str()))
                            .expected(expected)
                            .actual(format!("{} -> {tgw}", route.destination))
                            .evidence("association", how)
                            .evidence("destination", route.destination.clone())
                            .evidence("subnets", ids.join(","))
                            .evidence("target", tgw)
                            .evidence("vpc", rt.vpc_id.clone())
                            .clause(format!("tiers.{}.transit (line {})", tier.name, tier.line))
                            .message(format!(
                                "{} ({} tier) routes {} through transit gateway {tgw}; the {} tier {why}",
                                rt.id, tier.name, route.destination, tier.name
                            )),
                    );
                }
            }
        }
    }
}

/// Does the tier allow a transit gateway route to `destination`? A prefix-list
/// destination cannot be shown inside `transit_cidrs`, so it is not allowed by them.
fn allowed(tier: &Tier, destination: &str) -> bool {
    match tier.transit {
        Peering::Forbidden => false,
        Peering::Allowed if tier.transit_cidrs.is_empty() => true,
        Peering::Allowed => {
            let dest = destination.parse::<IpNet>().ok();
            dest.is_some_and(|d| tier.transit_cidrs.iter().any(|c| c.contains(&d)))
        }
    }
}

fn texts(tier: &Tier) -> (String, String) {
    match tier.transit {
        Peering::Forbidden => ("no transit gateway routes".into(), "forbids transit gateway routes".into()),
        Peering::Allowed => {
            let list = tier.transit_cidrs_text.join(", ");
            (format!("transit gateway routes only towards {list}"), format!("allows transit only towards {list}"))
        }
    }
}
