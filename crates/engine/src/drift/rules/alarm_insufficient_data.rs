//! `alarm.insufficient-data`: an in-scope alarm that cannot evaluate (INSUFFICIENT_DATA),
//! so it would not fire when it should.

use super::{ALARMS, Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Alarm, AlarmState, Kind};

pub struct R;
pub static RULE: R = R;
const ID: &str = "alarm.insufficient-data";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        ALARMS
    }
    fn applies(&self, d: &Design) -> bool {
        d.alarms.as_ref().is_some_and(|a| a.insufficient_data_is_drift)
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        state_findings(cx, out, ID, AlarmState::InsufficientData);
    }
}

/// In-scope alarms: those whose name starts with the design's prefix.
pub(super) fn in_scope<'a>(cx: &Context<'a>) -> impl Iterator<Item = &'a Alarm> + use<'a> {
    let prefix = cx.design.alarms.as_ref().and_then(|a| a.prefix.clone()).unwrap_or_default();
    cx.snap.alarms.iter().filter(move |a| a.name.starts_with(&prefix))
}

pub(super) fn state_findings(cx: &Context<'_>, out: &mut Findings, id: &'static str, state: AlarmState) {
    for a in in_scope(cx).filter(|a| a.state == state) {
        let since = a.state_updated.map(|t| t.to_string());
        let reason = a.state_reason.clone().unwrap_or_default();
        out.push(
            FindingBuilder::new(id, default_severity(id), "alarm", &a.name)
                .expected("OK")
                .actual(match &since {
                    Some(s) => format!("{} since {s}", state.as_str()),
                    None => state.as_str().to_string(),
                })
                .evidence("state", state.as_str())
                .evidence_opt("since", since.as_deref())
                .evidence("reason", reason.clone())
                .evidence_opt("metric", a.detail.as_deref())
                .clause(format!("alarms.drift_states includes {}", state.as_str()))
                .message(format!("alarm {} is {}: {reason}", a.name, state.as_str())),
        );
    }
}
