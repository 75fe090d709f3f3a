//! Snapshots for the reachability tests: the production / production-pci pair as the
//! moto seed builds it (peered app tiers, local-only data tiers), with default ACLs.

pub use crate::fixtures::{design, route, rt_mut, sg_mut, tags};
use model::*;

pub fn entry(n: i32, egress: bool, allow: bool, proto: &str, ports: Option<(i32, i32)>, cidr: &str) -> AclEntry {
    let v6 = cidr.contains(':');
    AclEntry {
        rule_number: n,
        protocol: proto.into(),
        allow,
        egress,
        cidr: (!v6).then(|| cidr.to_string()),
        ipv6_cidr: v6.then(|| cidr.to_string()),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        icmp_type: None,
        icmp_code: None,
    }
}

/// AWS's default ACL: allow everything both ways (IPv4 and IPv6), then `*` deny.
pub fn default_acl(id: &str, vpc: &str) -> NetworkAcl {
    let mut entries = Vec::new();
    for egress in [false, true] {
        entries.push(entry(100, egress, true, "-1", None, "0.0.0.0/0"));
        entries.push(entry(101, egress, true, "-1", None, "::/0"));
        entries.push(entry(32767, egress, false, "-1", None, "0.0.0.0/0"));
        entries.push(entry(32768, egress, false, "-1", None, "::/0"));
    }
    NetworkAcl { id: id.into(), vpc_id: vpc.into(), is_default: true, entries, subnet_ids: vec![], tags: Tags::new() }
}

pub fn rule(id: &str, proto: &str, from: i32, to: i32, peer: RulePeer) -> SgRule {
    SgRule {
        rule_id: Some(id.into()),
        protocol: proto.into(),
        from_port: Some(from),
        to_port: Some(to),
        peer,
        description: None,
    }
}

pub fn sg(id: &str, vpc: &str, role: &str, ingress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        id: id.into(),
        name: id.into(),
        description: "test".into(),
        vpc_id: Some(vpc.into()),
        tags: tags(&[("Role", role)]),
        ingress,
        egress: vec![rule(&format!("sgr-{id}-egress"), "-1", -1, -1, RulePeer::Cidr4("0.0.0.0/0".into()))],
    }
}

fn rt(id: &str, vpc: &str, main: bool, subnets: &[String], routes: Vec<Route>) -> RouteTable {
    RouteTable {
        id: id.into(),
        vpc_id: vpc.into(),
        main,
        associations: subnets
            .iter()
            .map(|s| RouteTableAssociation { id: None, subnet_id: Some(s.clone()), gateway_id: None, main: false })
            .collect(),
        routes,
        propagating_vgws: vec![],
        tags: Tags::new(),
    }
}

pub fn peering(status: &str) -> PeeringConnection {
    let side = |vpc: &str, cidr: &str| PeeringSide {
        vpc_id: vpc.into(),
        owner_id: None,
        region: Some("us-east-1".into()),
        cidrs: vec![cidr.into()],
        ipv6_cidrs: vec![],
    };
    PeeringConnection {
        id: "pcx-1".into(),
        status: status.into(),
        requester: side("vpc-prod", "10.20.0.0/16"),
        accepter: side("vpc-pci", "10.21.0.0/16"),
        tags: Tags::new(),
    }
}

/// One side of the pair: `prod` (10.20/16, ALB open to the world) or `pci` (10.21/16,
/// internal ALB open to production only).
pub fn side(name: &str) -> Snapshot {
    let (p, second, peer_cidr) =
        if name == "prod" { ("prod", 20, "10.21.0.0/16") } else { ("pci", 21, "10.20.0.0/16") };
    let vpc = format!("vpc-{p}");
    let mut s = Snapshot::new("us-east-1");
    s.taken_at = Some("2026-11-23T10:00:00Z".parse().expect("ts"));
    s.vpcs.push(Vpc {
        id: vpc.clone(),
        cidrs: vec![format!("10.{second}.0.0/16")],
        ipv6_cidrs: vec![],
        is_default: false,
        state: "available".into(),
        tags: Tags::new(),
    });
    let local = route(&format!("10.{second}.0.0/16"), TargetKind::Local, None);
    let azs = ["a", "b", "c"];
    for (tier, base) in [("public", 1), ("app", 11), ("data", 21)] {
        for (i, az) in azs.iter().enumerate() {
            s.subnets.push(Subnet {
                id: format!("subnet-{p}-{tier}-{az}"),
                vpc_id: vpc.clone(),
                cidr: format!("10.{second}.{}.0/24", base + i),
                ipv6_cidrs: vec![],
                az: format!("us-east-1{az}"),
                tags: tags(&[("Tier", tier)]),
            });
        }
    }
    let subnets = |tier: &str| azs.iter().map(|az| format!("subnet-{p}-{tier}-{az}")).collect::<Vec<_>>();
    s.route_tables.push(rt(&format!("rtb-{p}-main"), &vpc, true, &[], vec![local.clone()]));
    s.route_tables.push(rt(
        &format!("rtb-{p}-public"),
        &vpc,
        false,
        &subnets("public"),
        vec![local.clone(), route("0.0.0.0/0", TargetKind::InternetGateway, Some(&format!("igw-{p}")))],
    ));
    for az in azs {
        s.route_tables.push(rt(
            &format!("rtb-{p}-app-{az}"),
            &vpc,
            false,
            &[format!("subnet-{p}-app-{az}")],
            vec![
                local.clone(),
                route("0.0.0.0/0", TargetKind::NatGateway, Some(&format!("nat-{p}-{az}"))),
                route(peer_cidr, TargetKind::VpcPeering, Some("pcx-1")),
            ],
        ));
    }
    s.route_tables.push(rt(&format!("rtb-{p}-data"), &vpc, false, &subnets("data"), vec![local]));
    s.internet_gateways.push(InternetGateway {
        id: format!("igw-{p}"),
        attached_vpcs: vec![vpc.clone()],
        tags: Tags::new(),
    });
    for az in azs {
        s.nat_gateways.push(NatGateway {
            id: format!("nat-{p}-{az}"),
            vpc_id: vpc.clone(),
            subnet_id: format!("subnet-{p}-public-{az}"),
            state: "available".into(),
            connectivity: Some("public".into()),
            tags: Tags::new(),
        });
    }
    s.peering_connections.push(peering("active"));
    s.network_acls.push(default_acl(&format!("acl-{p}"), &vpc));
    let world = RulePeer::Cidr4("0.0.0.0/0".into());
    let (alb_from, devops): (RulePeer, &[&str]) = if p == "prod" {
        (world, &["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"])
    } else {
        (RulePeer::Cidr4("10.20.0.0/16".into()), &["203.0.113.0/24"])
    };
    let g = |r: &str| format!("sg-{p}-{r}");
    s.security_groups = vec![
        sg(&g("alb"), &vpc, "alb", vec![rule(&format!("sgr-{p}-alb-443"), "tcp", 443, 443, alb_from)]),
        sg(
            &g("app"),
            &vpc,
            "app",
            vec![rule(&format!("sgr-{p}-app-8080"), "tcp", 8080, 8080, RulePeer::Group(g("alb")))],
        ),
        sg(&g("db"), &vpc, "db", vec![rule(&format!("sgr-{p}-db-5432"), "tcp", 5432, 5432, RulePeer::Group(g("app")))]),
        sg(
            &g("bastion"),
            &vpc,
            "bastion",
            devops
                .iter()
                .enumerate()
                .map(|(i, c)| rule(&format!("sgr-{p}-bastion-{i}"), "tcp", 22, 22, RulePeer::Cidr4(c.to_string())))
                .collect(),
        ),
    ];
    mark_all_ok(&mut s);
    s
}

pub fn mark_all_ok(s: &mut Snapshot) {
    let ts = s.taken_at;
    for k in Kind::ALL {
        let count = s.len_of(k);
        s.inventory.insert(k, KindStatus { status: FetchStatus::Ok, fetched_at: ts, count, error: None });
    }
}

/// An in-use network interface of `vpc` in `subnet` with one address and its groups.
pub fn eni(id: &str, vpc: &str, subnet: &str, ip: &str, groups: &[&str]) -> NetworkInterface {
    NetworkInterface {
        id: id.into(),
        subnet_id: subnet.into(),
        vpc_id: vpc.into(),
        private_ips: vec![ip.into()],
        ipv6_ips: vec![],
        security_groups: groups.iter().map(|g| g.to_string()).collect(),
        interface_type: Some("interface".into()),
        description: None,
        requester_id: None,
        instance_id: None,
        status: Some("in-use".into()),
        tags: Tags::new(),
    }
}
