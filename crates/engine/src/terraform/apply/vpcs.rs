//! VPCs: `aws_vpc` with what AWS creates alongside it (the main route table, the default
//! security group and the default network ACL), `aws_vpc_ipv4_cidr_block_association`,
//! and where a resource lands when its `vpc_id` is unknown until apply.
//!
//! A VPC the plan creates is placed like a live one, so the design's scope (its CIDRs,
//! its tags) decides whether what the plan puts inside it is judged. A resource whose
//! VPC cannot be placed is never left silently out of scope: the high replay puts it in
//! `UNKNOWN_VPC`, which the evaluation counts as in scope, the low replay leaves it out,
//! and the attribute is recorded, so its findings read "unknown until apply".

use super::{Cx, Field, Side, Variant, tags_of};
use crate::terraform::Action;
use crate::terraform::values::str_at;
use model::*;

/// The VPC of a resource whose `vpc_id` is known only after apply (high replay only).
pub const UNKNOWN_VPC: &str = "(vpc known after apply)";

/// The attributes of `aws_vpc` naming what AWS creates with it; `parse_plan` gives each
/// an id (known, or `<address>.<attribute>` as placeholder) so references resolve.
pub const DEFAULT_PARTS: [&str; 3] = ["main_route_table_id", "default_security_group_id", "default_network_acl_id"];

impl Cx<'_> {
    /// The VPC a resource lands in: known or resolved; unknown (recorded, then
    /// `UNKNOWN_VPC` in the high replay, nowhere in the low one); or absent.
    pub(super) fn vpc_of(&mut self, s: &Side, resource: &str, key: &str) -> Option<String> {
        match self.field(s, key) {
            Field::Known(v) => Some(v),
            Field::Absent => None,
            Field::Unknown => {
                self.mark(s, resource, "vpc", key);
                (self.variant == Variant::High).then(|| {
                    let snap = &mut self.out.snapshot;
                    if !snap.vpcs.iter().any(|v| v.id == UNKNOWN_VPC) {
                        snap.vpcs.push(Vpc {
                            id: UNKNOWN_VPC.into(),
                            cidrs: vec![],
                            ipv6_cidrs: vec![],
                            is_default: false,
                            state: "pending".into(),
                            tags: Tags::new(),
                        });
                    }
                    self.out.uncertain_vpcs.insert(UNKNOWN_VPC.into(), (key.to_string(), s.i));
                    UNKNOWN_VPC.to_string()
                })
            }
        }
    }

    /// Take a VPC (or one of its extra CIDR blocks) out; a deleted VPC takes the parts
    /// AWS made with it along.
    pub(super) fn remove_vpc(&mut self, s: &Side) -> Vec<String> {
        let snap = &mut self.out.snapshot;
        if s.ch.rtype == "aws_vpc_ipv4_cidr_block_association" {
            let (Some(vpc), Some(cidr)) = (str_at(s.v, "vpc_id"), str_at(s.v, "cidr_block")) else { return vec![] };
            if let Some(v) = snap.vpcs.iter_mut().find(|v| v.id == vpc) {
                v.cidrs.retain(|c| *c != cidr);
            }
            return vec![vpc];
        }
        let Some(id) = str_at(s.v, "id") else { return vec![] };
        snap.vpcs.retain(|v| v.id != id);
        if s.ch.action != Action::Update {
            snap.route_tables.retain(|t| !(t.vpc_id == id && t.main));
            snap.security_groups.retain(|g| !(g.vpc_id.as_deref() == Some(id.as_str()) && g.name == "default"));
            snap.network_acls.retain(|a| !(a.vpc_id == id && a.is_default));
        }
        vec![id]
    }

    pub(super) fn add_vpc(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let cidr = str_at(s.v, "cidr_block");
        if cidr.is_none() && s.unknown("cidr_block") {
            // An IPAM-allocated block: whether the design's CIDRs cover it is unknown.
            self.mark(s, &id, "vpc", "cidr_block");
            self.out.uncertain_vpcs.insert(id.clone(), (format!("{}.cidr_block", s.ch.address), s.i));
        }
        let snap = &mut self.out.snapshot;
        let old = snap.vpcs.iter().position(|v| v.id == id).map(|p| snap.vpcs.remove(p));
        // Blocks added by association resources stay (the provider keeps them apart).
        let mut cidrs: Vec<String> = cidr.iter().cloned().collect();
        for c in old.iter().flat_map(|o| o.cidrs.iter().skip(1)) {
            if !cidrs.contains(c) {
                cidrs.push(c.clone());
            }
        }
        snap.vpcs.push(Vpc {
            id: id.clone(),
            cidrs: cidrs.clone(),
            ipv6_cidrs: str_at(s.v, "ipv6_cidr_block").into_iter().collect(),
            is_default: false,
            state: old.as_ref().map_or_else(|| "available".into(), |o| o.state.clone()),
            tags: tags_of(s.v),
        });
        let part = |key: &str| str_at(s.v, key).unwrap_or_else(|| format!("{}.{key}", s.ch.address));
        let (main_table, group, acl) = (part(DEFAULT_PARTS[0]), part(DEFAULT_PARTS[1]), part(DEFAULT_PARTS[2]));
        // AWS creates these with every VPC ("Amazon VPC User Guide": the main route table
        // with its local route, the default security group letting in its own members
        // and out everything, the default network ACL allowing all both ways).
        if !snap.route_tables.iter().any(|t| t.vpc_id == id && t.main) {
            let local = |c: &String| Route {
                destination: c.clone(),
                destination_kind: DestinationKind::of(c),
                target_kind: TargetKind::Local,
                target_id: None,
                state: RouteState::Active,
                origin: Some("CreateRouteTable".into()),
            };
            snap.route_tables.push(RouteTable {
                id: main_table,
                vpc_id: id.clone(),
                main: true,
                associations: vec![RouteTableAssociation { id: None, subnet_id: None, gateway_id: None, main: true }],
                routes: cidrs.iter().map(local).collect(),
                propagating_vgws: vec![],
                tags: Tags::new(),
            });
        }
        if !snap.security_groups.iter().any(|g| g.vpc_id.as_deref() == Some(id.as_str()) && g.name == "default") {
            let all = |peer: RulePeer| SgRule {
                rule_id: None,
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer,
                description: None,
            };
            snap.security_groups.push(SecurityGroup {
                id: group.clone(),
                name: "default".into(),
                description: "default VPC security group".into(),
                vpc_id: Some(id.clone()),
                tags: Tags::new(),
                ingress: vec![all(RulePeer::Group(group))],
                egress: vec![all(RulePeer::Cidr4("0.0.0.0/0".into()))],
            });
        }
        if !snap.network_acls.iter().any(|a| a.vpc_id == id && a.is_default) {
            let entry = |n: i32, allow: bool, egress: bool| AclEntry {
                rule_number: n,
                protocol: "-1".into(),
                allow,
                egress,
                cidr: Some("0.0.0.0/0".into()),
                ipv6_cidr: None,
                from_port: None,
                to_port: None,
                icmp_type: None,
                icmp_code: None,
            };
            snap.network_acls.push(NetworkAcl {
                id: acl,
                vpc_id: id.clone(),
                is_default: true,
                entries: vec![
                    entry(100, true, false),
                    entry(32767, false, false),
                    entry(100, true, true),
                    entry(32767, false, true),
                ],
                subnet_ids: vec![],
                tags: Tags::new(),
            });
        }
        self.touch(&id, s.i);
    }

    /// `aws_vpc_ipv4_cidr_block_association`: one more IPv4 block of a VPC.
    pub(super) fn add_vpc_cidr(&mut self, s: &Side) {
        let Field::Known(vpc) = self.field(s, "vpc_id") else {
            return self.unplaced(s, "vpc_id is unknown until apply".into());
        };
        let cidr = str_at(s.v, "cidr_block");
        if cidr.is_none() {
            self.mark(s, &vpc, "vpc", "cidr_block");
            self.out.uncertain_vpcs.insert(vpc.clone(), (format!("{}.cidr_block", s.ch.address), s.i));
        }
        self.touch(&vpc, s.i);
        let Some(v) = self.out.snapshot.vpcs.iter_mut().find(|v| v.id == vpc) else {
            return self.missing(s, format!("VPC {vpc} is not in the inventory"));
        };
        if let Some(c) = cidr
            && !v.cidrs.contains(&c)
        {
            v.cidrs.push(c);
        }
    }

    /// A subnet AWS associates with its VPC's default ACL unless another ACL names it.
    pub(super) fn join_default_acl(&mut self, subnet: &str, vpc: &str) {
        let acls = &mut self.out.snapshot.network_acls;
        if acls.iter().any(|a| a.subnet_ids.iter().any(|x| x == subnet)) {
            return;
        }
        if let Some(a) = acls.iter_mut().find(|a| a.vpc_id == vpc && a.is_default) {
            a.subnet_ids.push(subnet.to_string());
        }
    }
}
