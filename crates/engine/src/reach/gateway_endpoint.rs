//! Gateway endpoint hop: a route to a prefix list that names an S3 or DynamoDB gateway
//! endpoint reaches that service's addresses when the endpoint is there, available, of
//! the service the list stands for. A Gateway Load Balancer endpoint (appliances,
//! Network Firewall) is a middlebox: not modelled.

use super::{Code, Hop, Index, Outcome};
use model::{Kind, Route};

/// The services reached through gateway endpoints: `to = "s3"` names one.
pub const SERVICES: &[&str] = &["s3", "dynamodb"];

/// Judge the endpoint `route` (a `vpce-…` target) points at, for traffic leaving the VPC.
pub(crate) fn check(ix: &Index<'_>, step: &'static str, route: &Route) -> Hop {
    let id = route.target_id.as_deref().unwrap_or_default();
    let mk = |detail: String, outcome, code| Hop {
        step,
        env: ix.name.to_string(),
        resource: id.to_string(),
        detail,
        outcome,
        code,
    };
    if !ix.snap.usable(Kind::VpcEndpoints) {
        return mk(format!("vpc_endpoints of {} unavailable", ix.name), Outcome::Unknown, Some(Code::Unavailable));
    }
    let Some(e) = ix.endpoint(id) else {
        return mk(format!("{id} not found (deleted?)"), Outcome::Block, Some(Code::EndpointNotAvailable));
    };
    match e.endpoint_type.as_str() {
        "Gateway" => {}
        "GatewayLoadBalancer" => {
            return mk(
                format!("{id} is a Gateway Load Balancer endpoint: routing through its appliance is not modelled"),
                Outcome::Unknown,
                Some(Code::Middlebox),
            );
        }
        other => {
            return mk(
                format!("{id} is an {other} endpoint, not a route target"),
                Outcome::Unknown,
                Some(Code::NotModelled),
            );
        }
    }
    if !e.state.eq_ignore_ascii_case("available") {
        return mk(
            format!("{id} ({}) is {}", e.short_service(), e.state),
            Outcome::Block,
            Some(Code::EndpointNotAvailable),
        );
    }
    // The route's prefix list must stand for the endpoint's service (AWS adds it so).
    if let Some(list) = ix.prefix_list(&route.destination)
        && let Some(service) = list.aws_service()
        && service != e.short_service()
    {
        return mk(
            format!("{id} serves {}, but the route's list {} is {service}", e.short_service(), list.id),
            Outcome::Block,
            Some(Code::EndpointNotAvailable),
        );
    }
    mk(format!("{id}: gateway endpoint for {} ({})", e.short_service(), e.vpc_id), Outcome::Pass, None)
}
