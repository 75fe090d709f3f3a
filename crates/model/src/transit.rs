//! Transit gateway resource types: gateways, their attachments (VPC, peering, VPN, Direct
//! Connect gateway, Connect) and their route tables with associations, propagations and
//! routes. SDK-free, as AWS's Describe* / Get* / Search* calls report them.

use crate::Tags;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitGateway {
    pub id: String,
    pub owner_id: Option<String>,
    /// `available`, `pending`, `deleting`, ...
    pub state: String,
    /// The route table new attachments are associated with, when default association is on.
    pub default_association_route_table: Option<String>,
    /// The route table new attachments propagate to, when default propagation is on.
    pub default_propagation_route_table: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// What a transit gateway attachment joins the gateway to (`ResourceType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Vpc,
    /// Another transit gateway (`peering` / `tgw-peering`), across regions or accounts.
    Peering,
    Vpn,
    DirectConnectGateway,
    Connect,
    /// `network-function`, `tgw-peering` of Cloud WAN, or anything newer.
    Other,
}

impl AttachmentKind {
    /// From AWS's `ResourceType` (`vpc`, `vpn`, `direct-connect-gateway`, `connect`, `peering`, `tgw-peering`).
    pub fn parse(resource_type: &str) -> AttachmentKind {
        match resource_type {
            "vpc" => AttachmentKind::Vpc,
            "peering" | "tgw-peering" => AttachmentKind::Peering,
            "vpn" => AttachmentKind::Vpn,
            "direct-connect-gateway" => AttachmentKind::DirectConnectGateway,
            "connect" => AttachmentKind::Connect,
            _ => AttachmentKind::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::Vpc => "vpc",
            AttachmentKind::Peering => "peering",
            AttachmentKind::Vpn => "vpn",
            AttachmentKind::DirectConnectGateway => "direct-connect-gateway",
            AttachmentKind::Connect => "connect",
            AttachmentKind::Other => "other",
        }
    }
}

/// The far side of a transit gateway peering attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwPeer {
    pub transit_gateway_id: String,
    pub owner_id: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwAttachment {
    pub id: String,
    pub transit_gateway_id: String,
    pub kind: AttachmentKind,
    /// The VPC, VPN connection, Direct Connect gateway or peer gateway attached.
    pub resource_id: Option<String>,
    pub resource_owner_id: Option<String>,
    /// `available`, `pendingAcceptance`, `deleted`, ...
    pub state: String,
    /// The transit gateway route table the attachment is associated with (it decides
    /// where traffic coming in through the attachment goes).
    pub route_table_id: Option<String>,
    /// `associated`, `associating`, ... of that association.
    pub association_state: Option<String>,
    /// For peering attachments: the other gateway.
    #[serde(default)]
    pub peer: Option<TgwPeer>,
    /// For VPC attachments: the subnets it places an interface in (one per AZ served).
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// For VPC attachments: appliance mode (`ApplianceModeSupport`), when read.
    #[serde(default)]
    pub appliance_mode: Option<bool>,
    #[serde(default)]
    pub tags: Tags,
}

impl TgwAttachment {
    pub fn available(&self) -> bool {
        self.state == "available"
    }
}

/// `static` or `propagated` (`Type` of a transit gateway route).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TgwRouteType {
    Static,
    Propagated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TgwRouteState {
    Active,
    Blackhole,
    /// `pending` or `deleting`: carries nothing yet (or any more).
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwRoute {
    /// A CIDR (v4 or v6); a prefix-list route carries the list id in `prefix_list_id`.
    pub destination: String,
    #[serde(default)]
    pub prefix_list_id: Option<String>,
    pub route_type: TgwRouteType,
    pub state: TgwRouteState,
    /// The attachments the route points at (several for ECMP); empty for a blackhole.
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwRouteTable {
    pub id: String,
    pub transit_gateway_id: String,
    pub state: String,
    pub default_association: bool,
    pub default_propagation: bool,
    /// Attachments associated with this table (GetTransitGatewayRouteTableAssociations).
    pub associations: Vec<String>,
    /// Attachments propagating their routes into this table (GetTransitGatewayRouteTablePropagations).
    pub propagations: Vec<String>,
    /// Static, propagated and blackhole routes (SearchTransitGatewayRoutes). `None` when
    /// they could not be read: such a table is unknown, never empty.
    pub routes: Option<Vec<TgwRoute>>,
    #[serde(default)]
    pub routes_error: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[cfg(test)]
mod tests {
    use crate::{Kind, Snapshot};

    /// A snapshot written before transit gateways and VPN were collected still loads:
    /// the new lists default to empty and their kinds read as never fetched.
    #[test]
    fn snapshots_without_the_new_kinds_still_load() {
        let old = r#"{"schema":1,"region":"eu-west-2","account":null,"taken_at":null,"inventory":{},
            "route_tables":[{"id":"rtb-1","vpc_id":"vpc-1","main":true,"associations":[],"routes":[]}]}"#;
        let s = Snapshot::from_json(old).expect("old snapshot loads");
        assert!(s.route_tables[0].propagating_vgws.is_empty());
        assert!(s.transit_gateway_attachments.is_empty() && s.vpn_connections.is_empty());
        assert!(!s.usable(Kind::TransitGatewayRouteTables));
    }

    #[test]
    fn attachment_kinds_parse_from_aws_resource_types() {
        use crate::AttachmentKind as K;
        let got: Vec<K> =
            ["vpc", "vpn", "direct-connect-gateway", "connect", "peering", "tgw-peering", "network-function"]
                .into_iter()
                .map(K::parse)
                .collect();
        assert_eq!(got, [K::Vpc, K::Vpn, K::DirectConnectGateway, K::Connect, K::Peering, K::Peering, K::Other]);
    }
}
