//! The reachability engine as a pure function over snapshots: one test per hop rule,
//! and the shipped seed-004 / client-a assertions holding on clean environments.

use testkit::fixtures;
use testkit::reach as reach_support;

use engine::design::Design;
use engine::reach::{self, Code, Env, Estate, Protocol, Verdict};
use model::*;
use reach_support::*;

struct Pair {
    prod: Snapshot,
    pci: Snapshot,
    dprod: Design,
    dpci: Design,
}

impl Pair {
    fn new() -> Self {
        Pair { prod: side("prod"), pci: side("pci"), dprod: design("production"), dpci: design("production-pci") }
    }

    fn ask(&self, from: &str, to: &str, port: u16) -> reach::Answer {
        let envs = [
            Env { name: "production", design: &self.dprod, snapshot: &self.prod },
            Env { name: "production-pci", design: &self.dpci, snapshot: &self.pci },
        ];
        let estate = Estate::new(&envs);
        reach::query(&estate, 0, from, to, Protocol::Tcp, port)
    }

    fn judge(&self) -> Vec<reach::assert::Judged> {
        let envs = [
            Env { name: "production", design: &self.dprod, snapshot: &self.prod },
            Env { name: "production-pci", design: &self.dpci, snapshot: &self.pci },
        ];
        reach::assert::judge_all(&Estate::new(&envs))
    }
}

fn client_a() -> Snapshot {
    // The shared fixture carries the VPC's default ACL (IPv4 allow-all); add IPv6.
    let mut s = fixtures::client_a();
    s.network_acls = vec![default_acl("acl-a", "vpc-a")];
    mark_all_ok(&mut s);
    s
}

fn ask1(d: &Design, s: &Snapshot, from: &str, to: &str, port: u16) -> reach::Answer {
    let envs = [Env { name: "client-a-prod", design: d, snapshot: s }];
    reach::query(&Estate::new(&envs), 0, from, to, Protocol::Tcp, port)
}

fn deciding(a: &reach::Answer) -> String {
    let p = a.path.as_ref().expect("a path");
    p.hops.iter().find(|h| h.outcome != reach::Outcome::Pass).map(|h| h.detail.clone()).unwrap_or_default()
}

fn failures(judged: &[reach::assert::Judged]) -> Vec<String> {
    judged
        .iter()
        .filter(|j| !j.holds())
        .map(|j| format!("{:?} {:?}", j.finding.as_ref().map(|f| &f.message), j.needs_env))
        .collect()
}

#[test]
fn seed_004_assertions_hold_on_the_clean_pair() {
    let pair = Pair::new();
    let judged = pair.judge();
    assert!(judged.len() >= 17, "{}", judged.len());
    assert_eq!(failures(&judged), Vec::<String>::new());
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    let hops: Vec<&str> = a.path.as_ref().expect("path").hops.iter().map(|h| h.step).collect();
    assert_eq!(
        hops,
        ["route", "peering", "acl", "acl", "sg", "sg", "return-route", "peering", "return-acl", "return-acl"]
    );
    assert!(a.notes.iter().any(|n| n.contains("no live member: placed in tier(s) app")), "{:?}", a.notes);
}

#[test]
fn client_a_assertions_hold() {
    let d = fixtures::design("client-a-prod");
    let s = client_a();
    let envs = [Env { name: "client-a-prod", design: &d, snapshot: &s }];
    let judged = reach::assert::judge_all(&Estate::new(&envs));
    assert_eq!(judged.len(), 4);
    assert_eq!(failures(&judged), Vec::<String>::new());
    // The RDS instance is a live member: placed by its own AZ in the data tier.
    let a = ask1(&d, &s, "internet", "db", 5432);
    assert_eq!(a.verdict, Verdict::Denied);
    assert_eq!(a.code, Some(Code::NoInternetGateway));
    assert!(a.path.as_ref().expect("path").to.contains("RDS client-a-prod-pg in subnet-data-a"), "{a:#?}");
}

#[test]
fn longest_prefix_wins() {
    let d = fixtures::design("client-a-prod");
    let mut s = client_a();
    rt_mut(&mut s, "rtb-app-a").routes.push(route("10.0.20.0/22", TargetKind::VpcPeering, Some("pcx-shared")));
    let a = ask1(&d, &s, "10.0.10.0/24", "10.0.20.0/24", 5432);
    assert_eq!(a.verdict, Verdict::Denied);
    assert_eq!(a.code, Some(Code::NoRoute));
    assert!(deciding(&a).contains("10.0.20.0/22 -> pcx-shared"), "{}", deciding(&a));
    // The other AZ's table keeps only `local` for the data tier.
    let b = ask1(&d, &s, "10.0.11.0/24", "10.0.20.0/24", 5432);
    assert_ne!(b.code, Some(Code::NoRoute), "{b:#?}");
}

#[test]
fn main_table_serves_a_subnet_without_association() {
    let d = fixtures::design("client-a-prod");
    let mut s = client_a();
    rt_mut(&mut s, "rtb-public").associations.retain(|a| a.subnet_id.as_deref() != Some("subnet-public-a"));
    let a = ask1(&d, &s, "internet", "10.0.1.0/24", 443);
    assert_eq!(a.verdict, Verdict::Denied);
    assert_eq!(a.code, Some(Code::NoInternetGateway));
    assert_eq!(a.path.as_ref().expect("path").hops[0].resource, "rtb-main");
    let b = ask1(&d, &s, "internet", "10.0.2.0/24", 443);
    assert_ne!(b.code, Some(Code::NoInternetGateway), "{b:#?}");
}

#[test]
fn blackhole_route_denies() {
    let d = fixtures::design("client-a-prod");
    let mut s = client_a();
    assert_eq!(ask1(&d, &s, "internet", "alb", 443).verdict, Verdict::Allowed);
    rt_mut(&mut s, "rtb-public").routes[1].state = RouteState::Blackhole;
    let a = ask1(&d, &s, "internet", "alb", 443);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::RouteBlackhole)));
    assert!(deciding(&a).contains("rtb-public: 0.0.0.0/0 -> igw-1 (blackhole)"), "{}", deciding(&a));
}

#[test]
fn inactive_peering_denies() {
    let mut pair = Pair::new();
    pair.prod.peering_connections[0].status = "pending-acceptance".into();
    pair.pci.peering_connections[0].status = "pending-acceptance".into();
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::PeeringNotActive)), "{a:#?}");
    assert_eq!(a.path.as_ref().expect("path").hops[1].resource, "pcx-1");
}

#[test]
fn peering_without_return_route_is_denied() {
    let mut pair = Pair::new();
    for az in ["a", "b", "c"] {
        rt_mut(&mut pair.pci, &format!("rtb-pci-app-{az}")).routes.retain(|r| r.target_kind != TargetKind::VpcPeering);
    }
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::NoReturnRoute)), "{a:#?}");
    let h =
        a.path.as_ref().expect("path").hops.iter().find(|h| h.outcome == reach::Outcome::Block).cloned().expect("hop");
    assert_eq!((h.step, h.env.as_str()), ("return-route", "production-pci"));
}

#[test]
fn acl_deny_before_allow_wins() {
    let d = fixtures::design("client-a-prod");
    let mut s = client_a();
    assert_eq!(ask1(&d, &s, "devops", "bastion", 22).verdict, Verdict::Allowed);
    s.network_acls[0].entries.push(entry(50, false, false, "6", Some((22, 22)), "0.0.0.0/0"));
    let a = ask1(&d, &s, "devops", "bastion", 22);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::AclDeny)));
    assert!(deciding(&a).contains("#50 ingress deny tcp 22 0.0.0.0/0"), "{}", deciding(&a));
    // The same deny after the allow-all entry never decides.
    s.network_acls[0].entries.last_mut().expect("entry").rule_number = 200;
    assert_eq!(ask1(&d, &s, "devops", "bastion", 22).verdict, Verdict::Allowed);
}

#[test]
fn acl_without_ephemeral_return_is_denied() {
    let d = fixtures::design("client-a-prod");
    let mut s = client_a();
    let acl = &mut s.network_acls[0];
    acl.entries = vec![
        entry(100, false, true, "6", Some((22, 22)), "0.0.0.0/0"),
        entry(100, true, true, "6", Some((443, 443)), "0.0.0.0/0"),
        entry(32767, false, false, "-1", None, "0.0.0.0/0"),
        entry(32767, true, false, "-1", None, "0.0.0.0/0"),
    ];
    let a = ask1(&d, &s, "devops", "bastion", 22);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::AclReturnDeny)), "{a:#?}");
    // Half the ephemeral range is not enough: a client may answer on any of them.
    s.network_acls[0].entries.push(entry(110, true, true, "6", Some((32768, 65535)), "0.0.0.0/0"));
    let a = ask1(&d, &s, "devops", "bastion", 22);
    assert_eq!(a.code, Some(Code::AclReturnDeny));
    assert!(deciding(&a).contains("1024-32767"), "{}", deciding(&a));
    s.network_acls[0].entries.push(entry(120, true, true, "6", Some((1024, 65535)), "0.0.0.0/0"));
    assert_eq!(ask1(&d, &s, "devops", "bastion", 22).verdict, Verdict::Allowed);
}

#[test]
fn ipv6_paths_use_ipv6_routes_and_acl_entries() {
    let d = fixtures::design("client-a-prod");
    let mut s = client_a();
    for sub in s.subnets.iter_mut().filter(|x| x.id.starts_with("subnet-public-")) {
        let n = &sub.id[sub.id.len() - 1..];
        sub.ipv6_cidrs = vec![format!(
            "2a05:d01c:0:{}::/64",
            if n == "a" {
                1
            } else if n == "b" {
                2
            } else {
                3
            }
        )];
    }
    rt_mut(&mut s, "rtb-public").routes.push(route("::/0", TargetKind::InternetGateway, Some("igw-1")));
    fixtures::sg_mut(&mut s, "sg-alb").ingress.push(rule(
        "sgr-alb-v6",
        "tcp",
        443,
        443,
        RulePeer::Cidr6("::/0".into()),
    ));
    let a = ask1(&d, &s, "internet", "alb", 443);
    assert_eq!(a.verdict, Verdict::Allowed);
    let v6: Vec<_> = a.paths.iter().filter(|p| p.from == "internet (IPv6)").collect();
    assert_eq!(v6.len(), 3);
    assert!(v6.iter().all(|p| p.verdict == Verdict::Allowed));
    // An IPv6 deny entry blocks the IPv6 path only.
    s.network_acls[0].entries.push(entry(10, false, false, "6", Some((443, 443)), "::/0"));
    let a = ask1(&d, &s, "internet", "alb", 443);
    let v6: Vec<_> = a.paths.iter().filter(|p| p.from == "internet (IPv6)").collect();
    assert!(v6.iter().all(|p| p.verdict == Verdict::Denied && p.code == Some(Code::AclDeny)), "{v6:#?}");
    assert!(v6[0].reason.contains("#10 ingress deny tcp 443 ::/0"), "{}", v6[0].reason);
    assert!(a.paths.iter().filter(|p| p.from == "internet").all(|p| p.verdict == Verdict::Allowed));
}

#[test]
fn group_reference_needs_known_groups_and_an_honoured_peering() {
    let mut pair = Pair::new();
    // By CIDR: 10.20.0.0/16 holds the production app tier.
    let a = pair.ask("app", "production-pci:alb", 443);
    assert!(a.path.as_ref().expect("path").hops[5].detail.contains("sgr-pci-alb-443: tcp 443 from 10.20.0.0/16"));
    // By group: production's app group, referenced across the peering (same region).
    fixtures::sg_mut(&mut pair.pci, "sg-pci-alb").ingress =
        vec![rule("sgr-pci-alb-ref", "tcp", 443, 443, RulePeer::Group("111111111111/sg-prod-app".into()))];
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    assert!(deciding_or_sg(&a).contains("sgr-pci-alb-ref"), "{}", deciding_or_sg(&a));
    // A tier subnet with no interface takes the live groups of the roles the design places
    // in it (app): the reference is judged, and the answer says the groups were placed by design.
    let t = pair.ask("tier:app", "production-pci:alb", 443);
    assert_eq!(t.verdict, Verdict::Allowed, "{t:#?}");
    assert!(t.notes.iter().any(|n| n.contains("placed by design")), "{:?}", t.notes);
    // With no role placed in the tier, its groups are unknown: the reference cannot be judged.
    pair.dprod.security.roles.iter_mut().for_each(|r| r.tiers.clear());
    let t = pair.ask("tier:app", "production-pci:alb", 443);
    assert_eq!(t.verdict, Verdict::Unknown, "{t:#?}");
    pair = Pair::new();
    fixtures::sg_mut(&mut pair.pci, "sg-pci-alb").ingress =
        vec![rule("sgr-pci-alb-ref", "tcp", 443, 443, RulePeer::Group("111111111111/sg-prod-app".into()))];
    // The ALB's group does not name the bastion's group.
    let b = pair.ask("bastion", "production-pci:alb", 443);
    assert_eq!((b.verdict, b.code), (Verdict::Denied, Some(Code::NoRoute)), "public tier has no peering route");
    // Across regions AWS does not honour the reference.
    for s in [&mut pair.prod, &mut pair.pci] {
        s.peering_connections[0].accepter.region = Some("eu-west-1".into());
    }
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::SgNoIngress)), "{a:#?}");
}

fn deciding_or_sg(a: &reach::Answer) -> String {
    a.path
        .as_ref()
        .expect("path")
        .hops
        .iter()
        .filter(|h| h.step == "sg")
        .map(|h| h.detail.clone())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn prefix_list_destination_is_resolved() {
    let mut pair = Pair::new();
    for az in ["a", "b", "c"] {
        let rt = rt_mut(&mut pair.prod, &format!("rtb-prod-app-{az}"));
        rt.routes.retain(|r| r.target_kind != TargetKind::VpcPeering);
        rt.routes.push(route("pl-pci", TargetKind::VpcPeering, Some("pcx-1")));
    }
    pair.prod.prefix_lists.push(PrefixList {
        id: "pl-pci".into(),
        name: "pci".into(),
        owner_id: None,
        address_family: Some("IPv4".into()),
        state: "create-complete".into(),
        max_entries: Some(5),
        entries: Some(vec![PrefixListEntry { cidr: "10.21.0.0/16".into(), description: None }]),
        entries_error: None,
        tags: Tags::new(),
    });
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    assert!(a.path.as_ref().expect("path").hops[0].detail.contains("pl-pci -> pcx-1 (entry 10.21.0.0/16)"));
    // Entries unreadable: unknown, never allowed.
    pair.prod.prefix_lists[0].entries = None;
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!(a.verdict, Verdict::Unknown, "{a:#?}");
}

#[test]
fn a_missing_kind_makes_the_answer_unknown_but_a_blocked_hop_still_denies() {
    let mut pair = Pair::new();
    pair.pci.inventory.insert(Kind::NetworkAcls, KindStatus::failed("AccessDenied: ec2:DescribeNetworkAcls"));
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!((a.verdict, a.code), (Verdict::Unknown, Some(Code::Unavailable)), "{a:#?}");
    assert!(a.reason.contains("network_acls of production-pci unavailable"), "{}", a.reason);
    let d = pair.ask("tier:data", "production-pci:tier:app", 443);
    assert_eq!((d.verdict, d.code), (Verdict::Denied, Some(Code::NoRoute)));
    // And the assertion becomes reach.unknown, not a pass.
    let judged = pair.judge();
    assert!(judged.iter().any(|j| j.finding.as_ref().is_some_and(|f| f.rule == "reach.unknown")));
}

#[test]
fn breaking_the_pair_flips_the_assertions() {
    // A peering route in the PCI data tier: the PCI database is still denied, now by its group.
    let mut pair = Pair::new();
    rt_mut(&mut pair.pci, "rtb-pci-data").routes.push(route("10.20.0.0/16", TargetKind::VpcPeering, Some("pcx-1")));
    let a = pair.ask("app", "production-pci:db", 5432);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::SgNoIngress)), "{a:#?}");
    // The PCI database group opened to production: the path exists.
    fixtures::sg_mut(&mut pair.pci, "sg-pci-db").ingress.push(rule(
        "sgr-open",
        "tcp",
        5432,
        5432,
        RulePeer::Cidr4("10.20.0.0/16".into()),
    ));
    let judged = pair.judge();
    let f: Vec<_> = judged.iter().filter_map(|j| j.finding.as_ref()).collect();
    assert!(f.iter().any(|f| f.rule == "reach.unexpected" && f.resource == "sg-pci-db"), "{f:#?}");
    // An ACL deny that kept the bastion closed, removed.
    let mut pair = Pair::new();
    fixtures::sg_mut(&mut pair.prod, "sg-prod-bastion").ingress.push(rule(
        "sgr-wide",
        "tcp",
        22,
        22,
        RulePeer::Cidr4("0.0.0.0/0".into()),
    ));
    pair.prod.network_acls[0].entries.push(entry(10, false, false, "6", Some((22, 22)), "0.0.0.0/0"));
    pair.prod.network_acls[0].entries.push(entry(5, false, true, "6", Some((22, 22)), "203.0.113.0/24"));
    let a = pair.ask("internet", "bastion", 22);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::AclDeny)));
    pair.prod.network_acls[0].entries.retain(|e| e.rule_number != 10);
    let judged = pair.judge();
    let f: Vec<_> = judged.iter().filter_map(|j| j.finding.as_ref()).collect();
    assert!(f.iter().any(|f| f.rule == "reach.unexpected" && f.resource == "sg-prod-bastion"), "{f:#?}");
}

#[test]
fn endpoints_parse() {
    use reach::endpoint::{Target, parse_endpoint};
    let p = |s: &str| parse_endpoint(s).expect(s);
    assert_eq!(p("internet").target, Target::Internet);
    assert_eq!(p("tier:app").target, Target::Tier("app".into()));
    assert_eq!(p("role:app").target, Target::Role("app".into()));
    let e = p("production-pci:tier:data");
    assert_eq!((e.env.as_deref(), e.target), (Some("production-pci"), Target::Tier("data".into())));
    assert_eq!(p("2001:db8::/32").target, Target::Cidr("2001:db8::/32".parse().expect("net")));
    assert_eq!(p("10.0.0.0/8").env, None);
    assert!(parse_endpoint("a:b:c:d").is_err());
    assert!(parse_endpoint(":db").is_err());
}

#[test]
fn a_name_that_is_both_tier_and_role_takes_the_role_and_says_so() {
    let d = fixtures::design("client-a-prod");
    let s = client_a();
    let a = ask1(&d, &s, "alb", "app", 8080);
    assert_eq!(a.verdict, Verdict::Allowed);
    assert_eq!(a.to_resolved, "role app of client-a-prod");
    assert!(a.notes.iter().any(|n| n.contains("both a role and a tier")), "{:?}", a.notes);
    let t = ask1(&d, &s, "alb", "tier:app", 8080);
    assert_eq!(t.to_resolved, "tier app of client-a-prod");
}

#[test]
fn exposure_of_the_database() {
    let d = fixtures::design("client-a-prod");
    let s = client_a();
    let envs = [Env { name: "client-a-prod", design: &d, snapshot: &s }];
    let estate = Estate::new(&envs);
    let answers = reach::exposure::who_can_reach(&estate, 0, "db", Protocol::Tcp, 5432);
    let table: String = answers
        .iter()
        .map(|a| format!("{:<32} {:<8} {}\n", a.from, a.verdict.as_str(), a.code.map(|c| c.as_str()).unwrap_or("")))
        .collect();
    insta::assert_snapshot!("exposure_client_a_db_5432", table);
}
