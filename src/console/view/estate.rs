//! Rows of the Estate pane (view-model read by `panes::estate` and by `App` for selection).

use super::columns::{By, Column};
use super::{Item, age};
use crate::console::state::{App, EnvState, EnvStatus};
use engine::design::Criticality;
use engine::drift::Severity;
use ratatui::text::{Line, Span};

/// One row per environment, in `--design` order (until sorted: a row names its environment).
/// An organisation's environments (`--org`) are rolled up under their OU: a header per OU
/// path with how many environments it holds, how many fail, and its worst finding.
pub fn items(app: &App) -> Vec<Item> {
    let rows: Vec<Item> = app.envs.iter().enumerate().map(|(i, env)| row(app, i, env)).collect();
    if app.envs.iter().all(|e| e.design.environment.org.is_none()) {
        return rows;
    }
    // The Estate is built on every draw: each environment's OU is worked out once.
    let ou = |i: usize| {
        app.envs[i].design.environment.org.as_ref().map_or_else(
            || "(not in the organisation)".to_string(),
            |o| {
                if o.ou_path.is_empty() { "Root".to_string() } else { format!("Root/{}", o.ou_path) }
            },
        )
    };
    let ous: Vec<String> = (0..app.envs.len()).map(ou).collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|a, b| ous[*a].cmp(&ous[*b]));
    let mut out = Vec::with_capacity(rows.len() + 8);
    let mut current: Option<String> = None;
    for i in order {
        let path = ous[i].clone();
        if current.as_deref() != Some(path.as_str()) {
            let members: Vec<&EnvState> =
                app.envs.iter().zip(&ous).filter(|(_, o)| **o == path).map(|(e, _)| e).collect();
            let failing = members.iter().filter(|e| matches!(e.status(), EnvStatus::Failed(_))).count();
            let worst = members.iter().flat_map(|e| e.report.findings.iter().map(|f| f.severity)).max();
            let th = &app.theme;
            let mut summary = vec![Span::styled(format!("{} environments", members.len()), th.dim)];
            if failing > 0 {
                summary.push(Span::styled(format!(", {failing} failing"), th.failed));
            }
            if let Some(w) = worst {
                summary.push(Span::styled(format!(", worst {}", w.as_str()), th.severity(w)));
            }
            // The summary goes in the last (widest) column; the OU names the row.
            let mut cells = vec![Line::from(Span::styled(format!("OU {path}"), th.title))];
            cells.extend(std::iter::repeat_n(Line::from(""), 6));
            cells.push(Line::from(summary));
            out.push(Item::new(cells).header());
            current = Some(path);
        }
        if let Some(r) = rows.get(i) {
            out.push(r.clone());
        }
    }
    out
}

fn row(app: &App, i: usize, env: &EnvState) -> Item {
    let th = &app.theme;
    let e = &env.design.environment;
    let crit = match e.criticality {
        Criticality::Prod => Span::styled(" PROD ", th.prod_banner),
        Criticality::NonProd => Span::styled("non-prod", th.dim),
    };
    let counts = env.report.counts();
    let mut sev: Vec<Span<'static>> = Vec::new();
    for s in Severity::ALL_DESC {
        let n = counts.get(&s).copied().unwrap_or(0);
        let label = format!("{}{} ", &s.as_str()[..1].to_uppercase(), n);
        sev.push(if n > 0 { Span::styled(label, th.severity(s)) } else { Span::styled(label, th.dim) });
    }
    let firing = env.alarms_firing();
    let (status, style) = match env.status() {
        EnvStatus::Connecting => ("connecting…".to_string(), th.dim),
        EnvStatus::Loading(n) => (format!("loading {n} kinds…"), th.dim),
        EnvStatus::Ok => ("ok".to_string(), th.ok),
        EnvStatus::Stale(why) => (format!("STALE: {why}"), th.stale),
        EnvStatus::Failed(why) => (format!("FAILED: {why}"), th.failed),
    };
    let marker = if i == app.current { "▶ " } else { "  " };
    let mut item = Item::new(vec![
        Line::from(vec![Span::raw(marker), Span::styled(e.name.clone(), th.title)]),
        Line::from(env.snapshot.account.clone().or_else(|| e.account_id.clone()).unwrap_or_else(|| "?".into())),
        Line::from(env.snapshot.region.clone()),
        Line::from(crit),
        Line::from(sev),
        Line::from(if firing > 0 {
            Span::styled(firing.to_string(), th.severity(Severity::High))
        } else {
            Span::styled("0", th.dim)
        }),
        Line::from(Span::styled(age(app, env.oldest_data()), th.dim)),
        Line::from(Span::styled(status, style)),
    ]);
    // A row is marked by its worst finding, so drift-only and colours work as elsewhere.
    item.severity = env.report.findings.iter().map(|f| f.severity).max();
    item.finding = env.report.findings.iter().max_by_key(|f| f.severity).cloned();
    // Enter opens the environment the row names (the rows may be sorted).
    item.about(Some(e.name.clone()))
}

/// The Estate pane's columns: the environment names the row; Crit, Region, Account,
/// Oldest give way; findings, alarms and status stay.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::id("Environment", 12, 32),
        Column::gives("Account", 3, 12, 12),
        Column::gives("Region", 2, 9, 14),
        Column::gives("Crit", 1, 4, 8),
        Column::keep("Findings C/H/M/L/I", 19, 19),
        Column::keep("ALARM", 5, 5),
        Column::gives("Oldest", 4, 6, 9).by(By::Age),
        Column { fill: true, ..Column::keep("Status", 10, u16::MAX) },
    ]
}
