//! `rds.public`: a database reachable from the internet when the design says it must not be (instances, cluster members included).

use super::rds_common::{BoolCheck, Db};
use super::{RDS, Rule};
use crate::design::Design;
use crate::drift::{Context, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;

const CHECK: BoolCheck = BoolCheck {
    id: "rds.public",
    attribute: "PubliclyAccessible",
    key: "publicly_accessible",
    want: |c| c.publicly_accessible,
    actual: |db| match db {
        Db::Instance(i) => Some(i.publicly_accessible),
        Db::Cluster(c) => c.publicly_accessible,
    },
    judge_members: true,
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
