//! The synthetic large environment shared by the benches: 2,000 security groups with
//! 12,000 rules, 512 route tables, 128 network ACLs of 24 entries (plus the default),
//! 300 DB instances, 1,000 alarms; and a transit gateway hub joining such environments
//! with spoke VPCs outside the estate, a VPN and a Direct Connect gateway (`transit_hub`).

use model::*;

pub fn big_snapshot() -> Snapshot {
    let ts: jiff::Timestamp = "2026-11-23T10:00:00Z".parse().expect("ts");
    let mut s = Snapshot::new("eu-west-2");
    s.taken_at = Some(ts);
    s.vpcs.push(Vpc {
        id: "vpc-a".into(),
        cidrs: vec!["10.0.0.0/16".into()],
        ipv6_cidrs: vec![],
        is_default: false,
        state: "available".into(),
        tags: Tags::new(),
    });
    let tiers = [1u32, 10, 20, 30];
    for i in 0..512u32 {
        let third = tiers[(i % 4) as usize] + (i / 4) % 3;
        let subnet = format!("subnet-{i}");
        s.subnets.push(Subnet {
            id: subnet.clone(),
            vpc_id: "vpc-a".into(),
            cidr: format!("10.0.{third}.0/24"),
            ipv6_cidrs: vec![],
            az: format!("eu-west-2{}", ["a", "b", "c"][(i % 3) as usize]),
            tags: Tags::new(),
        });
        let mut routes = vec![Route {
            destination: "10.0.0.0/16".into(),
            destination_kind: DestinationKind::Ipv4,
            target_kind: TargetKind::Local,
            target_id: None,
            state: RouteState::Active,
            origin: None,
        }];
        for j in 0..8 {
            routes.push(Route {
                destination: format!("10.{}.0.0/16", 100 + j),
                destination_kind: DestinationKind::Ipv4,
                target_kind: TargetKind::VpcPeering,
                target_id: Some(format!("pcx-{j}")),
                state: RouteState::Active,
                origin: None,
            });
        }
        s.route_tables.push(RouteTable {
            id: format!("rtb-{i}"),
            vpc_id: "vpc-a".into(),
            main: i == 0,
            associations: vec![RouteTableAssociation {
                id: None,
                subnet_id: Some(subnet),
                gateway_id: None,
                main: i == 0,
            }],
            routes,
            propagating_vgws: vec![],
            tags: Tags::new(),
        });
    }
    let roles = ["alb", "app", "db", "cache", "bastion"];
    for i in 0..2000u32 {
        let ingress = (0..6)
            .map(|j| SgRule {
                rule_id: Some(format!("sgr-{i}-{j}")),
                protocol: "tcp".into(),
                from_port: Some(8000 + j),
                to_port: Some(8000 + j),
                peer: if j % 2 == 0 {
                    RulePeer::Group(format!("sg-{}", (i + 1) % 2000))
                } else {
                    RulePeer::Cidr4(format!("10.{j}.0.0/16"))
                },
                description: None,
            })
            .collect();
        let mut tags = Tags::new();
        tags.insert("Role".into(), roles[(i % 5) as usize].into());
        s.security_groups.push(SecurityGroup {
            id: format!("sg-{i}"),
            name: format!("g{i}"),
            description: String::new(),
            vpc_id: Some("vpc-a".into()),
            tags,
            ingress,
            egress: vec![],
        });
    }
    s.network_acls = large_acls();
    for i in 0..300 {
        s.db_instances.push(DbInstance {
            id: format!("db-{i}"),
            engine: "postgres".into(),
            engine_version: None,
            class: "db.t3.micro".into(),
            status: "available".into(),
            multi_az: i % 2 == 0,
            az: None,
            secondary_az: None,
            storage_encrypted: true,
            publicly_accessible: false,
            backup_retention_days: 7,
            deletion_protection: true,
            subnet_group: None,
            vpc_id: Some("vpc-a".into()),
            cluster_id: None,
            security_groups: vec![],
        });
    }
    for i in 0..1000 {
        s.alarms.push(Alarm {
            name: format!("client-a-prod-{i}"),
            kind: AlarmKind::Metric,
            state: if i % 10 == 0 { AlarmState::Alarm } else { AlarmState::Ok },
            state_reason: None,
            state_updated: Some(ts),
            actions_enabled: true,
            alarm_actions: vec!["arn:sns".into()],
            ok_actions: vec![],
            insufficient_data_actions: vec![],
            detail: None,
        });
    }
    for k in Kind::ALL {
        let n = s.len_of(k);
        s.inventory.insert(k, KindStatus::ok(ts, n));
    }
    s
}

fn acl_entry(n: i32, egress: bool, allow: bool, proto: &str, ports: Option<(i32, i32)>, cidr: &str) -> AclEntry {
    AclEntry {
        rule_number: n,
        protocol: proto.into(),
        allow,
        egress,
        cidr: Some(cidr.into()),
        ipv6_cidr: None,
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        icmp_type: None,
        icmp_code: None,
    }
}

/// The VPC's default ACL (allow all) and one ACL per four subnets: admin ports denied from
/// the world, service ports from the VPC and the peers, ephemeral ports back, all out.
fn large_acls() -> Vec<NetworkAcl> {
    let mut out = vec![NetworkAcl {
        id: "acl-default".into(),
        vpc_id: "vpc-a".into(),
        is_default: true,
        entries: vec![
            acl_entry(100, false, true, "-1", None, "0.0.0.0/0"),
            acl_entry(32767, false, false, "-1", None, "0.0.0.0/0"),
            acl_entry(100, true, true, "-1", None, "0.0.0.0/0"),
            acl_entry(32767, true, false, "-1", None, "0.0.0.0/0"),
        ],
        subnet_ids: vec![],
        tags: Tags::new(),
    }];
    for a in 0..128u32 {
        let mut entries = vec![
            acl_entry(10, false, false, "6", Some((22, 22)), "0.0.0.0/0"),
            acl_entry(20, false, false, "6", Some((3389, 3389)), "0.0.0.0/0"),
        ];
        for j in 0..8 {
            entries.push(acl_entry(100 + j, false, true, "6", Some((8000 + j, 8000 + j)), "10.0.0.0/16"));
            entries.push(acl_entry(200 + j, false, true, "6", Some((443, 443)), &format!("10.{}.0.0/16", 100 + j)));
        }
        entries.push(acl_entry(300, false, true, "6", Some((1024, 65535)), "0.0.0.0/0"));
        entries.push(acl_entry(32767, false, false, "-1", None, "0.0.0.0/0"));
        entries.push(acl_entry(100, true, true, "-1", None, "0.0.0.0/0"));
        entries.push(acl_entry(32767, true, false, "-1", None, "0.0.0.0/0"));
        out.push(NetworkAcl {
            id: format!("acl-{a}"),
            vpc_id: "vpc-a".into(),
            is_default: false,
            entries,
            subnet_ids: (0..4).map(|k| format!("subnet-{}", a * 4 + k)).collect(),
            tags: Tags::new(),
        });
    }
    out
}

/// Join the environments' VPCs (each snapshot's first) through one transit gateway owned by
/// the first snapshot, with `spokes` more VPCs attached from outside the estate (10.40.0.0/16
/// on), on-premises (192.168.0.0/16) over a VPN with both tunnels up and 172.16.0.0/12 over
/// a Direct Connect gateway: one route table, every attachment associated and propagating.
/// Peering routes between the environments give way to routes to the hub, and every route
/// table of each environment routes the spokes, on-premises and Direct Connect to it.
pub fn transit_hub(snaps: &mut [&mut Snapshot], spokes: usize) {
    let tgw = "tgw-large-hub";
    let table = "tgw-rtb-large-hub";
    let vpcs: Vec<(String, String)> =
        snaps.iter().map(|s| (s.vpcs[0].id.clone(), s.vpcs[0].cidrs[0].clone())).collect();
    let mut attached: Vec<(String, AttachmentKind, String, String)> =
        vpcs.iter().map(|(v, c)| (format!("tgw-attach-{v}"), AttachmentKind::Vpc, v.clone(), c.clone())).collect();
    for k in 0..spokes {
        attached.push((
            format!("tgw-attach-spoke-{k}"),
            AttachmentKind::Vpc,
            format!("vpc-spoke-{k}"),
            format!("10.{}.0.0/16", 40 + k),
        ));
    }
    attached.push(("tgw-attach-vpn".into(), AttachmentKind::Vpn, "vpn-large".into(), "192.168.0.0/16".into()));
    attached.push((
        "tgw-attach-dx".into(),
        AttachmentKind::DirectConnectGateway,
        "dxgw-large".into(),
        "172.16.0.0/12".into(),
    ));
    let attachment = |(id, kind, resource, _): &(String, AttachmentKind, String, String)| TgwAttachment {
        id: id.clone(),
        transit_gateway_id: tgw.into(),
        kind: *kind,
        resource_id: Some(resource.clone()),
        resource_owner_id: None,
        state: "available".into(),
        route_table_id: Some(table.into()),
        association_state: Some("associated".into()),
        peer: None,
        subnet_ids: vec![],
        appliance_mode: Some(false),
        tags: Tags::new(),
    };
    let ids: Vec<String> = attached.iter().map(|a| a.0.clone()).collect();
    let owner = &mut *snaps[0];
    owner.transit_gateways.push(TransitGateway {
        id: tgw.into(),
        owner_id: None,
        state: "available".into(),
        default_association_route_table: Some(table.into()),
        default_propagation_route_table: Some(table.into()),
        tags: Tags::new(),
    });
    owner.transit_gateway_attachments = attached.iter().map(attachment).collect();
    owner.transit_gateway_route_tables = vec![TgwRouteTable {
        id: table.into(),
        transit_gateway_id: tgw.into(),
        state: "available".into(),
        default_association: true,
        default_propagation: true,
        associations: ids.clone(),
        propagations: ids,
        routes: Some(
            attached
                .iter()
                .map(|(id, _, _, cidr)| TgwRoute {
                    destination: cidr.clone(),
                    prefix_list_id: None,
                    route_type: TgwRouteType::Propagated,
                    state: TgwRouteState::Active,
                    attachments: vec![id.clone()],
                })
                .collect(),
        ),
        routes_error: None,
        tags: Tags::new(),
    }];
    let tunnel = |ip: &str| VpnTunnel {
        outside_ip: ip.into(),
        status: TunnelStatus::Up,
        status_message: None,
        last_status_change: None,
        accepted_routes: Some(1),
    };
    owner.vpn_connections = vec![VpnConnection {
        id: "vpn-large".into(),
        state: "available".into(),
        customer_gateway_id: Some("cgw-large".into()),
        vpn_gateway_id: None,
        transit_gateway_id: Some(tgw.into()),
        static_routes_only: Some(false),
        routes: vec![],
        tunnels: vec![tunnel("52.0.0.1"), tunnel("52.0.0.2")],
        tags: Tags::new(),
    }];
    for (i, s) in snaps.iter_mut().enumerate() {
        // Each account sees its own VPC's attachment.
        if i > 0 {
            s.transit_gateway_attachments = vec![attachment(&attached[i])];
        }
        let others: Vec<&String> = vpcs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, v)| &v.1).collect();
        for rt in &mut s.route_tables {
            rt.routes.retain(|r| !(r.target_kind == TargetKind::VpcPeering && others.contains(&&r.destination)));
            let dests = others.iter().map(|c| c.to_string()).chain(attached[vpcs.len()..].iter().map(|a| a.3.clone()));
            for d in dests {
                rt.routes.push(Route {
                    destination: d,
                    destination_kind: DestinationKind::Ipv4,
                    target_kind: TargetKind::TransitGateway,
                    target_id: Some(tgw.into()),
                    state: RouteState::Active,
                    origin: None,
                });
            }
        }
        s.peering_connections.retain(|p| {
            !(vpcs.iter().any(|v| v.0 == p.requester.vpc_id) && vpcs.iter().any(|v| v.0 == p.accepter.vpc_id))
        });
        let ts = s.taken_at;
        for k in Kind::ALL {
            let count = s.len_of(k);
            s.inventory.insert(k, KindStatus { status: FetchStatus::Ok, fetched_at: ts, count, error: None });
        }
    }
}
