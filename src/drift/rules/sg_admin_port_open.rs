//! `sg.admin-port-open`: an ingress rule whose ports cover an admin port (22, 3389 by
//! default; ranges and all-traffic count) from a source outside the allowed CIDR sets,
//! IPv6 included. Group references are judged by `sg.flow-undeclared` instead; a prefix
//! list cannot be proven inside the sets, so it counts as outside.

use super::{Rule, SECURITY, default_severity};
use crate::design::Design;
use crate::drift::{Context, Finding, FindingBuilder};
use crate::model::{Kind, RulePeer};

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
    fn applies(&self, d: &Design) -> bool {
        !d.security.admin_ports.is_empty()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let sec = &cx.design.security;
        let allowed = if sec.admin_from.is_empty() { "nowhere".to_string() } else { sec.admin_from.join(", ") };
        for g in cx.groups() {
            let role = cx.role_of(&g.id);
            for r in &g.ingress {
                if matches!(r.peer, RulePeer::Group(_)) {
                    continue;
                }
                if sec.admin_from.iter().any(|set| cx.peer_in_set(&r.peer, set)) {
                    continue;
                }
                let ports: Vec<String> =
                    sec.admin_ports.iter().filter(|p| r.covers_port("tcp", **p)).map(ToString::to_string).collect();
                if ports.is_empty() {
                    continue;
                }
                let who = if r.peer.is_world() { "the whole internet".to_string() } else { r.peer.describe() };
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "security_group", &g.id)
                        .role(role)
                        .expected(format!("admin ports {} only from {allowed}", ports.join(",")))
                        .actual(r.describe())
                        .evidence("protocol", r.protocol_name())
                        .evidence("ports", r.ports_label())
                        .evidence("source", r.peer.describe())
                        .evidence("admin_ports", ports.join(","))
                        .evidence_opt("rule_id", r.rule_id.as_deref())
                        .evidence_opt("description", r.description.as_deref())
                        .evidence("group_name", g.name.clone())
                        .clause(format!("security.admin_from = [{allowed}]"))
                        .message(format!("{} ({}) opens admin port {} to {who}", g.id, g.name, ports.join(","))),
                );
            }
        }
    }
}
