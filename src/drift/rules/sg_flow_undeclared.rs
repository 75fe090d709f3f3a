//! `sg.flow-undeclared`: ingress into a role's group on a port from a source (group or
//! CIDR) that no declared flow allows, such as 8080 on app from anything but the ALB.
//!
//! World-open rules belong to `sg.public-ingress` and admin ports from outside the
//! allowed sets to `sg.admin-port-open`, so each bad rule is reported once, by the rule
//! that says most about it. ICMP rules are not judged (flows are TCP/UDP).

use super::sg_public_ingress::{rule_range, rule_within};
use super::{Rule, SECURITY, default_severity};
use crate::design::{Design, PortRange};
use crate::drift::{Context, Finding, FindingBuilder, Text};
use crate::model::{Kind, RulePeer};
use std::collections::HashMap;

pub struct FlowUndeclared;
pub static RULE: FlowUndeclared = FlowUndeclared;
const ID: &str = "sg.flow-undeclared";

impl Rule for FlowUndeclared {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        SECURITY
    }
    /// Prefix-list peers are judged by their entries; unreadable ones are reported unknown.
    fn reads(&self) -> &'static [Kind] {
        &[Kind::PrefixLists]
    }
    fn applies(&self, d: &Design) -> bool {
        !d.security.roles.is_empty()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let sec = &cx.design.security;
        // What each role's findings say is the same for all of its rules: build it once
        // per role, not once per offending rule.
        let mut per_role: HashMap<&str, RoleText> = HashMap::new();
        for g in cx.groups() {
            let Some(role) = cx.role_of(&g.id) else { continue };
            for r in &g.ingress {
                if r.peer.is_world() || !(r.all_traffic() || matches!(r.protocol_name(), "tcp" | "udp")) {
                    continue;
                }
                let (from, to) = rule_range(r);
                let only_admin =
                    r.protocol_name() == "tcp" && from == to && sec.admin_ports.iter().any(|p| i32::from(*p) == from);
                if only_admin && !matches!(r.peer, RulePeer::Group(_)) {
                    // Admin port from a CIDR: allowed sets are declared, others are admin-port-open's.
                    continue;
                }
                let flows_ok = sec
                    .flows
                    .iter()
                    .filter(|f| f.to == role && cx.source_matches(&f.from, &r.peer))
                    .any(|f| rule_within(r, &f.protocol, &f.ports));
                let public_ok =
                    sec.public.iter().filter(|p| p.role == role).any(|p| rule_within(r, &p.protocol, &p.ports));
                if flows_ok || public_ok {
                    continue;
                }
                let text = per_role.entry(role).or_insert_with(|| RoleText::new(cx.design, role));
                let source = match &r.peer {
                    RulePeer::Group(id) => match cx.role_of(id) {
                        Some(src_role) => Text::concat([
                            Text::from(id.as_str()),
                            Text::lit(" (role "),
                            Text::from(src_role),
                            Text::lit(")"),
                        ]),
                        None => Text::concat([Text::from(id.as_str()), Text::lit(" (no role)")]),
                    },
                    p => Text::from(cx.peer_label(p)),
                };
                // A prefix list that cannot be read may well be a declared source: say unknown.
                let unknown = match &r.peer {
                    RulePeer::PrefixList(id) => cx.prefix_entries(id).err(),
                    _ => None,
                };
                let proto = proto_label(r);
                let ports = Text::from(r.ports());
                // Joined only if shown: most of a large account's findings never are.
                let actual = Text::concat([
                    Text::from(proto),
                    Text::lit(" "),
                    ports.clone(),
                    Text::lit(" from "),
                    source.clone(),
                ]);
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "security_group", g.id.as_str())
                        .role(Some(text.role.clone()))
                        .expected(text.expected.clone())
                        .actual(match &unknown {
                            Some(why) => Text::from(format!("unknown: {proto} {ports} from {source} ({why})")),
                            None => actual.clone(),
                        })
                        // In name order (each then appends; see `Evidence::insert`).
                        .evidence_opt("description", r.description.as_deref())
                        .evidence("group_name", g.name.as_str())
                        .evidence("ports", ports.clone())
                        .evidence("protocol", proto)
                        .evidence_opt("rule_id", r.rule_id.as_deref())
                        .evidence("source", r.peer.as_str())
                        .evidence_opt("verdict", unknown.as_ref().map(|_| "unknown"))
                        .clause(text.clause.clone())
                        .message(match &unknown {
                            Some(why) => Text::from(format!(
                                "unknown: {} ({role}) accepts {proto} {ports} from {source}, and {why}, so it cannot be matched to a declared flow",
                                g.id
                            )),
                            None => Text::concat([
                                Text::from(g.id.as_str()),
                                Text::lit(" ("),
                                text.role.clone(),
                                Text::lit(") accepts "),
                                actual,
                                Text::lit(", which no declared flow allows"),
                            ]),
                        }),
                );
            }
        }
    }
}

/// The role, expected text and clause shared by every finding of one role.
struct RoleText {
    role: Text,
    expected: Text,
    clause: Text,
}

impl RoleText {
    fn new(design: &Design, role: &str) -> Self {
        let declared: Vec<String> = design
            .security
            .flows
            .iter()
            .filter(|f| f.to == role)
            .map(|f| format!("{} {}/{}", f.from, f.protocol, join_ports(&f.ports)))
            .collect();
        let expected = if declared.is_empty() {
            format!("no ingress into {role} except declared flows (none declared)")
        } else {
            format!("ingress into {role} only from: {}", declared.join("; "))
        };
        RoleText {
            role: Text::shared(role),
            expected: Text::shared(expected),
            clause: Text::shared(format!("security.flows (to = \"{role}\")")),
        }
    }
}

fn proto_label(r: &crate::model::SgRule) -> &str {
    r.protocol_name()
}

fn join_ports(p: &[PortRange]) -> String {
    p.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}
