//! The `[security]` section of a design file: roles, public ports, allowed flows and
//! admin access, converted and cross-checked (unknown roles and CIDR sets are errors).

use super::Ctx;
use crate::design::*;
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SecurityFile {
    role_tag: Option<String>,
    admin_ports: Option<Vec<u16>>,
    #[serde(default)]
    admin_from: Vec<Spanned<String>>,
    #[serde(default)]
    roles: BTreeMap<String, RoleFile>,
    #[serde(default)]
    public: Vec<Spanned<PublicFile>>,
    #[serde(default)]
    flows: Vec<Spanned<FlowFile>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    tag: Option<OneOrMany>,
    #[serde(default)]
    names: Vec<Spanned<String>>,
    #[serde(default)]
    tiers: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum PortFile {
    One(u16),
    Range(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicFile {
    role: Spanned<String>,
    ports: Spanned<Vec<PortFile>>,
    protocol: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowFile {
    from: Spanned<String>,
    to: Spanned<String>,
    ports: Spanned<Vec<PortFile>>,
    protocol: Option<Spanned<String>>,
}

pub(super) fn convert_security(
    cx: &mut Ctx<'_>,
    s: Option<&SecurityFile>,
    sets: &BTreeMap<String, Vec<IpNet>>,
    tier_names: &[String],
) -> Security {
    let Some(s) = s else {
        return Security {
            role_tag: "Role".into(),
            admin_ports: vec![22, 3389],
            admin_from: Vec::new(),
            roles: Vec::new(),
            public: Vec::new(),
            flows: Vec::new(),
        };
    };
    let known_set = |cx: &mut Ctx<'_>, n: &Spanned<String>, what: &str| {
        if sets.contains_key(n.get_ref()) {
            true
        } else {
            let have: Vec<&str> = sets.keys().map(String::as_str).collect();
            cx.err(
                n.span(),
                format!(
                    "{what}: unknown cidr set `{}`; defined sets: {}",
                    n.get_ref(),
                    if have.is_empty() { "none".to_string() } else { have.join(", ") }
                ),
            );
            false
        }
    };
    let admin_from =
        s.admin_from.iter().filter(|n| known_set(cx, n, "security.admin_from")).map(|n| n.get_ref().clone()).collect();
    let mut roles = Vec::new();
    for (name, r) in &s.roles {
        let tag_values = match &r.tag {
            None => vec![name.clone()],
            Some(OneOrMany::One(v)) => vec![v.clone()],
            Some(OneOrMany::Many(v)) => v.clone(),
        };
        let names = r.names.iter().filter_map(|g| cx.glob(g, &format!("security.roles.{name}.names"))).collect();
        let mut tiers = Vec::new();
        for t in &r.tiers {
            if tier_names.contains(t.get_ref()) {
                tiers.push(t.get_ref().clone());
            } else {
                cx.err(
                    t.span(),
                    format!(
                        "security.roles.{name}.tiers: unknown tier `{}`; defined tiers: {}",
                        t.get_ref(),
                        if tier_names.is_empty() { "none".to_string() } else { tier_names.join(", ") }
                    ),
                );
            }
        }
        roles.push(Role { name: name.clone(), tag_values, names, tiers });
    }
    let role_names: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
    let known_role = |cx: &mut Ctx<'_>, n: &Spanned<String>, what: &str| {
        if role_names.contains(n.get_ref()) {
            true
        } else {
            cx.err(
                n.span(),
                format!(
                    "{what}: unknown role `{}`; defined roles: {}",
                    n.get_ref(),
                    if role_names.is_empty() { "none".to_string() } else { role_names.join(", ") }
                ),
            );
            false
        }
    };
    let mut public = Vec::new();
    for p in &s.public {
        let line = cx.line_of(&p.span());
        let p = p.get_ref();
        known_role(cx, &p.role, "security.public.role");
        let ports = cx.ports(&p.ports, "security.public.ports");
        let protocol = cx.protocol(&p.protocol, "security.public.protocol");
        public.push(PublicPort { role: p.role.get_ref().clone(), protocol, ports, line });
    }
    let mut flows = Vec::new();
    for fl in &s.flows {
        let line = cx.line_of(&fl.span());
        let fl = fl.get_ref();
        known_role(cx, &fl.to, "security.flows.to");
        let from_s = fl.from.get_ref();
        let is_role = role_names.contains(from_s);
        let is_set = sets.contains_key(from_s);
        let from = if is_role && is_set {
            cx.err(
                fl.from.span(),
                format!("security.flows.from: `{from_s}` names both a role and a cidr set; rename one"),
            );
            FlowSource::Role(from_s.clone())
        } else if is_role {
            FlowSource::Role(from_s.clone())
        } else if is_set {
            FlowSource::CidrSet(from_s.clone())
        } else if let Ok(net) = from_s.parse::<IpNet>() {
            FlowSource::Cidr(net)
        } else {
            cx.err(
                fl.from.span(),
                format!(
                    "security.flows.from: `{from_s}` is neither a role, a cidr set nor a CIDR; roles: {}",
                    role_names.join(", ")
                ),
            );
            FlowSource::Role(from_s.clone())
        };
        let ports = cx.ports(&fl.ports, "security.flows.ports");
        let protocol = cx.protocol(&fl.protocol, "security.flows.protocol");
        flows.push(Flow { from, to: fl.to.get_ref().clone(), protocol, ports, line });
    }
    Security {
        role_tag: s.role_tag.clone().unwrap_or_else(|| "Role".into()),
        admin_ports: s.admin_ports.clone().unwrap_or_else(|| vec![22, 3389]),
        admin_from,
        roles,
        public,
        flows,
    }
}
