//! `rds.encryption`: storage encryption at rest differs from the design.

use super::rds_common::{BoolCheck, Db};
use super::{RDS, Rule};
use crate::design::Design;
use crate::drift::{Context, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;

const CHECK: BoolCheck = BoolCheck {
    id: "rds.encryption",
    attribute: "StorageEncrypted",
    key: "storage_encrypted",
    want: |c| c.storage_encrypted,
    actual: |db| match db {
        Db::Instance(i) => Some(i.storage_encrypted),
        Db::Cluster(c) => Some(c.storage_encrypted),
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
