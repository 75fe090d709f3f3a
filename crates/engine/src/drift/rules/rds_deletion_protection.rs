//! `rds.deletion-protection`: deletion protection differs from the design.

use super::rds_common::{BoolCheck, Db};
use super::{RDS, Rule};
use crate::design::Design;
use crate::drift::{Context, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;

const CHECK: BoolCheck = BoolCheck {
    id: "rds.deletion-protection",
    attribute: "DeletionProtection",
    key: "deletion_protection",
    want: |c| c.deletion_protection,
    actual: |db| match db {
        Db::Instance(i) => Some(i.deletion_protection),
        Db::Cluster(c) => Some(c.deletion_protection),
    },
    judge_members: false,
};

impl Rule for R {
    fn id(&self) -> &'static str {
        CHECK.id
    }
    fn needs(&self) -> &'static [Kind] {
        RDS
    }
    fn applies(&self, d: &Design) -> bool {
        CHECK.applies(d)
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        CHECK.check(cx, out)
    }
}
