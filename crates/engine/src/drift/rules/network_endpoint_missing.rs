//! `network.endpoint-missing`: an in-scope VPC has no available VPC endpoint (gateway or
//! interface) for a service listed in `network.required_endpoints`. Services are
//! compared by short name (`com.amazonaws.eu-west-2.s3` is `s3`).

use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct EndpointMissing;
pub static RULE: EndpointMissing = EndpointMissing;
const ID: &str = "network.endpoint-missing";

impl Rule for EndpointMissing {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::VpcEndpoints]
    }
    fn applies(&self, d: &Design) -> bool {
        !d.network.required_endpoints.is_empty()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for vpc in &cx.vpcs {
            let here: Vec<_> = cx.snap.vpc_endpoints.iter().filter(|e| &e.vpc_id == vpc).collect();
            for svc in &cx.design.network.required_endpoints {
                let of_svc: Vec<_> = here.iter().filter(|e| e.short_service() == svc).collect();
                if of_svc.iter().any(|e| e.state.eq_ignore_ascii_case("available")) {
                    continue;
                }
                let actual = match of_svc.first() {
                    Some(e) => format!("endpoint {} for {svc} is {}", e.id, e.state),
                    None => format!("no endpoint for {svc}"),
                };
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "vpc", vpc)
                        .expected(format!("an available VPC endpoint for {svc}"))
                        .actual(actual)
                        .evidence("service", svc.clone())
                        .evidence("vpc", vpc.clone())
                        .evidence(
                            "endpoints_in_vpc",
                            here.iter().map(|e| e.short_service()).collect::<Vec<_>>().join(","),
                        )
                        .clause(format!("network.required_endpoints (\"{svc}\")"))
                        .message(format!("{vpc} has no available VPC endpoint for {svc}")),
                );
            }
        }
    }
}
