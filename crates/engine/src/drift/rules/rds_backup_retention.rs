//! `rds.backup-retention`: automated backups kept for fewer days than the design's minimum.

use super::rds_common::{Db, builder, targets};
use super::{RDS, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, Findings, Text};
use model::Kind;

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
        // The design's minimum differs only between overrides (a few values): its texts
        // are made once per value, not once per database.
        let mut per_min: Vec<(i32, MinTexts)> = Vec::new();
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
            let at = match per_min.iter().position(|(m, _)| *m == min) {
                Some(at) => at,
                None => {
                    per_min.push((min, MinTexts::new(min)));
                    per_min.len() - 1
                }
            };
            let t = &per_min[at].1;
            let n = Text::from(days);
            // "1 day", "7 days": one pair of static pieces per grammatical number.
            let (actual, message): (&'static [&str; 2], &'static [&str; 4]) = if days == 1 {
                (
                    &["BackupRetentionPeriod = ", " day"],
                    &["", " keeps backups for ", " day; the design requires at least ", ""],
                )
            } else {
                (
                    &["BackupRetentionPeriod = ", " days"],
                    &["", " keeps backups for ", " days; the design requires at least ", ""],
                )
            };
            let (actual, message) =
                (Text::template(actual, [n.clone()]), Text::template(message, [db.label(), n.clone(), t.min.clone()]));
            out.push(
                builder(ID, default_severity(ID), &db, &t.clause)
                    .expected(t.expected.clone())
                    .actual(actual)
                    .evidence("BackupRetentionPeriod", n)
                    .message(message),
            );
        }
    }
}

/// The texts every finding under one minimum shares.
struct MinTexts {
    min: Text,
    clause: Text,
    expected: Text,
}

impl MinTexts {
    fn new(min: i32) -> Self {
        MinTexts {
            min: Text::from(min),
            clause: Text::shared(format!("rds.min_backup_retention_days = {min}")),
            expected: Text::shared(format!("BackupRetentionPeriod >= {}", plural_days(min))),
        }
    }
}

fn plural_days(n: i32) -> String {
    if n == 1 { "1 day".to_string() } else { format!("{n} days") }
}
