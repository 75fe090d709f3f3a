//! EC2 collectors: Route tables and what their routes lead to: internet and NAT gateways, peering
//! connections, managed prefix lists (with their entries) and VPC endpoints.
//! Paginators with the largest page the API allows; every page counts as one call.

use super::{PAGE, tags};
use crate::Aws;
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;

/// DescribeRouteTables caps pages at 100.
const ROUTE_TABLE_PAGE: i32 = 100;

/// DescribeManagedPrefixLists and GetManagedPrefixListEntries cap pages at 100.
const PREFIX_LIST_PAGE: i32 = 100;

impl Aws {
    pub(crate) async fn route_tables(&self) -> Result<Vec<RouteTable>, FetchError> {
        let stream = self.ec2.describe_route_tables().max_results(ROUTE_TABLE_PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeRouteTables", stream, |p| p
            .route_tables()
            .iter()
            .map(route_table)
            .collect::<Vec<_>>()))
    }

    pub(crate) async fn internet_gateways(&self) -> Result<Vec<InternetGateway>, FetchError> {
        let stream = self.ec2.describe_internet_gateways().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeInternetGateways", stream, |p| p
            .internet_gateways()
            .iter()
            .map(|g| InternetGateway {
                id: g.internet_gateway_id().unwrap_or_default().to_string(),
                attached_vpcs: g.attachments().iter().filter_map(|a| a.vpc_id().map(str::to_string)).collect(),
                tags: tags(g.tags()),
            })
            .collect::<Vec<_>>()))
    }

    pub(crate) async fn nat_gateways(&self) -> Result<Vec<NatGateway>, FetchError> {
        let stream = self.ec2.describe_nat_gateways().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeNatGateways", stream, |p| p
            .nat_gateways()
            .iter()
            .map(|n| NatGateway {
                id: n.nat_gateway_id().unwrap_or_default().to_string(),
                vpc_id: n.vpc_id().unwrap_or_default().to_string(),
                subnet_id: n.subnet_id().unwrap_or_default().to_string(),
                state: n.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                connectivity: n.connectivity_type().map(|c| c.as_str().to_string()),
                tags: tags(n.tags()),
            })
            .collect::<Vec<_>>()))
    }

    pub(crate) async fn peering_connections(&self) -> Result<Vec<PeeringConnection>, FetchError> {
        let stream = self.ec2.describe_vpc_peering_connections().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeVpcPeeringConnections", stream, |p| p
            .vpc_peering_connections()
            .iter()
            .map(|c| PeeringConnection {
                id: c.vpc_peering_connection_id().unwrap_or_default().to_string(),
                status: c.status().and_then(|s| s.code()).map(|s| s.as_str().to_string()).unwrap_or_default(),
                requester: peer_side(c.requester_vpc_info()),
                accepter: peer_side(c.accepter_vpc_info()),
                tags: tags(c.tags()),
            })
            .collect::<Vec<_>>()))
    }

    /// Every prefix list of the region with its entries. A list whose entries cannot be
    /// read is kept with `entries: None` and the reason: unknown, never empty.
    pub(crate) async fn prefix_lists(&self) -> Result<Vec<PrefixList>, FetchError> {
        let stream = self.ec2.describe_managed_prefix_lists().max_results(PREFIX_LIST_PAGE).into_paginator().send();
        let mut lists: Vec<PrefixList> = pages!(self, "ec2:DescribeManagedPrefixLists", stream, |p| p
            .prefix_lists()
            .iter()
            .map(prefix_list)
            .collect::<Vec<_>>());
        for list in &mut lists {
            let stream = self
                .ec2
                .get_managed_prefix_list_entries()
                .prefix_list_id(&list.id)
                .max_results(PREFIX_LIST_PAGE)
                .into_paginator()
                .send();
            let entries: Result<Vec<PrefixListEntry>, FetchError> = async {
                Ok(pages!(self, "ec2:GetManagedPrefixListEntries", stream, |p| p
                    .entries()
                    .iter()
                    .filter_map(|e| Some(PrefixListEntry {
                        cidr: e.cidr()?.to_string(),
                        description: e.description().filter(|d| !d.is_empty()).map(str::to_string),
                    }))
                    .collect::<Vec<_>>()))
            }
            .await;
            match entries {
                Ok(e) => list.entries = Some(e),
                Err(e) => list.entries_error = Some(e.message),
            }
        }
        Ok(lists)
    }

    pub(crate) async fn vpc_endpoints(&self) -> Result<Vec<VpcEndpoint>, FetchError> {
        let stream = self.ec2.describe_vpc_endpoints().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeVpcEndpoints", stream, |p| p
            .vpc_endpoints()
            .iter()
            .map(|e| VpcEndpoint {
                id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
                vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                service_name: e.service_name().unwrap_or_default().to_string(),
                endpoint_type: e.vpc_endpoint_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
                state: e.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                route_table_ids: e.route_table_ids().to_vec(),
                subnet_ids: e.subnet_ids().to_vec(),
                security_groups: e.groups().iter().filter_map(|g| g.group_id().map(str::to_string)).collect(),
                tags: tags(e.tags()),
            })
            .collect::<Vec<_>>()))
    }
}

fn route_table(r: &t::RouteTable) -> RouteTable {
    let associations: Vec<RouteTableAssociation> = r
        .associations()
        .iter()
        .map(|a| RouteTableAssociation {
            id: a.route_table_association_id().map(str::to_string),
            subnet_id: a.subnet_id().map(str::to_string),
            gateway_id: a.gateway_id().map(str::to_string),
            main: a.main().unwrap_or(false),
        })
        .collect();
    RouteTable {
        id: r.route_table_id().unwrap_or_default().to_string(),
        vpc_id: r.vpc_id().unwrap_or_default().to_string(),
        main: associations.iter().any(|a| a.main),
        associations,
        routes: r.routes().iter().map(route).collect(),
        propagating_vgws: r.propagating_vgws().iter().filter_map(|v| v.gateway_id().map(str::to_string)).collect(),
        tags: tags(r.tags()),
    }
}

/// Classify a route's target from whichever id field AWS filled in.
pub(crate) fn target_of(gateway: Option<&str>, r: &t::Route) -> (TargetKind, Option<String>) {
    let id = |s: &str| Some(s.to_string());
    if let Some(g) = gateway {
        let kind = match g {
            "local" => return (TargetKind::Local, None),
            g if g.starts_with("igw-") => TargetKind::InternetGateway,
            g if g.starts_with("vgw-") => TargetKind::VpnGateway,
            g if g.starts_with("vpce-") => TargetKind::VpcEndpoint,
            _ => TargetKind::Other,
        };
        return (kind, id(g));
    }
    let pairs: [(Option<&str>, TargetKind); 9] = [
        (r.nat_gateway_id(), TargetKind::NatGateway),
        (r.vpc_peering_connection_id(), TargetKind::VpcPeering),
        (r.transit_gateway_id(), TargetKind::TransitGateway),
        (r.egress_only_internet_gateway_id(), TargetKind::EgressOnlyInternetGateway),
        (r.carrier_gateway_id(), TargetKind::CarrierGateway),
        (r.local_gateway_id(), TargetKind::LocalGateway),
        (r.core_network_arn(), TargetKind::CoreNetwork),
        (r.instance_id(), TargetKind::Instance),
        (r.network_interface_id(), TargetKind::NetworkInterface),
    ];
    pairs.into_iter().find_map(|(v, k)| v.map(|v| (k, id(v)))).unwrap_or((TargetKind::Other, None))
}

fn route(r: &t::Route) -> Route {
    let (destination, destination_kind) = if let Some(c) = r.destination_cidr_block() {
        (c.to_string(), DestinationKind::Ipv4)
    } else if let Some(c) = r.destination_ipv6_cidr_block() {
        (c.to_string(), DestinationKind::Ipv6)
    } else {
        (r.destination_prefix_list_id().unwrap_or_default().to_string(), DestinationKind::PrefixList)
    };
    let (target_kind, target_id) = target_of(r.gateway_id(), r);
    Route {
        destination,
        destination_kind,
        target_kind,
        target_id,
        state: match r.state() {
            Some(t::RouteState::Blackhole) => RouteState::Blackhole,
            _ => RouteState::Active,
        },
        origin: r.origin().map(|o| o.as_str().to_string()),
    }
}

fn peer_side(info: Option<&t::VpcPeeringConnectionVpcInfo>) -> PeeringSide {
    let Some(i) = info else {
        return PeeringSide { vpc_id: String::new(), owner_id: None, region: None, cidrs: vec![], ipv6_cidrs: vec![] };
    };
    let mut cidrs: Vec<String> = i.cidr_block().map(str::to_string).into_iter().collect();
    for c in i.cidr_block_set().iter().filter_map(|c| c.cidr_block()) {
        if !cidrs.iter().any(|x| x == c) {
            cidrs.push(c.to_string());
        }
    }
    PeeringSide {
        vpc_id: i.vpc_id().unwrap_or_default().to_string(),
        owner_id: i.owner_id().map(str::to_string),
        region: i.region().map(str::to_string),
        cidrs,
        ipv6_cidrs: i.ipv6_cidr_block_set().iter().filter_map(|c| c.ipv6_cidr_block().map(str::to_string)).collect(),
    }
}

fn prefix_list(p: &t::ManagedPrefixList) -> PrefixList {
    PrefixList {
        id: p.prefix_list_id().unwrap_or_default().to_string(),
        name: p.prefix_list_name().unwrap_or_default().to_string(),
        owner_id: p.owner_id().map(str::to_string),
        address_family: p.address_family().map(str::to_string),
        state: p.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
        max_entries: p.max_entries(),
        entries: None,
        entries_error: None,
        tags: tags(p.tags()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(b: aws_sdk_ec2::types::builders::RouteBuilder) -> (TargetKind, Option<String>) {
        let r = b.build();
        target_of(r.gateway_id(), &r)
    }

    #[test]
    fn gateway_ids_are_classified_by_prefix() {
        assert_eq!(target(t::Route::builder().gateway_id("local")), (TargetKind::Local, None));
        assert_eq!(
            target(t::Route::builder().gateway_id("igw-1")),
            (TargetKind::InternetGateway, Some("igw-1".into()))
        );
        assert_eq!(target(t::Route::builder().gateway_id("vgw-1")).0, TargetKind::VpnGateway);
        assert_eq!(target(t::Route::builder().gateway_id("vpce-1")).0, TargetKind::VpcEndpoint);
        assert_eq!(target(t::Route::builder().gateway_id("odd-1")).0, TargetKind::Other);
    }

    #[test]
    fn other_targets_come_from_their_own_fields() {
        assert_eq!(target(t::Route::builder().nat_gateway_id("nat-1")), (TargetKind::NatGateway, Some("nat-1".into())));
        assert_eq!(target(t::Route::builder().vpc_peering_connection_id("pcx-1")).0, TargetKind::VpcPeering);
        assert_eq!(target(t::Route::builder().transit_gateway_id("tgw-1")).0, TargetKind::TransitGateway);
        assert_eq!(
            target(t::Route::builder().egress_only_internet_gateway_id("eigw-1")).0,
            TargetKind::EgressOnlyInternetGateway
        );
        assert_eq!(target(t::Route::builder().core_network_arn("arn:cn")).0, TargetKind::CoreNetwork);
        // A route to an instance names its ENI too; the instance is what people recognise.
        let both = t::Route::builder().instance_id("i-1").network_interface_id("eni-1");
        assert_eq!(target(both), (TargetKind::Instance, Some("i-1".into())));
        assert_eq!(target(t::Route::builder().network_interface_id("eni-1")).0, TargetKind::NetworkInterface);
        assert_eq!(target(t::Route::builder()), (TargetKind::Other, None));
    }

    #[test]
    fn route_destination_and_state() {
        let r = route(
            &t::Route::builder()
                .destination_ipv6_cidr_block("::/0")
                .egress_only_internet_gateway_id("eigw-1")
                .state(t::RouteState::Blackhole)
                .build(),
        );
        assert_eq!((r.destination.as_str(), r.destination_kind), ("::/0", DestinationKind::Ipv6));
        assert_eq!(r.state, RouteState::Blackhole);
        let r = route(&t::Route::builder().destination_prefix_list_id("pl-1").gateway_id("vpce-1").build());
        assert_eq!((r.destination.as_str(), r.destination_kind), ("pl-1", DestinationKind::PrefixList));
        assert_eq!(r.state, RouteState::Active);
    }

    #[test]
    fn main_flag_comes_from_any_association() {
        let rt = route_table(
            &t::RouteTable::builder()
                .route_table_id("rtb-1")
                .vpc_id("vpc-1")
                .associations(t::RouteTableAssociation::builder().subnet_id("subnet-1").main(false).build())
                .associations(t::RouteTableAssociation::builder().main(true).build())
                .build(),
        );
        assert!(rt.main);
        assert_eq!(rt.associations.len(), 2);
        assert_eq!(rt.associations[0].subnet_id.as_deref(), Some("subnet-1"));
    }
}
