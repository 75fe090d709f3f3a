//! `sg.public-ingress`: ingress from 0.0.0.0/0 or ::/0 that the design does not declare
//! public for the group's role and ports.

use super::{Rule, SECURITY, default_severity};
use crate::design::{Design, PortRange};
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Kind, SgRule};

pub struct PublicIngress;
pub static RULE: PublicIngress = PublicIngress;
const ID: &str = "sg.public-ingress";

impl Rule for PublicIngress {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        SECURITY
    }
    fn applies(&self, _: &Design) -> bool {
        true
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for g in cx.groups_sorted() {
            let role = cx.role_of(&g.id);
            for r in g.ingress.iter().filter(|r| r.peer.is_world()) {
                let declared: Vec<&crate::design::PublicPort> =
                    cx.design.security.public.iter().filter(|p| Some(p.role.as_str()) == role).collect();
                if declared.iter().any(|p| rule_within(r, &p.protocol, &p.ports)) {
                    continue;
                }
                let expected = if declared.is_empty() {
                    format!(
                        "no public ingress for {}",
                        role.map_or("an unclassified group".to_string(), |r| format!("role {r}"))
                    )
                } else {
                    let ports: Vec<String> = declared
                        .iter()
                        .flat_map(|p| p.ports.iter().map(move |r| format!("{}/{}", p.protocol, r)))
                        .collect();
                    format!("public ingress only on {}", ports.join(","))
                };
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "security_group", &g.id)
                        .role(role)
                        .expected(expected)
                        .actual(r.describe())
                        .evidence("protocol", r.protocol_name())
                        .evidence("ports", r.ports_label())
                        .evidence("source", r.peer.describe())
                        .evidence_opt("rule_id", r.rule_id.as_deref())
                        .evidence_opt("description", r.description.as_deref())
                        .evidence("group_name", g.name.clone())
                        .clause(match role {
                            Some(r) => format!("security.public (role {r})"),
                            None => "security.public".to_string(),
                        })
                        .message(format!(
                            "{} ({}) accepts {} {} from {}, which the design does not declare public",
                            g.id,
                            g.name,
                            r.protocol_name(),
                            r.ports_label(),
                            r.peer.describe()
                        )),
                );
            }
        }
    }
}

/// The inclusive port range a rule opens, for tcp/udp/all rules.
pub(crate) fn rule_range(r: &SgRule) -> (i32, i32) {
    if r.all_traffic() {
        return (0, 65535);
    }
    match (r.from_port, r.to_port) {
        (Some(a), Some(b)) if a >= 0 && b >= 0 => (a, b),
        _ => (0, 65535),
    }
}

/// Is every port the rule opens inside the union of `ranges`, with a matching protocol?
pub(crate) fn rule_within(r: &SgRule, protocol: &str, ranges: &[PortRange]) -> bool {
    if !r.all_traffic() && r.protocol_name() != protocol {
        return false;
    }
    let (from, to) = rule_range(r);
    // Walk up from the rule's first port, jumping to the end of any range that holds the
    // next uncovered port (ranges are few; no sorted copy to allocate per rule).
    let mut next = from;
    while next <= to {
        let reach = ranges.iter().filter(|p| i32::from(p.from) <= next && next <= i32::from(p.to)).map(|p| p.to).max();
        match reach {
            Some(end) => next = i32::from(end) + 1,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::RulePeer;
    use proptest::prelude::*;

    fn tcp(from: i32, to: i32) -> SgRule {
        SgRule {
            rule_id: None,
            protocol: "tcp".into(),
            from_port: Some(from),
            to_port: Some(to),
            peer: RulePeer::Cidr4("10.0.0.0/8".into()),
            description: None,
        }
    }

    proptest! {
        /// The walk up the ports agrees with asking port by port (on a small port space,
        /// so overlapping, touching and nested ranges are common).
        #[test]
        fn within_is_the_union_cover_port_by_port(
            ranges in proptest::collection::vec((0u16..40, 0u16..8), 0..5),
            from in 0i32..45,
            len in 0i32..12,
        ) {
            let ranges: Vec<PortRange> = ranges.iter().map(|(a, w)| PortRange { from: *a, to: a + w }).collect();
            let to = from + len;
            let port_by_port = (from..=to).all(|p| ranges.iter().any(|r| i32::from(r.from) <= p && p <= i32::from(r.to)));
            prop_assert_eq!(rule_within(&tcp(from, to), "tcp", &ranges), port_by_port);
            prop_assert!(!rule_within(&tcp(from, to), "udp", &ranges));
        }
    }
}
