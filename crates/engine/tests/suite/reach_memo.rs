//! The engine's shortcuts (alike members judged once, memoised security group decisions,
//! endpoints resolved once per estate) against the slow reference that judges every member
//! pair on its own, on a fixture built to trip them: members of one role in different
//! subnets with different ACLs and different groups, members of two roles sharing a
//! subnet, and the same questions asked again in another order over a warm memo.

use testkit::reach as reach_support;

use engine::reach::{self, Answer, Env, Estate, PathAnswer, Protocol, Verdict};
use model::*;
use reach_support::*;

/// An ENI of production (every member of this fixture lives there).
fn member(id: &str, subnet: &str, ip: &str, groups: &[&str]) -> NetworkInterface {
    eni(id, "vpc-prod", subnet, ip, groups)
}

/// production with live members: app in app-a (two ENIs, different groups, one also
/// opening 9090 to the VPC) and app-b (behind an ACL denying 8080 and 9090 in), an ALB
/// member sharing app-a with app, bastions in two public subnets.
fn tricky() -> Snapshot {
    let mut s = side("prod");
    let mut deny = default_acl("acl-prod-app-b", "vpc-prod");
    deny.entries.push(entry(50, false, false, "6", Some((8080, 8080)), "0.0.0.0/0"));
    deny.entries.push(entry(60, false, false, "6", Some((9090, 9090)), "0.0.0.0/0"));
    deny.is_default = false;
    deny.subnet_ids = vec!["subnet-prod-app-b".into()];
    s.network_acls.push(deny);
    let extra = sg(
        "sg-prod-app-extra",
        "vpc-prod",
        "",
        vec![rule("sgr-extra-9090", "tcp", 9090, 9090, RulePeer::Cidr4("10.20.0.0/16".into()))],
    );
    s.security_groups.push(extra);
    s.network_interfaces = vec![
        member("eni-app-1", "subnet-prod-app-a", "10.20.11.10", &["sg-prod-app"]),
        member("eni-app-2", "subnet-prod-app-a", "10.20.11.11", &["sg-prod-app", "sg-prod-app-extra"]),
        member("eni-app-3", "subnet-prod-app-b", "10.20.12.10", &["sg-prod-app"]),
        member("eni-app-4", "subnet-prod-app-b", "10.20.12.11", &["sg-prod-app-extra", "sg-prod-app"]),
        member("eni-alb-1", "subnet-prod-app-a", "10.20.11.20", &["sg-prod-alb"]),
        member("eni-alb-2", "subnet-prod-public-b", "10.20.2.20", &["sg-prod-alb"]),
        member("eni-bastion-1", "subnet-prod-public-a", "10.20.1.30", &["sg-prod-bastion"]),
        member("eni-bastion-2", "subnet-prod-public-c", "10.20.3.30", &["sg-prod-bastion"]),
    ];
    // Two more data subnets on data-a's CIDR (as the large benchmark has): data-a2 alike
    // data-a (same table and ACL contents), data-a3 behind an ACL denying 5432. The db role
    // has no live member, so it is placed in all five, and alike members share subnets.
    for (id, acl) in [("subnet-prod-data-a2", None), ("subnet-prod-data-a3", Some("acl-prod-data-a3"))] {
        s.subnets.push(Subnet {
            id: id.into(),
            vpc_id: "vpc-prod".into(),
            cidr: "10.20.21.0/24".into(),
            ipv6_cidrs: vec![],
            az: "us-east-1a".into(),
            tags: tags(&[("Tier", "data")]),
        });
        rt_mut(&mut s, "rtb-prod-data").associations.push(RouteTableAssociation {
            id: None,
            subnet_id: Some(id.into()),
            gateway_id: None,
            main: false,
        });
        if let Some(acl) = acl {
            let mut a = default_acl(acl, "vpc-prod");
            a.entries.push(entry(50, false, false, "6", Some((5432, 5432)), "0.0.0.0/0"));
            a.is_default = false;
            a.subnet_ids = vec![id.into()];
            s.network_acls.push(a);
        }
    }
    mark_all_ok(&mut s);
    s
}

/// A path's member labels without the `(+N alike)` the engine adds to a representative.
fn plain(p: &PathAnswer) -> PathAnswer {
    let strip = |l: &str| match l.find(" (+") {
        Some(i) if l.ends_with(" alike)") => l[..i].to_string(),
        _ => l.to_string(),
    };
    PathAnswer { from: strip(&p.from), to: strip(&p.to), ..p.clone() }
}

fn same_answer(fast: &Answer, slow: &Answer, what: &str) {
    assert_eq!(fast.verdict, slow.verdict, "{what}: verdict");
    assert_eq!(fast.code, slow.code, "{what}: code");
    assert_eq!(fast.reason, slow.reason, "{what}: reason");
    assert_eq!(fast.counts, slow.counts, "{what}: counts");
    assert_eq!(
        (&fast.from_resolved, &fast.to_resolved, &fast.notes),
        (&slow.from_resolved, &slow.to_resolved, &slow.notes)
    );
    assert_eq!(fast.path.as_ref().map(plain), slow.path.clone(), "{what}: the path shown");
    // Every path the engine shows is one the reference judged, hop for hop.
    for p in &fast.paths {
        assert!(slow.paths.contains(&plain(p)), "{what}: {p:#?} is not a judged pair");
    }
    // Every pair the reference judged has a representative with the same outcome.
    let shape = |p: &PathAnswer| {
        (p.verdict, p.code, p.deciding, p.hops.iter().map(|h| (h.step, h.outcome, h.code)).collect::<Vec<_>>())
    };
    for p in &slow.paths {
        assert!(fast.paths.iter().any(|f| shape(f) == shape(p)), "{what}: nothing stands for {p:#?}");
    }
}

const QUESTIONS: &[(&str, &str, u16)] = &[
    ("role:alb", "role:app", 8080),
    ("role:app", "role:app", 9090),
    ("tier:app", "role:app", 9090),
    ("role:app", "tier:app", 9090),
    ("role:alb", "tier:app", 8080),
    ("tier:public", "role:alb", 443),
    ("role:bastion", "role:app", 8080),
    ("internet", "role:alb", 443),
    ("role:app", "production-pci:alb", 443),
    ("production-pci:app", "role:app", 9090),
    ("role:app", "role:db", 5432),
    ("tier:data", "role:db", 5432),
    ("role:db", "role:db", 5432),
    ("role:db", "tier:data", 5432),
    ("role:db", "production-pci:db", 5432),
    ("10.20.0.0/16", "role:app", 9090),
];

#[test]
fn the_engine_answers_as_every_pair_judged_alone() {
    let (prod, pci) = (tricky(), side("pci"));
    let (dprod, dpci) = (design("production"), design("production-pci"));
    let envs = [
        Env { name: "production", design: &dprod, snapshot: &prod },
        Env { name: "production-pci", design: &dpci, snapshot: &pci },
    ];
    let fast = Estate::new(&envs);
    let slow = Estate::reference(&envs);
    // The fixture does trip the shortcuts: app's members differ by ACL and by groups.
    let a = reach::query(&slow, 0, "role:alb", "role:app", Protocol::Tcp, 8080);
    assert_eq!(a.verdict, Verdict::Allowed);
    assert!(a.counts[Verdict::Allowed as usize] > 0 && a.counts[Verdict::Denied as usize] > 0, "{:?}", a.counts);
    let b = reach::query(&slow, 0, "role:app", "role:app", Protocol::Tcp, 9090);
    assert!(
        b.paths.iter().any(|p| p.verdict == Verdict::Allowed) && b.paths.iter().any(|p| p.verdict == Verdict::Denied)
    );
    // Alike members sharing subnets: the engine shows fewer paths than pairs it counts.
    let f = reach::query(&fast, 0, "tier:data", "role:db", Protocol::Tcp, 5432);
    assert!(f.paths.len() < f.counts.iter().sum::<usize>(), "{} paths {:?}", f.paths.len(), f.counts);
    assert!(f.paths.iter().any(|p| p.from.ends_with(" alike)")), "{:#?}", f.paths);
    // Twice, the second time in reverse over a warm memo.
    for round in 0..2 {
        let order: Vec<&(&str, &str, u16)> =
            if round == 0 { QUESTIONS.iter().collect() } else { QUESTIONS.iter().rev().collect() };
        for (from, to, port) in order {
            let f = reach::query(&fast, 0, from, to, Protocol::Tcp, *port);
            let s = reach::query(&slow, 0, from, to, Protocol::Tcp, *port);
            same_answer(&f, &s, &format!("round {round}: {from} -> {to} {port}"));
        }
    }
    for (to, port) in [("role:app", 8080), ("role:app", 9090), ("production-pci:alb", 443)] {
        let f = reach::exposure::who_can_reach(&fast, 0, to, Protocol::Tcp, port);
        let s = reach::exposure::who_can_reach(&slow, 0, to, Protocol::Tcp, port);
        assert_eq!(f.len(), s.len());
        for (f, s) in f.iter().zip(&s) {
            same_answer(f, s, &format!("who can reach {to} {port}: {}", s.from));
        }
    }
    let (f, s) = (reach::exposure::internet_reach(&fast), reach::exposure::internet_reach(&slow));
    assert_eq!(f.len(), s.len());
    for (f, s) in f.iter().zip(&s) {
        same_answer(f, s, &format!("internet -> {} {}", s.to, s.port));
    }
    let (f, s) = (reach::assert::judge_all(&fast), reach::assert::judge_all(&slow));
    assert_eq!(f.len(), s.len());
    for (f, s) in f.iter().zip(&s) {
        same_answer(&f.answer, &s.answer, &format!("assertion {} -> {} {}", s.assertion.from, s.assertion.to, s.port));
        assert_eq!(
            f.finding.as_ref().map(|x| (&x.rule, &x.resource)),
            s.finding.as_ref().map(|x| (&x.rule, &x.resource))
        );
    }
}
