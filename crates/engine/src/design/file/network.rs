//! The network-level expectations of a design file: per-tier `[tiers.NAME.nacl]` and the
//! `[network]` section (required VPC endpoints, flow logs, VPN tunnels), converted and cross-checked
//! (unknown CIDR sets, empty lists and half-given deny clauses are errors).

use super::Ctx;
use super::security::PortFile;
use crate::design::*;
use serde::Deserialize;
use serde_spanned::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NaclFile {
    admin_ports_from: Option<Spanned<Vec<Spanned<String>>>>,
    deny_from: Option<Spanned<Vec<Spanned<String>>>>,
    deny_ports: Option<Spanned<Vec<PortFile>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NetworkFile {
    #[serde(default)]
    required_endpoints: Vec<Spanned<String>>,
    flow_logs: Option<Spanned<FlowLogsFile>>,
    vpn: Option<Spanned<VpnFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VpnFile {
    tunnels_up: Spanned<i64>,
}

/// `min_retention_days` is read only to refuse it: the retention lives in CloudWatch
/// Logs, whose SDK driftdeck does not link, and a key that is silently not checked
/// would read as a pass.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowLogsFile {
    traffic: Spanned<String>,
    min_retention_days: Option<Spanned<toml::Value>>,
}

/// A source in `deny_from`: a CIDR written out, or the name of a CIDR set.
pub(super) fn source(
    cx: &mut Ctx<'_>,
    s: &Spanned<String>,
    what: &str,
    sets: &BTreeMap<String, Vec<IpNet>>,
) -> Vec<IpNet> {
    let text = s.get_ref();
    if let Some(nets) = sets.get(text) {
        return nets.clone();
    }
    if text.contains('/') {
        return cx.net(s, what).into_iter().collect();
    }
    let known: Vec<String> = sets.keys().map(|k| format!("`{k}`")).collect();
    cx.err(
        s.span(),
        format!(
            "{what}: `{text}` is neither a CIDR nor a cidr_sets name; expected a CIDR such as `0.0.0.0/0` or one of {}",
            if known.is_empty() { "the [cidr_sets] (none defined)".to_string() } else { known.join(", ") }
        ),
    );
    Vec::new()
}

pub(super) fn convert_nacl(
    cx: &mut Ctx<'_>,
    tier: &str,
    f: &Spanned<NaclFile>,
    sets: &BTreeMap<String, Vec<IpNet>>,
) -> Option<NaclExpectation> {
    let what = format!("tiers.{tier}.nacl");
    let line = cx.line_of(&f.span());
    let n = f.get_ref();
    if n.admin_ports_from.is_none() && n.deny_from.is_none() && n.deny_ports.is_none() {
        cx.err(f.span(), format!("{what}: empty; expected `admin_ports_from` and/or `deny_from` with `deny_ports`"));
        return None;
    }
    let admin_ports_from = n.admin_ports_from.as_ref().map(|list| {
        for s in list.get_ref() {
            if !sets.contains_key(s.get_ref()) {
                let known: Vec<&str> = sets.keys().map(String::as_str).collect();
                cx.err(
                    s.span(),
                    format!(
                        "{what}.admin_ports_from: unknown cidr set `{}`; defined sets: {}",
                        s.get_ref(),
                        if known.is_empty() { "(none)".to_string() } else { known.join(", ") }
                    ),
                );
            }
        }
        list.get_ref().iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>()
    });
    let mut deny_from = Vec::new();
    let mut deny_from_text = Vec::new();
    match (&n.deny_from, &n.deny_ports) {
        (Some(from), Some(_)) if from.get_ref().is_empty() => {
            cx.err(from.span(), format!("{what}.deny_from: empty; expected e.g. `[\"0.0.0.0/0\"]`"));
        }
        (Some(from), Some(_)) => {
            for s in from.get_ref() {
                deny_from.extend(source(cx, s, &format!("{what}.deny_from"), sets));
                deny_from_text.push(s.get_ref().clone());
            }
        }
        (Some(from), None) => cx.err(
            from.span(),
            format!("{what}.deny_from: given without `deny_ports`; expected e.g. `deny_ports = [22, 3389]`"),
        ),
        (None, Some(ports)) => cx.err(
            ports.span(),
            format!("{what}.deny_ports: given without `deny_from`; expected e.g. `deny_from = [\"0.0.0.0/0\"]`"),
        ),
        (None, None) => {}
    }
    let deny_ports = match (&n.deny_from, &n.deny_ports) {
        (Some(_), Some(p)) => cx.ports(p, &format!("{what}.deny_ports")),
        _ => Vec::new(),
    };
    Some(NaclExpectation { admin_ports_from, deny_from, deny_from_text, deny_ports, line })
}

pub(super) fn convert_network(cx: &mut Ctx<'_>, f: Option<&NetworkFile>) -> Network {
    let Some(f) = f else { return Network::default() };
    let mut required_endpoints: Vec<String> = Vec::new();
    for s in &f.required_endpoints {
        let name = s.get_ref().trim();
        let valid = !name.is_empty()
            && !name.starts_with("com.amazonaws.")
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'));
        if !valid {
            cx.err(
                s.span(),
                format!(
                    "network.required_endpoints: `{}` is not a service short name; expected e.g. `s3`, `dynamodb`, `kms`, `ecr.dkr`",
                    s.get_ref()
                ),
            );
        } else if required_endpoints.iter().any(|e| e == name) {
            cx.err(s.span(), format!("network.required_endpoints: `{name}` is listed twice"));
        } else {
            required_endpoints.push(name.to_string());
        }
    }
    let flow_logs = f.flow_logs.as_ref().and_then(|fl| {
        if let Some(r) = &fl.get_ref().min_retention_days {
            cx.err(
                r.span(),
                "network.flow_logs.min_retention_days: not supported (log retention lives in CloudWatch Logs, which driftdeck does not read); remove the key".into(),
            );
        }
        let t = &fl.get_ref().traffic;
        let traffic = match t.get_ref().as_str() {
            "ALL" => FlowTraffic::All,
            "ACCEPT" => FlowTraffic::Accept,
            "REJECT" => FlowTraffic::Reject,
            other => {
                cx.err(
                    t.span(),
                    format!("network.flow_logs.traffic: found `{other}`, expected one of `ALL`, `ACCEPT`, `REJECT`"),
                );
                return None;
            }
        };
        Some(FlowLogPolicy { traffic, line: cx.line_of(&fl.span()) })
    });
    let vpn = f.vpn.as_ref().and_then(|v| {
        let n = &v.get_ref().tunnels_up;
        match *n.get_ref() {
            1 | 2 => Some(VpnPolicy { tunnels_up: *n.get_ref() as usize, line: cx.line_of(&v.span()) }),
            other => {
                cx.err(
                    n.span(),
                    format!(
                        "network.vpn.tunnels_up: found {other}, expected 1 or 2 (a VPN connection has two tunnels)"
                    ),
                );
                None
            }
        }
    });
    Network { required_endpoints, flow_logs, vpn }
}
