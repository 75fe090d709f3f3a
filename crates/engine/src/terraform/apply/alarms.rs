//! Alarms: `aws_cloudwatch_metric_alarm` and `aws_cloudwatch_composite_alarm`.

use super::{Cx, Side, Variant};
use crate::terraform::values::{str_at, strs_at};
use model::*;

impl Cx<'_> {
    /// Take an alarm out (by name); returns the name.
    pub(super) fn remove_alarm(&mut self, s: &Side) -> Option<String> {
        let key = str_at(s.v, "alarm_name");
        self.out.snapshot.alarms.retain(|x| Some(&x.name) != key.as_ref());
        key
    }

    pub(super) fn add_alarm(&mut self, s: &Side) {
        let name = self.own_id(s, "alarm_name");
        let existing = self.out.snapshot.alarms.iter().position(|x| x.name == name);
        let old = existing.map(|p| self.out.snapshot.alarms.remove(p));
        let state = match &old {
            Some(o) => o.state,
            None => {
                // A new alarm's first state comes from data it has not seen yet.
                self.mark(s, &name, "state", "state (new alarm)");
                if self.variant == Variant::High { AlarmState::Ok } else { AlarmState::InsufficientData }
            }
        };
        let composite = s.ch.rtype == "aws_cloudwatch_composite_alarm";
        let detail = if composite {
            str_at(s.v, "alarm_rule")
        } else {
            match (str_at(s.v, "namespace"), str_at(s.v, "metric_name")) {
                (Some(n), Some(m)) => Some(format!("{n}/{m}")),
                _ => None,
            }
        };
        let actions = |key: &str| strs_at(s.v, key);
        let alarm = Alarm {
            name: name.clone(),
            kind: if composite { AlarmKind::Composite } else { AlarmKind::Metric },
            state,
            state_reason: old.as_ref().and_then(|o| o.state_reason.clone()),
            state_updated: old.as_ref().and_then(|o| o.state_updated),
            actions_enabled: self.flag(s, &name, "actions_enabled", "actions", true),
            alarm_actions: actions("alarm_actions"),
            ok_actions: actions("ok_actions"),
            insufficient_data_actions: actions("insufficient_data_actions"),
            detail,
        };
        if s.unknown("alarm_actions") {
            self.mark(s, &name, "actions", "alarm_actions");
        }
        self.out.snapshot.alarms.push(alarm);
        self.touch(&name, s.i);
    }
}
