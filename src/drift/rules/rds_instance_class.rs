//! `rds.instance-class`: an instance class outside the design's allowed pattern (for
//! example smaller than db.t3.medium in production).

use super::rds_common::{Db, builder, targets};
use super::{RDS, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, Findings};
use crate::model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "rds.instance-class";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        RDS
    }
    fn applies(&self, d: &Design) -> bool {
        d.rds.as_ref().is_some_and(|p| {
            p.checks.instance_class.is_some() || p.overrides.iter().any(|o| o.checks.instance_class.is_some())
        })
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for (db, checks) in targets(cx) {
            let Some(pattern) = checks.instance_class.as_ref() else { continue };
            let class = match &db {
                Db::Instance(i) => Some(i.class.as_str()),
                Db::Cluster(c) => c.class.as_deref(),
            };
            let Some(class) = class else { continue };
            if pattern.is_match(class) {
                continue;
            }
            out.push(
                builder(ID, default_severity(ID), &db, &format!("rds.instance_class = \"{}\"", pattern.as_str()))
                    .expected(format!("class matching {}", pattern.as_str()))
                    .actual(class.to_string())
                    .evidence("DBInstanceClass", class)
                    .message(format!("{} uses {class}, outside the allowed classes", db.label())),
            );
        }
    }
}
