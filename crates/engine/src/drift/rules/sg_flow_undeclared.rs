//! `sg.flow-undeclared`: ingress into a role's group on a port from a source (group or
//! CIDR) that no declared flow allows, such as 8080 on app from anything but the ALB.
//!
//! World-open rules belong to `sg.public-ingress` and admin ports from outside the
//! allowed sets to `sg.admin-port-open`, so each bad rule is reported once, by the rule
//! that says most about it. ICMP rules are not judged (flows are TCP/UDP).

use super::sg_public_ingress::{rule_range, rule_within};
use super::{Part, Rule, SECURITY, default_severity};
use crate::design::{Design, Flow, FlowSource, PortRange, PublicPort};
use crate::drift::{Context, Evidence, Finding, Findings, Severity, Text};
use model::{Kind, RulePeer, SgRule};
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
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        self.check_part(cx, Part::WHOLE, out)
    }
    /// Split by groups: this rule makes most of a large account's findings.
    fn splits(&self) -> bool {
        true
    }
    fn check_part(&self, cx: &Context<'_>, part: Part, out: &mut Findings) {
        let sec = &cx.design.security;
        // What each role allows and what its findings say is the same for all of its
        // rules: worked out once per role, not once per rule.
        let mut per_role: HashMap<&str, RolePlan<'_>> = HashMap::new();
        for g in cx.groups_sorted_part(part) {
            let Some(role) = cx.role_of(&g.id) else { continue };
            let plan = per_role.entry(role).or_insert_with(|| RolePlan::new(cx.design, role));
            let group = Text::from(g.id.as_str());
            let group_name = Text::from(g.name.as_str());
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
                // The source group's role, looked up once for every flow it is held to.
                let peer_role = match &r.peer {
                    RulePeer::Group(id) => cx.role_of(id),
                    _ => None,
                };
                let flows_ok = plan
                    .flows
                    .iter()
                    .filter(|f| match (&f.from, &r.peer) {
                        (FlowSource::Role(src), RulePeer::Group(_)) => peer_role == Some(src.as_str()),
                        (src, peer) => cx.source_matches(src, peer),
                    })
                    .any(|f| rule_within(r, &f.protocol, &f.ports));
                let public_ok = plan.public.iter().any(|p| rule_within(r, &p.protocol, &p.ports));
                if flows_ok || public_ok {
                    continue;
                }
                // A prefix list that cannot be read may well be a declared source: say unknown.
                let unknown = match &r.peer {
                    RulePeer::PrefixList(id) => cx.prefix_entries(id).err(),
                    _ => None,
                };
                out.push(finding(cx, plan, &group, &group_name, r, peer_role, unknown));
            }
        }
    }
}

/// The finding for one undeclared rule. Built as one value (no builder chain to move it
/// through): this rule makes most of a large account's findings.
fn finding(
    cx: &Context<'_>,
    plan: &RolePlan<'_>,
    group: &Text,
    group_name: &Text,
    r: &SgRule,
    peer_role: Option<&str>,
    unknown: Option<String>,
) -> Finding {
    let proto = Text::from(r.protocol_name());
    let ports = Text::from(r.ports());
    // Joined only if shown: most of a large account's findings never are. The source
    // is spelled out inside `actual`, so a finding makes two lazy texts, not three.
    let actual = match (&r.peer, peer_role) {
        (RulePeer::Group(id), Some(src)) => Text::template(
            &["", " ", " from ", " (role ", ")"],
            [proto.clone(), ports.clone(), Text::from(id.as_str()), Text::from(src)],
        ),
        (RulePeer::Group(id), None) => {
            Text::template(&["", " ", " from ", " (no role)"], [proto.clone(), ports.clone(), Text::from(id.as_str())])
        }
        (RulePeer::PrefixList(id), _) => Text::template(
            &["", " ", " from ", ""],
            [proto.clone(), ports.clone(), Text::from(cx.prefix_list_label(id))],
        ),
        (p, _) => Text::template(&["", " ", " from ", ""], [proto.clone(), ports.clone(), Text::from(p.as_str())]),
    };
    let (actual, message) = match &unknown {
        Some(why) => {
            // Only a prefix-list peer is ever unknown (see `check`).
            let source = cx.peer_label(&r.peer);
            let message = format!(
                "unknown: {group} ({}) accepts {proto} {ports} from {source}, and {why}, so it cannot be matched to a declared flow",
                plan.text.role
            );
            (Text::from(format!("unknown: {proto} {ports} from {source} ({why})")), Text::from(message))
        }
        None => {
            let message = Text::template(
                &["", " (", ") accepts ", ", which no declared flow allows"],
                [group.clone(), plan.text.role.clone(), actual.clone()],
            );
            (actual, message)
        }
    };
    // In name order, so each fact is appended without a search (`Evidence::push_in_order`).
    let facts =
        4 + usize::from(r.description.is_some()) + usize::from(r.rule_id.is_some()) + usize::from(unknown.is_some());
    let mut evidence = Evidence::with_capacity(facts);
    if let Some(d) = &r.description {
        evidence.push_in_order(Text::lit("description"), Text::from(d.as_str()));
    }
    evidence.push_in_order(Text::lit("group_name"), group_name.clone());
    evidence.push_in_order(Text::lit("ports"), ports);
    evidence.push_in_order(Text::lit("protocol"), proto);
    if let Some(id) = &r.rule_id {
        evidence.push_in_order(Text::lit("rule_id"), Text::from(id.as_str()));
    }
    evidence.push_in_order(Text::lit("source"), Text::from(r.peer.as_str()));
    if unknown.is_some() {
        evidence.push_in_order(Text::lit("verdict"), Text::lit("unknown"));
    }
    Finding {
        rule: Text::lit(ID),
        severity: plan.severity,
        resource: group.clone(),
        resource_kind: Text::lit("security_group"),
        tier: None,
        role: Some(plan.text.role.clone()),
        expected: plan.text.expected.clone(),
        actual,
        evidence,
        message,
        clause: Some(plan.text.clause.clone()),
        note: None,
    }
}

/// What one role allows (its declared flows and public ports) and the texts its findings share.
struct RolePlan<'d> {
    flows: Vec<&'d Flow>,
    public: Vec<&'d PublicPort>,
    text: RoleText,
    /// The rule's default severity (the design's override applies later, per report).
    severity: Severity,
}

impl<'d> RolePlan<'d> {
    fn new(design: &'d Design, role: &str) -> Self {
        let sec = &design.security;
        RolePlan {
            flows: sec.flows.iter().filter(|f| f.to == role).collect(),
            public: sec.public.iter().filter(|p| p.role == role).collect(),
            text: RoleText::new(design, role),
            severity: default_severity(ID),
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

fn join_ports(p: &[PortRange]) -> String {
    p.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}
