//! `route.peering-forbidden`: a peering route in a route table serving a tier that
//! forbids peering, or towards a peer CIDR the tier does not allow.

use super::{NETWORK, Part, Rule, default_severity};
use crate::design::{Design, Peering, Tier};
use crate::drift::{Context, Evidence, Finding, Findings, Text};
use ipnet::IpNet;
use model::{Kind, TargetKind};
use std::collections::HashMap;

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
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        self.check_part(cx, Part::WHOLE, out)
    }
    /// Split by route tables: after `sg.flow-undeclared`, the rule that makes most findings.
    fn splits(&self) -> bool {
        true
    }
    fn check_part(&self, cx: &Context<'_>, part: Part, out: &mut Findings) {
        // What a tier's findings say is the same for all of its routes: made once per
        // tier of the design (a few), not once per offending route.
        let texts: HashMap<&str, TierText> =
            cx.design.tiers.iter().map(|t| (t.name.as_str(), TierText::new(t))).collect();
        for (rt, tiers) in cx.route_tables_by_tier_sorted_part(part) {
            let rt_id = Text::from(rt.id.as_str());
            let vpc = Text::from(rt.vpc_id.as_str());
            let how = Text::lit(if rt.main && rt.associations.iter().all(|a| a.subnet_id.is_none()) {
                "main route table (implicit)"
            } else if rt.main {
                "main route table"
            } else {
                "explicit association"
            });
            for (tier, subnets) in tiers.iter() {
                // Made when the table has a route to report for this tier, then shared by
                // all of them (a table has many peering routes).
                let mut shared: Option<Text> = None;
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
                    let fresh;
                    let text = match texts.get(tier.name.as_str()) {
                        Some(t) => t,
                        // Every tier here is one of the design's; made afresh all the same.
                        None => {
                            fresh = TierText::new(tier);
                            &fresh
                        }
                    };
                    let subnet_ids = shared
                        .get_or_insert_with(|| {
                            let ids: Vec<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
                            Text::shared(ids.join(","))
                        })
                        .clone();
                    let pcx = Text::from(route.target_id.as_deref().unwrap_or("?"));
                    let destination = Text::from(route.destination.as_str());
                    // In name order, so each fact is appended without a search (`Evidence::push_in_order`).
                    let mut evidence = Evidence::with_capacity(5);
                    evidence.push_in_order(Text::lit("association"), how.clone());
                    evidence.push_in_order(Text::lit("destination"), destination.clone());
                    evidence.push_in_order(Text::lit("subnets"), subnet_ids);
                    evidence.push_in_order(Text::lit("target"), pcx.clone());
                    evidence.push_in_order(Text::lit("vpc"), vpc.clone());
                    out.push(Finding {
                        rule: Text::lit(ID),
                        severity: default_severity(ID),
                        resource: rt_id.clone(),
                        resource_kind: Text::lit("route_table"),
                        tier: Some(text.tier.clone()),
                        role: None,
                        expected: text.expected.clone(),
                        actual: Text::template(&["", " -> ", ""], [destination.clone(), pcx.clone()]),
                        evidence,
                        // Joined only if shown.
                        message: Text::template(
                            &["", " (", " tier) routes ", " through peering ", "; the ", " tier ", ""],
                            [rt_id.clone(), text.tier.clone(), destination, pcx, text.tier.clone(), text.why.clone()],
                        ),
                        clause: Some(text.clause.clone()),
                        note: None,
                    });
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
