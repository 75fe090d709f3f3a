//! `rds.instance-class`: an instance class outside the design's allowed pattern (for
//! example smaller than db.t3.medium in production).

use super::rds_common::{Db, builder, targets};
use super::{RDS, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, Findings, Text};
use model::Kind;

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
        // The clause and expected text depend on the pattern only (one per override at
        // most): made once per pattern, not once per database.
        let mut per_pattern: Vec<(String, Text, Text)> = Vec::new();
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
            let at = match per_pattern.iter().position(|(p, _, _)| *p == pattern.as_str()) {
                Some(at) => at,
                None => {
                    let p = pattern.as_str();
                    let clause = Text::shared(format!("rds.instance_class = \"{p}\""));
                    per_pattern.push((p.to_string(), clause, Text::shared(format!("class matching {p}"))));
                    per_pattern.len() - 1
                }
            };
            let (_, clause, expected) = &per_pattern[at];
            let class = Text::from(class);
            out.push(
                builder(ID, default_severity(ID), &db, clause)
                    .expected(expected.clone())
                    .actual(class.clone())
                    .evidence("DBInstanceClass", class.clone())
                    .message(Text::template(&["", " uses ", ", outside the allowed classes"], [db.label(), class])),
            );
        }
    }
}
