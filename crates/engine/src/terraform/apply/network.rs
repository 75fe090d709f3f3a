//! Network plumbing: peering (and its accepter), subnets, NAT, internet and egress-only
//! gateways, VPC endpoints.

use super::{AFTER_APPLY, Cx, Field, Side, tags_of};
use crate::terraform::Action;
use crate::terraform::values::{bool_at, str_at, strs_at};
use model::*;

impl Cx<'_> {
    /// Take a network resource out; returns the ids it touched.
    pub(super) fn remove_network(&mut self, s: &Side) -> Vec<String> {
        let id = str_at(s.v, "id");
        // An update keeps the id; only a delete (or replace) leaves routes pointing nowhere.
        let gone = s.ch.action != Action::Update;
        let snap = &mut self.out.snapshot;
        let mut out: Vec<String> = id.iter().cloned().collect();
        match s.ch.rtype.as_str() {
            "aws_vpc_peering_connection" => snap.peering_connections.retain(|p| Some(&p.id) != id.as_ref()),
            // Destroying the accepter only drops it from Terraform's state (the provider
            // leaves the connection alone), so nothing changes in the inventory.
            "aws_vpc_peering_connection_accepter" => return vec![],
            "aws_subnet" => snap.subnets.retain(|x| Some(&x.id) != id.as_ref()),
            "aws_nat_gateway" => snap.nat_gateways.retain(|x| Some(&x.id) != id.as_ref()),
            "aws_internet_gateway" => snap.internet_gateways.retain(|x| Some(&x.id) != id.as_ref()),
            "aws_egress_only_internet_gateway" => {}
            "aws_vpc_endpoint" => {
                snap.vpc_endpoints.retain(|x| Some(&x.id) != id.as_ref());
                // The endpoint's own routes go with it (AWS removes them).
                if let Some(e) = &id {
                    for t in &mut snap.route_tables {
                        let n = t.routes.len();
                        t.routes.retain(|r| r.target_id.as_ref() != Some(e));
                        if t.routes.len() != n {
                            out.push(t.id.clone());
                        }
                    }
                }
                out.extend(str_at(s.v, "vpc_id"));
                return out;
            }
            _ => return vec![],
        }
        if gone && let Some(gw) = &id {
            out.extend(blackhole_routes_to(snap, gw));
        }
        out
    }

    /// `aws_vpc_peering_connection_accepter`: accepts a connection (when `auto_accept`).
    pub(super) fn add_accepter(&mut self, s: &Side) {
        let Field::Known(id) = self.field(s, "vpc_peering_connection_id") else {
            return self.unplaced(s, "vpc_peering_connection_id is unknown until apply".into());
        };
        let accept =
            bool_at(s.v, "auto_accept") == Some(true) || str_at(s.v, "accept_status").as_deref() == Some("active");
        match self.out.snapshot.peering_connections.iter_mut().find(|p| p.id == id) {
            Some(p) => {
                if accept {
                    p.status = "active".into();
                }
                p.tags.extend(tags_of(s.v));
            }
            None => return self.missing(s, format!("peering connection {id} is not in the inventory")),
        }
        self.touch(&id, s.i);
    }

    /// `aws_egress_only_internet_gateway`: the inventory has no kind for it; what the
    /// design judges is the routes that target it (`aws_route` with
    /// `egress_only_gateway_id`, resolved to this address while its id is unknown).
    pub(super) fn add_eigw(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        self.touch(&id, s.i);
    }

    /// `aws_vpc_endpoint`: the endpoint, and for a gateway endpoint the service's prefix
    /// list route in each of its route tables.
    pub(super) fn add_endpoint(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let Field::Known(vpc) = self.field(s, "vpc_id") else {
            return self.unplaced(s, "vpc_id is unknown until apply".into());
        };
        let Some(service) = str_at(s.v, "service_name") else {
            return self.unplaced(s, "service_name is unknown until apply".into());
        };
        let endpoint_type = str_at(s.v, "vpc_endpoint_type").unwrap_or_else(|| "Gateway".into());
        let mut tables = strs_at(s.v, "route_table_ids");
        if tables.is_empty() && s.unknown("route_table_ids") {
            tables = self.resolve_all(s.ch, "route_table_ids");
        }
        let snap = &mut self.out.snapshot;
        let old = snap.vpc_endpoints.iter().position(|e| e.id == id).map(|p| snap.vpc_endpoints.remove(p));
        let prefix_list = snap.prefix_lists.iter().find(|p| p.name == service).map(|p| p.id.clone());
        if endpoint_type.eq_ignore_ascii_case("gateway")
            && let Some(pl) = &prefix_list
        {
            for t in snap.route_tables.iter_mut().filter(|t| tables.contains(&t.id)) {
                t.routes.retain(|r| &r.destination != pl);
                t.routes.push(Route {
                    destination: pl.clone(),
                    destination_kind: DestinationKind::PrefixList,
                    target_kind: TargetKind::VpcEndpoint,
                    target_id: Some(id.clone()),
                    state: RouteState::Active,
                    origin: Some("CreateRoute".into()),
                });
            }
        }
        snap.vpc_endpoints.push(VpcEndpoint {
            id: id.clone(),
            vpc_id: vpc.clone(),
            service_name: service,
            endpoint_type,
            // A planned endpoint is judged as it will be once created, as a planned NAT is.
            state: old.map_or_else(|| "available".into(), |o| o.state),
            route_table_ids: tables,
            subnet_ids: strs_at(s.v, "subnet_ids"),
            security_groups: strs_at(s.v, "security_group_ids"),
            tags: tags_of(s.v),
        });
        self.touch(&id, s.i);
        self.touch(&vpc, s.i);
    }

    pub(super) fn add_peering(&mut self, s: &Side) {
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

    pub(super) fn add_subnet(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        let Some(cidr) = str_at(s.v, "cidr_block") else {
            return self.unplaced(s, "cidr_block is unknown until apply".into());
        };
        // Unknown VPC: placed in the high replay only (see `vpcs`), recorded either way.
        let Some(vpc) = self.vpc_of(s, &id, "vpc_id") else {
            if s.unknown("vpc_id") {
                return;
            }
            return self.unplaced(s, "vpc_id is not set".into());
        };
        self.join_default_acl(&id, &vpc);
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

    pub(super) fn add_nat(&mut self, s: &Side) {
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

    pub(super) fn add_igw(&mut self, s: &Side) {
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
}

/// Routes whose target is deleted turn `blackhole` (AWS keeps them); returns their tables.
fn blackhole_routes_to(snap: &mut Snapshot, target: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in &mut snap.route_tables {
        let mut hit = false;
        for r in t.routes.iter_mut().filter(|r| r.target_id.as_deref() == Some(target)) {
            r.state = RouteState::Blackhole;
            hit = true;
        }
        if hit {
            out.push(t.id.clone());
        }
    }
    out
}
