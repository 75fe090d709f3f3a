//! Site-to-Site VPN resource types: virtual private gateways, customer gateways and VPN
//! connections with their tunnels' telemetry. SDK-free, as AWS's Describe* calls report them.

use crate::Tags;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VgwAttachment {
    pub vpc_id: String,
    /// `attached`, `attaching`, `detaching`, `detached`.
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpnGateway {
    pub id: String,
    pub state: String,
    pub amazon_side_asn: Option<i64>,
    pub vpc_attachments: Vec<VgwAttachment>,
    #[serde(default)]
    pub tags: Tags,
}

impl VpnGateway {
    /// Is the gateway attached to `vpc` now?
    pub fn attached_to(&self, vpc: &str) -> bool {
        self.vpc_attachments.iter().any(|a| a.vpc_id == vpc && a.state == "attached")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerGateway {
    pub id: String,
    pub ip_address: Option<String>,
    pub bgp_asn: Option<String>,
    pub state: String,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TunnelStatus {
    Up,
    Down,
}

/// One tunnel of a VPN connection, from its `VgwTelemetry`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpnTunnel {
    pub outside_ip: String,
    pub status: TunnelStatus,
    pub status_message: Option<String>,
    pub last_status_change: Option<Timestamp>,
    /// Routes learned over BGP on this tunnel.
    pub accepted_routes: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpnConnection {
    pub id: String,
    /// `available`, `pending`, `deleting`, `deleted`.
    pub state: String,
    pub customer_gateway_id: Option<String>,
    /// The VPN gateway it ends on, or
    pub vpn_gateway_id: Option<String>,
    /// the transit gateway it ends on.
    pub transit_gateway_id: Option<String>,
    pub static_routes_only: Option<bool>,
    /// Static routes towards the customer network (`Routes[].DestinationCidrBlock`).
    #[serde(default)]
    pub routes: Vec<String>,
    /// Tunnel telemetry; empty when AWS reports none (then tunnel state is unknown).
    #[serde(default)]
    pub tunnels: Vec<VpnTunnel>,
    #[serde(default)]
    pub tags: Tags,
}

impl VpnConnection {
    pub fn tunnels_up(&self) -> usize {
        self.tunnels.iter().filter(|t| t.status == TunnelStatus::Up).count()
    }
}
