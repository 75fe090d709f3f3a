//! `route.peering-forbidden`: a peering route in a route table serving a tier that
//! forbids peering, or towards a peer CIDR the tier does not allow.

use super::{NETWORK, Rule, default_severity};
use crate::design::{Design, Peering};
use crate::drift::{Context, Finding, FindingBuilder};
use crate::model::{Kind, TargetKind};
use ipnet::IpNet;

pub struct PeeringForbidden;
pub static RULE: PeeringForbidden = PeeringForbidden;
const ID: &str = "route.peering-forbidden";

impl Rule for PeeringForbidden {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        NETWORK
    }
    fn applies(&self, d: &Design) -> bool {
        d.tiers.iter().any(|t| t.peering == Peering::Forbidden || !t.peer_cidrs.is_empty())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for (rt, tiers) in cx.route_tables_by_tier() {
            for (tier, subnets) in &tiers {
                for route in rt.routes.iter().filter(|r| r.target_kind == TargetKind::VpcPeering) {
                    let (expected, why) = match tier.peering {
                        Peering::Forbidden => ("no peering routes".to_string(), "forbids peering routes".to_string()),
                        Peering::Allowed if tier.peer_cidrs.is_empty() => continue,
                        Peering::Allowed => {
                            let dest = route.destination.parse::<IpNet>().ok();
                            if dest.is_some_and(|d| tier.peer_cidrs.iter().any(|p| p.contains(&d))) {
                                continue;
                            }
                            let allowed: Vec<String> = tier.peer_cidrs.iter().map(ToString::to_string).collect();
                            let list = allowed.join(", ");
                            (
                                format!("peering routes only towards {list}"),
                                format!("allows peering only towards {list}"),
                            )
                        }
                    };
                    let subnet_ids: Vec<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
                    let how = if rt.main && rt.associations.iter().all(|a| a.subnet_id.is_none()) {
                        "main route table (implicit)"
                    } else if rt.main {
                        "main route table"
                    } else {
                        "explicit association"
                    };
                    let pcx = route.target_id.as_deref().unwrap_or("?");
                    out.push(
                        FindingBuilder::new(ID, default_severity(ID), "route_table", &rt.id)
                            .tier(Some(&tier.name))
                            .expected(expected)
                            .actual(format!("{} -> {pcx}", route.destination))
                            .evidence("destination", route.destination.clone())
                            .evidence("target", pcx)
                            .evidence("subnets", subnet_ids.join(","))
                            .evidence("association", how)
                            .evidence("vpc", rt.vpc_id.clone())
                            .clause(format!("tiers.{}.peering (line {})", tier.name, tier.line))
                            .message(format!(
                                "{} ({} tier) routes {} through peering {pcx}; the {} tier {why}",
                                rt.id, tier.name, route.destination, tier.name
                            )),
                    );
                }
            }
        }
    }
}
