//! `rds.multi-az`: a database that should be Multi-AZ but is not. Cluster members are judged through their cluster.

use super::rds_common::{BoolCheck, Db};
use super::{RDS, Rule};
use crate::design::Design;
use crate::drift::{Context, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;

const CHECK: BoolCheck = BoolCheck {
    id: "rds.multi-az",
    attribute: "MultiAZ",
    key: "multi_az",
    want: |c| c.multi_az,
    actual: |db| match db {
        Db::Instance(i) => Some(i.multi_az),
        Db::Cluster(c) => Some(c.multi_az),
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
