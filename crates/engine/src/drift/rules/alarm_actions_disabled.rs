//! `alarm.actions-disabled`: an in-scope alarm that would notify nobody: actions
//! disabled, or no ALARM action configured.

use super::alarm_insufficient_data::in_scope;
use super::{ALARMS, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "alarm.actions-disabled";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        ALARMS
    }
    fn applies(&self, d: &Design) -> bool {
        d.alarms.as_ref().is_some_and(|a| a.require_actions)
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for a in in_scope(cx) {
            let actual = if !a.actions_enabled {
                "ActionsEnabled = false"
            } else if a.alarm_actions.is_empty() {
                "no ALARM actions"
            } else {
                continue;
            };
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "alarm", &a.name)
                    .expected("ActionsEnabled = true with at least one ALARM action")
                    .actual(actual)
                    .evidence("actions_enabled", a.actions_enabled.to_string())
                    .evidence("alarm_actions", a.alarm_actions.join(","))
                    .clause("alarms.require_actions = true")
                    .message(format!("alarm {} would notify nobody ({actual})", a.name)),
            );
        }
    }
}
