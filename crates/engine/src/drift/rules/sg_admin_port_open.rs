//! `sg.admin-port-open`: an ingress rule whose ports cover an admin port (22, 3389 by
//! default; ranges and all-traffic count) from a source outside the allowed CIDR sets,
//! IPv6 included. Group references are judged by `sg.flow-undeclared` instead. A prefix
//! list is judged by its entries: all inside the sets is clean, one outside is a finding
//! naming that entry, and a list that cannot be read is reported as unknown (evidence
//! `verdict = unknown`), never as clean. Prefix lists are only *read* (see
//! `Rule::reads`): when they fail, only rules with a prefix-list peer become unknown.

use super::{Rule, SECURITY, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings, Within};
use model::{Kind, RulePeer};

pub struct AdminPortOpen;
pub static RULE: AdminPortOpen = AdminPortOpen;
const ID: &str = "sg.admin-port-open";

impl Rule for AdminPortOpen {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        SECURITY
    }
    fn reads(&self) -> &'static [Kind] {
        &[Kind::PrefixLists]
    }
    fn applies(&self, d: &Design) -> bool {
        !d.security.admin_ports.is_empty()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let sec = &cx.design.security;
        let allowed = if sec.admin_from.is_empty() { "nowhere".to_string() } else { sec.admin_from.join(", ") };
        // The union of the allowed sets, gathered once (as `Context::within_sets` would
        // for every rule): most admin-port rules come from inside it and are passed over.
        let allowed_nets: Vec<ipnet::IpNet> =
            sec.admin_from.iter().filter_map(|s| cx.design.cidr_sets.get(s)).flatten().copied().collect();
        for g in cx.groups_sorted() {
            let role = cx.role_of(&g.id);
            for r in &g.ingress {
                if matches!(r.peer, RulePeer::Group(_)) || !sec.admin_ports.iter().any(|p| r.covers_port("tcp", *p)) {
                    continue;
                }
                let within = cx.within(&r.peer, &allowed_nets);
                if within == Within::Inside {
                    continue;
                }
                let ports: Vec<String> =
                    sec.admin_ports.iter().filter(|p| r.covers_port("tcp", **p)).map(ToString::to_string).collect();
                let peer = cx.peer_label(&r.peer);
                let (verdict, outside, message) = match within {
                    Within::Inside => continue,
                    Within::Outside(entry) if matches!(r.peer, RulePeer::PrefixList(_)) => (
                        "outside",
                        Some(entry.clone()),
                        format!(
                            "{} ({}) opens admin port {} to prefix list {peer}, whose entry {entry} is outside {allowed}",
                            g.id,
                            g.name,
                            ports.join(",")
                        ),
                    ),
                    Within::Outside(_) => {
                        let who = if r.peer.is_world() { "the whole internet".to_string() } else { peer.clone() };
                        (
                            "outside",
                            None,
                            format!("{} ({}) opens admin port {} to {who}", g.id, g.name, ports.join(",")),
                        )
                    }
                    Within::Unknown(why) => (
                        "unknown",
                        None,
                        format!(
                            "unknown: {} ({}) opens admin port {} to prefix list {peer}, and {why}, so it cannot be told inside {allowed}",
                            g.id,
                            g.name,
                            ports.join(",")
                        ),
                    ),
                };
                let actual = if verdict == "unknown" {
                    format!("unknown: {} from {peer}", r.ports_label())
                } else {
                    format!("{} {} from {peer}", r.protocol_name(), r.ports_label())
                };
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "security_group", &g.id)
                        .role(role)
                        .expected(format!("admin ports {} only from {allowed}", ports.join(",")))
                        .actual(actual)
                        .evidence_opt("verdict", (verdict == "unknown").then_some("unknown"))
                        .evidence_opt("outside_entry", outside.as_deref())
                        .evidence("protocol", r.protocol_name())
                        .evidence("ports", r.ports_label())
                        .evidence("source", peer.clone())
                        .evidence("admin_ports", ports.join(","))
                        .evidence_opt("rule_id", r.rule_id.as_deref())
                        .evidence_opt("description", r.description.as_deref())
                        .evidence("group_name", g.name.clone())
                        .clause(format!("security.admin_from = [{allowed}]"))
                        .message(message),
                );
            }
        }
    }
}
