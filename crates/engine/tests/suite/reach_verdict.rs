//! How a path's verdict is decided when hops disagree: a definite block anywhere decides
//! `denied` (and is the deciding hop, even after an unknown one), `unknown` only when
//! nothing blocks, `allowed` only when every hop passes; and missing data never turns
//! into a definite block.

use testkit::fixtures;
use testkit::reach as reach_support;

use engine::design::{Design, Expect, PortRange, ReachAssertion};
use engine::reach::{self, Code, Env, Estate, Hop, Outcome, Protocol, Verdict};
use model::*;
use reach_support::*;

fn hop(step: &'static str, outcome: Outcome, code: Option<Code>) -> Hop {
    Hop { step, env: "e".into(), resource: step.into(), detail: format!("{step} says {outcome:?}"), outcome, code }
}

#[test]
fn decide_over_every_combination_of_hop_outcomes() {
    use reach::path::decide;
    let pass = |s| hop(s, Outcome::Pass, None);
    let unk = |s| hop(s, Outcome::Unknown, Some(Code::GroupsUnknown));
    let block = |s| hop(s, Outcome::Block, Some(Code::NoReturnRoute));
    // Unknown before a block: the block decides.
    assert_eq!(decide(&[pass("route"), unk("sg"), block("return-route")]), (Verdict::Denied, Some(2)));
    // Block before an unknown: the block decides.
    assert_eq!(decide(&[block("route"), unk("sg"), pass("acl")]), (Verdict::Denied, Some(0)));
    // Two blocks: the first in traffic order.
    assert_eq!(decide(&[pass("route"), block("acl"), block("return-route")]), (Verdict::Denied, Some(1)));
    // Nothing blocks, something unknown: unknown, at the first unknown hop.
    assert_eq!(decide(&[pass("route"), unk("sg"), unk("acl"), pass("x")]), (Verdict::Unknown, Some(1)));
    // Every hop passes: allowed.
    assert_eq!(decide(&[pass("route"), pass("sg")]), (Verdict::Allowed, None));
    // No hop at all proves nothing.
    assert_eq!(decide(&[]), (Verdict::Unknown, None));
}

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

    fn envs(&self) -> [Env<'_>; 2] {
        [
            Env { name: "production", design: &self.dprod, snapshot: &self.prod },
            Env { name: "production-pci", design: &self.dpci, snapshot: &self.pci },
        ]
    }

    fn ask(&self, from: &str, to: &str, port: u16) -> reach::Answer {
        reach::query(&Estate::new(&self.envs()), 0, from, to, Protocol::Tcp, port)
    }

    /// No role placed in any tier by design: a tier subnet with no interface has unknown groups.
    fn unplaced(mut self) -> Self {
        for d in [&mut self.dprod, &mut self.dpci] {
            d.security.roles.iter_mut().for_each(|r| r.tiers.clear());
        }
        self
    }
}

fn deciding(a: &reach::Answer) -> (&'static str, Option<Code>) {
    let h = a.path.as_ref().and_then(|p| p.deciding_hop()).expect("a deciding hop");
    (h.step, h.code)
}

#[test]
fn unknown_groups_do_not_hide_a_missing_return_route() {
    let pair = Pair::new().unplaced();
    // Tiers with no known member: both security group hops are unknown, and the PCI data
    // tier has no route back across the peering.
    let a = pair.ask("tier:app", "production-pci:tier:data", 5432);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::NoReturnRoute)), "{a:#?}");
    assert_eq!(deciding(&a), ("return-route", Some(Code::NoReturnRoute)));
    let p = a.path.as_ref().expect("path");
    let sg_unknown = p.hops.iter().filter(|h| h.step == "sg" && h.outcome == Outcome::Unknown).count();
    assert_eq!(sg_unknown, 2, "the unknown hops are still shown: {p:#?}");
    assert!(a.reason.contains("rtb-pci-data"), "{}", a.reason);
}

#[test]
fn a_finding_names_the_blocking_hop_not_the_first_unknown_one() {
    let mut pair = Pair::new().unplaced();
    // An assertion that the path must exist: broken, and the evidence must point at the
    // route table that blocks, not at the security group hop that is merely unknown.
    pair.dprod.reach = vec![ReachAssertion {
        from: "tier:app".into(),
        to: "production-pci:tier:data".into(),
        protocol: "tcp".into(),
        ports: vec![PortRange { from: 5432, to: 5432 }],
        expect: Expect::Allowed,
        line: 1,
    }];
    pair.dpci.reach.clear();
    let judged = reach::assert::judge_all(&Estate::new(&pair.envs()));
    assert_eq!(judged.len(), 1);
    let f = judged[0].finding.as_ref().expect("broken");
    assert_eq!(f.rule, "reach.broken");
    assert_eq!(f.resource, "rtb-pci-data", "{f:#?}");
    let ev = |k: &str| f.evidence.get(k).cloned().unwrap_or_default();
    assert_eq!(ev("code"), "NO_RETURN_ROUTE");
    assert!(ev("deciding_hop").starts_with("return-route rtb-pci-data"), "{}", ev("deciding_hop"));
}

#[test]
fn a_role_whose_groups_are_unavailable_is_placed_by_design_and_a_route_still_denies() {
    let mut pair = Pair::new();
    pair.pci.inventory.insert(Kind::SecurityGroups, KindStatus::failed("AccessDenied: ec2:DescribeSecurityGroups"));
    let a = pair.ask("app", "production-pci:db", 5432);
    assert_eq!((a.verdict, a.code), (Verdict::Denied, Some(Code::NoReturnRoute)), "{a:#?}");
    assert!(a.notes.iter().any(|n| n.contains("role db placed in tier(s) data by the design")), "{:?}", a.notes);
    // Where nothing blocks, the unavailable groups make it unknown, never allowed.
    let b = pair.ask("app", "production-pci:alb", 443);
    assert_eq!((b.verdict, b.code), (Verdict::Unknown, Some(Code::Unavailable)), "{b:#?}");
}

#[test]
fn a_group_reference_across_unreadable_peerings_is_unknown_not_denied() {
    let mut pair = Pair::new();
    fixtures::sg_mut(&mut pair.pci, "sg-pci-alb").ingress =
        vec![rule("sgr-pci-alb-ref", "tcp", 443, 443, RulePeer::Group("111111111111/sg-prod-app".into()))];
    // Placed members with known groups, so the reference itself is what is judged.
    for (s, p, sg) in [(&mut pair.prod, "prod", "sg-prod-app"), (&mut pair.pci, "pci", "sg-pci-alb")] {
        s.network_interfaces.push(app_eni(&format!("eni-{p}"), &format!("subnet-{p}-app-a"), &format!("vpc-{p}"), sg));
        mark_all_ok(s);
    }
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!(a.verdict, Verdict::Allowed, "{a:#?}");
    for s in [&mut pair.prod, &mut pair.pci] {
        s.inventory.insert(Kind::PeeringConnections, KindStatus::failed("AccessDenied"));
    }
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!(a.verdict, Verdict::Unknown, "{a:#?}");
    let sg = a.path.as_ref().expect("path").hops.iter().find(|h| h.resource == "sg-pci-alb").cloned();
    assert_eq!(sg.map(|h| h.outcome), Some(Outcome::Unknown), "the reference cannot be judged: {a:#?}");
}

#[test]
fn one_member_pair_unknown_and_another_denied_is_unknown_overall() {
    let mut pair = Pair::new();
    // Two members of production's app role: one in an app subnet (peered), one in a
    // public subnet (no route to the peer).
    pair.prod.network_interfaces.push(app_eni("eni-app", "subnet-prod-app-a", "vpc-prod", "sg-prod-app"));
    pair.prod.network_interfaces.push(app_eni("eni-pub", "subnet-prod-public-a", "vpc-prod", "sg-prod-app"));
    mark_all_ok(&mut pair.prod);
    pair.pci.inventory.insert(Kind::NetworkAcls, KindStatus::failed("AccessDenied: ec2:DescribeNetworkAcls"));
    let a = pair.ask("app", "production-pci:alb", 443);
    assert_eq!(a.counts, [0, 3, 3], "two members x the ALB role's three app subnets: {a:#?}");
    // The unknown pair could be allowed: the answer is unknown, never denied.
    assert_eq!(a.verdict, Verdict::Unknown, "{a:#?}");
    let denied = a.paths.iter().find(|p| p.verdict == Verdict::Denied).expect("denied pair");
    assert_eq!(denied.code, Some(Code::NoRoute));
}

/// An app-tier ENI of `vpc`: addressed in its side's public or app subnet range.
fn app_eni(id: &str, subnet: &str, vpc: &str, sg: &str) -> NetworkInterface {
    let third = if subnet.ends_with("public-a") { 1 } else { 11 };
    let second = if vpc == "vpc-prod" { 20 } else { 21 };
    eni(id, vpc, subnet, &format!("10.{second}.{third}.10"), &[sg])
}
