//! Transit gateways and VPN: `aws_ec2_transit_gateway*` (gateways, VPC and peering
//! attachments, route tables, routes, associations, propagations), `aws_vpn_gateway`,
//! `aws_vpn_gateway_attachment`, `aws_vpn_gateway_route_propagation` and
//! `aws_vpn_connection`, replayed into the inventory. Routes in VPC route tables that
//! point at a transit or VPN gateway are the routing family's (`routes`).

use super::{AFTER_APPLY, Cx, Field, Side, Variant, tags_of};
use crate::terraform::values::{bool_at, str_at, strs_at};
use model::*;

/// The resource types this family replays.
pub(super) const TYPES: &[&str] = &[
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_vpn_gateway_route_propagation",
    "aws_vpn_connection",
];

impl Cx<'_> {
    /// Take a transit or VPN resource out; returns the ids it touched.
    pub(super) fn remove_transit(&mut self, s: &Side) -> Vec<String> {
        let id = str_at(s.v, "id");
        let snap = &mut self.out.snapshot;
        let is = |x: &String| Some(x) == id.as_ref();
        match s.ch.rtype.as_str() {
            "aws_ec2_transit_gateway" => snap.transit_gateways.retain(|x| !is(&x.id)),
            "aws_ec2_transit_gateway_vpc_attachment" | "aws_ec2_transit_gateway_peering_attachment" => {
                snap.transit_gateway_attachments.retain(|x| !is(&x.id))
            }
            "aws_ec2_transit_gateway_route_table" => snap.transit_gateway_route_tables.retain(|x| !is(&x.id)),
            "aws_ec2_transit_gateway_route" => {
                let (Some(t), Some(dest)) =
                    (str_at(s.v, "transit_gateway_route_table_id"), str_at(s.v, "destination_cidr_block"))
                else {
                    return vec![];
                };
                if let Some(table) = snap.transit_gateway_route_tables.iter_mut().find(|x| x.id == t)
                    && let Some(routes) = &mut table.routes
                {
                    routes.retain(|r| !(r.destination == dest && r.route_type == TgwRouteType::Static));
                }
                return vec![t];
            }
            "aws_ec2_transit_gateway_route_table_association" | "aws_ec2_transit_gateway_route_table_propagation" => {
                let (Some(t), Some(att)) =
                    (str_at(s.v, "transit_gateway_route_table_id"), str_at(s.v, "transit_gateway_attachment_id"))
                else {
                    return vec![];
                };
                let association = s.ch.rtype.ends_with("association");
                if let Some(table) = snap.transit_gateway_route_tables.iter_mut().find(|x| x.id == t) {
                    let list = if association { &mut table.associations } else { &mut table.propagations };
                    list.retain(|a| *a != att);
                }
                if association
                    && let Some(a) = snap.transit_gateway_attachments.iter_mut().find(|a| a.id == att)
                    && a.route_table_id.as_deref() == Some(t.as_str())
                {
                    a.route_table_id = None;
                    a.association_state = None;
                }
                return vec![t, att];
            }
            "aws_vpn_gateway" => snap.vpn_gateways.retain(|x| !is(&x.id)),
            "aws_vpn_gateway_attachment" => {
                let (Some(vgw), Some(vpc)) = (str_at(s.v, "vpn_gateway_id"), str_at(s.v, "vpc_id")) else {
                    return vec![];
                };
                if let Some(g) = snap.vpn_gateways.iter_mut().find(|g| g.id == vgw) {
                    g.vpc_attachments.retain(|a| a.vpc_id != vpc);
                }
                return vec![vgw];
            }
            "aws_vpn_gateway_route_propagation" => {
                let (Some(vgw), Some(rt)) = (str_at(s.v, "vpn_gateway_id"), str_at(s.v, "route_table_id")) else {
                    return vec![];
                };
                if let Some(t) = snap.route_tables.iter_mut().find(|t| t.id == rt) {
                    t.propagating_vgws.retain(|v| *v != vgw);
                }
                return vec![rt];
            }
            "aws_vpn_connection" => snap.vpn_connections.retain(|x| !is(&x.id)),
            _ => {}
        }
        id.into_iter().collect()
    }

    /// A known id, or the change marked unplaced (`None`).
    fn required(&mut self, s: &Side, key: &str) -> Option<String> {
        match self.field(s, key) {
            Field::Known(v) => Some(v),
            Field::Unknown => {
                self.unplaced(s, format!("{key} is unknown until apply"));
                None
            }
            Field::Absent => {
                self.unplaced(s, format!("{key} is not set"));
                None
            }
        }
    }

    /// A transit gateway route table id: known, or a reference to a gateway's default
    /// table (`aws_ec2_transit_gateway.x.association_default_route_table_id`), resolved
    /// to the table the replayed gateway holds; else `required`.
    fn table_id(&mut self, s: &Side, key: &str) -> Option<String> {
        if str_at(s.v, key).is_none() && s.unknown(key) {
            for r in s.ch.references.get(key).into_iter().flatten() {
                for (suffix, association) in
                    [(".association_default_route_table_id", true), (".propagation_default_route_table_id", false)]
                {
                    let Some(base) = r.strip_suffix(suffix) else { continue };
                    // Never the gateway's own id (what a plain reference resolves to).
                    let unknown = format!("{key} (the default route table of {base}) is unknown until apply");
                    let Some(tgw) = self.plan.ids.get(base) else {
                        self.unplaced(s, unknown);
                        return None;
                    };
                    let gw = self.out.snapshot.transit_gateways.iter().find(|g| g.id == *tgw);
                    let t = gw.and_then(|g| {
                        if association {
                            g.default_association_route_table.clone()
                        } else {
                            g.default_propagation_route_table.clone()
                        }
                    });
                    if t.is_none() {
                        self.unplaced(s, unknown);
                    }
                    return t;
                }
            }
        }
        self.required(s, key)
    }

    /// Put a transit or VPN resource in.
    pub(super) fn add_transit(&mut self, s: &Side) {
        let id = self.own_id(s, "id");
        match s.ch.rtype.as_str() {
            "aws_ec2_transit_gateway" => {
                // AWS creates the default route table with the gateway; its id is known after apply.
                let default = |key: &str| str_at(s.v, key).or_else(|| Some(format!("{id} default route table")));
                let gw = TransitGateway {
                    id: id.clone(),
                    owner_id: str_at(s.v, "owner_id"),
                    state: "available".into(),
                    default_association_route_table: (str_at(s.v, "default_route_table_association").as_deref()
                        != Some("disable"))
                    .then(|| default("association_default_route_table_id"))
                    .flatten(),
                    default_propagation_route_table: (str_at(s.v, "default_route_table_propagation").as_deref()
                        != Some("disable"))
                    .then(|| default("propagation_default_route_table_id"))
                    .flatten(),
                    tags: tags_of(s.v),
                };
                // The default route table comes with the gateway.
                let defaults = [gw.default_association_route_table.clone(), gw.default_propagation_route_table.clone()];
                for t in defaults.into_iter().flatten() {
                    let snap = &mut self.out.snapshot;
                    if !snap.transit_gateway_route_tables.iter().any(|x| x.id == t) {
                        snap.transit_gateway_route_tables.push(TgwRouteTable {
                            id: t,
                            transit_gateway_id: id.clone(),
                            state: "available".into(),
                            default_association: true,
                            default_propagation: true,
                            associations: vec![],
                            propagations: vec![],
                            routes: Some(vec![]),
                            routes_error: None,
                            tags: Tags::new(),
                        });
                    }
                }
                self.out.snapshot.transit_gateways.retain(|g| g.id != id);
                self.out.snapshot.transit_gateways.push(gw);
                self.touch(&id, s.i);
            }
            "aws_ec2_transit_gateway_vpc_attachment" | "aws_ec2_transit_gateway_peering_attachment" => {
                let Some(tgw) = self.required(s, "transit_gateway_id") else { return };
                let vpc = s.ch.rtype.ends_with("vpc_attachment");
                let resource_key = if vpc { "vpc_id" } else { "peer_transit_gateway_id" };
                let Some(resource) = self.required(s, resource_key) else { return };
                let mut att = TgwAttachment {
                    id: id.clone(),
                    transit_gateway_id: tgw.clone(),
                    kind: if vpc { AttachmentKind::Vpc } else { AttachmentKind::Peering },
                    resource_id: Some(resource.clone()),
                    resource_owner_id: str_at(s.v, "peer_account_id"),
                    // A peering waits for its accepter; a VPC attachment in the same account does not.
                    state: if vpc { "available".into() } else { "pendingAcceptance".into() },
                    route_table_id: None,
                    association_state: None,
                    peer: (!vpc).then(|| TgwPeer {
                        transit_gateway_id: resource.clone(),
                        owner_id: str_at(s.v, "peer_account_id"),
                        region: str_at(s.v, "peer_region"),
                    }),
                    subnet_ids: if vpc { strs_at(s.v, "subnet_ids") } else { vec![] },
                    appliance_mode: if !vpc {
                        None
                    } else if s.unknown("appliance_mode_support") {
                        self.mark(s, &id, "appliance_mode", "appliance_mode_support");
                        Some(self.variant == Variant::Low)
                    } else {
                        Some(str_at(s.v, "appliance_mode_support").as_deref() == Some("enable"))
                    },
                    tags: tags_of(s.v),
                };
                self.out.snapshot.transit_gateway_attachments.retain(|a| a.id != id);
                // The gateway's default tables, unless the attachment opts out.
                let gw = self.out.snapshot.transit_gateways.iter().find(|g| g.id == tgw).cloned();
                let opted = |key: &str| bool_at(s.v, key) != Some(false);
                if vpc
                    && opted("transit_gateway_default_route_table_association")
                    && let Some(t) = gw.as_ref().and_then(|g| g.default_association_route_table.clone())
                {
                    att.route_table_id = Some(t.clone());
                    att.association_state = Some("associated".into());
                    self.link(&t, &id, true);
                }
                self.out.snapshot.transit_gateway_attachments.push(att);
                if vpc
                    && opted("transit_gateway_default_route_table_propagation")
                    && let Some(t) = gw.as_ref().and_then(|g| g.default_propagation_route_table.clone())
                {
                    self.link(&t, &id, false);
                }
                self.touch(&id, s.i);
            }
            "aws_ec2_transit_gateway_route_table" => {
                let Some(tgw) = self.required(s, "transit_gateway_id") else { return };
                let table = TgwRouteTable {
                    id: id.clone(),
                    transit_gateway_id: tgw,
                    state: "available".into(),
                    default_association: bool_at(s.v, "default_association_route_table").unwrap_or(false),
                    default_propagation: bool_at(s.v, "default_propagation_route_table").unwrap_or(false),
                    associations: vec![],
                    propagations: vec![],
                    routes: Some(vec![]),
                    routes_error: None,
                    tags: tags_of(s.v),
                };
                let snap = &mut self.out.snapshot;
                match snap.transit_gateway_route_tables.iter_mut().find(|t| t.id == id) {
                    Some(t) => t.tags = table.tags,
                    None => snap.transit_gateway_route_tables.push(table),
                }
                self.touch(&id, s.i);
            }
            "aws_ec2_transit_gateway_route" => self.add_tgw_route(s),
            "aws_ec2_transit_gateway_route_table_association" | "aws_ec2_transit_gateway_route_table_propagation" => {
                let Some(t) = self.table_id(s, "transit_gateway_route_table_id") else { return };
                let Some(att) = self.required(s, "transit_gateway_attachment_id") else { return };
                let association = s.ch.rtype.ends_with("association");
                if association
                    && let Some(a) = self.out.snapshot.transit_gateway_attachments.iter_mut().find(|a| a.id == att)
                {
                    a.route_table_id = Some(t.clone());
                    a.association_state = Some("associated".into());
                }
                self.link(&t, &att, association);
                self.touch(&t, s.i);
            }
            "aws_vpn_gateway" => {
                let mut attachments = Vec::new();
                if let Field::Known(vpc) = self.field(s, "vpc_id") {
                    attachments.push(VgwAttachment { vpc_id: vpc, state: "attached".into() });
                }
                self.out.snapshot.vpn_gateways.retain(|g| g.id != id);
                self.out.snapshot.vpn_gateways.push(VpnGateway {
                    id: id.clone(),
                    state: "available".into(),
                    amazon_side_asn: str_at(s.v, "amazon_side_asn").and_then(|a| a.parse().ok()),
                    vpc_attachments: attachments,
                    tags: tags_of(s.v),
                });
                self.touch(&id, s.i);
            }
            "aws_vpn_gateway_attachment" => {
                let Some(vgw) = self.required(s, "vpn_gateway_id") else { return };
                let Some(vpc) = self.required(s, "vpc_id") else { return };
                match self.out.snapshot.vpn_gateways.iter_mut().find(|g| g.id == vgw) {
                    Some(g) => {
                        g.vpc_attachments.retain(|a| a.vpc_id != vpc);
                        g.vpc_attachments.push(VgwAttachment { vpc_id: vpc, state: "attached".into() });
                    }
                    None => return self.missing(s, format!("VPN gateway {vgw} is not in the inventory")),
                }
                self.touch(&vgw, s.i);
            }
            "aws_vpn_gateway_route_propagation" => {
                let Some(vgw) = self.required(s, "vpn_gateway_id") else { return };
                let Some(rt) = self.required(s, "route_table_id") else { return };
                match self.out.snapshot.route_tables.iter_mut().find(|t| t.id == rt) {
                    Some(t) if t.propagating_vgws.contains(&vgw) => {}
                    Some(t) => t.propagating_vgws.push(vgw),
                    None => return self.missing(s, format!("route table {rt} is not in the inventory")),
                }
                self.touch(&rt, s.i);
            }
            "aws_vpn_connection" => self.add_vpn_connection(s, &id),
            _ => {}
        }
    }

    /// Put attachment `att` into table `t`'s associations (or propagations). A VPC
    /// attachment propagating into a table gives it a propagated route per VPC CIDR.
    fn link(&mut self, t: &str, att: &str, association: bool) {
        let snap = &mut self.out.snapshot;
        let cidrs: Vec<String> = match snap.transit_gateway_attachments.iter().find(|a| a.id == att) {
            Some(a) if !association && a.kind == AttachmentKind::Vpc => {
                let vpc = a.resource_id.as_deref().unwrap_or_default();
                snap.vpcs.iter().find(|v| v.id == vpc).map(|v| v.cidrs.clone()).unwrap_or_default()
            }
            _ => vec![],
        };
        if let Some(table) = snap.transit_gateway_route_tables.iter_mut().find(|x| x.id == t) {
            let list = if association { &mut table.associations } else { &mut table.propagations };
            if !list.iter().any(|a| a == att) {
                list.push(att.to_string());
            }
            let routes = table.routes.get_or_insert_with(Vec::new);
            for c in cidrs {
                if !routes.iter().any(|r| r.destination == c) {
                    routes.push(TgwRoute {
                        destination: c,
                        prefix_list_id: None,
                        route_type: TgwRouteType::Propagated,
                        state: TgwRouteState::Active,
                        attachments: vec![att.to_string()],
                    });
                }
            }
        }
    }

    fn add_tgw_route(&mut self, s: &Side) {
        let Some(t) = self.table_id(s, "transit_gateway_route_table_id") else { return };
        let dest = match str_at(s.v, "destination_cidr_block") {
            Some(d) => d,
            None => {
                self.mark(s, &t, "routes", "destination_cidr_block");
                if self.variant == Variant::High { "0.0.0.0/0".into() } else { "255.255.255.255/32".into() }
            }
        };
        let blackhole = if s.unknown("blackhole") {
            self.mark(s, &t, "routes", "blackhole");
            self.variant == Variant::Low
        } else {
            bool_at(s.v, "blackhole").unwrap_or(false)
        };
        let attachments = if blackhole {
            vec![]
        } else {
            match self.field(s, "transit_gateway_attachment_id") {
                Field::Known(a) => vec![a],
                Field::Unknown => {
                    self.mark(s, &t, "routes", "transit_gateway_attachment_id");
                    vec![AFTER_APPLY.to_string()]
                }
                Field::Absent => vec![],
            }
        };
        let route = TgwRoute {
            destination: dest.clone(),
            prefix_list_id: None,
            route_type: TgwRouteType::Static,
            state: if attachments.is_empty() { TgwRouteState::Blackhole } else { TgwRouteState::Active },
            attachments,
        };
        match self.out.snapshot.transit_gateway_route_tables.iter_mut().find(|x| x.id == t) {
            Some(table) => {
                let routes = table.routes.get_or_insert_with(Vec::new);
                routes.retain(|r| !(r.destination == dest && r.route_type == TgwRouteType::Static));
                routes.push(route);
            }
            None => return self.missing(s, format!("transit gateway route table {t} is not in the inventory")),
        }
        self.touch(&t, s.i);
    }

    fn add_vpn_connection(&mut self, s: &Side, id: &str) {
        let known = |cx: &Cx<'_>, key: &str| match cx.field(s, key) {
            Field::Known(v) => Some(v),
            _ => None,
        };
        let vgw = known(self, "vpn_gateway_id");
        let tgw = known(self, "transit_gateway_id");
        if vgw.is_none() && tgw.is_none() {
            return self.unplaced(s, "vpn_gateway_id / transit_gateway_id is unknown until apply or not set".into());
        }
        // Until it is up, a new connection reports no tunnel telemetry: its tunnels are unknown.
        let conn = VpnConnection {
            id: id.to_string(),
            state: "available".into(),
            customer_gateway_id: known(self, "customer_gateway_id"),
            vpn_gateway_id: vgw,
            transit_gateway_id: tgw.clone(),
            static_routes_only: bool_at(s.v, "static_routes_only"),
            routes: vec![],
            tunnels: vec![],
            tags: tags_of(s.v),
        };
        let snap = &mut self.out.snapshot;
        if let Some(old) = snap.vpn_connections.iter().position(|c| c.id == id) {
            let old = snap.vpn_connections.remove(old);
            // An update keeps the live tunnels and routes.
            snap.vpn_connections.push(VpnConnection { tunnels: old.tunnels, routes: old.routes, ..conn });
        } else {
            snap.vpn_connections.push(conn);
        }
        // A connection on a transit gateway is attached to it (in its default route table).
        if let Some(tgw) = tgw {
            let att_id = str_at(s.v, "transit_gateway_attachment_id").unwrap_or_else(|| format!("{id} attachment"));
            let table = snap
                .transit_gateways
                .iter()
                .find(|g| g.id == tgw)
                .and_then(|g| g.default_association_route_table.clone());
            if !snap.transit_gateway_attachments.iter().any(|a| a.id == att_id) {
                snap.transit_gateway_attachments.push(TgwAttachment {
                    id: att_id.clone(),
                    transit_gateway_id: tgw,
                    kind: AttachmentKind::Vpn,
                    resource_id: Some(id.to_string()),
                    resource_owner_id: None,
                    state: "available".into(),
                    route_table_id: table.clone(),
                    association_state: table.as_ref().map(|_| "associated".into()),
                    peer: None,
                    subnet_ids: vec![],
                    appliance_mode: None,
                    tags: Tags::new(),
                });
                if let Some(t) = table {
                    self.link(&t, &att_id, true);
                }
            }
        }
        self.touch(id, s.i);
    }
}
