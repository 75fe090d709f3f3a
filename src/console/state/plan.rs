//! A Terraform plan in the console (`--plan FILE` or `:plan FILE`): judged against the
//! environment it was loaded for, and diffed into the `+` / `-` marks the Network,
//! Security and Databases panes show in place. Both are computed here, in `update`, when
//! the plan arrives or that environment's inventory changes; panes only read the cache.

use super::{App, EventKind};
use crate::console::action::Pane;
use engine::plan::{self, PlanReport};
use engine::terraform::Plan;
use model::*;
use std::collections::{BTreeMap, BTreeSet};

/// The loaded plan and what it does to its environment.
pub struct PlanState {
    /// File it was read from, as given.
    pub path: String,
    /// Environment it is judged against (the one on screen when it was loaded).
    pub env: usize,
    pub plan: Plan,
    /// `None` while the environment's first inventory is still arriving: a judgement
    /// on half an inventory would read as "would not drift".
    pub report: Option<PlanReport>,
    pub marks: Marks,
}

/// Planned differences per pane row, keyed by inventory id.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Marks {
    /// Route table id -> routes the plan adds / destinations it removes.
    pub routes_added: BTreeMap<String, Vec<Route>>,
    pub routes_removed: BTreeMap<String, BTreeSet<String>>,
    pub tables_removed: BTreeSet<String>,
    /// Group id -> rules the plan adds / removes (as the pane describes them).
    pub rules_added: BTreeMap<String, Vec<SgRule>>,
    pub rules_removed: BTreeMap<String, Vec<SgRule>>,
    pub groups_added: Vec<SecurityGroup>,
    pub groups_removed: BTreeSet<String>,
    /// Databases (instances, clusters, replication groups): added as (id, what), removed,
    /// or changed in a judged attribute.
    pub dbs_added: Vec<(String, String)>,
    pub dbs_removed: BTreeSet<String>,
    pub dbs_changed: BTreeSet<String>,
}

fn same_route(a: &Route, b: &Route) -> bool {
    a.destination == b.destination && a.target_kind == b.target_kind && a.target_id == b.target_id
}

/// Rules are compared as the pane shows them: AWS rule ids do not exist before apply.
pub fn same_rule(a: &SgRule, b: &SgRule) -> bool {
    a.protocol_name() == b.protocol_name() && a.ports_label() == b.ports_label() && a.peer == b.peer
}

fn diff_rules(before: &[SgRule], after: &[SgRule]) -> (Vec<SgRule>, Vec<SgRule>) {
    let added = after.iter().filter(|r| !before.iter().any(|b| same_rule(b, r))).cloned().collect();
    let removed = before.iter().filter(|r| !after.iter().any(|a| same_rule(a, r))).cloned().collect();
    (added, removed)
}

impl Marks {
    pub fn between(before: &Snapshot, after: &Snapshot) -> Marks {
        let mut m = Marks::default();
        for t in &before.route_tables {
            let Some(a) = after.route_tables.iter().find(|x| x.id == t.id) else {
                m.tables_removed.insert(t.id.clone());
                continue;
            };
            let added: Vec<Route> =
                a.routes.iter().filter(|r| !t.routes.iter().any(|b| same_route(b, r))).cloned().collect();
            let removed: BTreeSet<String> = t
                .routes
                .iter()
                .filter(|r| !a.routes.iter().any(|x| same_route(x, r)))
                .map(|r| r.destination.clone())
                .collect();
            if !added.is_empty() {
                m.routes_added.insert(t.id.clone(), added);
            }
            if !removed.is_empty() {
                m.routes_removed.insert(t.id.clone(), removed);
            }
        }
        for g in &before.security_groups {
            let Some(a) = after.security_groups.iter().find(|x| x.id == g.id) else {
                m.groups_removed.insert(g.id.clone());
                continue;
            };
            let (added, removed) = diff_rules(&g.ingress, &a.ingress);
            if !added.is_empty() {
                m.rules_added.insert(g.id.clone(), added);
            }
            if !removed.is_empty() {
                m.rules_removed.insert(g.id.clone(), removed);
            }
        }
        m.groups_added = after
            .security_groups
            .iter()
            .filter(|g| !before.security_groups.iter().any(|b| b.id == g.id))
            .cloned()
            .collect();
        let dbs = |s: &Snapshot| -> BTreeMap<String, (String, String)> {
            let mut out = BTreeMap::new();
            for d in &s.db_instances {
                let judged = format!(
                    "{:?}",
                    (
                        d.multi_az,
                        d.storage_encrypted,
                        d.publicly_accessible,
                        d.backup_retention_days,
                        d.deletion_protection,
                        &d.class
                    )
                );
                out.insert(d.id.clone(), (format!("RDS instance {} {}", d.engine, d.class), judged));
            }
            for c in &s.db_clusters {
                let judged = format!(
                    "{:?}",
                    (c.multi_az, c.storage_encrypted, c.backup_retention_days, c.deletion_protection, c.members.len())
                );
                out.insert(c.id.clone(), (format!("RDS cluster {}", c.engine), judged));
            }
            for g in &s.cache_replication_groups {
                let judged =
                    format!("{:?}", (&g.multi_az, &g.automatic_failover, g.at_rest_encryption, g.transit_encryption));
                out.insert(g.id.clone(), (format!("ElastiCache {}", g.node_type.clone().unwrap_or_default()), judged));
            }
            out
        };
        let (b, a) = (dbs(before), dbs(after));
        for (id, (what, judged)) in &a {
            match b.get(id) {
                None => m.dbs_added.push((id.clone(), what.clone())),
                Some((_, old)) if old != judged => {
                    m.dbs_changed.insert(id.clone());
                }
                Some(_) => {}
            }
        }
        m.dbs_removed = b.keys().filter(|id| !a.contains_key(*id)).cloned().collect();
        m
    }
}

impl App {
    /// A plan read by the console loop (`--plan`, `:plan FILE`), or why it could not be.
    pub(super) fn plan_loaded(&mut self, path: String, result: Result<Box<Plan>, String>) {
        match result {
            Ok(p) => {
                let n = p.changes.len();
                self.plan = Some(PlanState {
                    path: path.clone(),
                    env: self.current,
                    plan: *p,
                    report: None,
                    marks: Marks::default(),
                });
                self.recompute_plan(self.current);
                self.note_for(self.current, EventKind::Note, None, format!("plan {path} loaded: {n} planned changes"));
                self.set_pane(Pane::Plan);
            }
            Err(e) => self.message = Some(format!("cannot load the plan {path}: {e}")),
        }
    }

    /// Judge the plan again after environment `env`'s inventory changed.
    pub(super) fn recompute_plan(&mut self, env: usize) {
        let Some(state) = self.plan.as_mut().filter(|p| p.env == env) else { return };
        let Some(e) = self.envs.get(env) else { return };
        if !e.pending.is_empty() {
            state.report = None;
            state.marks = Marks::default();
            return;
        }
        let report = plan::evaluate(&e.design, &e.snapshot, &state.plan);
        state.marks = Marks::between(&e.snapshot, &report.after);
        state.report = Some(report);
    }

    /// The marks the panes show: only for the environment the plan was loaded for.
    pub fn plan_marks(&self) -> Option<&Marks> {
        self.plan.as_ref().filter(|p| p.env == self.current && p.report.is_some()).map(|p| &p.marks)
    }
}
