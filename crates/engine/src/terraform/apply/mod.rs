//! Replaying planned changes onto an inventory snapshot.
//!
//! Deletes, updates and replaces first take the `before` value out (matched by its id),
//! creates, updates and replaces then put the `after` value in. A created resource gets
//! its address as placeholder id; an id attribute Terraform only knows after apply is
//! resolved through the configuration's `references` to the live or planned resource it
//! names. A judged value still unknown is filled from the `Variant` (one extreme each
//! time) and recorded in `Applied::unknowns`.
//!
//! One module per resource family: `vpcs` (VPCs, their default parts, and where a
//! resource with an unknown VPC lands), `routes` (routes, tables, associations), `groups`
//! (security groups and their rules), `nacl`, `network` (peering, subnets, gateways,
//! endpoints), `transit` (transit gateways and VPN), `databases` (RDS, ElastiCache),
//! `alarms`, `controls` (KMS keys, launch templates, instances, detectors, trails), `eks`
//! (clusters and their access).

mod alarms;
mod controls;
mod databases;
mod eks;
mod groups;
mod nacl;
mod network;
mod routes;
mod transit;
mod vpcs;

pub use vpcs::{DEFAULT_PARTS, UNKNOWN_VPC};

use super::values::{bool_at, int_at, str_at, unknown_at};
use super::{Action, Plan, PlannedChange};
use model::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// How unknown values are filled: booleans true / false, numbers high / low, an unknown
/// rule source as the whole world / nothing, a new alarm's state OK / INSUFFICIENT_DATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    High,
    Low,
}

/// A judged attribute whose value is unknown until apply.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unknown {
    /// Inventory id of the resource it lands on (route table, group, DB, ...).
    pub resource: String,
    /// Model field family: `routes`, `ingress`, `multi_az`, `class`, `state`, ...
    pub field: &'static str,
    /// The Terraform attribute, as the user wrote it: `multi_az`, `ingress[0].cidr_blocks`.
    pub attribute: String,
    pub change: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub snapshot: Snapshot,
    /// Inventory id -> indexes of the changes that touched it.
    pub touched: BTreeMap<String, BTreeSet<usize>>,
    pub unknowns: Vec<Unknown>,
    /// Changes that could not be placed because an id is unknown until apply, and why.
    pub unplaced: Vec<(usize, String)>,
    /// Changes whose container (table, group, ACL, ...) is not in the inventory: applying
    /// will not resolve these, the inventory is incomplete or the plan refers elsewhere.
    pub missing: Vec<(usize, String)>,
    /// VPCs that may be in the design's scope or not depending on a value known only
    /// after apply -> (the attribute, the change). The high replay's evaluation counts
    /// them in scope, the low one does not.
    pub uncertain_vpcs: BTreeMap<String, (String, usize)>,
    /// Changes planned in another region than the inventory's, with that region: out of
    /// the design's scope, and not replayed.
    pub other_region: Vec<(usize, String)>,
    /// Where a change landed when the plan does not say it (a DB instance without a
    /// subnet group in the default VPC), for the change's detail.
    pub notes: Vec<(usize, String)>,
}

const AFTER_APPLY: &str = "(known after apply)";

/// Replay `plan` onto `snapshot`, in the snapshot's own region.
pub fn apply(snapshot: &Snapshot, plan: &Plan, variant: Variant) -> Applied {
    apply_in(snapshot, plan, variant, &snapshot.region)
}

/// Replay `plan` onto `snapshot`, leaving out the changes planned in a region other than
/// `region` (listed in `Applied::other_region`): the inventory holds one region.
pub fn apply_in(snapshot: &Snapshot, plan: &Plan, variant: Variant, region: &str) -> Applied {
    let mut cx = Cx {
        plan,
        variant,
        out: Applied { snapshot: snapshot.clone(), ..Default::default() },
        removed_groups: BTreeMap::new(),
    };
    // Containers before their members: a route lands in a table created by the same plan.
    let mut order: Vec<usize> = Vec::new();
    for (i, ch) in plan.changes.iter().enumerate().filter(|(_, c)| c.mapped()) {
        match &ch.region {
            Some(r) if !region.is_empty() && r != region => cx.out.other_region.push((i, r.clone())),
            _ => order.push(i),
        }
    }
    order.sort_by_key(|i| member_rank(&plan.changes[*i].rtype));
    for i in order {
        let ch = &plan.changes[i];
        if matches!(ch.action, Action::Update | Action::Delete | Action::Replace) {
            let side = Side { ch, v: &ch.before, unknown: &Value::Null, after: false, i };
            cx.remove(&side);
        }
        if matches!(ch.action, Action::Create | Action::Update | Action::Replace) {
            let side = Side { ch, v: &ch.after, unknown: &ch.after_unknown, after: true, i };
            cx.add(&side);
        }
    }
    // What lands in a VPC whose scope is uncertain is uncertain with it.
    let uncertain: Vec<(String, String, usize)> = cx
        .out
        .uncertain_vpcs
        .iter()
        .filter(|(v, _)| v.as_str() != UNKNOWN_VPC)
        .map(|(v, (a, i))| (v.clone(), a.clone(), *i))
        .collect();
    for (vpc, attribute, change) in uncertain {
        let snap = &cx.out.snapshot;
        let inside: Vec<String> = snap
            .security_groups
            .iter()
            .filter(|g| g.vpc_id.as_deref() == Some(vpc.as_str()))
            .map(|g| g.id.clone())
            .chain(snap.route_tables.iter().filter(|t| t.vpc_id == vpc).map(|t| t.id.clone()))
            .chain(snap.network_acls.iter().filter(|a| a.vpc_id == vpc).map(|a| a.id.clone()))
            .chain(snap.subnets.iter().filter(|x| x.vpc_id == vpc).map(|x| x.id.clone()))
            .collect();
        for resource in inside {
            cx.out.unknowns.push(Unknown { resource, field: "vpc", attribute: attribute.clone(), change });
        }
    }
    cx.out
}

struct Side<'a> {
    ch: &'a PlannedChange,
    v: &'a Value,
    unknown: &'a Value,
    after: bool,
    i: usize,
}

enum Field {
    Known(String),
    Unknown,
    Absent,
}

struct Cx<'p> {
    plan: &'p Plan,
    variant: Variant,
    out: Applied,
    /// Groups an update's `before` took out, by id, for its `after` to read back.
    removed_groups: BTreeMap<String, SecurityGroup>,
}

impl Side<'_> {
    fn unknown(&self, key: &str) -> bool {
        self.after && unknown_at(self.unknown, key)
    }
}

impl Cx<'_> {
    fn touch(&mut self, id: &str, i: usize) {
        self.out.touched.entry(id.to_string()).or_default().insert(i);
    }

    fn mark(&mut self, s: &Side, resource: &str, field: &'static str, attribute: impl Into<String>) {
        self.out.unknowns.push(Unknown {
            resource: resource.to_string(),
            field,
            attribute: attribute.into(),
            change: s.i,
        });
    }

    fn unplaced(&mut self, s: &Side, why: String) {
        self.out.unplaced.push((s.i, why));
    }

    /// A change whose container is not in the inventory.
    fn missing(&mut self, s: &Side, why: String) {
        self.out.missing.push((s.i, why));
    }

    /// A string attribute: known, unknown (and not resolvable through a reference), or absent.
    fn field(&self, s: &Side, key: &str) -> Field {
        if let Some(v) = str_at(s.v, key) {
            return Field::Known(v);
        }
        if !s.unknown(key) {
            return Field::Absent;
        }
        match self.resolve(s.ch, key) {
            Some(id) => Field::Known(id),
            None => Field::Unknown,
        }
    }

    /// Follow the configuration's references for `key` to a resource the plan knows.
    fn resolve(&self, ch: &PlannedChange, key: &str) -> Option<String> {
        for r in ch.references.get(key)? {
            let base = r.rsplit_once('.').map(|(b, _)| b).unwrap_or(r);
            for cand in [r.as_str(), base] {
                if let Some(id) = self.plan.ids.get(cand) {
                    return Some(id.clone());
                }
            }
        }
        None
    }

    /// Every resource a list attribute's references name (`subnet_ids = [a.id, b.id]`).
    fn resolve_all(&self, ch: &PlannedChange, key: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in ch.references.get(key).into_iter().flatten() {
            let base = r.rsplit_once('.').map(|(b, _)| b).unwrap_or(r);
            let id = self.plan.ids.get(r.as_str()).or_else(|| self.plan.ids.get(base));
            if let Some(id) = id
                && !out.contains(id)
            {
                out.push(id.clone());
            }
        }
        out
    }

    fn own_id(&self, s: &Side, key: &str) -> String {
        str_at(s.v, key).unwrap_or_else(|| s.ch.address.clone())
    }

    fn flag(&mut self, s: &Side, id: &str, key: &str, field: &'static str, default: bool) -> bool {
        if s.unknown(key) {
            self.mark(s, id, field, key);
            return self.variant == Variant::High;
        }
        bool_at(s.v, key).unwrap_or(default)
    }

    fn number(&mut self, s: &Side, id: &str, key: &str, field: &'static str) -> i32 {
        if s.unknown(key) {
            self.mark(s, id, field, key);
            return if self.variant == Variant::High { 35 } else { 0 };
        }
        int_at(s.v, key).and_then(|n| i32::try_from(n).ok()).unwrap_or(0)
    }

    fn text(&mut self, s: &Side, id: &str, key: &str, field: &'static str) -> Option<String> {
        if s.unknown(key) {
            self.mark(s, id, field, key);
            return Some(AFTER_APPLY.into());
        }
        str_at(s.v, key)
    }

    /// Take the `before` value out of the inventory (by id); each family says which
    /// inventory id it touched.
    fn remove(&mut self, s: &Side) {
        let touched: Vec<String> = match s.ch.rtype.as_str() {
            "aws_route" | "aws_route_table" | "aws_route_table_association" | "aws_main_route_table_association" => {
                self.remove_routing(s).into_iter().collect()
            }
            "aws_security_group"
            | "aws_default_security_group"
            | "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => self.remove_security(s).into_iter().collect(),
            "aws_network_acl" | "aws_network_acl_rule" | "aws_network_acl_association" => self.remove_nacl(s),
            "aws_db_instance"
            | "aws_rds_cluster"
            | "aws_rds_cluster_instance"
            | "aws_elasticache_replication_group" => self.remove_database(s),
            "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm" => {
                self.remove_alarm(s).into_iter().collect()
            }
            "aws_vpc" | "aws_vpc_ipv4_cidr_block_association" => self.remove_vpc(s),
            t if CONTROL_TYPES.contains(&t) => self.remove_control(s),
            t if EKS_TYPES.contains(&t) => self.remove_eks(s),
            t if transit::TYPES.contains(&t) => self.remove_transit(s),
            _ => self.remove_network(s),
        };
        for t in touched {
            self.touch(&t, s.i);
        }
    }

    /// Put the `after` value into the inventory.
    fn add(&mut self, s: &Side) {
        match s.ch.rtype.as_str() {
            "aws_vpc" => self.add_vpc(s),
            "aws_vpc_ipv4_cidr_block_association" => self.add_vpc_cidr(s),
            "aws_route" => self.add_route(s),
            "aws_route_table" => self.add_route_table(s),
            "aws_route_table_association" => self.add_association(s),
            "aws_main_route_table_association" => self.add_main_association(s),
            "aws_security_group" => self.add_group(s),
            "aws_default_security_group" => self.add_default_group(s),
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => self.add_rule(s),
            "aws_vpc_peering_connection" => self.add_peering(s),
            "aws_vpc_peering_connection_accepter" => self.add_accepter(s),
            "aws_subnet" => self.add_subnet(s),
            "aws_nat_gateway" => self.add_nat(s),
            "aws_internet_gateway" => self.add_igw(s),
            "aws_egress_only_internet_gateway" => self.add_eigw(s),
            "aws_vpc_endpoint" => self.add_endpoint(s),
            "aws_network_acl" => self.add_nacl(s),
            "aws_network_acl_rule" => self.add_nacl_rule(s),
            "aws_network_acl_association" => self.add_nacl_association(s),
            "aws_db_instance" => self.add_db(s),
            "aws_rds_cluster" => self.add_cluster(s),
            "aws_rds_cluster_instance" => self.add_cluster_instance(s),
            "aws_elasticache_replication_group" => self.add_cache(s),
            "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm" => self.add_alarm(s),
            t if CONTROL_TYPES.contains(&t) => self.add_control(s),
            t if EKS_TYPES.contains(&t) => self.add_eks(s),
            t if transit::TYPES.contains(&t) => self.add_transit(s),
            _ => {}
        }
    }
}

/// The account controls `controls.rs` replays.
const CONTROL_TYPES: &[&str] = &[
    "aws_kms_key",
    "aws_kms_alias",
    "aws_launch_template",
    "aws_instance",
    "aws_guardduty_detector",
    "aws_securityhub_account",
    "aws_cloudtrail",
];

/// The EKS resources `eks.rs` replays.
const EKS_TYPES: &[&str] = &["aws_eks_cluster", "aws_eks_access_entry", "aws_eks_access_policy_association"];

/// Containers are placed before the members that land in them: VPCs (rank 0), then
/// what lives in a VPC (1), then what lives in those (2).
fn member_rank(rtype: &str) -> u8 {
    match rtype {
        "aws_vpc" => 0,
        "aws_vpc_ipv4_cidr_block_association" => 1,
        "aws_route"
        | "aws_route_table_association"
        | "aws_main_route_table_association"
        | "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule"
        | "aws_network_acl_rule"
        | "aws_network_acl_association"
        | "aws_vpc_endpoint"
        | "aws_vpc_peering_connection_accepter"
        | "aws_rds_cluster_instance"
        | "aws_kms_alias"
        | "aws_eks_access_entry" => 2,
        "aws_eks_access_policy_association" => 3,
        "aws_ec2_transit_gateway_route"
        | "aws_ec2_transit_gateway_route_table_association"
        | "aws_ec2_transit_gateway_route_table_propagation"
        | "aws_vpn_gateway_attachment"
        | "aws_vpn_gateway_route_propagation" => 2,
        // Attachments and VPN connections land in the gateway's default route table.
        "aws_ec2_transit_gateway_vpc_attachment"
        | "aws_ec2_transit_gateway_peering_attachment"
        | "aws_vpn_connection" => 2,
        _ => 1,
    }
}

/// The tags AWS will hold: `tags_all` (the resource's tags merged with the provider's
/// `default_tags`) when known, else `tags`.
fn tags_of(v: &Value) -> Tags {
    v.get("tags_all")
        .filter(|t| t.as_object().is_some_and(|m| !m.is_empty()))
        .or_else(|| v.get("tags"))
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, x)| x.as_str().map(|s| (k.clone(), s.to_string()))).collect())
        .unwrap_or_default()
}
