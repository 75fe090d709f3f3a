//! `alarm.firing`: an in-scope alarm in ALARM state.

use super::{ALARMS, Rule};
use crate::design::Design;
use crate::drift::{Context, Findings};
use model::{AlarmState, Kind};

pub struct R;
pub static RULE: R = R;
const ID: &str = "alarm.firing";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        ALARMS
    }
    fn applies(&self, d: &Design) -> bool {
        d.alarms.as_ref().is_some_and(|a| a.firing_is_drift)
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        super::alarm_insufficient_data::state_findings(cx, out, ID, AlarmState::Alarm);
    }
}
