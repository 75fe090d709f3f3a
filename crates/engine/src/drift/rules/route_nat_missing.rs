//! `route.nat-missing`: a tier that must egress through NAT is served by a route table
//! without an active default route to a NAT gateway (in the subnet's own AZ, when the
//! design says one NAT per AZ).

use super::{NETWORK_NAT, Rule, default_severity};
use crate::design::{Design, NatRequirement};
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Kind, RouteState, TargetKind};

pub struct NatMissing;
pub static RULE: NatMissing = NatMissing;
const ID: &str = "route.nat-missing";

impl Rule for NatMissing {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        NETWORK_NAT
    }
    fn applies(&self, d: &Design) -> bool {
        d.tiers.iter().any(|t| t.nat != NatRequirement::Any)
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (rt, tiers) in cx.route_tables_by_tier_sorted() {
            for (tier, subnets) in tiers.iter().filter(|(t, _)| t.nat != NatRequirement::Any) {
                let nat_route = rt.routes.iter().find(|r| {
                    r.destination == "0.0.0.0/0"
                        && r.target_kind == TargetKind::NatGateway
                        && r.state == RouteState::Active
                });
                let clause = match tier.nat {
                    NatRequirement::RequiredSameAz => {
                        format!("tiers.{}.nat = \"required-same-az\" (line {})", tier.name, tier.line)
                    }
                    _ => format!("tiers.{}.nat = \"required\" (line {})", tier.name, tier.line),
                };
                let base = |expected: &str, actual: String| {
                    FindingBuilder::new(ID, default_severity(ID), "route_table", &rt.id)
                        .tier(Some(&tier.name))
                        .expected(expected)
                        .actual(actual)
                        .evidence("destination", "0.0.0.0/0")
                        .evidence("vpc", rt.vpc_id.clone())
                        .clause(clause.clone())
                };
                let Some(route) = nat_route else {
                    let default = rt.routes.iter().find(|r| r.destination == "0.0.0.0/0");
                    let actual = default.map_or("no default route".to_string(), |r| r.describe());
                    let subnet_ids: Vec<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
                    out.push(
                        base("0.0.0.0/0 -> NAT gateway", actual.clone())
                            .evidence_opt("target", default.and_then(|r| r.target_id.as_deref()))
                            .evidence("subnets", subnet_ids.join(","))
                            .message(format!(
                                "{} ({} tier) has no active default route through a NAT gateway ({actual})",
                                rt.id, tier.name
                            )),
                    );
                    continue;
                };
                if tier.nat != NatRequirement::RequiredSameAz {
                    continue;
                }
                let nat = route.target_id.as_deref().unwrap_or("?");
                let nat_az = cx.nat_az(nat);
                let wrong: Vec<_> = subnets.iter().filter(|s| nat_az != Some(s.az.as_str())).collect();
                if wrong.is_empty() {
                    continue;
                }
                let azs: Vec<&str> = wrong.iter().map(|s| s.az.as_str()).collect();
                let ids: Vec<&str> = wrong.iter().map(|s| s.id.as_str()).collect();
                let nat_where = nat_az.unwrap_or("an unknown AZ");
                out.push(
                    base(
                        &format!("0.0.0.0/0 -> a NAT gateway in {}", azs.join(",")),
                        format!("0.0.0.0/0 -> {nat} in {nat_where}"),
                    )
                    .evidence("target", nat)
                    .evidence("nat_az", nat_where)
                    .evidence("subnets", ids.join(","))
                    .message(format!(
                        "{} ({} tier) sends {} traffic through {nat} in {nat_where}; the design wants one NAT per AZ",
                        rt.id,
                        tier.name,
                        azs.join(","),
                    )),
                );
            }
        }
    }
}
