//! A correctly built client-a-prod environment as a snapshot, for rule tests: every
//! test starts from it and injects exactly one kind of drift.

use model::*;

pub fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub fn route(dest: &str, kind: TargetKind, id: Option<&str>) -> Route {
    Route {
        destination: dest.into(),
        destination_kind: DestinationKind::of(dest),
        target_kind: kind,
        target_id: id.map(Into::into),
        state: RouteState::Active,
        origin: Some("CreateRoute".into()),
    }
}

pub fn local() -> Route {
    route("10.0.0.0/16", TargetKind::Local, None)
}

pub fn rt(id: &str, main: bool, subnets: &[&str], routes: Vec<Route>) -> RouteTable {
    let mut associations: Vec<RouteTableAssociation> = subnets
        .iter()
        .map(|s| RouteTableAssociation {
            id: Some(format!("rtbassoc-{s}")),
            subnet_id: Some(s.to_string()),
            gateway_id: None,
            main: false,
        })
        .collect();
    if main {
        associations.push(RouteTableAssociation {
            id: Some(format!("rtbassoc-main-{id}")),
            subnet_id: None,
            gateway_id: None,
            main: true,
        });
    }
    RouteTable {
        id: id.into(),
        vpc_id: "vpc-a".into(),
        main,
        associations,
        routes,
        propagating_vgws: vec![],
        tags: Tags::new(),
    }
}

pub fn rule(proto: &str, from: i32, to: i32, peer: RulePeer) -> SgRule {
    SgRule {
        rule_id: Some(format!("sgr-{proto}-{from}-{}", peer.describe())),
        protocol: proto.into(),
        from_port: Some(from),
        to_port: Some(to),
        peer,
        description: None,
    }
}

pub fn cidr(c: &str) -> RulePeer {
    if c.contains(':') { RulePeer::Cidr6(c.into()) } else { RulePeer::Cidr4(c.into()) }
}

pub fn group(id: &str) -> RulePeer {
    RulePeer::Group(id.into())
}

pub fn sg(id: &str, role: Option<&str>, ingress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: format!("client-a-prod-{}", id.trim_start_matches("sg-")),
        description: "test".into(),
        vpc_id: Some("vpc-a".into()),
        tags: role.map(|r| tags(&[("Role", r)])).unwrap_or_default(),
        ingress,
        egress: vec![rule("-1", -1, -1, cidr("0.0.0.0/0"))],
    }
}

const AZS: [&str; 3] = ["eu-west-2a", "eu-west-2b", "eu-west-2c"];

pub fn ts() -> jiff::Timestamp {
    "2026-11-23T10:00:00Z".parse().expect("timestamp")
}

/// The clean client-a-prod environment: zero findings expected.
pub fn client_a() -> Snapshot {
    let mut s = Snapshot::new("eu-west-2");
    s.account = Some("123456789012".into());
    s.taken_at = Some(ts());
    s.vpcs = vec![
        Vpc {
            id: "vpc-a".into(),
            cidrs: vec!["10.0.0.0/16".into()],
            ipv6_cidrs: vec![],
            is_default: false,
            state: "available".into(),
            tags: tags(&[("Name", "client-a-prod")]),
        },
        Vpc {
            id: "vpc-default".into(),
            cidrs: vec!["172.31.0.0/16".into()],
            ipv6_cidrs: vec![],
            is_default: true,
            state: "available".into(),
            tags: Tags::new(),
        },
    ];
    for (tier, base) in [("public", 1), ("app", 10), ("data", 20), ("cache", 30)] {
        for (i, az) in AZS.iter().enumerate() {
            s.subnets.push(Subnet {
                id: format!("subnet-{tier}-{}", &az[9..]),
                vpc_id: "vpc-a".into(),
                cidr: format!("10.0.{}.0/24", base + i),
                ipv6_cidrs: vec![],
                az: az.to_string(),
                tags: tags(&[("Tier", tier)]),
            });
        }
    }
    // A subnet of the default VPC, out of scope.
    s.subnets.push(Subnet {
        id: "subnet-default".into(),
        vpc_id: "vpc-default".into(),
        cidr: "172.31.0.0/20".into(),
        ipv6_cidrs: vec![],
        az: "eu-west-2a".into(),
        tags: Tags::new(),
    });
    s.internet_gateways =
        vec![InternetGateway { id: "igw-1".into(), attached_vpcs: vec!["vpc-a".into()], tags: Tags::new() }];
    for az in ["a", "b", "c"] {
        s.nat_gateways.push(NatGateway {
            id: format!("nat-{az}"),
            vpc_id: "vpc-a".into(),
            subnet_id: format!("subnet-public-{az}"),
            state: "available".into(),
            connectivity: Some("public".into()),
            tags: Tags::new(),
        });
    }
    s.route_tables.push(rt("rtb-main", true, &[], vec![local()]));
    s.route_tables.push(rt(
        "rtb-public",
        false,
        &["subnet-public-a", "subnet-public-b", "subnet-public-c"],
        vec![local(), route("0.0.0.0/0", TargetKind::InternetGateway, Some("igw-1"))],
    ));
    for az in ["a", "b", "c"] {
        s.route_tables.push(rt(
            &format!("rtb-app-{az}"),
            false,
            &[&format!("subnet-app-{az}")],
            vec![
                local(),
                route("0.0.0.0/0", TargetKind::NatGateway, Some(&format!("nat-{az}"))),
                route("10.50.0.0/16", TargetKind::VpcPeering, Some("pcx-shared")),
            ],
        ));
    }
    s.route_tables.push(rt("rtb-data", false, &["subnet-data-a", "subnet-data-b", "subnet-data-c"], vec![local()]));
    s.route_tables.push(rt("rtb-cache", false, &["subnet-cache-a", "subnet-cache-b", "subnet-cache-c"], vec![local()]));
    s.peering_connections.push(PeeringConnection {
        id: "pcx-shared".into(),
        status: "active".into(),
        requester: PeeringSide {
            vpc_id: "vpc-a".into(),
            owner_id: None,
            region: None,
            cidrs: vec!["10.0.0.0/16".into()],
            ipv6_cidrs: vec![],
        },
        accepter: PeeringSide {
            vpc_id: "vpc-shared".into(),
            owner_id: None,
            region: None,
            cidrs: vec!["10.50.0.0/16".into()],
            ipv6_cidrs: vec![],
        },
        tags: Tags::new(),
    });
    s.security_groups = vec![
        sg(
            "sg-alb",
            Some("alb"),
            vec![rule("tcp", 80, 80, cidr("0.0.0.0/0")), rule("tcp", 443, 443, cidr("0.0.0.0/0"))],
        ),
        sg("sg-app", Some("app"), vec![rule("tcp", 8080, 8080, group("sg-alb"))]),
        sg(
            "sg-db",
            Some("db"),
            vec![rule("tcp", 5432, 5432, group("sg-app")), rule("tcp", 3306, 3306, group("sg-app"))],
        ),
        sg("sg-cache", Some("cache"), vec![rule("tcp", 6379, 6379, group("sg-app"))]),
        sg(
            "sg-bastion",
            Some("bastion"),
            vec![
                rule("tcp", 22, 22, cidr("203.0.113.0/24")),
                rule("tcp", 22, 22, cidr("198.51.100.0/24")),
                rule("tcp", 22, 22, cidr("192.0.2.0/24")),
            ],
        ),
    ];
    // Out of scope: a wide-open group in the default VPC is not judged.
    let mut outside = sg("sg-outside", None, vec![rule("-1", -1, -1, cidr("0.0.0.0/0"))]);
    outside.vpc_id = Some("vpc-default".into());
    s.security_groups.push(outside);
    s.db_instances.push(db("client-a-prod-pg"));
    s.cache_replication_groups.push(CacheReplicationGroup {
        id: "client-a-prod-redis".into(),
        description: None,
        status: "available".into(),
        node_type: Some("cache.t3.medium".into()),
        multi_az: Some("enabled".into()),
        automatic_failover: Some("enabled".into()),
        at_rest_encryption: Some(true),
        transit_encryption: Some(true),
        cluster_mode: Some("disabled".into()),
        members: vec![
            CacheMember {
                cluster_id: "client-a-prod-redis-001".into(),
                node_group: Some("0001".into()),
                az: Some("eu-west-2a".into()),
                role: Some("primary".into()),
            },
            CacheMember {
                cluster_id: "client-a-prod-redis-002".into(),
                node_group: Some("0001".into()),
                az: Some("eu-west-2b".into()),
                role: Some("replica".into()),
            },
        ],
        vpc_id: Some("vpc-a".into()),
    });
    for name in ["client-a-prod-rds-cpu-high", "client-a-prod-alb-5xx", "client-a-prod-redis-memory"] {
        s.alarms.push(alarm(name, AlarmState::Ok));
    }
    // Every subnet on its VPC's default ACL; endpoints and flow logs as the design asks.
    s.network_acls = vec![default_acl("acl-default-a", "vpc-a"), default_acl("acl-default-default", "vpc-default")];
    for (svc, kind) in [("s3", "Gateway"), ("kms", "Interface")] {
        s.vpc_endpoints.push(VpcEndpoint {
            id: format!("vpce-{svc}"),
            vpc_id: "vpc-a".into(),
            service_name: format!("com.amazonaws.eu-west-2.{svc}"),
            endpoint_type: kind.into(),
            state: "available".into(),
            route_table_ids: vec![],
            subnet_ids: vec![],
            security_groups: vec![],
            tags: Tags::new(),
        });
    }
    s.flow_logs.push(flow_log("fl-a", "vpc-a", "ALL", "ACTIVE"));
    restamp(&mut s);
    s
}

pub fn flow_log(id: &str, resource: &str, traffic: &str, status: &str) -> FlowLog {
    FlowLog {
        id: id.into(),
        resource_id: resource.into(),
        traffic_type: Some(traffic.into()),
        destination_type: Some("cloud-watch-logs".into()),
        destination: None,
        log_group: Some("/vpc/flow-logs".into()),
        status: Some(status.into()),
        deliver_status: Some("SUCCESS".into()),
        tags: Tags::new(),
    }
}

pub fn db(id: &str) -> DbInstance {
    DbInstance {
        id: id.into(),
        engine: "postgres".into(),
        engine_version: Some("16.3".into()),
        class: "db.t3.medium".into(),
        status: "available".into(),
        multi_az: true,
        az: Some("eu-west-2a".into()),
        secondary_az: Some("eu-west-2b".into()),
        storage_encrypted: true,
        publicly_accessible: false,
        backup_retention_days: 30,
        deletion_protection: true,
        subnet_group: Some("client-a-prod-db".into()),
        vpc_id: Some("vpc-a".into()),
        cluster_id: None,
        security_groups: vec!["sg-db".into()],
    }
}

pub fn alarm(name: &str, state: AlarmState) -> Alarm {
    Alarm {
        name: name.into(),
        kind: AlarmKind::Metric,
        state,
        state_reason: Some("Threshold Crossed: 1 datapoint [91.0] was greater than the threshold (70.0)".into()),
        state_updated: Some(ts()),
        actions_enabled: true,
        alarm_actions: vec!["arn:aws:sns:eu-west-2:123456789012:critical".into()],
        ok_actions: vec![],
        insufficient_data_actions: vec![],
        detail: Some("AWS/RDS/CPUUtilization".into()),
    }
}

/// A shipped design, named by its path relative to the repository (so output that
/// quotes the design reads the same in any checkout).
pub fn design(name: &str) -> engine::design::Design {
    let rel = format!("config/designs/{name}.toml");
    let text = std::fs::read_to_string(format!("{}/{rel}", crate::ROOT)).expect("design file");
    engine::design::Design::parse(&rel, &text).expect("shipped design is valid")
}

/// (rule, resource) pairs of a report's active findings.
pub fn pairs(r: &engine::drift::Report) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        r.findings.iter().map(|f| (f.rule.to_string(), f.resource.to_string())).collect();
    v.sort();
    v.dedup();
    v
}

pub fn p(rule: &str, resource: &str) -> (String, String) {
    (rule.to_string(), resource.to_string())
}

pub fn rt_mut<'a>(s: &'a mut Snapshot, id: &str) -> &'a mut RouteTable {
    s.route_tables.iter_mut().find(|r| r.id == id).expect("route table")
}

pub fn sg_mut<'a>(s: &'a mut Snapshot, id: &str) -> &'a mut SecurityGroup {
    s.security_groups.iter_mut().find(|g| g.id == id).expect("group")
}

/// One inbound ACL entry; `cidr` may be IPv4 or IPv6, `proto` `-1`/`6`/`17`.
pub fn acl_in(n: i32, proto: &str, allow: bool, cidr: &str, ports: Option<(i32, i32)>) -> AclEntry {
    AclEntry {
        rule_number: n,
        protocol: proto.into(),
        allow,
        egress: false,
        cidr: (!cidr.contains(':')).then(|| cidr.to_string()),
        ipv6_cidr: cidr.contains(':').then(|| cidr.to_string()),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        icmp_type: None,
        icmp_code: None,
    }
}

/// AWS's default ACL: allow everything in and out, then the final `*` deny.
pub fn default_acl(id: &str, vpc: &str) -> NetworkAcl {
    NetworkAcl {
        id: id.into(),
        vpc_id: vpc.into(),
        is_default: true,
        entries: vec![
            acl_in(100, "-1", true, "0.0.0.0/0", None),
            acl_in(32767, "-1", false, "0.0.0.0/0", None),
            AclEntry { egress: true, ..acl_in(100, "-1", true, "0.0.0.0/0", None) },
            AclEntry { egress: true, ..acl_in(32767, "-1", false, "0.0.0.0/0", None) },
        ],
        subnet_ids: vec![],
        tags: Tags::new(),
    }
}

pub fn acl(id: &str, subnets: &[&str], entries: Vec<AclEntry>) -> NetworkAcl {
    NetworkAcl {
        id: id.into(),
        vpc_id: "vpc-a".into(),
        is_default: false,
        entries,
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        tags: Tags::new(),
    }
}

pub fn prefix_list(id: &str, name: &str, cidrs: &[&str]) -> PrefixList {
    PrefixList {
        id: id.into(),
        name: name.into(),
        owner_id: Some(if name.starts_with("com.amazonaws.") { "AWS" } else { "123456789012" }.into()),
        address_family: Some("IPv4".into()),
        state: "create-complete".into(),
        max_entries: Some(10),
        entries: Some(cidrs.iter().map(|c| PrefixListEntry { cidr: c.to_string(), description: None }).collect()),
        entries_error: None,
        tags: Tags::new(),
    }
}

/// Re-stamp every kind's status after a test changed the inventory.
pub fn restamp(s: &mut Snapshot) {
    for k in Kind::ALL {
        let count = s.len_of(k);
        s.inventory.insert(k, KindStatus::ok(ts(), count));
    }
}

/// A shipped design with extra TOML appended (new tables only), parsed strictly.
pub fn design_with(name: &str, extra: &str) -> engine::design::Design {
    let rel = format!("config/designs/{name}.toml");
    let text = std::fs::read_to_string(format!("{}/{rel}", crate::ROOT)).expect("design file");
    engine::design::Design::parse(&rel, &format!("{text}\n{extra}")).expect("design with extra is valid")
}
