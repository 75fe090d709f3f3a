//! Reachability on the large environment: every `[[reach]]` assertion of the shipped
//! designs, then the full exposure of every role (who can reach it, on each port the
//! design names for it) and everything the internet can reach. client-a-prod runs on
//! the large snapshot itself; production and production-pci on copies re-addressed into
//! their own /16s and peered, so the cross-environment assertions cross a peering. The
//! large environment has no network interfaces: roles are placed in their design tiers.
//! The `_tgw` case joins the three through a transit gateway hub of 20 attached VPCs
//! instead (`large::transit_hub`), so the cross-environment paths cross the hub both ways.

use testkit::large;

/// The binary's allocator (see `src/main.rs`), so the bench times what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use engine::design::Design;
use engine::reach::{self, Env, Estate, Protocol};
use large::big_snapshot;
use model::*;
use std::hint::black_box;

fn design(name: &str) -> Design {
    let path = format!("{}/config/designs/{name}.toml", testkit::ROOT);
    Design::load(std::path::Path::new(&path)).expect("shipped design")
}

/// The large snapshot moved to 10.SECOND.0.0/16 in us-east-1, its subnets laid out as the
/// production designs' tiers (public .1-.3, app .11-.13, data .21-.23), its app tier
/// routed to `peer` over `pcx-pair`.
fn readdressed(second: u8, p: &str, peer: &str) -> Snapshot {
    let mut s = big_snapshot();
    s.region = "us-east-1".into();
    let vpc = format!("vpc-{p}");
    let own = format!("10.{second}.0.0/16");
    s.vpcs[0].id = vpc.clone();
    s.vpcs[0].cidrs = vec![own.clone()];
    let mut app_subnets = Vec::new();
    for n in &mut s.subnets {
        let third: u32 = n.cidr.split('.').nth(2).and_then(|t| t.parse().ok()).unwrap_or(0);
        let third = if (10..30).contains(&third) { third + 1 } else { third };
        n.cidr = format!("10.{second}.{third}.0/24");
        n.vpc_id = vpc.clone();
        if (11..14).contains(&third) {
            app_subnets.push(n.id.clone());
        }
    }
    for rt in &mut s.route_tables {
        rt.vpc_id = vpc.clone();
        rt.routes[0].destination = own.clone();
        let app = rt.associations.iter().any(|a| a.subnet_id.as_ref().is_some_and(|id| app_subnets.contains(id)));
        if app {
            rt.routes.push(Route {
                destination: peer.into(),
                destination_kind: DestinationKind::Ipv4,
                target_kind: TargetKind::VpcPeering,
                target_id: Some("pcx-pair".into()),
                state: RouteState::Active,
                origin: None,
            });
        }
    }
    for g in &mut s.security_groups {
        g.vpc_id = Some(vpc.clone());
    }
    for a in &mut s.network_acls {
        a.vpc_id = vpc.clone();
        for e in &mut a.entries {
            if e.cidr.as_deref() == Some("10.0.0.0/16") {
                e.cidr = Some(own.clone());
            }
        }
    }
    for d in &mut s.db_instances {
        d.vpc_id = Some(vpc.clone());
    }
    let side = |vpc: &str, cidr: &str| PeeringSide {
        vpc_id: vpc.into(),
        owner_id: None,
        region: Some("us-east-1".into()),
        cidrs: vec![cidr.into()],
        ipv6_cidrs: vec![],
    };
    s.peering_connections = vec![PeeringConnection {
        id: "pcx-pair".into(),
        status: "active".into(),
        requester: side("vpc-prod", "10.20.0.0/16"),
        accepter: side("vpc-pci", "10.21.0.0/16"),
        tags: Tags::new(),
    }];
    let ts = s.taken_at.expect("ts");
    for k in [Kind::PeeringConnections, Kind::Subnets, Kind::RouteTables] {
        let n = s.len_of(k);
        s.inventory.insert(k, KindStatus::ok(ts, n));
    }
    s
}

/// Ports the design names for a role (its flows and public ports), else 443.
fn role_ports(d: &Design, role: &str) -> Vec<u16> {
    let mut ports: Vec<u16> = d
        .security
        .flows
        .iter()
        .filter(|f| f.to == role)
        .flat_map(|f| f.ports.iter().map(|p| p.from))
        .chain(d.security.public.iter().filter(|p| p.role == role).flat_map(|p| p.ports.iter().map(|r| r.from)))
        .collect();
    ports.sort();
    ports.dedup();
    if ports.is_empty() { vec![443] } else { ports }
}

fn exposure(estate: &Estate<'_>) -> usize {
    let mut n = 0;
    for (i, e) in estate.envs.iter().enumerate() {
        for r in &e.design.security.roles {
            for port in role_ports(e.design, &r.name) {
                n += reach::exposure::who_can_reach(estate, i, &format!("role:{}", r.name), Protocol::Tcp, port).len();
            }
        }
    }
    n + reach::exposure::internet_reach(estate).len()
}

fn bench(c: &mut Criterion) {
    let designs = [design("client-a-prod"), design("production"), design("production-pci")];
    let snaps = [big_snapshot(), readdressed(20, "prod", "10.21.0.0/16"), readdressed(21, "pci", "10.20.0.0/16")];
    let envs: Vec<Env<'_>> =
        designs.iter().zip(&snaps).map(|(d, s)| Env { name: &d.environment.name, design: d, snapshot: s }).collect();
    let assertions: usize = designs.iter().map(|d| d.reach.len()).sum();
    let judged = reach::assert::judge_all(&Estate::new(&envs));
    assert!(judged.len() >= assertions && judged.iter().all(|j| j.needs_env.is_none()), "every assertion judged");
    let pairs: usize = judged.iter().map(|j| j.answer.paths.len()).sum();
    eprintln!("{} assertion ports, {pairs} member pairs", judged.len());
    c.bench_function("reach_estate_index", |b| b.iter(|| Estate::new(black_box(&envs)).envs.len()));
    c.bench_function("reach_all_assertions_large", |b| {
        b.iter(|| reach::assert::judge_all(&Estate::new(black_box(&envs))).len())
    });
    let estate = Estate::new(&envs);
    eprintln!("exposure: {} answers", exposure(&estate));
    // A fresh estate each time (its indexes included): a kept one would answer from the
    // memo of the previous iteration.
    c.bench_function("reach_full_exposure_large", |b| b.iter(|| exposure(&Estate::new(black_box(&envs)))));
    c.bench_function("reach_assertions_and_exposure_large", |b| {
        b.iter(|| {
            let estate = Estate::new(black_box(&envs));
            reach::assert::judge_all(&estate).len() + exposure(&estate)
        })
    });
    // The same estate through a transit gateway hub: the three VPCs and 17 spokes attached.
    let [mut a, mut b, mut c2] = snaps;
    large::transit_hub(&mut [&mut a, &mut b, &mut c2], 17);
    let hub = [a, b, c2];
    let envs: Vec<Env<'_>> =
        designs.iter().zip(&hub).map(|(d, s)| Env { name: &d.environment.name, design: d, snapshot: s }).collect();
    let judged = reach::assert::judge_all(&Estate::new(&envs));
    let tgw_paths =
        judged.iter().filter_map(|j| j.answer.path.as_ref()).filter(|p| p.hops.iter().any(|h| h.step == "tgw")).count();
    assert!(tgw_paths > 0, "some assertion crosses the hub");
    eprintln!("tgw: {} assertion ports, {tgw_paths} through the hub", judged.len());
    c.bench_function("reach_assertions_and_exposure_large_tgw", |b| {
        b.iter(|| {
            let estate = Estate::new(black_box(&envs));
            reach::assert::judge_all(&estate).len() + exposure(&estate)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
