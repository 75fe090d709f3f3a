//! `rds.backup-retention`: automated backups kept for fewer days than the design's minimum.

use super::rds_common::{Db, builder, targets};
use super::{RDS, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, Findings};
use crate::model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "rds.backup-retention";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        RDS
    }
    fn applies(&self, d: &Design) -> bool {
        d.rds.as_ref().is_some_and(|p| {
            p.checks.min_backup_retention_days.is_some()
                || p.overrides.iter().any(|o| o.checks.min_backup_retention_days.is_some())
        })
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (db, checks) in targets(cx) {
            let Some(min) = checks.min_backup_retention_days else { continue };
            if db.is_cluster_member() {
                continue;
            }
            let days = match &db {
                Db::Instance(i) => i.backup_retention_days,
                Db::Cluster(c) => c.backup_retention_days,
            };
            if days >= min {
                continue;
            }
            out.push(
                builder(ID, default_severity(ID), &db, &format!("rds.min_backup_retention_days = {min}"))
                    .expected(format!("BackupRetentionPeriod >= {}", plural_days(min)))
                    .actual(format!("BackupRetentionPeriod = {}", plural_days(days)))
                    .evidence("BackupRetentionPeriod", days.to_string())
                    .message(format!(
                        "{} keeps backups for {days} days; the design requires at least {min}",
                        db.label()
                    )),
            );
        }
    }
}

fn plural_days(n: i32) -> String {
    if n == 1 { "1 day".to_string() } else { format!("{n} days") }
}
