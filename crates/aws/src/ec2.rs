//! EC2 network collectors: VPCs, subnets, route tables, gateways, peering, security groups.
//!
//! Each uses the SDK paginator with the largest page the API allows and counts every
//! page as one call.

use super::{Aws, tag_map};
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;
use std::collections::BTreeMap;

/// DescribeRouteTables caps pages at 100; the other EC2 describes allow 1000.
const PAGE: i32 = 1000;
const ROUTE_TABLE_PAGE: i32 = 100;

pub(super) fn tags(ts: &[t::Tag]) -> Tags {
    tag_map(ts.iter().map(|x| (x.key(), x.value())))
}

impl Aws {
    pub(super) async fn vpcs(&self) -> Result<Vec<Vpc>, FetchError> {
        let stream = self.ec2.describe_vpcs().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeVpcs", stream, |p| p.vpcs().iter().map(vpc).collect::<Vec<_>>()))
    }

    pub(super) async fn subnets(&self) -> Result<Vec<Subnet>, FetchError> {
        let stream = self.ec2.describe_subnets().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeSubnets", stream, |p| p.subnets().iter().map(subnet).collect::<Vec<_>>()))
    }

    pub(super) async fn route_tables(&self) -> Result<Vec<RouteTable>, FetchError> {
        let stream = self.ec2.describe_route_tables().max_results(ROUTE_TABLE_PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeRouteTables", stream, |p| p
            .route_tables()
            .iter()
            .map(route_table)
            .collect::<Vec<_>>()))
    }

    pub(super) async fn internet_gateways(&self) -> Result<Vec<InternetGateway>, FetchError> {
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

    pub(super) async fn nat_gateways(&self) -> Result<Vec<NatGateway>, FetchError> {
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

    pub(super) async fn peering_connections(&self) -> Result<Vec<PeeringConnection>, FetchError> {
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

    /// Groups from DescribeSecurityGroups, rules (with their ids) from
    /// DescribeSecurityGroupRules; both must succeed for the kind to count as fetched.
    pub(super) async fn security_groups(&self) -> Result<Vec<SecurityGroup>, FetchError> {
        let stream = self.ec2.describe_security_groups().max_results(PAGE).into_paginator().send();
        let mut groups: Vec<SecurityGroup> = pages!(self, "ec2:DescribeSecurityGroups", stream, |p| p
            .security_groups()
            .iter()
            .map(|g| SecurityGroup {
                id: g.group_id().unwrap_or_default().to_string(),
                name: g.group_name().unwrap_or_default().to_string(),
                description: g.description().unwrap_or_default().to_string(),
                vpc_id: g.vpc_id().map(str::to_string),
                tags: tags(g.tags()),
                ingress: Vec::new(),
                egress: Vec::new(),
            })
            .collect::<Vec<_>>());
        let stream = self.ec2.describe_security_group_rules().max_results(PAGE).into_paginator().send();
        let rules: Vec<(String, bool, SgRule)> = pages!(self, "ec2:DescribeSecurityGroupRules", stream, |p| p
            .security_group_rules()
            .iter()
            .filter_map(sg_rule)
            .collect::<Vec<_>>());
        let index: BTreeMap<String, usize> = groups.iter().enumerate().map(|(i, g)| (g.id.clone(), i)).collect();
        for (group_id, egress, rule) in rules {
            if let Some(g) = index.get(&group_id).and_then(|i| groups.get_mut(*i)) {
                if egress { g.egress.push(rule) } else { g.ingress.push(rule) }
            }
        }
        Ok(groups)
    }
}

fn vpc(v: &t::Vpc) -> Vpc {
    let mut cidrs: Vec<String> = v.cidr_block().map(str::to_string).into_iter().collect();
    for a in v.cidr_block_association_set() {
        let live = a
            .cidr_block_state()
            .and_then(|s| s.state())
            .is_none_or(|s| matches!(s, t::VpcCidrBlockStateCode::Associated));
        if let Some(c) = a.cidr_block()
            && live
            && !cidrs.iter().any(|x| x == c)
        {
            cidrs.push(c.to_string());
        }
    }
    Vpc {
        id: v.vpc_id().unwrap_or_default().to_string(),
        cidrs,
        ipv6_cidrs: v
            .ipv6_cidr_block_association_set()
            .iter()
            .filter_map(|a| a.ipv6_cidr_block().map(str::to_string))
            .collect(),
        is_default: v.is_default().unwrap_or(false),
        state: v.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
        tags: tags(v.tags()),
    }
}

fn subnet(s: &t::Subnet) -> Subnet {
    Subnet {
        id: s.subnet_id().unwrap_or_default().to_string(),
        vpc_id: s.vpc_id().unwrap_or_default().to_string(),
        cidr: s.cidr_block().unwrap_or_default().to_string(),
        ipv6_cidrs: s
            .ipv6_cidr_block_association_set()
            .iter()
            .filter_map(|a| a.ipv6_cidr_block().map(str::to_string))
            .collect(),
        az: s.availability_zone().unwrap_or_default().to_string(),
        tags: tags(s.tags()),
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
        tags: tags(r.tags()),
    }
}

/// Classify a route's target from whichever id field AWS filled in.
pub(super) fn target_of(gateway: Option<&str>, r: &t::Route) -> (TargetKind, Option<String>) {
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

/// (group id, is egress, rule); `None` for a rule without a group or a peer.
fn sg_rule(r: &t::SecurityGroupRule) -> Option<(String, bool, SgRule)> {
    let peer = if let Some(c) = r.cidr_ipv4() {
        RulePeer::Cidr4(c.to_string())
    } else if let Some(c) = r.cidr_ipv6() {
        RulePeer::Cidr6(c.to_string())
    } else if let Some(g) = r.referenced_group_info().and_then(|g| g.group_id()) {
        RulePeer::Group(g.to_string())
    } else {
        RulePeer::PrefixList(r.prefix_list_id()?.to_string())
    };
    let protocol = r.ip_protocol().unwrap_or("-1").to_string();
    // AWS reports all-traffic rules with ports -1/-1; the model says "every port" as None.
    let all = protocol == "-1";
    let rule = SgRule {
        rule_id: r.security_group_rule_id().map(str::to_string),
        from_port: r.from_port().filter(|_| !all),
        to_port: r.to_port().filter(|_| !all),
        protocol,
        peer,
        description: r.description().filter(|d| !d.is_empty()).map(str::to_string),
    };
    Some((r.group_id()?.to_string(), r.is_egress().unwrap_or(false), rule))
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

    #[test]
    fn sg_rules_pick_their_peer_and_direction() {
        let base = || t::SecurityGroupRule::builder().group_id("sg-1").ip_protocol("tcp").from_port(22).to_port(22);
        let (g, egress, r) = sg_rule(&base().cidr_ipv4("0.0.0.0/0").is_egress(false).build()).unwrap();
        assert_eq!((g.as_str(), egress, r.peer), ("sg-1", false, RulePeer::Cidr4("0.0.0.0/0".into())));
        let (_, _, r) = sg_rule(&base().cidr_ipv6("::/0").build()).unwrap();
        assert_eq!(r.peer, RulePeer::Cidr6("::/0".into()));
        let reference = t::ReferencedSecurityGroup::builder().group_id("sg-2").build();
        let (_, egress, r) = sg_rule(&base().referenced_group_info(reference).is_egress(true).build()).unwrap();
        assert_eq!((egress, r.peer), (true, RulePeer::Group("sg-2".into())));
        let (_, _, r) = sg_rule(&base().prefix_list_id("pl-1").build()).unwrap();
        assert_eq!(r.peer, RulePeer::PrefixList("pl-1".into()));
        assert!(sg_rule(&base().build()).is_none(), "a rule without a peer is dropped");
    }

    #[test]
    fn all_traffic_rules_have_no_ports() {
        let rule = t::SecurityGroupRule::builder()
            .group_id("sg-1")
            .ip_protocol("-1")
            .from_port(-1)
            .to_port(-1)
            .cidr_ipv4("10.0.0.0/8")
            .build();
        let (_, _, r) = sg_rule(&rule).unwrap();
        assert!(r.all_traffic());
        assert_eq!((r.from_port, r.to_port), (None, None));
        assert_eq!(r.ports_label(), "all");
    }

    #[test]
    fn vpc_keeps_associated_cidrs_only_once() {
        let assoc = |c: &str, s: t::VpcCidrBlockStateCode| {
            t::VpcCidrBlockAssociation::builder()
                .cidr_block(c)
                .cidr_block_state(t::VpcCidrBlockState::builder().state(s).build())
                .build()
        };
        let v = vpc(&t::Vpc::builder()
            .vpc_id("vpc-1")
            .cidr_block("10.0.0.0/16")
            .cidr_block_association_set(assoc("10.0.0.0/16", t::VpcCidrBlockStateCode::Associated))
            .cidr_block_association_set(assoc("10.1.0.0/16", t::VpcCidrBlockStateCode::Associated))
            .cidr_block_association_set(assoc("10.2.0.0/16", t::VpcCidrBlockStateCode::Disassociated))
            .tags(t::Tag::builder().key("Name").value("prod").build())
            .build());
        assert_eq!(v.cidrs, vec!["10.0.0.0/16", "10.1.0.0/16"]);
        assert_eq!(v.tags.get("Name").map(String::as_str), Some("prod"));
    }
}
