//! EC2 collectors: transit gateways, their attachments (with the peering side and the VPC
//! attachments' subnets and appliance mode) and their route tables with associations,
//! propagations and routes. Paginators with the largest page the API allows.

use super::{PAGE, tags};
use crate::Aws;
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;
use std::collections::HashMap;

impl Aws {
    pub(crate) async fn transit_gateways(&self) -> Result<Vec<TransitGateway>, FetchError> {
        let stream = self.ec2.describe_transit_gateways().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeTransitGateways", stream, |p| p
            .transit_gateways()
            .iter()
            .map(|g| {
                let o = g.options();
                TransitGateway {
                    id: g.transit_gateway_id().unwrap_or_default().to_string(),
                    owner_id: g.owner_id().map(str::to_string),
                    state: g.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    default_association_route_table: o
                        .and_then(|o| o.association_default_route_table_id())
                        .map(str::to_string),
                    default_propagation_route_table: o
                        .and_then(|o| o.propagation_default_route_table_id())
                        .map(str::to_string),
                    tags: tags(g.tags()),
                }
            })
            .collect::<Vec<_>>()))
    }

    /// Every attachment, with the peer side of peering attachments
    /// (DescribeTransitGatewayPeeringAttachments) and the subnets and appliance mode of
    /// VPC attachments (DescribeTransitGatewayVpcAttachments).
    pub(crate) async fn transit_gateway_attachments(&self) -> Result<Vec<TgwAttachment>, FetchError> {
        let stream = self.ec2.describe_transit_gateway_attachments().max_results(PAGE).into_paginator().send();
        let mut out: Vec<TgwAttachment> = pages!(self, "ec2:DescribeTransitGatewayAttachments", stream, |p| p
            .transit_gateway_attachments()
            .iter()
            .map(attachment)
            .collect::<Vec<_>>());
        let stream = self.ec2.describe_transit_gateway_peering_attachments().max_results(PAGE).into_paginator().send();
        let peers: Vec<(String, Vec<TgwPeer>)> =
            pages!(self, "ec2:DescribeTransitGatewayPeeringAttachments", stream, |p| p
                .transit_gateway_peering_attachments()
                .iter()
                .map(|a| {
                    let sides = [a.requester_tgw_info(), a.accepter_tgw_info()]
                        .into_iter()
                        .flatten()
                        .map(|i| TgwPeer {
                            transit_gateway_id: i.transit_gateway_id().unwrap_or_default().to_string(),
                            owner_id: i.owner_id().map(str::to_string),
                            region: i.region().map(str::to_string),
                        })
                        .collect();
                    (a.transit_gateway_attachment_id().unwrap_or_default().to_string(), sides)
                })
                .collect::<Vec<_>>());
        let peers: HashMap<String, Vec<TgwPeer>> = peers.into_iter().collect();
        let stream = self.ec2.describe_transit_gateway_vpc_attachments().max_results(PAGE).into_paginator().send();
        let vpcs: Vec<(String, Vec<String>, Option<bool>)> =
            pages!(self, "ec2:DescribeTransitGatewayVpcAttachments", stream, |p| p
                .transit_gateway_vpc_attachments()
                .iter()
                .map(|a| {
                    let appliance = a
                        .options()
                        .and_then(|o| o.appliance_mode_support())
                        .map(|v| *v == t::ApplianceModeSupportValue::Enable);
                    (
                        a.transit_gateway_attachment_id().unwrap_or_default().to_string(),
                        a.subnet_ids().to_vec(),
                        appliance,
                    )
                })
                .collect::<Vec<_>>());
        let vpcs: HashMap<String, (Vec<String>, Option<bool>)> =
            vpcs.into_iter().map(|(id, s, a)| (id, (s, a))).collect();
        for a in &mut out {
            if let Some(sides) = peers.get(&a.id) {
                // The far side is the one that is not this attachment's own gateway.
                a.peer = sides.iter().find(|s| s.transit_gateway_id != a.transit_gateway_id).cloned();
            }
            if let Some((subnets, appliance)) = vpcs.get(&a.id) {
                a.subnet_ids = subnets.clone();
                a.appliance_mode = *appliance;
            }
        }
        Ok(out)
    }

    /// Every route table with its associations, propagations and routes. A table whose
    /// routes cannot be read is kept with `routes: None` and the reason: unknown, never empty.
    pub(crate) async fn transit_gateway_route_tables(&self) -> Result<Vec<TgwRouteTable>, FetchError> {
        let stream = self.ec2.describe_transit_gateway_route_tables().max_results(PAGE).into_paginator().send();
        let mut tables: Vec<TgwRouteTable> = pages!(self, "ec2:DescribeTransitGatewayRouteTables", stream, |p| p
            .transit_gateway_route_tables()
            .iter()
            .map(|r| TgwRouteTable {
                id: r.transit_gateway_route_table_id().unwrap_or_default().to_string(),
                transit_gateway_id: r.transit_gateway_id().unwrap_or_default().to_string(),
                state: r.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                default_association: r.default_association_route_table().unwrap_or(false),
                default_propagation: r.default_propagation_route_table().unwrap_or(false),
                associations: Vec::new(),
                propagations: Vec::new(),
                routes: None,
                routes_error: None,
                tags: tags(r.tags()),
            })
            .collect::<Vec<_>>());
        for table in &mut tables {
            let stream = self
                .ec2
                .get_transit_gateway_route_table_associations()
                .transit_gateway_route_table_id(&table.id)
                .max_results(PAGE)
                .into_paginator()
                .send();
            table.associations = pages!(self, "ec2:GetTransitGatewayRouteTableAssociations", stream, |p| p
                .associations()
                .iter()
                .filter(|a| a.state().is_none_or(|s| *s == t::TransitGatewayAssociationState::Associated))
                .filter_map(|a| a.transit_gateway_attachment_id().map(str::to_string))
                .collect::<Vec<_>>());
            let stream = self
                .ec2
                .get_transit_gateway_route_table_propagations()
                .transit_gateway_route_table_id(&table.id)
                .max_results(PAGE)
                .into_paginator()
                .send();
            table.propagations = pages!(self, "ec2:GetTransitGatewayRouteTablePropagations", stream, |p| p
                .transit_gateway_route_table_propagations()
                .iter()
                .filter(|a| a.state().is_none_or(|s| *s == t::TransitGatewayPropagationState::Enabled))
                .filter_map(|a| a.transit_gateway_attachment_id().map(str::to_string))
                .collect::<Vec<_>>());
            match self.transit_gateway_routes(&table.id).await {
                Ok(r) => table.routes = Some(r),
                Err(e) => table.routes_error = Some(e.message),
            }
        }
        Ok(tables)
    }

    /// SearchTransitGatewayRoutes needs a filter: every active and blackhole route.
    /// A page that says more routes exist with no token to fetch them is an error: a
    /// partial table could miss the longest prefix.
    async fn transit_gateway_routes(&self, table: &str) -> Result<Vec<TgwRoute>, FetchError> {
        let filter = t::Filter::builder().name("state").values("active").values("blackhole").build();
        let stream = self
            .ec2
            .search_transit_gateway_routes()
            .transit_gateway_route_table_id(table)
            .filters(filter)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let pages: Vec<(Vec<TgwRoute>, bool)> = pages!(self, "ec2:SearchTransitGatewayRoutes", stream, |p| {
            let more = p.additional_routes_available().unwrap_or(false) && p.next_token().is_none();
            [(p.routes().iter().map(tgw_route).collect::<Vec<_>>(), more)]
        });
        if pages.iter().any(|(_, more)| *more) {
            return Err(FetchError::new(format!(
                "ec2:SearchTransitGatewayRoutes: {table} has more routes than one search returns"
            )));
        }
        Ok(pages.into_iter().flat_map(|(r, _)| r).collect())
    }
}

fn attachment(a: &t::TransitGatewayAttachment) -> TgwAttachment {
    let assoc = a.association();
    TgwAttachment {
        id: a.transit_gateway_attachment_id().unwrap_or_default().to_string(),
        transit_gateway_id: a.transit_gateway_id().unwrap_or_default().to_string(),
        kind: AttachmentKind::parse(a.resource_type().map(|r| r.as_str()).unwrap_or_default()),
        resource_id: a.resource_id().map(str::to_string),
        resource_owner_id: a.resource_owner_id().map(str::to_string),
        state: a.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
        route_table_id: assoc.and_then(|x| x.transit_gateway_route_table_id()).map(str::to_string),
        association_state: assoc.and_then(|x| x.state()).map(|s| s.as_str().to_string()),
        peer: None,
        subnet_ids: Vec::new(),
        appliance_mode: None,
        tags: tags(a.tags()),
    }
}

fn tgw_route(r: &t::TransitGatewayRoute) -> TgwRoute {
    TgwRoute {
        destination: r.destination_cidr_block().or(r.prefix_list_id()).unwrap_or_default().to_string(),
        prefix_list_id: r.prefix_list_id().map(str::to_string),
        route_type: match r.r#type() {
            Some(t::TransitGatewayRouteType::Propagated) => TgwRouteType::Propagated,
            _ => TgwRouteType::Static,
        },
        state: match r.state() {
            Some(t::TransitGatewayRouteState::Active) => TgwRouteState::Active,
            Some(t::TransitGatewayRouteState::Blackhole) => TgwRouteState::Blackhole,
            _ => TgwRouteState::Other,
        },
        attachments: r
            .transit_gateway_attachments()
            .iter()
            .filter_map(|a| a.transit_gateway_attachment_id().map(str::to_string))
            .collect(),
    }
}
