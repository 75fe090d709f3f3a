//! Rows of the Databases pane (view-model read by `panes::databases` and by `App` for selection).
//! With a plan loaded, databases it adds are marked `+`, those it
//! removes `-`, those it changes `~`.

use super::Item;
use super::columns::Column;
use crate::console::state::App;
use engine::drift::Finding;
use model::Kind;
use ratatui::text::{Line, Span};

pub const KINDS: &[Kind] = &[Kind::DbInstances, Kind::DbClusters, Kind::CacheReplicationGroups];

fn yn(b: bool) -> &'static str {
    if b { "yes" } else { "NO" }
}

fn flag(v: Option<&str>) -> &'static str {
    match v {
        Some("enabled") => "yes",
        Some("disabled") => "NO",
        Some(_) => "changing",
        None => "?",
    }
}

/// `eu-west-2a` -> `2a`: the region is in the header already.
fn short_az(az: &str) -> String {
    az.rsplit('-').next().unwrap_or(az).to_string()
}

/// One row: `cells` as (text, rules that make this cell drift).
fn row(app: &App, id: &str, cells: Vec<(String, &[&str])>) -> Item {
    let findings: Vec<&std::sync::Arc<Finding>> = app.env().findings_for(id).collect();
    let count = findings.len();
    let marks = app.plan_marks();
    let mut lines: Vec<Line<'static>> = cells
        .into_iter()
        .map(|(text, rules)| {
            match findings.iter().filter(|f| rules.contains(&f.rule.as_str())).max_by_key(|f| f.severity) {
                Some(f) => Line::from(Span::styled(text, app.theme.severity(f.severity))),
                None => Line::from(text),
            }
        })
        .chain(std::iter::once(Line::from(if count > 0 { format!("✗{count}") } else { String::new() })))
        .collect();
    if let (Some(m), Some(first)) = (marks, lines.first_mut()) {
        let text = first.to_string();
        if m.dbs_removed.contains(id) {
            *first = super::plan::mark(app, false, text);
        } else if m.dbs_changed.contains(id) {
            *first = Line::from(Span::styled(format!("~{}", text.strip_prefix(' ').unwrap_or(&text)), app.theme.stale));
        }
    }
    Item::new(lines).with_finding(findings.into_iter().max_by_key(|f| f.severity))
}

pub fn items(app: &App) -> Vec<Item> {
    let env = app.env();
    let snap = &env.snapshot;
    let cx = env.context();
    let mut out = Vec::new();
    let access = |p: bool| if p { "PUBLIC".to_string() } else { "private".to_string() };
    let backups = |d: i32, dp: bool| format!("{d}d{}", if dp { "" } else { " !DP" });

    let instances: Vec<_> = snap.db_instances.iter().filter(|i| cx.vpc_covered(i.vpc_id.as_deref())).collect();
    if !instances.is_empty() {
        out.push(Item::new(vec![Line::from("RDS instances")]).header());
    }
    for i in instances {
        let azs = [i.az.as_deref(), i.secondary_az.as_deref()]
            .into_iter()
            .flatten()
            .map(short_az)
            .collect::<Vec<_>>()
            .join(",");
        out.push(row(
            app,
            &i.id,
            vec![
                (format!("  {}", i.id), &[]),
                (format!("{} {}", i.engine, i.class), &["rds.instance-class"]),
                (i.status.clone(), &[]),
                (yn(i.multi_az).into(), &["rds.multi-az"]),
                (azs, &[]),
                (yn(i.storage_encrypted).into(), &["rds.encryption"]),
                (access(i.publicly_accessible), &["rds.public"]),
                (
                    backups(i.backup_retention_days, i.deletion_protection),
                    &["rds.backup-retention", "rds.deletion-protection"],
                ),
            ],
        ));
    }
    let clusters: Vec<_> = snap.db_clusters.iter().filter(|c| cx.vpc_covered(c.vpc_id.as_deref())).collect();
    if !clusters.is_empty() {
        out.push(Item::new(vec![Line::from("RDS clusters")]).header());
    }
    for c in clusters {
        out.push(row(
            app,
            &c.id,
            vec![
                (format!("  {}", c.id), &[]),
                (format!("{} ×{}", c.engine, c.members.len()), &["rds.instance-class"]),
                (c.status.clone(), &[]),
                (yn(c.multi_az).into(), &["rds.multi-az"]),
                (c.azs.iter().map(|a| short_az(a)).collect::<Vec<_>>().join(","), &[]),
                (yn(c.storage_encrypted).into(), &["rds.encryption"]),
                (c.publicly_accessible.map_or("-".into(), access), &["rds.public"]),
                (
                    backups(c.backup_retention_days, c.deletion_protection),
                    &["rds.backup-retention", "rds.deletion-protection"],
                ),
            ],
        ));
    }
    let groups: Vec<_> = snap.cache_replication_groups.iter().filter(|g| cx.vpc_covered(g.vpc_id.as_deref())).collect();
    if !groups.is_empty() {
        out.push(Item::new(vec![Line::from("ElastiCache (* primary)")]).header());
    }
    for g in groups {
        let azs: Vec<String> = g
            .members
            .iter()
            .map(|m| {
                let az = m.az.as_deref().map_or("?".to_string(), short_az);
                format!("{az}{}", if m.role.as_deref() == Some("primary") { "*" } else { "" })
            })
            .collect();
        let enc = match (g.at_rest_encryption, g.transit_encryption) {
            (Some(true), Some(true)) => "yes".to_string(),
            (a, t) => format!("rest {} tls {}", yn(a == Some(true)), yn(t == Some(true))),
        };
        out.push(row(
            app,
            &g.id,
            vec![
                (format!("  {}", g.id), &[]),
                (g.node_type.clone().unwrap_or_default(), &[]),
                (g.status.clone(), &[]),
                (
                    format!("{} / fo {}", flag(g.multi_az.as_deref()), flag(g.automatic_failover.as_deref())),
                    &["cache.multi-az", "cache.automatic-failover"],
                ),
                (azs.join(","), &[]),
                (enc, &["cache.encryption"]),
                ("-".into(), &[]),
                ("-".into(), &[]),
            ],
        ));
    }
    let added = app.plan_marks().map(|m| m.dbs_added.as_slice()).unwrap_or_default();
    if !added.is_empty() {
        out.push(Item::new(vec![Line::from("Planned")]).header());
    }
    for (id, what) in added {
        let mut cells = vec![super::plan::mark(app, true, format!("  {id}")), Line::from(what.clone())];
        cells.extend(std::iter::repeat_n(Line::from(""), columns(app).len() - 2));
        out.push(Item::new(cells));
    }
    out
}

/// The Databases pane's columns: the resource names the row; Encrypted, Access, AZs,
/// Backups, Engine, Status and Multi-AZ give way in that order; Drift stays.
pub fn columns(_: &App) -> Vec<Column> {
    vec![
        Column::id("Resource", 12, 48),
        Column::gives("Engine / class", 5, 8, 28),
        Column::gives("Status", 6, 6, 12),
        Column::gives("Multi-AZ/FO", 7, 5, 11),
        Column::gives("AZs", 3, 3, 12),
        Column::gives("Encrypted", 1, 3, 9),
        Column::gives("Access", 2, 6, 10),
        Column::gives("Backups", 4, 4, 10),
        Column::keep("Drift", 8, 40),
    ]
}
