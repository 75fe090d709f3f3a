//! `route.peering-forbidden`: a peering route in a route table serving a tier that
//! forbids peering, or towards a peer CIDR the tier does not allow.

use super::{NETWORK, Rule, default_severity};
use crate::design::{Design, Peering, Tier};
use crate::drift::{Context, Finding, FindingBuilder, Text};
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
        // What a tier's findings say is the same for all of its routes: built once per
        // tier (by position in the design), not once per offending route.
        let mut texts: Vec<Option<TierText>> = Vec::new();
        for (rt, tiers) in cx.route_tables_by_tier() {
            for (tier, subnets) in &tiers {
                for route in rt.routes.iter().filter(|r| r.target_kind == TargetKind::VpcPeering) {
                    match tier.peering {
                        Peering::Forbidden => {}
                        Peering::Allowed if tier.peer_cidrs.is_empty() => continue,
                        Peering::Allowed => {
                            let dest = route.destination.parse::<IpNet>().ok();
                            if dest.is_some_and(|d| tier.peer_cidrs.iter().any(|p| p.contains(&d))) {
                                continue;
                            }
                        }
                    }
                    let at = cx.design.tiers.iter().position(|t| std::ptr::eq(t, *tier)).unwrap_or(usize::MAX);
                    if texts.len() <= at && at != usize::MAX {
                        texts.resize_with(at + 1, || None);
                    }
                    let fresh;
                    let text = match texts.get_mut(at) {
                        Some(slot) => slot.get_or_insert_with(|| TierText::new(tier)),
                        None => {
                            fresh = TierText::new(tier);
                            &fresh
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
                    let pcx = Text::from(route.target_id.as_deref().unwrap_or("?"));
                    let rt_id = Text::from(rt.id.as_str());
                    let destination = Text::from(route.destination.as_str());
                    out.push(
                        FindingBuilder::new(ID, default_severity(ID), "route_table", rt_id.clone())
                            .tier(Some(text.tier.clone()))
                            .expected(text.expected.clone())
                            .actual(Text::concat([destination.clone(), Text::lit(" -> "), pcx.clone()]))
                            // In name order (each then appends; see `Evidence::insert`).
                            .evidence("association", Text::lit(how))
                            .evidence("destination", destination.clone())
                            .evidence("subnets", subnet_ids.join(","))
                            .evidence("target", pcx.clone())
                            .evidence("vpc", rt.vpc_id.as_str())
                            .clause(text.clause.clone())
                            // Joined only if shown.
                            .message(Text::concat([
                                rt_id,
                                Text::lit(" ("),
                                text.tier.clone(),
                                Text::lit(" tier) routes "),
                                destination,
                                Text::lit(" through peering "),
                                pcx,
                                Text::lit("; the "),
                                text.tier.clone(),
                                Text::lit(" tier "),
                                text.why.clone(),
                            ])),
                    );
                }
            }
        }
    }
}

/// The tier name, expected text, reason and clause shared by every finding of one tier.
struct TierText {
    tier: Text,
    expected: Text,
    why: Text,
    clause: Text,
}

impl TierText {
    fn new(tier: &Tier) -> Self {
        let (expected, why) = match tier.peering {
            Peering::Forbidden => ("no peering routes".to_string(), "forbids peering routes".to_string()),
            Peering::Allowed => {
                let allowed: Vec<String> = tier.peer_cidrs.iter().map(ToString::to_string).collect();
                let list = allowed.join(", ");
                (format!("peering routes only towards {list}"), format!("allows peering only towards {list}"))
            }
        };
        TierText {
            tier: Text::shared(tier.name.as_str()),
            expected: Text::shared(expected),
            why: Text::shared(why),
            clause: Text::shared(format!("tiers.{}.peering (line {})", tier.name, tier.line)),
        }
    }
}
