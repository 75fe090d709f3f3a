//! CloudWatch collector: metric and composite alarms with their state and actions, and
//! their state transitions from alarm history.

use super::{Aws, timestamp};
use aws_sdk_cloudwatch::types as t;
use model::source::FetchError;
use model::*;

/// DescribeAlarms pages hold at most 100 alarms.
const PAGE: i32 = 100;

fn state(v: Option<&t::StateValue>) -> AlarmState {
    match v {
        Some(t::StateValue::Alarm) => AlarmState::Alarm,
        Some(t::StateValue::Ok) => AlarmState::Ok,
        _ => AlarmState::InsufficientData,
    }
}

/// Metric and composite alarms share these accessors but no trait, hence a macro.
macro_rules! alarm {
    ($a:expr, $kind:expr, $detail:expr) => {
        Alarm {
            name: $a.alarm_name().unwrap_or_default().to_string(),
            kind: $kind,
            state: state($a.state_value()),
            state_reason: $a.state_reason().map(str::to_string),
            state_updated: $a.state_updated_timestamp().and_then(timestamp),
            actions_enabled: $a.actions_enabled().unwrap_or(false),
            alarm_actions: $a.alarm_actions().to_vec(),
            ok_actions: $a.ok_actions().to_vec(),
            insufficient_data_actions: $a.insufficient_data_actions().to_vec(),
            detail: $detail,
        }
    };
}

impl Aws {
    pub(super) async fn alarms(&self) -> Result<Vec<Alarm>, FetchError> {
        let mut stream = self
            .cloudwatch
            .describe_alarms()
            .alarm_types(t::AlarmType::MetricAlarm)
            .alarm_types(t::AlarmType::CompositeAlarm)
            .max_records(PAGE)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            let page = page.map_err(|e| self.fail("cloudwatch:DescribeAlarms", &e))?;
            for a in page.metric_alarms() {
                let detail = match (a.namespace(), a.metric_name()) {
                    (Some(ns), Some(m)) => Some(format!("{ns}/{m}")),
                    (None, Some(m)) => Some(m.to_string()),
                    _ if !a.metrics().is_empty() => Some("metric math".to_string()),
                    _ => None,
                };
                out.push(alarm!(a, AlarmKind::Metric, detail));
            }
            for a in page.composite_alarms() {
                out.push(alarm!(a, AlarmKind::Composite, a.alarm_rule().map(str::to_string)));
            }
        }
        Ok(out)
    }
}

/// DescribeAlarmHistory pages hold at most 100 items.
const HISTORY_PAGE: i32 = 100;

impl Aws {
    /// State transitions of the alarms whose name starts with `prefix`, from `start` to
    /// now, oldest first. One pass over every alarm's history, filtered here: asking per
    /// alarm would cost one call per alarm even when none changed.
    pub async fn alarm_transitions(
        &self,
        prefix: Option<&str>,
        start: jiff::Timestamp,
    ) -> Result<Vec<model::history::AlarmTransition>, FetchError> {
        let end = jiff::Timestamp::now();
        let mut token: Option<String> = None;
        let mut out = Vec::new();
        loop {
            let mut attempt = 0;
            let page = loop {
                self.history_limit.wait().await;
                self.count_call();
                let mut req = self
                    .cloudwatch
                    .describe_alarm_history()
                    .alarm_types(t::AlarmType::MetricAlarm)
                    .alarm_types(t::AlarmType::CompositeAlarm)
                    .history_item_type(t::HistoryItemType::StateUpdate)
                    .start_date(super::cloudtrail::smithy_time(start))
                    .end_date(super::cloudtrail::window_end(end))
                    .scan_by(t::ScanBy::TimestampDescending)
                    .max_records(HISTORY_PAGE);
                if let Some(tok) = &token {
                    req = req.next_token(tok);
                }
                match req.send().await {
                    Ok(page) => break page,
                    Err(e) => {
                        let err = self.fail("cloudwatch:DescribeAlarmHistory", &e);
                        match super::cloudtrail::BACKOFF.get(attempt) {
                            Some(wait) if err.throttled => {
                                self.history_limit.back_off(*wait).await;
                                attempt += 1;
                            }
                            _ => return Err(err),
                        }
                    }
                }
            };
            for item in page.alarm_history_items() {
                let (Some(name), Some(when)) = (item.alarm_name(), item.timestamp().and_then(timestamp)) else {
                    continue;
                };
                if prefix.is_some_and(|p| !name.starts_with(p)) {
                    continue;
                }
                match model::history::parse_alarm_history_data(name, when, item.history_data().unwrap_or("{}")) {
                    Ok(tr) => out.push(tr),
                    Err(why) => tracing::warn!("skipping alarm history item: {why}"),
                }
            }
            match page.next_token() {
                Some(tok) if !tok.is_empty() => token = Some(tok.to_string()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.alarm.cmp(&b.alarm)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_states_read_as_insufficient_data() {
        assert_eq!(state(Some(&t::StateValue::Alarm)), AlarmState::Alarm);
        assert_eq!(state(Some(&t::StateValue::Ok)), AlarmState::Ok);
        assert_eq!(state(Some(&t::StateValue::InsufficientData)), AlarmState::InsufficientData);
        assert_eq!(state(None), AlarmState::InsufficientData);
    }

    #[test]
    fn composite_alarm_detail_is_its_rule() {
        let a = t::CompositeAlarm::builder()
            .alarm_name("c")
            .alarm_rule("ALARM(a) OR ALARM(b)")
            .state_value(t::StateValue::Alarm)
            .actions_enabled(true)
            .alarm_actions("arn:sns")
            .build();
        let out = alarm!(a, AlarmKind::Composite, a.alarm_rule().map(str::to_string));
        assert_eq!(out.detail.as_deref(), Some("ALARM(a) OR ALARM(b)"));
        assert_eq!((out.state, out.actions_enabled, out.alarm_actions.len()), (AlarmState::Alarm, true, 1));
    }
}
