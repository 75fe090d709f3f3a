//! The `[[reach]]` section of a design file: end-to-end path assertions, checked for
//! syntax and local names here (other environments' names are resolved at evaluation).

use super::Ctx;
use super::security::PortFile;
use crate::design::*;
use crate::reach::endpoint::{Target, parse_endpoint};
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReachFile {
    from: Spanned<String>,
    to: Spanned<String>,
    ports: Spanned<Vec<PortFile>>,
    protocol: Option<Spanned<String>>,
    expect: Spanned<String>,
}

pub(super) fn convert_reach(
    cx: &mut Ctx<'_>,
    items: &[Spanned<ReachFile>],
    sets: &BTreeMap<String, Vec<IpNet>>,
    tier_names: &[String],
    security: &Security,
) -> Vec<ReachAssertion> {
    let mut out = Vec::new();
    for item in items {
        let line = cx.line_of(&item.span());
        let r = item.get_ref();
        for (end, what) in [(&r.from, "reach.from"), (&r.to, "reach.to")] {
            check_endpoint(cx, end, what, sets, tier_names, security);
        }
        let ports = cx.ports(&r.ports, "reach.ports");
        let protocol = cx.protocol(&r.protocol, "reach.protocol");
        let expect = cx
            .choice(&r.expect, "reach.expect", &[("allowed", Expect::Allowed), ("denied", Expect::Denied)])
            .unwrap_or(Expect::Denied);
        out.push(ReachAssertion {
            from: r.from.get_ref().clone(),
            to: r.to.get_ref().clone(),
            protocol,
            ports,
            expect,
            line,
        });
    }
    out
}

/// A name of this environment must exist here; `ENV:` names are checked when the estate is known.
fn check_endpoint(
    cx: &mut Ctx<'_>,
    end: &Spanned<String>,
    what: &str,
    sets: &BTreeMap<String, Vec<IpNet>>,
    tier_names: &[String],
    security: &Security,
) {
    let parsed = match parse_endpoint(end.get_ref()) {
        Ok(p) => p,
        Err(e) => {
            cx.err(end.span(), format!("{what}: {e}"));
            return;
        }
    };
    if parsed.env.is_some() {
        return;
    }
    let roles: Vec<&str> = security.roles.iter().map(|r| r.name.as_str()).collect();
    let ok = match &parsed.target {
        Target::Internet | Target::Cidr(_) => true,
        Target::Tier(t) => tier_names.contains(t),
        Target::Role(r) => roles.contains(&r.as_str()),
        Target::Name(n) => {
            roles.contains(&n.as_str())
                || tier_names.contains(n)
                || sets.contains_key(n)
                || crate::reach::gateway_endpoint::SERVICES.contains(&n.as_str())
        }
    };
    if !ok {
        cx.err(
            end.span(),
            format!(
                "{what}: `{}` names no role, tier or cidr set of this design; expected `internet`, a CIDR, one of roles [{}], tiers [{}], cidr sets [{}], a gateway endpoint service (`s3`, `dynamodb`), or `ENV:NAME` for another environment",
                end.get_ref(),
                roles.join(", "),
                tier_names.join(", "),
                sets.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            ),
        );
    }
}
