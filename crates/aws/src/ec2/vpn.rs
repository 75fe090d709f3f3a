//! EC2 collectors: Site-to-Site VPN: virtual private gateways with their VPC attachments,
//! customer gateways, and VPN connections with their static routes and tunnel telemetry.
//! None of these three calls paginates: one call each.

use super::tags;
use crate::{Aws, timestamp};
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;

impl Aws {
    pub(crate) async fn vpn_gateways(&self) -> Result<Vec<VpnGateway>, FetchError> {
        self.count_call();
        let out =
            self.ec2.describe_vpn_gateways().send().await.map_err(|e| self.fail("ec2:DescribeVpnGateways", &e))?;
        Ok(out
            .vpn_gateways()
            .iter()
            .map(|g| VpnGateway {
                id: g.vpn_gateway_id().unwrap_or_default().to_string(),
                state: g.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                amazon_side_asn: g.amazon_side_asn(),
                vpc_attachments: g
                    .vpc_attachments()
                    .iter()
                    .map(|a| VgwAttachment {
                        vpc_id: a.vpc_id().unwrap_or_default().to_string(),
                        state: a.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    })
                    .collect(),
                tags: tags(g.tags()),
            })
            .collect())
    }

    pub(crate) async fn customer_gateways(&self) -> Result<Vec<CustomerGateway>, FetchError> {
        self.count_call();
        let out = self
            .ec2
            .describe_customer_gateways()
            .send()
            .await
            .map_err(|e| self.fail("ec2:DescribeCustomerGateways", &e))?;
        Ok(out
            .customer_gateways()
            .iter()
            .map(|g| CustomerGateway {
                id: g.customer_gateway_id().unwrap_or_default().to_string(),
                ip_address: g.ip_address().map(str::to_string),
                bgp_asn: g.bgp_asn().or(g.bgp_asn_extended()).map(str::to_string),
                state: g.state().unwrap_or_default().to_string(),
                tags: tags(g.tags()),
            })
            .collect())
    }

    pub(crate) async fn vpn_connections(&self) -> Result<Vec<VpnConnection>, FetchError> {
        self.count_call();
        let out = self
            .ec2
            .describe_vpn_connections()
            .send()
            .await
            .map_err(|e| self.fail("ec2:DescribeVpnConnections", &e))?;
        Ok(out.vpn_connections().iter().map(vpn_connection).collect())
    }
}

fn vpn_connection(c: &t::VpnConnection) -> VpnConnection {
    VpnConnection {
        id: c.vpn_connection_id().unwrap_or_default().to_string(),
        state: c.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
        customer_gateway_id: c.customer_gateway_id().map(str::to_string),
        vpn_gateway_id: c.vpn_gateway_id().map(str::to_string),
        transit_gateway_id: c.transit_gateway_id().map(str::to_string),
        static_routes_only: c.options().and_then(|o| o.static_routes_only()),
        routes: c
            .routes()
            .iter()
            .filter(|r| r.state().is_none_or(|s| *s == t::VpnState::Available))
            .filter_map(|r| r.destination_cidr_block().map(str::to_string))
            .collect(),
        tunnels: c
            .vgw_telemetry()
            .iter()
            .map(|v| VpnTunnel {
                outside_ip: v.outside_ip_address().unwrap_or_default().to_string(),
                status: match v.status() {
                    Some(t::TelemetryStatus::Up) => TunnelStatus::Up,
                    _ => TunnelStatus::Down,
                },
                status_message: v.status_message().filter(|m| !m.is_empty()).map(str::to_string),
                last_status_change: v.last_status_change().and_then(timestamp),
                accepted_routes: v.accepted_route_count(),
            })
            .collect(),
        tags: tags(c.tags()),
    }
}
