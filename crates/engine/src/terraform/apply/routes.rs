//! Routing: `aws_route`, `aws_route_table` (inline `route` blocks) and the two kinds of
//! route table association.

use super::{AFTER_APPLY, Cx, Field, Side, Variant, tags_of};
use crate::terraform::values::{str_at, unknown_at, unknown_elem};
use model::*;
use serde_json::Value;

impl Cx<'_> {
    /// Take a route, a table or an association out; returns the table it touched.
    pub(super) fn remove_routing(&mut self, s: &Side) -> Option<String> {
        let snap = &mut self.out.snapshot;
        let id = str_at(s.v, "id");
        match s.ch.rtype.as_str() {
            "aws_route" => {
                let (rt, dest) = (str_at(s.v, "route_table_id")?, route_destination(s.v)?);
                if let Some(t) = snap.route_tables.iter_mut().find(|t| t.id == rt) {
                    t.routes.retain(|r| r.destination != dest);
                }
                Some(rt)
            }
            "aws_route_table" => {
                snap.route_tables.retain(|t| Some(&t.id) != id.as_ref());
                id
            }
            "aws_route_table_association" => {
                let sub = str_at(s.v, "subnet_id")?;
                let mut hit = None;
                for t in &mut snap.route_tables {
                    let before = t.associations.len();
                    t.associations.retain(|a| a.main || a.subnet_id.as_deref() != Some(sub.as_str()));
                    if t.associations.len() != before {
                        hit = Some(t.id.clone());
                    }
                }
                hit
            }
            // The next `add` moves the main flag; a deleted main association leaves AWS's
            // original main table in place, which the inventory already shows.
            _ => None,
        }
    }

    fn route_from(&mut self, s: &Side, v: &Value, unknown: &Value, table: &str, prefix: &str) -> Route {
        let dest = match route_destination(v) {
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

    pub(super) fn add_route(&mut self, s: &Side) {
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
            None => self.missing(s, format!("route table {rt} is not in the inventory")),
        }
    }

    pub(super) fn add_route_table(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        // Unknown VPC: placed in the high replay only (see `vpcs`), recorded either way.
        let Some(vpc) = self.vpc_of(s, &id, "vpc_id") else {
            if s.unknown("vpc_id") {
                return;
            }
            return self.unplaced(s, "vpc_id is not set".into());
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
                    propagating_vgws: vec![],
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

    pub(super) fn add_association(&mut self, s: &Side) {
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
            None => return self.missing(s, format!("route table {rt} is not in the inventory")),
        }
        self.touch(&rt, s.i);
    }

    pub(super) fn add_main_association(&mut self, s: &Side) {
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

fn route_destination(v: &Value) -> Option<String> {
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

pub(super) fn self_id_or(s: &Side) -> String {
    str_at(s.v, "id").unwrap_or_else(|| s.ch.address.clone())
}
