//! The merged timeline: change events and alarm transitions in time order, each line
//! naming its source, for `driftdeck history` and the console's Timeline.

use super::{AlarmTransition, ChangeEvent};
use jiff::Timestamp;
use serde::Serialize;

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub time: Timestamp,
    /// `cloudtrail` or `alarm-history` (the console adds `console` for what it observes).
    pub source: String,
    /// Resource ids the line is about (filterable).
    pub resources: Vec<String>,
    /// Actor for change events.
    pub actor: Option<String>,
    pub text: String,
    /// A failed call: an attempt, not a change.
    pub failed: bool,
    /// The CloudTrail event id of a change line (what the console's `y` copies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
}

impl TimelineEntry {
    pub fn from_event(e: &ChangeEvent) -> Self {
        TimelineEntry {
            time: e.time,
            source: "cloudtrail".into(),
            resources: e.resources.clone(),
            actor: Some(e.actor.display()),
            text: e.summary(),
            failed: e.failed(),
            event_id: Some(e.id.clone()).filter(|id| !id.is_empty()),
        }
    }

    pub fn from_transition(t: &AlarmTransition) -> Self {
        let reason = t.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
        TimelineEntry {
            time: t.time,
            source: "alarm-history".into(),
            resources: vec![t.alarm.clone()],
            actor: None,
            text: format!("{} {} -> {}{reason}", t.alarm, t.old_state, t.new_state),
            failed: false,
            event_id: None,
        }
    }

    /// Does this line mention `needle` (case-insensitive) in its source, resources or text?
    pub fn matches(&self, needle: &str) -> bool {
        let n = needle.to_lowercase();
        self.source.to_lowercase().contains(&n)
            || self.resources.iter().any(|r| r.to_lowercase().contains(&n))
            || self.text.to_lowercase().contains(&n)
    }
}

/// Oldest first; ties keep change events before the transitions they may have caused.
pub fn merge(events: &[ChangeEvent], transitions: &[AlarmTransition]) -> Vec<TimelineEntry> {
    let mut out: Vec<TimelineEntry> = events
        .iter()
        .map(TimelineEntry::from_event)
        .chain(transitions.iter().map(TimelineEntry::from_transition))
        .collect();
    out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.source.cmp(&b.source).reverse()));
    out
}

/// Change events in the hour before `alarm` last went to ALARM, newest first:
/// "what changed before this fired". `None` when the window holds no such transition.
pub fn around<'a>(
    alarm: &str,
    events: &'a [ChangeEvent],
    transitions: &[AlarmTransition],
) -> Option<(Timestamp, Vec<&'a ChangeEvent>)> {
    let fired = transitions.iter().filter(|t| t.alarm == alarm && t.new_state == "ALARM").map(|t| t.time).max()?;
    let from = fired.checked_sub(jiff::SignedDuration::from_hours(1)).unwrap_or(fired);
    let mut hits: Vec<&ChangeEvent> = events.iter().filter(|e| e.time >= from && e.time <= fired).collect();
    hits.sort_by_key(|e| std::cmp::Reverse(e.time));
    Some((fired, hits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Actor, ActorKind, Agent};

    fn t(s: &str) -> Timestamp {
        s.parse().expect("ts")
    }

    fn ev(at: &str, resource: &str) -> ChangeEvent {
        ChangeEvent {
            id: at.into(),
            time: t(at),
            name: "CreateRoute".into(),
            source: "ec2.amazonaws.com".into(),
            actor: Actor { kind: ActorKind::IamUser, name: "alice".into(), arn: None },
            source_ip: None,
            user_agent: None,
            agent: Agent::Console,
            resources: vec![resource.into()],
            asked: vec![],
            error: None,
        }
    }

    fn tr(at: &str, alarm: &str, new: &str) -> AlarmTransition {
        AlarmTransition {
            time: t(at),
            alarm: alarm.into(),
            old_state: "OK".into(),
            new_state: new.into(),
            reason: None,
        }
    }

    #[test]
    fn merged_in_time_order_with_sources() {
        let lines = merge(
            &[ev("2026-11-23T10:00:00Z", "rtb-1"), ev("2026-11-23T08:00:00Z", "sg-1")],
            &[tr("2026-11-23T09:00:00Z", "a-5xx", "ALARM")],
        );
        let got: Vec<(&str, &str)> = lines.iter().map(|l| (l.source.as_str(), l.resources[0].as_str())).collect();
        assert_eq!(got, vec![("cloudtrail", "sg-1"), ("alarm-history", "a-5xx"), ("cloudtrail", "rtb-1")]);
        assert!(lines[1].matches("ALARM-history") && lines[0].matches("SG-1") && !lines[0].matches("rtb"));
    }

    #[test]
    fn around_an_alarm_is_the_hour_before_it_fired() {
        let events = [
            ev("2026-11-23T08:30:00Z", "sg-1"),
            ev("2026-11-23T09:10:00Z", "rtb-1"),
            ev("2026-11-23T09:50:00Z", "sg-2"),
        ];
        let transitions = [tr("2026-11-23T09:40:00Z", "a-5xx", "ALARM"), tr("2026-11-23T09:45:00Z", "other", "ALARM")];
        let (fired, hits) = around("a-5xx", &events, &transitions).expect("fired");
        assert_eq!(fired, t("2026-11-23T09:40:00Z"));
        assert_eq!(hits.iter().map(|e| e.resources[0].as_str()).collect::<Vec<_>>(), vec!["rtb-1"]);
        assert!(around("never", &events, &transitions).is_none());
    }
}
