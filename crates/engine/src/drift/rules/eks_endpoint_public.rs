//! `eks.endpoint-public`: an in-scope cluster's public endpoint is open beyond the CIDR
//! sets of `eks.public_endpoint_from` (`[]`: the endpoint must be private). A public
//! endpoint with no CIDRs listed is open to `0.0.0.0/0`, AWS's default.

use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use ipnet::IpNet;
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "eks.endpoint-public";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::EksClusters]
    }
    fn applies(&self, d: &Design) -> bool {
        d.eks.as_ref().is_some_and(|e| e.public_endpoint_from.is_some())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.eks else { return };
        let Some(sets) = &policy.public_endpoint_from else { return };
        let allowed: Vec<IpNet> = sets.iter().filter_map(|s| cx.design.cidr_sets.get(s)).flatten().copied().collect();
        let expected = if sets.is_empty() {
            "private endpoint only".to_string()
        } else {
            format!("public endpoint open to {} only", sets.join(", "))
        };
        for c in &cx.snap.eks_clusters {
            if !c.endpoint_public_access || !cx.vpc_covered(c.vpc_id.as_deref()) {
                continue;
            }
            let cidrs: Vec<&str> = if c.public_access_cidrs.is_empty() {
                vec!["0.0.0.0/0"]
            } else {
                c.public_access_cidrs.iter().map(String::as_str).collect()
            };
            let beyond: Vec<&str> = cidrs
                .iter()
                .copied()
                .filter(|cidr| match cidr.parse::<IpNet>() {
                    Ok(net) => !allowed.iter().any(|a| a.contains(&net)),
                    Err(_) => true,
                })
                .collect();
            if beyond.is_empty() {
                continue;
            }
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "eks_cluster", c.name.as_str())
                    .expected(expected.clone())
                    .actual(format!("public endpoint open to {}", cidrs.join(", ")))
                    .evidence("cluster", c.arn.clone())
                    .evidence("public_access_cidrs", cidrs.join(", "))
                    .evidence("beyond_design", beyond.join(", "))
                    .clause(format!("eks.public_endpoint_from (line {})", policy.line))
                    .message(format!(
                        "EKS cluster {}: the public endpoint is open to {}, beyond {}",
                        c.name,
                        beyond.join(", "),
                        if sets.is_empty() { "the design (private only)".to_string() } else { sets.join(", ") }
                    )),
            );
        }
    }
}
