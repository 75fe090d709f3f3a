//! EC2 collectors: Security groups (with their rules) and network ACLs: what traffic may pass.
//! Paginators with the largest page the API allows; every page counts as one call.

use super::{PAGE, tags};
use crate::Aws;
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;
use std::collections::BTreeMap;

impl Aws {
    /// Groups from DescribeSecurityGroups, rules (with their ids) from
    /// DescribeSecurityGroupRules; both must succeed for the kind to count as fetched.
    pub(crate) async fn security_groups(&self) -> Result<Vec<SecurityGroup>, FetchError> {
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

    pub(crate) async fn network_acls(&self) -> Result<Vec<NetworkAcl>, FetchError> {
        // DescribeNetworkAcls allows 5-100 per page.
        let stream = self.ec2.describe_network_acls().max_results(100).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeNetworkAcls", stream, |p| p
            .network_acls()
            .iter()
            .map(network_acl)
            .collect::<Vec<_>>()))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
