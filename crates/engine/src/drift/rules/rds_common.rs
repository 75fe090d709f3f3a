//! What the RDS rules share: the in-scope instances and clusters with the checks that
//! apply to each (policy plus per-identifier override).

use crate::design::RdsChecks;
use crate::drift::{Context, FindingBuilder, Findings, Severity, Text};
use model::{DbCluster, DbInstance};

/// An RDS resource judged by the policy.
pub enum Db<'a> {
    Instance(&'a DbInstance),
    Cluster(&'a DbCluster),
}

impl Db<'_> {
    pub fn id(&self) -> &str {
        match self {
            Db::Instance(i) => &i.id,
            Db::Cluster(c) => &c.id,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Db::Instance(_) => "db_instance",
            Db::Cluster(_) => "db_cluster",
        }
    }

    /// Cluster members carry availability, encryption and backups at the cluster level.
    pub fn is_cluster_member(&self) -> bool {
        matches!(self, Db::Instance(i) if i.cluster_id.is_some())
    }

    pub fn engine(&self) -> &str {
        match self {
            Db::Instance(i) => &i.engine,
            Db::Cluster(c) => &c.engine,
        }
    }

    /// How a message names it, `RDS instance db-1 (postgres, db.t3.micro)`: joined only
    /// if the message is read (a large account has hundreds of RDS findings).
    pub fn label(&self) -> Text {
        match self {
            Db::Instance(i) => Text::template(
                &["RDS instance ", " (", ", ", ")"],
                [Text::from(&i.id), Text::from(&i.engine), Text::from(&i.class)],
            ),
            Db::Cluster(c) => Text::template(&["RDS cluster ", " (", ")"], [Text::from(&c.id), Text::from(&c.engine)]),
        }
    }
}

/// In-scope RDS resources with their effective checks.
pub fn targets<'a>(cx: &Context<'a>) -> Vec<(Db<'a>, RdsChecks)> {
    let Some(policy) = cx.design.rds.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in cx.snap.db_instances.iter().filter(|i| cx.vpc_covered(i.vpc_id.as_deref())) {
        out.push((Db::Instance(i), policy.checks_for(&i.id)));
    }
    for c in cx.snap.db_clusters.iter().filter(|c| cx.vpc_covered(c.vpc_id.as_deref())) {
        out.push((Db::Cluster(c), policy.checks_for(&c.id)));
    }
    out
}

/// A finding about `db`, with its engine as evidence. The clause is shared: it depends on
/// the design's value, not on the database.
pub fn builder(id: &'static str, sev: Severity, db: &Db<'_>, clause: &Text) -> FindingBuilder {
    FindingBuilder::new(id, sev, db.kind(), db.id()).evidence("engine", db.engine()).clause(clause)
}

/// A yes/no RDS property the design pins: which check field holds the wanted value,
/// how to read the live value, and whether cluster members are judged directly.
pub struct BoolCheck {
    pub id: &'static str,
    /// AWS attribute name, as shown to the user.
    pub attribute: &'static str,
    /// Design key, for the clause.
    pub key: &'static str,
    pub want: fn(&RdsChecks) -> Option<bool>,
    pub actual: fn(&Db<'_>) -> Option<bool>,
    pub judge_members: bool,
}

impl BoolCheck {
    pub fn applies(&self, d: &crate::design::Design) -> bool {
        d.rds.as_ref().is_some_and(|p| {
            (self.want)(&p.checks).is_some() || p.overrides.iter().any(|o| (self.want)(&o.checks).is_some())
        })
    }

    pub fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let sev = super::default_severity(self.id);
        let attr = self.attribute;
        // Every text but the database's name depends on one yes/no value (the live value
        // is the wanted one's opposite): made once per value, not once per database.
        let [no, yes] = [false, true].map(|v| BoolTexts {
            value: Text::lit(if v { "true" } else { "false" }),
            clause: Text::shared(format!("rds.{} = {v}", self.key)),
            is: Text::shared(format!("{attr} = {v}")),
        });
        for (db, checks) in targets(cx) {
            let Some(want) = (self.want)(&checks) else { continue };
            if db.is_cluster_member() && !self.judge_members {
                continue;
            }
            let Some(actual) = (self.actual)(&db) else { continue };
            if actual == want {
                continue;
            }
            let (w, a) = if want { (&yes, &no) } else { (&no, &yes) };
            out.push(
                builder(self.id, sev, &db, &w.clause)
                    .expected(w.is.clone())
                    .actual(a.is.clone())
                    .evidence(attr, a.value.clone())
                    .message(Text::template(
                        &["", " has ", "; the design requires ", ""],
                        [db.label(), a.is.clone(), w.value.clone()],
                    )),
            );
        }
    }
}

/// The texts of one value of a yes/no check: `true`, `rds.multi_az = true`, `MultiAZ = true`.
struct BoolTexts {
    value: Text,
    clause: Text,
    is: Text,
}
