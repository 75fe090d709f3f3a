//! `sg.unclassified` (info): an in-scope security group that matches no role, so its
//! flows cannot be judged against the design. Each VPC's AWS-made `default` group is not
//! reported (every VPC has one); its rules are still judged by the admin-port and
//! public-ingress rules like any other group's.

use super::{Rule, SECURITY, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct Unclassified;
pub static RULE: Unclassified = Unclassified;
const ID: &str = "sg.unclassified";

impl Rule for Unclassified {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        SECURITY
    }
    fn applies(&self, d: &Design) -> bool {
        !d.security.roles.is_empty()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let sec = &cx.design.security;
        let roles: Vec<&str> = sec.roles.iter().map(|r| r.name.as_str()).collect();
        for g in cx.groups_sorted().filter(|g| cx.role_of(&g.id).is_none() && g.name != "default") {
            let tag = g.tags.get(&sec.role_tag).map_or("none".to_string(), |v| format!("`{v}`"));
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "security_group", &g.id)
                    .expected(format!("tag {} = one of {}", sec.role_tag, roles.join(", ")))
                    .actual(format!("tag {} = {tag}", sec.role_tag))
                    .evidence("group_name", g.name.clone())
                    .evidence("vpc", g.vpc_id.clone().unwrap_or_default())
                    .clause("security.roles")
                    .message(format!("{} ({}) matches no role, so its rules are not judged", g.id, g.name)),
            );
        }
    }
}
