//! Replaying planned changes onto an inventory snapshot.
//!
//! Deletes, updates and replaces first take the `before` value out (matched by its id),
//! creates, updates and replaces then put the `after` value in. A created resource gets
//! its address as placeholder id; an id attribute Terraform only knows after apply is
//! resolved through the configuration's `references` to the live or planned resource it
//! names. A judged value still unknown is filled from the `Variant` (one extreme each
//! time) and recorded in `Applied::unknowns`.

use super::values::{any_unknown, bool_at, int_at, str_at, strs_at, unknown_at, unknown_elem};
use super::{Action, Plan, PlannedChange};
use crate::model::*;
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
    /// Changes that could not be placed (e.g. the route table id is unknown), and why.
    pub unplaced: Vec<(usize, String)>,
}

const AFTER_APPLY: &str = "(known after apply)";

pub fn apply(snapshot: &Snapshot, plan: &Plan, variant: Variant) -> Applied {
    let mut cx = Cx { plan, variant, out: Applied { snapshot: snapshot.clone(), ..Default::default() } };
    // Containers before their members: a route lands in a table created by the same plan.
    let mut order: Vec<usize> = (0..plan.changes.len()).filter(|i| plan.changes[*i].mapped()).collect();
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

    fn remove(&mut self, s: &Side) {
        let i = s.i;
        let snap = &mut self.out.snapshot;
        let id = str_at(s.v, "id");
        let touched: Option<String> = match s.ch.rtype.as_str() {
            "aws_route" => {
                let (rt, dest) = (str_at(s.v, "route_table_id"), route_destination(s.v, false));
                if let (Some(rt), Some(dest)) = (rt, dest) {
                    if let Some(t) = snap.route_tables.iter_mut().find(|t| t.id == rt) {
                        t.routes.retain(|r| r.destination != dest);
                    }
                    Some(rt)
                } else {
                    None
                }
            }
            "aws_route_table" => {
                snap.route_tables.retain(|t| Some(&t.id) != id.as_ref());
                id
            }
            "aws_route_table_association" => {
                let sub = str_at(s.v, "subnet_id");
                let mut hit = None;
                for t in &mut snap.route_tables {
                    let before = t.associations.len();
                    t.associations.retain(|a| a.main || a.subnet_id != sub || sub.is_none());
                    if t.associations.len() != before {
                        hit = Some(t.id.clone());
                    }
                }
                hit
            }
            "aws_main_route_table_association" => None, // the next `add` moves the main flag
            "aws_security_group" => {
                snap.security_groups.retain(|g| Some(&g.id) != id.as_ref());
                id
            }
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => {
                let (gid, egress, rules) = rules_of(s, self.variant).unwrap_or_default();
                if let Some(g) = snap.security_groups.iter_mut().find(|g| g.id == gid) {
                    let list = if egress { &mut g.egress } else { &mut g.ingress };
                    for r in rules {
                        if let Some(pos) = list.iter().position(|x| same_rule(x, &r)) {
                            list.remove(pos);
                        }
                    }
                }
                Some(gid)
            }
            "aws_vpc_peering_connection" => {
                snap.peering_connections.retain(|p| Some(&p.id) != id.as_ref());
                id
            }
            "aws_subnet" => {
                snap.subnets.retain(|x| Some(&x.id) != id.as_ref());
                id
            }
            "aws_nat_gateway" => {
                snap.nat_gateways.retain(|x| Some(&x.id) != id.as_ref());
                id
            }
            "aws_internet_gateway" => {
                snap.internet_gateways.retain(|x| Some(&x.id) != id.as_ref());
                id
            }
            "aws_db_instance" => {
                let key = str_at(s.v, "identifier");
                snap.db_instances.retain(|x| Some(&x.id) != key.as_ref());
                key
            }
            "aws_rds_cluster" => {
                let key = str_at(s.v, "cluster_identifier");
                snap.db_clusters.retain(|x| Some(&x.id) != key.as_ref());
                key
            }
            "aws_elasticache_replication_group" => {
                let key = str_at(s.v, "replication_group_id");
                snap.cache_replication_groups.retain(|x| Some(&x.id) != key.as_ref());
                key
            }
            "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm" => {
                let key = str_at(s.v, "alarm_name");
                snap.alarms.retain(|x| Some(&x.name) != key.as_ref());
                key
            }
            _ => None,
        };
        if let Some(t) = touched {
            self.touch(&t, i);
        }
    }

    fn add(&mut self, s: &Side) {
        match s.ch.rtype.as_str() {
            "aws_route" => self.add_route(s),
            "aws_route_table" => self.add_route_table(s),
            "aws_route_table_association" => self.add_association(s),
            "aws_main_route_table_association" => self.add_main_association(s),
            "aws_security_group" => self.add_group(s),
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => self.add_rule(s),
            "aws_vpc_peering_connection" => self.add_peering(s),
            "aws_subnet" => self.add_subnet(s),
            "aws_nat_gateway" => self.add_nat(s),
            "aws_internet_gateway" => self.add_igw(s),
            "aws_db_instance" => self.add_db(s),
            "aws_rds_cluster" => self.add_cluster(s),
            "aws_elasticache_replication_group" => self.add_cache(s),
            "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm" => self.add_alarm(s),
            _ => {}
        }
    }

    /// Build a route from `aws_route` (or an inline `route` block with `cidr_block`).
    fn route_from(&mut self, s: &Side, v: &Value, unknown: &Value, table: &str, prefix: &str) -> Route {
        let dest = match route_destination(v, true) {
            Some(d) => d,
            None => {
                let keys = ["destination_cidr_block", "cidr_block", "destination_ipv6_cidr_block", "ipv6_cidr_block"];
                let key = keys.iter().find(|k| unknown_at(unknown, k)).unwrap_or(&"destination_cidr_block");
                self.mark(s, table, "routes", format!("{prefix}{key}"));
                // Either extreme: the default route, or a host route nothing else matches.
                if self.variant == Variant::High { "0.0.0.0/0".into() } else { "255.255.255.255/32".into() }
            }
        };
        let mut target = (TargetKind::Other, None);
        for (key, kind) in TARGETS {
            let known = str_at(v, key);
            let unknown_here = unknown_at(unknown, key);
            if known.is_none() && !unknown_here {
                continue;
            }
            let id = match known {
                Some(id) => Some(id),
                None if prefix.is_empty() => self.resolve(s.ch, key),
                None => None,
            };
            let kind =
                if *key == "gateway_id" { gateway_kind(id.as_deref(), s.ch.references.get(*key)) } else { *kind };
            if id.is_none() {
                self.mark(s, table, "routes", format!("{prefix}{key}"));
            }
            target = (kind, Some(id.unwrap_or_else(|| AFTER_APPLY.into())));
            break;
        }
        Route {
            destination_kind: DestinationKind::of(&dest),
            destination: dest,
            target_kind: target.0,
            target_id: if target.0 == TargetKind::Local { None } else { target.1 },
            state: RouteState::Active,
            origin: Some("CreateRoute".into()),
        }
    }

    fn add_route(&mut self, s: &Side) {
        let rt = match self.field(s, "route_table_id") {
            Field::Known(rt) => rt,
            _ => return self.unplaced(s, "route_table_id is unknown until apply".into()),
        };
        let route = self.route_from(s, s.v, s.unknown, &rt, "");
        self.touch(&rt, s.i);
        match self.out.snapshot.route_tables.iter_mut().find(|t| t.id == rt) {
            Some(t) => {
                t.routes.retain(|r| r.destination != route.destination);
                t.routes.push(route);
            }
            None => self.unplaced(s, format!("route table {rt} is not in the inventory")),
        }
    }

    fn add_route_table(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let vpc = match self.field(s, "vpc_id") {
            Field::Known(v) => v,
            _ => return self.unplaced(s, "vpc_id is unknown until apply".into()),
        };
        let mut routes = Vec::new();
        if s.unknown("route") && s.ch.configured.as_ref().is_none_or(|c| c.contains("route")) {
            self.mark(s, &id, "routes", "route");
        } else {
            let blocks = s.v.get("route").and_then(Value::as_array).cloned().unwrap_or_default();
            for (n, b) in blocks.iter().enumerate() {
                let u = unknown_elem(s.unknown, "route", n);
                routes.push(self.route_from(s, b, &u, &id, &format!("route[{n}].")));
            }
        }
        let snap = &mut self.out.snapshot;
        let existing = snap.route_tables.iter().position(|t| t.id == id);
        let mut table = match existing {
            Some(p) => snap.route_tables.remove(p),
            None => {
                let cidrs = snap.vpcs.iter().find(|v| v.id == vpc).map(|v| v.cidrs.clone()).unwrap_or_default();
                let local = cidrs
                    .into_iter()
                    .map(|c| Route {
                        destination: c,
                        destination_kind: DestinationKind::Ipv4,
                        target_kind: TargetKind::Local,
                        target_id: None,
                        state: RouteState::Active,
                        origin: Some("CreateRouteTable".into()),
                    })
                    .collect();
                RouteTable {
                    id: id.clone(),
                    vpc_id: vpc,
                    main: false,
                    associations: vec![],
                    routes: local,
                    tags: Tags::new(),
                }
            }
        };
        // Inline routes replace every non-local route (the provider's own semantics).
        table.routes.retain(|r| r.target_kind == TargetKind::Local);
        table.routes.extend(routes);
        table.tags = tags_of(s.v);
        snap.route_tables.push(table);
        self.touch(&id, s.i);
    }

    fn add_association(&mut self, s: &Side) {
        let (Field::Known(rt), Field::Known(sub)) = (self.field(s, "route_table_id"), self.field(s, "subnet_id"))
        else {
            return self.unplaced(s, "route_table_id or subnet_id is unknown until apply".into());
        };
        for t in &mut self.out.snapshot.route_tables {
            t.associations.retain(|a| a.subnet_id.as_deref() != Some(sub.as_str()));
        }
        match self.out.snapshot.route_tables.iter_mut().find(|t| t.id == rt) {
            Some(t) => t.associations.push(RouteTableAssociation {
                id: Some(self_id_or(s)),
                subnet_id: Some(sub),
                gateway_id: None,
                main: false,
            }),
            None => return self.unplaced(s, format!("route table {rt} is not in the inventory")),
        }
        self.touch(&rt, s.i);
    }

    fn add_main_association(&mut self, s: &Side) {
        let (Field::Known(vpc), Field::Known(rt)) = (self.field(s, "vpc_id"), self.field(s, "route_table_id")) else {
            return self.unplaced(s, "vpc_id or route_table_id is unknown until apply".into());
        };
        for t in self.out.snapshot.route_tables.iter_mut().filter(|t| t.vpc_id == vpc) {
            let main = t.id == rt;
            t.main = main;
            t.associations.retain(|a| !a.main);
            if main {
                t.associations.push(RouteTableAssociation {
                    id: Some(self_id_or(s)),
                    subnet_id: None,
                    gateway_id: None,
                    main,
                });
            }
        }
        self.touch(&rt, s.i);
    }

    fn add_group(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let vpc = match self.field(s, "vpc_id") {
            Field::Known(v) => Some(v),
            _ => None,
        };
        let mut sides = [(false, Vec::new()), (true, Vec::new())];
        for (egress, rules) in &mut sides {
            let key = if *egress { "egress" } else { "ingress" };
            // Only ingress is judged; an unknown egress block is recorded but decides nothing.
            let field = if *egress { "egress" } else { "ingress" };
            if s.unknown(key) && !s.v.get(key).is_some_and(Value::is_array) {
                self.mark(s, &id, field, key);
                if self.variant == Variant::High {
                    rules.push(sg_rule("-1", Some(-1), Some(-1), RulePeer::Cidr4("0.0.0.0/0".into())));
                }
                continue;
            }
            let blocks = s.v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
            for (n, b) in blocks.iter().enumerate() {
                let u = unknown_elem(s.unknown, key, n);
                let (proto, from, to) = (
                    str_at(b, "protocol").unwrap_or_else(|| "-1".into()),
                    int_at(b, "from_port").map(|p| p as i32),
                    int_at(b, "to_port").map(|p| p as i32),
                );
                let mut peers = peers_of(
                    b,
                    &[("cidr_blocks", 4), ("ipv6_cidr_blocks", 6), ("prefix_list_ids", 0), ("security_groups", 1)],
                );
                if bool_at(b, "self") == Some(true) {
                    peers.push(RulePeer::Group(id.clone()));
                }
                if any_unknown(&u) {
                    self.mark(s, &id, field, format!("{key}[{n}]"));
                    if self.variant == Variant::High {
                        peers.push(RulePeer::Cidr4("0.0.0.0/0".into()));
                    }
                }
                rules.extend(peers.into_iter().map(|p| sg_rule(&proto, from, to, p)));
            }
        }
        let [(_, ingress), (_, egress)] = sides;
        let snap = &mut self.out.snapshot;
        snap.security_groups.retain(|g| g.id != id);
        snap.security_groups.push(SecurityGroup {
            id: id.clone(),
            name: str_at(s.v, "name").unwrap_or_else(|| s.ch.address.clone()),
            description: str_at(s.v, "description").unwrap_or_default(),
            vpc_id: vpc,
            tags: tags_of(s.v),
            ingress,
            egress,
        });
        self.touch(&id, s.i);
    }

    fn add_rule(&mut self, s: &Side) {
        let gid = match self.field(s, "security_group_id") {
            Field::Known(g) => g,
            _ => return self.unplaced(s, "security_group_id is unknown until apply".into()),
        };
        let Some((_, egress, mut rules)) = rules_of(s, self.variant) else { return };
        // A source only known after apply: resolve a group reference, else fill it.
        for key in ["source_security_group_id", "referenced_security_group_id"] {
            if s.unknown(key) {
                match self.resolve(s.ch, key) {
                    Some(src) => rules.push(sg_rule_like(s.v, RulePeer::Group(src))),
                    None => {
                        self.mark(s, &gid, "ingress", key);
                        if self.variant == Variant::High {
                            rules.push(sg_rule_like(s.v, RulePeer::Cidr4("0.0.0.0/0".into())));
                        }
                    }
                }
            }
        }
        for key in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "prefix_list_ids", "prefix_list_id"] {
            if s.unknown(key) {
                self.mark(s, &gid, "ingress", key);
                if self.variant == Variant::High {
                    rules.push(sg_rule_like(s.v, RulePeer::Cidr4("0.0.0.0/0".into())));
                }
            }
        }
        for key in ["from_port", "to_port", "protocol", "ip_protocol"] {
            if s.unknown(key) {
                self.mark(s, &gid, "ingress", key);
            }
        }
        self.touch(&gid, s.i);
        match self.out.snapshot.security_groups.iter_mut().find(|g| g.id == gid) {
            Some(g) => (if egress { &mut g.egress } else { &mut g.ingress }).extend(rules),
            None => self.unplaced(s, format!("security group {gid} is not in the inventory")),
        }
    }

    fn add_peering(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let vpc_side = |snap: &Snapshot, vpc: Option<String>| {
            let cidrs = vpc.as_ref().and_then(|v| snap.vpcs.iter().find(|x| &x.id == v)).map(|x| x.cidrs.clone());
            PeeringSide {
                vpc_id: vpc.unwrap_or_else(|| AFTER_APPLY.into()),
                owner_id: None,
                region: None,
                cidrs: cidrs.unwrap_or_default(),
                ipv6_cidrs: vec![],
            }
        };
        let req = match self.field(s, "vpc_id") {
            Field::Known(v) => Some(v),
            _ => None,
        };
        let acc = match self.field(s, "peer_vpc_id") {
            Field::Known(v) => Some(v),
            _ => None,
        };
        let snap = &mut self.out.snapshot;
        let status =
            snap.peering_connections.iter().find(|p| p.id == id).map(|p| p.status.clone()).unwrap_or_else(|| {
                if bool_at(s.v, "auto_accept") == Some(true) { "active".into() } else { "pending-acceptance".into() }
            });
        let conn = PeeringConnection {
            id: id.clone(),
            status,
            requester: vpc_side(snap, req),
            accepter: vpc_side(snap, acc),
            tags: tags_of(s.v),
        };
        snap.peering_connections.retain(|p| p.id != id);
        snap.peering_connections.push(conn);
        self.touch(&id, s.i);
    }

    fn add_subnet(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let (Field::Known(vpc), Some(cidr)) = (self.field(s, "vpc_id"), str_at(s.v, "cidr_block")) else {
            return self.unplaced(s, "vpc_id or cidr_block is unknown until apply".into());
        };
        let snap = &mut self.out.snapshot;
        snap.subnets.retain(|x| x.id != id);
        snap.subnets.push(Subnet {
            id: id.clone(),
            vpc_id: vpc,
            cidr,
            ipv6_cidrs: vec![],
            az: str_at(s.v, "availability_zone").unwrap_or_default(),
            tags: tags_of(s.v),
        });
        self.touch(&id, s.i);
    }

    fn add_nat(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let Field::Known(subnet) = self.field(s, "subnet_id") else {
            return self.unplaced(s, "subnet_id is unknown until apply".into());
        };
        let snap = &mut self.out.snapshot;
        let vpc = snap.subnets.iter().find(|x| x.id == subnet).map(|x| x.vpc_id.clone()).unwrap_or_default();
        snap.nat_gateways.retain(|x| x.id != id);
        snap.nat_gateways.push(NatGateway {
            id: id.clone(),
            vpc_id: vpc,
            subnet_id: subnet,
            state: "available".into(),
            connectivity: str_at(s.v, "connectivity_type"),
            tags: tags_of(s.v),
        });
        self.touch(&id, s.i);
    }

    fn add_igw(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let vpc = match self.field(s, "vpc_id") {
            Field::Known(v) => vec![v],
            _ => vec![],
        };
        let snap = &mut self.out.snapshot;
        snap.internet_gateways.retain(|x| x.id != id);
        snap.internet_gateways.push(InternetGateway { id: id.clone(), attached_vpcs: vpc, tags: tags_of(s.v) });
        self.touch(&id, s.i);
    }

    fn add_db(&mut self, s: &Side) {
        let id = self.own_id(s, "identifier");
        let existing = self.out.snapshot.db_instances.iter().position(|x| x.id == id);
        let old = existing.map(|p| self.out.snapshot.db_instances.remove(p));
        let db = DbInstance {
            engine: str_at(s.v, "engine").unwrap_or_default(),
            engine_version: str_at(s.v, "engine_version"),
            class: self.text(s, &id, "instance_class", "class").unwrap_or_default(),
            status: old.as_ref().map_or("creating".into(), |o| o.status.clone()),
            multi_az: self.flag(s, &id, "multi_az", "multi_az", false),
            storage_encrypted: self.flag(s, &id, "storage_encrypted", "storage_encrypted", false),
            publicly_accessible: self.flag(s, &id, "publicly_accessible", "publicly_accessible", false),
            backup_retention_days: self.number(s, &id, "backup_retention_period", "backup_retention"),
            deletion_protection: self.flag(s, &id, "deletion_protection", "deletion_protection", false),
            subnet_group: str_at(s.v, "db_subnet_group_name"),
            az: old.as_ref().and_then(|o| o.az.clone()),
            secondary_az: old.as_ref().and_then(|o| o.secondary_az.clone()),
            vpc_id: old.as_ref().and_then(|o| o.vpc_id.clone()),
            cluster_id: str_at(s.v, "cluster_identifier"),
            security_groups: strs_at(s.v, "vpc_security_group_ids"),
            id: id.clone(),
        };
        self.out.snapshot.db_instances.push(db);
        self.touch(&id, s.i);
    }

    fn add_cluster(&mut self, s: &Side) {
        let id = self.own_id(s, "cluster_identifier");
        let existing = self.out.snapshot.db_clusters.iter().position(|x| x.id == id);
        let old = existing.map(|p| self.out.snapshot.db_clusters.remove(p));
        // Multi-AZ of a new cluster depends on members created later: unknown until apply.
        let multi_az = match &old {
            Some(o) => o.multi_az,
            None => {
                self.mark(s, &id, "multi_az", "availability_zones");
                self.variant == Variant::High
            }
        };
        let cluster = DbCluster {
            engine: str_at(s.v, "engine").unwrap_or_default(),
            engine_version: str_at(s.v, "engine_version"),
            class: str_at(s.v, "db_cluster_instance_class"),
            status: old.as_ref().map_or("creating".into(), |o| o.status.clone()),
            multi_az,
            azs: strs_at(s.v, "availability_zones"),
            storage_encrypted: self.flag(s, &id, "storage_encrypted", "storage_encrypted", false),
            publicly_accessible: old.as_ref().and_then(|o| o.publicly_accessible),
            backup_retention_days: self.number(s, &id, "backup_retention_period", "backup_retention"),
            deletion_protection: self.flag(s, &id, "deletion_protection", "deletion_protection", false),
            subnet_group: str_at(s.v, "db_subnet_group_name"),
            vpc_id: old.as_ref().and_then(|o| o.vpc_id.clone()),
            members: old.map(|o| o.members).unwrap_or_default(),
            id: id.clone(),
        };
        self.out.snapshot.db_clusters.push(cluster);
        self.touch(&id, s.i);
    }

    fn add_cache(&mut self, s: &Side) {
        let id = self.own_id(s, "replication_group_id");
        let existing = self.out.snapshot.cache_replication_groups.iter().position(|x| x.id == id);
        let old = existing.map(|p| self.out.snapshot.cache_replication_groups.remove(p));
        let enabled = |b: bool| Some(if b { "enabled" } else { "disabled" }.to_string());
        let group = CacheReplicationGroup {
            description: str_at(s.v, "description"),
            status: old.as_ref().map_or("creating".into(), |o| o.status.clone()),
            node_type: str_at(s.v, "node_type"),
            multi_az: enabled(self.flag(s, &id, "multi_az_enabled", "multi_az", false)),
            automatic_failover: enabled(self.flag(s, &id, "automatic_failover_enabled", "automatic_failover", false)),
            at_rest_encryption: Some(self.flag(s, &id, "at_rest_encryption_enabled", "at_rest_encryption", false)),
            transit_encryption: Some(self.flag(s, &id, "transit_encryption_enabled", "transit_encryption", false)),
            cluster_mode: old.as_ref().and_then(|o| o.cluster_mode.clone()),
            members: old.as_ref().map(|o| o.members.clone()).unwrap_or_default(),
            vpc_id: old.as_ref().and_then(|o| o.vpc_id.clone()),
            id: id.clone(),
        };
        self.out.snapshot.cache_replication_groups.push(group);
        self.touch(&id, s.i);
    }

    fn add_alarm(&mut self, s: &Side) {
        let name = self.own_id(s, "alarm_name");
        let existing = self.out.snapshot.alarms.iter().position(|x| x.name == name);
        let old = existing.map(|p| self.out.snapshot.alarms.remove(p));
        let state = match &old {
            Some(o) => o.state,
            None => {
                // A new alarm's first state comes from data it has not seen yet.
                self.mark(s, &name, "state", "state (new alarm)");
                if self.variant == Variant::High { AlarmState::Ok } else { AlarmState::InsufficientData }
            }
        };
        let composite = s.ch.rtype == "aws_cloudwatch_composite_alarm";
        let detail = if composite {
            str_at(s.v, "alarm_rule")
        } else {
            match (str_at(s.v, "namespace"), str_at(s.v, "metric_name")) {
                (Some(n), Some(m)) => Some(format!("{n}/{m}")),
                _ => None,
            }
        };
        let actions = |key: &str| strs_at(s.v, key);
        let alarm = Alarm {
            name: name.clone(),
            kind: if composite { AlarmKind::Composite } else { AlarmKind::Metric },
            state,
            state_reason: old.as_ref().and_then(|o| o.state_reason.clone()),
            state_updated: old.as_ref().and_then(|o| o.state_updated),
            actions_enabled: self.flag(s, &name, "actions_enabled", "actions", true),
            alarm_actions: actions("alarm_actions"),
            ok_actions: actions("ok_actions"),
            insufficient_data_actions: actions("insufficient_data_actions"),
            detail,
        };
        if s.unknown("alarm_actions") {
            self.mark(s, &name, "actions", "alarm_actions");
        }
        self.out.snapshot.alarms.push(alarm);
        self.touch(&name, s.i);
    }
}

fn member_rank(rtype: &str) -> u8 {
    match rtype {
        "aws_route"
        | "aws_route_table_association"
        | "aws_main_route_table_association"
        | "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule" => 1,
        _ => 0,
    }
}

const TARGETS: &[(&str, TargetKind)] = &[
    ("gateway_id", TargetKind::InternetGateway),
    ("nat_gateway_id", TargetKind::NatGateway),
    ("vpc_peering_connection_id", TargetKind::VpcPeering),
    ("transit_gateway_id", TargetKind::TransitGateway),
    ("egress_only_gateway_id", TargetKind::EgressOnlyInternetGateway),
    ("network_interface_id", TargetKind::NetworkInterface),
    ("vpc_endpoint_id", TargetKind::VpcEndpoint),
    ("carrier_gateway_id", TargetKind::CarrierGateway),
    ("local_gateway_id", TargetKind::LocalGateway),
    ("core_network_arn", TargetKind::CoreNetwork),
];

/// `gateway_id` carries internet, virtual private and `local` gateways alike.
fn gateway_kind(id: Option<&str>, refs: Option<&Vec<String>>) -> TargetKind {
    match id {
        Some("local") => TargetKind::Local,
        Some(i) if i.starts_with("vgw-") => TargetKind::VpnGateway,
        Some(i) if i.starts_with("igw-") => TargetKind::InternetGateway,
        _ if refs.is_some_and(|r| r.iter().any(|x| x.contains("aws_vpn_gateway."))) => TargetKind::VpnGateway,
        _ => TargetKind::InternetGateway,
    }
}

fn route_destination(v: &Value, _after: bool) -> Option<String> {
    [
        "destination_cidr_block",
        "cidr_block",
        "destination_ipv6_cidr_block",
        "ipv6_cidr_block",
        "destination_prefix_list_id",
    ]
    .iter()
    .find_map(|k| str_at(v, k))
}

fn tags_of(v: &Value) -> Tags {
    v.get("tags")
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, x)| x.as_str().map(|s| (k.clone(), s.to_string()))).collect())
        .unwrap_or_default()
}

fn self_id_or(s: &Side) -> String {
    str_at(s.v, "id").unwrap_or_else(|| s.ch.address.clone())
}

fn sg_rule(proto: &str, from: Option<i32>, to: Option<i32>, peer: RulePeer) -> SgRule {
    let all = proto == "-1" || proto == "all";
    SgRule {
        rule_id: None,
        protocol: proto.to_string(),
        from_port: if all { None } else { from },
        to_port: if all { None } else { to },
        peer,
        description: None,
    }
}

fn sg_rule_like(v: &Value, peer: RulePeer) -> SgRule {
    let proto = str_at(v, "protocol").or_else(|| str_at(v, "ip_protocol")).unwrap_or_else(|| "-1".into());
    sg_rule(&proto, int_at(v, "from_port").map(|p| p as i32), int_at(v, "to_port").map(|p| p as i32), peer)
}

/// Known peers of a rule block; `kinds`: 4 = IPv4 CIDR, 6 = IPv6, 0 = prefix list, 1 = group.
fn peers_of(v: &Value, keys: &[(&str, u8)]) -> Vec<RulePeer> {
    let mut out = Vec::new();
    for (key, kind) in keys {
        let mut vals = strs_at(v, key);
        if let Some(one) = str_at(v, key) {
            vals.push(one);
        }
        for x in vals {
            out.push(match kind {
                4 => RulePeer::Cidr4(x),
                6 => RulePeer::Cidr6(x),
                0 => RulePeer::PrefixList(x),
                _ => RulePeer::Group(x),
            });
        }
    }
    out
}

/// (group id, egress?, rules with known peers) of a standalone rule resource.
fn rules_of(s: &Side, _variant: Variant) -> Option<(String, bool, Vec<SgRule>)> {
    let gid = str_at(s.v, "security_group_id").unwrap_or_default();
    let egress = match s.ch.rtype.as_str() {
        "aws_vpc_security_group_egress_rule" => true,
        "aws_vpc_security_group_ingress_rule" => false,
        _ => str_at(s.v, "type").as_deref() == Some("egress"),
    };
    let mut peers = peers_of(
        s.v,
        &[
            ("cidr_blocks", 4),
            ("ipv6_cidr_blocks", 6),
            ("prefix_list_ids", 0),
            ("source_security_group_id", 1),
            ("cidr_ipv4", 4),
            ("cidr_ipv6", 6),
            ("prefix_list_id", 0),
            ("referenced_security_group_id", 1),
        ],
    );
    if bool_at(s.v, "self") == Some(true) {
        peers.push(RulePeer::Group(gid.clone()));
    }
    Some((gid, egress, peers.into_iter().map(|p| sg_rule_like(s.v, p)).collect()))
}

fn same_rule(a: &SgRule, b: &SgRule) -> bool {
    a.protocol_name() == b.protocol_name() && a.peer == b.peer && a.ports_label() == b.ports_label()
}
