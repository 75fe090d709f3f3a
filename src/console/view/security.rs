//! Rows of the Security pane (view-model read by `panes::security` and by `App` for selection):
//! groups by role, each with its ingress rules; a group's and a rule's cells are made when
//! read (`Deferred::Group`, `Deferred::Rule`).
//! With a plan loaded, rules and groups it adds are marked `+`,
//! those it removes `-` (marks cached in `App::plan`).

use super::columns::Column;
use super::{Deferred, Item, drift_cell};
use crate::console::state::App;
use engine::design::Design;
use engine::drift::{Context, Finding, Report, Text};
use model::{SecurityGroup, SgRule, Snapshot};
use ratatui::text::{Line, Span};
use std::collections::HashMap;
use std::sync::Arc;

fn label(f: &Finding) -> &'static str {
    match f.rule.as_str() {
        "sg.admin-port-open" => "admin port open",
        "sg.public-ingress" => "public, not declared",
        "sg.flow-undeclared" => "flow not declared",
        _ => "",
    }
}

/// A group's findings with the evidence a rule row is matched by, read once per group
/// (not once per rule and finding: evidence lookups were a quarter of a rebuild).
struct Keyed<'a> {
    rule_id: Option<&'a str>,
    ports: Option<&'a str>,
    source: Option<&'a str>,
    finding: &'a Arc<Finding>,
}

fn keyed<'a>(findings: &[&'a Arc<Finding>]) -> Vec<Keyed<'a>> {
    findings
        .iter()
        .map(|f| Keyed {
            rule_id: f.evidence.get("rule_id").map(Text::as_str),
            ports: f.evidence.get("ports").map(Text::as_str),
            source: f.evidence.get("source").map(Text::as_str),
            finding: f,
        })
        .collect()
}

/// The finding about one rule: by AWS rule id, else by ports and source.
fn rule_finding<'a>(findings: &[Keyed<'a>], r: &SgRule) -> Option<&'a Arc<Finding>> {
    let mut by_text: Option<(String, String)> = None;
    findings
        .iter()
        .filter(|k| match (k.rule_id, &r.rule_id) {
            (Some(a), Some(b)) => a == b,
            _ => {
                let (ports, source) = by_text.get_or_insert_with(|| (r.ports_label(), r.peer.describe()));
                k.ports == Some(ports.as_str()) && k.source == Some(source.as_str())
            }
        })
        .map(|k| k.finding)
        .max_by_key(|f| f.severity)
}

/// The rows built here, on the UI thread (`view::build` takes the worker's instead when
/// it built them for the report on screen, see `worker_rows`); with a plan loaded, its
/// `+` rows go under their groups.
pub fn items(app: &App) -> Vec<Item> {
    let env = app.env();
    let cx = env.context();
    let marks = app.plan_marks();
    let planned = |g: &SecurityGroup| -> Vec<Item> {
        marks.and_then(|m| m.rules_added.get(&g.id)).into_iter().flatten().map(|r| planned_rule(app, r)).collect()
    };
    let mut out = base_rows(&env.design, &env.snapshot, &cx, |id| env.findings_for(id).collect(), planned);
    for g in marks.map(|m| m.groups_added.as_slice()).unwrap_or_default() {
        out.push(
            Item::new(vec![
                super::plan::mark(app, true, g.id.clone()),
                Line::from(Span::styled("planned group", app.theme.key)),
                Line::from(g.name.clone()),
                Line::from(""),
            ])
            .header(),
        );
        out.extend(g.ingress.iter().map(|r| planned_rule(app, r)));
    }
    out
}

/// The rows built on the evaluation worker with each result while the Security pane is
/// on screen (`state/worker.rs`), so the UI thread only swaps them in: the same rows
/// `items` makes without a plan. Reach findings, merged into the report on the UI
/// thread, never match a rule row (they name no rule id, ports or source) nor are
/// `sg.unclassified`, so rows built from the drift report alone are the same.
pub fn worker_rows(design: &Design, snapshot: &Snapshot, cx: &Context<'_>, report: &Report) -> Vec<Item> {
    let mut by_group: HashMap<&str, Vec<&Arc<Finding>>> = HashMap::new();
    for f in &report.findings {
        by_group.entry(f.resource.as_str()).or_default().push(f);
    }
    base_rows(design, snapshot, cx, |id| by_group.get(id).cloned().unwrap_or_default(), |_| Vec::new())
}

/// Groups by role (in design order, unclassified last), each with its ingress rules and
/// then the rows `after` gives it; `findings_for` gives a group's findings in report order.
fn base_rows<'r>(
    design: &Design,
    snapshot: &Snapshot,
    cx: &Context<'_>,
    findings_for: impl Fn(&str) -> Vec<&'r Arc<Finding>>,
    after: impl Fn(&SecurityGroup) -> Vec<Item>,
) -> Vec<Item> {
    // Each group with its position in the snapshot (what a deferred row names).
    let all = &snapshot.security_groups;
    let mut at = 0;
    let mut groups: Vec<(u32, &SecurityGroup)> = cx
        .groups()
        .filter_map(|g| {
            at += all[at..].iter().position(|x| std::ptr::eq(x, g))?;
            Some((u32::try_from(at).ok()?, g))
        })
        .collect();
    let order = |id: &str| {
        cx.role_of(id).and_then(|r| design.security.roles.iter().position(|x| x.name == r)).unwrap_or(usize::MAX)
    };
    // Keys computed once per group, not per comparison (2,000 groups: 40,000 role lookups).
    groups.sort_by_cached_key(|(_, g)| (order(&g.id), g.name.as_str()));
    let mut out = Vec::with_capacity(groups.iter().map(|(_, g)| 1 + g.ingress.len()).sum());
    for (gi, g) in groups {
        let findings = findings_for(&g.id);
        let group_level = findings.iter().copied().find(|f| f.rule == "sg.unclassified");
        out.push(Item::deferred(Deferred::Group(gi)).header().with_finding(group_level));
        let keyed = keyed(&findings);
        for (ri, r) in g.ingress.iter().enumerate() {
            let f = rule_finding(&keyed, r);
            let ri = u32::try_from(ri).unwrap_or(u32::MAX);
            out.push(Item::deferred(Deferred::Rule(gi, ri)).with_finding(f));
        }
        out.extend(after(g));
    }
    out
}

/// The cells of a group's header row (`group_level`: its `sg.unclassified` finding).
pub fn group_cells(app: &App, group: u32, group_level: Option<&Finding>) -> Vec<Line<'static>> {
    let env = app.env();
    let Some(g) = env.snapshot.security_groups.get(group as usize) else { return Vec::new() };
    let role = env.context().role_of(&g.id).map_or("(no role)".to_string(), |r| format!("role {r}"));
    let gone = app.plan_marks().is_some_and(|m| m.groups_removed.contains(&g.id));
    vec![
        if gone { super::plan::mark(app, false, g.id.clone()) } else { Line::from(g.id.clone()) },
        Line::from(Span::styled(role, app.theme.key)),
        Line::from(g.name.clone()),
        Line::from(if let Some(f) = group_level { format!("✗ {}", f.rule) } else { String::new() }),
    ]
}

/// The cells of an ingress rule's row (`f`: the finding about the rule).
pub fn rule_cells(app: &App, group: u32, rule: u32, f: Option<&Finding>) -> Vec<Line<'static>> {
    let th = &app.theme;
    let env = app.env();
    let Some(g) = env.snapshot.security_groups.get(group as usize) else { return Vec::new() };
    let Some(r) = g.ingress.get(rule as usize) else { return Vec::new() };
    let peer = match &r.peer {
        model::RulePeer::Group(id) => match env.context().role_of(id) {
            Some(role) => format!("{id} ({role})"),
            None => id.clone(),
        },
        p => p.describe(),
    };
    let desc = r.description.clone().map(|d| format!("  {d}")).unwrap_or_default();
    let removed = app
        .plan_marks()
        .and_then(|m| m.rules_removed.get(&g.id))
        .is_some_and(|rs| rs.iter().any(|x| crate::console::state::plan_same_rule(x, r)));
    let what = format!("  in {} {}", r.protocol_name(), r.ports_label());
    vec![
        if removed { super::plan::mark(app, false, what) } else { Line::from(what) },
        Line::from(format!("from {peer}")),
        Line::from(Span::styled(format!("{}{desc}", r.rule_id.clone().unwrap_or_default()), th.dim)),
        match f {
            Some(f) => Line::from(Span::styled(format!("✗ {}", label(f)), th.severity(f.severity))),
            None => drift_cell(app, None),
        },
    ]
}

/// The text of a rule row as the filter reads it: `rule_cells` joined by spaces, written
/// straight from the rule (tests/ui_rows.rs holds the two equal). With a plan loaded
/// (its `-` marks) it is read from the cells themselves.
pub fn write_rule_text(app: &App, group: u32, rule: u32, f: Option<&Finding>, buf: &mut String) {
    use std::fmt::Write;
    let env = app.env();
    let Some(g) = env.snapshot.security_groups.get(group as usize) else { return };
    let Some(r) = g.ingress.get(rule as usize) else { return };
    if app.plan_marks().is_some() {
        let cells = rule_cells(app, group, rule, f);
        for (i, l) in cells.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            let _ = write!(buf, "{l}");
        }
        return;
    }
    let _ = write!(buf, "  in {} {} from ", r.protocol_name(), r.ports());
    match &r.peer {
        model::RulePeer::Group(id) => match env.context().role_of(id) {
            Some(role) => {
                let _ = write!(buf, "{id} ({role})");
            }
            None => buf.push_str(id),
        },
        p => buf.push_str(p.as_str()),
    }
    buf.push(' ');
    buf.push_str(r.rule_id.as_deref().unwrap_or_default());
    if let Some(d) = &r.description {
        buf.push_str("  ");
        buf.push_str(d);
    }
    buf.push(' ');
    if let Some(f) = f {
        buf.push_str("✗ ");
        buf.push_str(label(f));
    }
}

/// A rule the plan adds: judged on the Plan pane, marked `+` here.
fn planned_rule(app: &App, r: &SgRule) -> Item {
    Item::new(vec![
        super::plan::mark(app, true, format!("  in {} {}", r.protocol_name(), r.ports_label())),
        Line::from(format!("from {}", r.peer.describe())),
        Line::from(Span::styled("planned", app.theme.dim)),
        Line::from(""),
    ])
}

/// The Security pane's columns: the group or rule and the group name or rule id name the
/// row; Role / source gives way.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::id("Group / rule", 12, 26),
        Column::gives("Role / source", 1, 10, 30),
        Column::id("Name / rule id", 12, 40),
        Column::keep("Drift", 8, 28),
    ]
}
