//! The codes a path's deciding hop carries: why it is denied, or why it is unknown.

use serde::Serialize;

/// Why a path is denied (or, for `NotModelled` / `Unavailable`, why it is unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    NoRoute,
    RouteBlackhole,
    PeeringNotActive,
    PeeringWrongVpc,
    NoInternetGateway,
    AclDeny,
    SgNoIngress,
    SgNoEgress,
    NoReturnRoute,
    AclReturnDeny,
    NotModelled,
    GroupsUnknown,
    Unavailable,
    /// The source VPC has no (available) attachment to the transit gateway its route names.
    TgwNoAttachment,
    /// The attachment traffic enters through is associated with no transit gateway route table.
    TgwNoAssociation,
    /// The transit gateway route table has no route to the destination, or it leads elsewhere.
    TgwNoRoute,
    TgwBlackhole,
    /// Every tunnel of the VPN connection is down (or the connection is not available).
    VpnDown,
    /// The VPN gateway is not attached to the VPC, or has no VPN connection routing the destination.
    VpnNoRoute,
    /// A gateway endpoint a route names is missing or not available.
    EndpointNotAvailable,
    /// The address lies in a VPC of the estate but in none of its subnets.
    NoSubnet,
    /// The address lies in a subnet but no network interface holds it.
    NoDestination,
    /// Not modelled: a route to a network interface, an instance or a Gateway Load Balancer
    /// (or Network Firewall) endpoint.
    Middlebox,
    /// Not modelled: a route to an AWS Cloud WAN core network.
    CloudWan,
    /// Not modelled: a transit gateway Connect attachment (its peers speak BGP over GRE).
    TgwConnect,
    /// Not modelled: a VPC attachment in appliance mode (symmetric routing through a middlebox).
    ApplianceMode,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NoRoute => "NO_ROUTE",
            Code::RouteBlackhole => "ROUTE_BLACKHOLE",
            Code::PeeringNotActive => "PEERING_NOT_ACTIVE",
            Code::PeeringWrongVpc => "PEERING_WRONG_VPC",
            Code::NoInternetGateway => "NO_INTERNET_GATEWAY",
            Code::AclDeny => "ACL_DENY",
            Code::SgNoIngress => "SG_NO_INGRESS",
            Code::SgNoEgress => "SG_NO_EGRESS",
            Code::NoReturnRoute => "NO_RETURN_ROUTE",
            Code::AclReturnDeny => "ACL_RETURN_DENY",
            Code::NotModelled => "NOT_MODELLED",
            Code::GroupsUnknown => "GROUPS_UNKNOWN",
            Code::Unavailable => "UNAVAILABLE",
            Code::TgwNoAttachment => "TGW_NO_ATTACHMENT",
            Code::TgwNoAssociation => "TGW_NO_ASSOCIATION",
            Code::TgwNoRoute => "TGW_NO_ROUTE",
            Code::TgwBlackhole => "TGW_BLACKHOLE",
            Code::VpnDown => "VPN_DOWN",
            Code::VpnNoRoute => "VPN_NO_ROUTE",
            Code::EndpointNotAvailable => "ENDPOINT_NOT_AVAILABLE",
            Code::NoSubnet => "NO_SUBNET",
            Code::NoDestination => "NO_DESTINATION",
            Code::Middlebox => "MIDDLEBOX",
            Code::CloudWan => "CLOUD_WAN",
            Code::TgwConnect => "TGW_CONNECT",
            Code::ApplianceMode => "APPLIANCE_MODE",
        }
    }
}
