//! `alarm.missing`: a required alarm (by name or glob) does not exist.

use super::{ALARMS, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "alarm.missing";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        ALARMS
    }
    fn applies(&self, d: &Design) -> bool {
        d.alarms.as_ref().is_some_and(|a| !a.required.is_empty())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = cx.design.alarms.as_ref() else { return };
        for (text, glob) in &policy.required {
            if cx.snap.alarms.iter().any(|a| glob.is_match(&a.name)) {
                continue;
            }
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "alarm", text)
                    .expected(format!("an alarm named {text}"))
                    .actual("no such alarm")
                    .evidence("required", text.clone())
                    .clause(format!("alarms.required includes \"{text}\""))
                    .message(format!("required alarm {text} does not exist")),
            );
        }
    }
}
