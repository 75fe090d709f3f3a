//! Rows of the Network pane (view-model read by `panes::network` and by `App` for selection).
//! With a plan loaded, routes it adds are marked `+` and routes or
//! tables it removes `-` (marks cached in `App::plan`).

use super::columns::Column;
use super::{Item, drift_cell};
use crate::console::state::App;
use engine::drift::{Finding, Text};
use model::{Kind, RouteState};
use ratatui::text::{Line, Span};
use std::collections::BTreeSet;

pub const KINDS: &[Kind] = &[
    Kind::Vpcs,
    Kind::Subnets,
    Kind::RouteTables,
    Kind::NatGateways,
    Kind::InternetGateways,
    Kind::PeeringConnections,
    Kind::NetworkAcls,
    Kind::TransitGatewayAttachments,
    Kind::VpnConnections,
];

pub fn items(app: &App) -> Vec<Item> {
    let th = &app.theme;
    let env = app.env();
    let snap = &env.snapshot;
    let cx = env.context();
    let marks = app.plan_marks();
    let mut out = Vec::new();
    for vpc in snap.vpcs.iter().filter(|v| cx.vpcs.contains(&v.id)) {
        let name = vpc.tags.get("Name").cloned().unwrap_or_default();
        out.push(
            Item::new(vec![
                Line::from(vpc.id.clone()),
                Line::from(vpc.cidrs.join(",")),
                Line::from(name),
                Line::from(""),
            ])
            .header(),
        );
        for tier in &env.design.tiers {
            let mut subnets: Vec<_> = snap
                .subnets
                .iter()
                .filter(|s| cx.subnet_tier.get(&s.id) == Some(&tier.name) && s.vpc_id == vpc.id)
                .collect();
            subnets.sort_by(|a, b| a.az.cmp(&b.az));
            let list: Vec<String> = subnets
                .iter()
                .map(|s| match s.tags.get("Name") {
                    Some(n) => format!("{} {n} {}", short_az(&s.az), s.cidr),
                    None => format!("{} {}", short_az(&s.az), s.cidr),
                })
                .collect();
            out.push(Item::new(vec![
                Line::from(Span::styled(format!("  tier {}", tier.name), th.key)),
                Line::from(format!("{} subnets", subnets.len())),
                Line::from(list.join("  ")),
                Line::from(""),
            ]));
            acl_rows(app, &cx, &subnets, &mut out);
        }
        for (rt, tiers) in cx.route_tables_by_tier().into_iter().filter(|(rt, _)| rt.vpc_id == vpc.id) {
            let findings: Vec<&std::sync::Arc<Finding>> = env.findings_for(&rt.id).collect();
            let tier_names: Vec<&str> = tiers.keys().map(|t| t.name.as_str()).collect();
            let served = cx.served.get(&rt.id).map_or(0, Vec::len);
            let role = match (rt.main, tier_names.is_empty()) {
                (true, true) => "main".to_string(),
                (true, false) => format!("main · {}", tier_names.join(",")),
                (false, _) => tier_names.join(","),
            };
            // Findings about a missing route belong to the table itself.
            let table_level: Vec<&std::sync::Arc<Finding>> =
                findings.iter().copied().filter(|f| !route_bound(f)).collect();
            let name = rt.tags.get("Name").map(|n| format!("{n} · ")).unwrap_or_default();
            let gone = marks.is_some_and(|m| m.tables_removed.contains(&rt.id));
            let removed = marks.and_then(|m| m.routes_removed.get(&rt.id));
            out.push(
                Item::new(vec![
                    if gone {
                        super::plan::mark(app, false, format!("  {}", rt.id))
                    } else {
                        Line::from(format!("  {}", rt.id))
                    },
                    Line::from(role),
                    Line::from(format!("{name}{served} subnets, {} routes", rt.routes.len())),
                    drift_cell(app, table_level.iter().copied().max_by_key(|f| f.severity).map(|f| f.as_ref())),
                ])
                .header_at(1)
                .with_finding(table_level.iter().copied().max_by_key(|f| f.severity)),
            );
            for r in &rt.routes {
                let target = r.target_id.clone().unwrap_or_else(|| r.target_kind.label().to_string());
                let f = findings
                    .iter()
                    .copied()
                    .filter(|f| route_bound(f) && f.evidence.get("destination").is_some_and(|d| *d == r.destination))
                    .max_by_key(|f| f.severity);
                let state = if r.state == RouteState::Blackhole { " (blackhole)" } else { "" };
                let dest = format!("    {}", r.destination);
                out.push(
                    Item::new(vec![
                        if removed.is_some_and(|d| d.contains(&r.destination)) {
                            super::plan::mark(app, false, dest)
                        } else {
                            Line::from(Span::styled(dest, th.base))
                        },
                        Line::from(format!("→ {target}{state}")),
                        Line::from(Span::styled(r.target_kind.label(), th.dim)),
                        drift_cell(app, f.map(|f| f.as_ref())),
                    ])
                    .with_finding(f),
                );
            }
            for r in marks.and_then(|m| m.routes_added.get(&rt.id)).into_iter().flatten() {
                let target = r.target_id.clone().unwrap_or_else(|| r.target_kind.label().to_string());
                out.push(Item::new(vec![
                    super::plan::mark(app, true, format!("    {}", r.destination)),
                    Line::from(format!("→ {target}")),
                    Line::from(Span::styled(r.target_kind.label(), th.dim)),
                    Line::from(Span::styled("planned", th.dim)),
                ]));
            }
        }
    }
    let in_scope: BTreeSet<&String> = cx.vpcs.iter().collect();
    let peerings: Vec<_> = snap
        .peering_connections
        .iter()
        .filter(|p| in_scope.contains(&p.requester.vpc_id) || in_scope.contains(&p.accepter.vpc_id))
        .collect();
    if !peerings.is_empty() {
        out.push(Item::new(vec![Line::from("VPC peering"), Line::from(""), Line::from(""), Line::from("")]).header());
        for p in peerings {
            out.push(Item::new(vec![
                Line::from(format!("  {}", p.id)),
                Line::from(p.status.clone()),
                Line::from(format!(
                    "{} {} ↔ {} {}",
                    p.requester.vpc_id,
                    p.requester.cidrs.join(","),
                    p.accepter.vpc_id,
                    p.accepter.cidrs.join(",")
                )),
                Line::from(""),
            ]));
        }
    }
    transit(app, &mut out);
    out
}

/// Transit gateway attachments of the in-scope VPCs' gateways, with the route table each
/// is associated with, and the VPN connections with their tunnels.
fn transit(app: &App, out: &mut Vec<Item>) {
    let th = &app.theme;
    let env = app.env();
    let snap = &env.snapshot;
    let cx = env.context();
    // The gateways an in-scope VPC is attached to, and everything attached to them.
    let gateways: BTreeSet<&str> = snap
        .transit_gateway_attachments
        .iter()
        .filter(|a| a.resource_id.as_ref().is_some_and(|r| cx.vpcs.contains(r)))
        .map(|a| a.transit_gateway_id.as_str())
        .collect();
    let attachments: Vec<_> =
        snap.transit_gateway_attachments.iter().filter(|a| gateways.contains(a.transit_gateway_id.as_str())).collect();
    if !attachments.is_empty() {
        out.push(
            Item::new(vec![Line::from("Transit gateway attachments"), Line::from(""), Line::from(""), Line::from("")])
                .header(),
        );
        for a in attachments {
            let table = match (&a.route_table_id, &a.association_state) {
                (Some(t), Some(s)) if s == "associated" => Span::raw(format!("→ {t}")),
                (Some(t), Some(s)) => Span::styled(format!("→ {t} ({s})"), th.stale),
                _ => Span::styled("no route table associated", th.stale),
            };
            let findings: Vec<&std::sync::Arc<Finding>> = env.findings_for(&a.id).collect();
            out.push(
                Item::new(vec![
                    Line::from(format!("  {}", a.id)),
                    Line::from(format!("{} {}", a.kind.label(), a.resource_id.as_deref().unwrap_or("?"))),
                    Line::from(vec![Span::raw(format!("{} {} ", a.transit_gateway_id, a.state)), table]),
                    drift_cell(app, findings.first().map(|f| f.as_ref())),
                ])
                .with_finding(findings.first().copied()),
            );
        }
    }
    let vpns: Vec<_> = snap
        .vpn_connections
        .iter()
        .filter(|v| {
            v.transit_gateway_id.as_deref().is_some_and(|t| gateways.contains(t))
                || v.vpn_gateway_id.as_deref().is_some_and(|g| {
                    snap.vpn_gateways
                        .iter()
                        .any(|x| x.id == g && x.vpc_attachments.iter().any(|at| cx.vpcs.contains(&at.vpc_id)))
                })
        })
        .collect();
    if !vpns.is_empty() {
        out.push(
            Item::new(vec![Line::from("VPN connections"), Line::from(""), Line::from(""), Line::from("")]).header(),
        );
        for v in vpns {
            let up = v.tunnels_up();
            let state = if v.tunnels.is_empty() {
                Span::styled("tunnels unknown (no telemetry)", th.stale)
            } else if up == v.tunnels.len() {
                Span::styled(format!("{up}/{} tunnels UP", v.tunnels.len()), th.ok)
            } else {
                Span::styled(format!("{up}/{} tunnels UP", v.tunnels.len()), th.severity(engine::drift::Severity::High))
            };
            let down: Vec<String> = v
                .tunnels
                .iter()
                .filter(|t| t.status != model::TunnelStatus::Up)
                .map(|t| format!("{} DOWN: {}", t.outside_ip, t.status_message.as_deref().unwrap_or("no message")))
                .collect();
            let ends = v.transit_gateway_id.as_deref().or(v.vpn_gateway_id.as_deref()).unwrap_or("?");
            let findings: Vec<&std::sync::Arc<Finding>> = env.findings_for(&v.id).collect();
            out.push(
                Item::new(vec![
                    Line::from(format!("  {}", v.id)),
                    Line::from(state),
                    Line::from(format!("{ends} {}  {}", v.state, down.join("; "))),
                    drift_cell(app, findings.first().map(|f| f.as_ref())),
                ])
                .with_finding(findings.first().copied()),
            );
        }
    }
}

/// The ACLs a tier's subnets use (association, else the VPC default), each with its
/// inbound entries in evaluation order; the entry a `nacl.admin-port-open` finding names
/// carries that finding.
fn acl_rows(app: &App, cx: &engine::drift::Context<'_>, subnets: &[&model::Subnet], out: &mut Vec<Item>) {
    let th = &app.theme;
    let env = app.env();
    let mut seen: Vec<&str> = Vec::new();
    for s in subnets {
        let Some((acl, _)) = cx.acl_of(s) else { continue };
        if seen.contains(&acl.id.as_str()) {
            continue;
        }
        seen.push(&acl.id);
        let users = subnets.iter().filter(|x| cx.acl_of(x).is_some_and(|(a, _)| a.id == acl.id)).count();
        let findings: Vec<&std::sync::Arc<Finding>> =
            env.findings_for(&acl.id).filter(|f| f.rule == "nacl.admin-port-open").collect();
        let name = acl.tags.get("Name").map(|n| format!("{n} · ")).unwrap_or_default();
        out.push(Item::new(vec![
            Line::from(format!("    {}", acl.id)),
            Line::from(if acl.is_default { "network ACL (default)" } else { "network ACL" }),
            Line::from(format!("{name}{users} subnets, {} entries", acl.entries.len())),
            Line::from(""),
        ]));
        for e in acl.entries.iter().filter(|e| !e.egress) {
            let f = findings
                .iter()
                .copied()
                .filter(|f| f.evidence.get("rule_number").map(Text::as_str) == Some(e.rule_label().as_str()))
                .max_by_key(|f| f.severity);
            let peer = e.cidr.as_deref().or(e.ipv6_cidr.as_deref()).unwrap_or("?");
            out.push(
                Item::new(vec![
                    Line::from(Span::styled(format!("      in #{}", e.rule_label()), th.base)),
                    Line::from(format!(
                        "{} {} {}",
                        if e.allow { "allow" } else { "deny" },
                        e.protocol_name(),
                        e.ports_label()
                    )),
                    Line::from(Span::styled(peer.to_string(), th.dim)),
                    drift_cell(app, f.map(|f| f.as_ref())),
                ])
                .with_finding(f),
            );
        }
    }
}

/// Findings that point at one existing route (rather than at a missing one).
fn route_bound(f: &Finding) -> bool {
    matches!(f.rule.as_str(), "route.peering-forbidden" | "route.internet-forbidden" | "route.blackhole")
        || (f.rule == "route.nat-missing" && f.evidence.contains_key("nat_az"))
}

fn short_az(az: &str) -> String {
    az.rsplit('-').next().unwrap_or(az).to_string()
}

/// The Network pane's columns: the resource names the row; Detail, then Tier / target give way.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::id("Resource", 12, 40),
        Column::gives("Tier / target", 2, 8, 28),
        Column::fill("Detail", 1, 10),
        Column::keep("Drift", 8, 28),
    ]
}
