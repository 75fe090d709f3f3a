//! CloudTrail collector: the window's write events, reduced to the changes driftdeck
//! judges (see `history::RELEVANT_EVENTS`), and the region's trails (`trails` kind).
//!
//! Query plan: LookupEvents takes one lookup attribute per call and no wildcards. Asking
//! by `EventName` would cost one call per allow-listed name (60+) on every poll, even in
//! a quiet account. Asking once with `ReadOnly=false` costs one call per 50 write events
//! in the window, and an incremental poll (StartTime = newest seen) is usually a single
//! call; the allow-list is applied here. For a typical account (hundreds of writes a
//! day) that is a handful of calls for a 24 h window, instead of 60+.
//!
//! Every call waits for the account's history rate limit (default 1/s, half of AWS's
//! 2/s, which other tools share); a throttled page is retried after a back-off.

use super::{Aws, timestamp};
use aws_sdk_cloudtrail::types as t;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use jiff::Timestamp;
use model::history::{self, ChangeEvent};
use model::source::FetchError;
use std::time::Duration;

/// LookupEvents pages hold at most 50 events.
const PAGE: i32 = 50;

/// Back-offs after a throttled page (the SDK has retried it already).
pub(super) const BACKOFF: [Duration; 3] = [Duration::from_secs(2), Duration::from_secs(4), Duration::from_secs(8)];

/// A LookupEvents attribute (the API takes one per call).
fn lookup(key: t::LookupAttributeKey, value: &str) -> Result<t::LookupAttribute, FetchError> {
    t::LookupAttribute::builder()
        .attribute_key(key)
        .attribute_value(value)
        .build()
        .map_err(|e| FetchError::new(format!("cloudtrail:LookupEvents: {e}")))
}

pub(super) fn smithy_time(t: Timestamp) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_secs(t.as_second())
}

/// The end of a window that reaches `now`, rounded up to the whole second: the APIs take
/// whole seconds, and truncating would leave out a change made in the last second.
pub(super) fn window_end(now: Timestamp) -> aws_smithy_types::DateTime {
    let up = if now.subsec_nanosecond() > 0 { 1 } else { 0 };
    aws_smithy_types::DateTime::from_secs(now.as_second() + up)
}

/// Relevant events of one LookupEvents page, converted. A record that does not parse is
/// counted in `skipped` with its reason (it may be the change a finding needs), never
/// only logged.
fn convert(events: &[t::Event], skipped: &mut history::History) -> Vec<ChangeEvent> {
    events
        .iter()
        .filter(|e| e.event_name().is_some_and(history::is_relevant))
        .filter_map(|e| {
            let names: Vec<String> =
                e.resources().iter().filter_map(|r| r.resource_name().map(str::to_string)).collect();
            let envelope = history::Envelope {
                resources: &names,
                event_name: e.event_name(),
                event_time: e.event_time().and_then(timestamp),
            };
            let parsed = match e.cloud_trail_event() {
                Some(json) => history::parse_lookup_event(json, &envelope),
                None => Err("LookupEvents returned an event without its CloudTrailEvent record".to_string()),
            };
            match parsed {
                Ok(mut ev) => {
                    // The API's own fields win over the record's where both exist.
                    if let Some(when) = envelope.event_time {
                        ev.time = when;
                    }
                    if let Some(id) = e.event_id() {
                        ev.id = id.to_string();
                    }
                    Some(ev)
                }
                Err(why) => {
                    tracing::warn!(event = ?e.event_id(), "unreadable CloudTrail event: {why}");
                    skipped.skip(why);
                    None
                }
            }
        })
        .collect()
}

impl Aws {
    /// One LookupEvents page for one lookup attribute in `start..end`, newest first
    /// (the API's order), after the account's history rate limit; a throttled page is
    /// retried after a back-off, unless the back-off would pass `deadline`: then the
    /// throttling is the answer ("delayed"), not a silent timeout.
    async fn lookup_page(
        &self,
        attribute: &t::LookupAttribute,
        (start, end): (Timestamp, Timestamp),
        token: Option<&str>,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput, FetchError> {
        let mut attempt = 0;
        loop {
            self.history_limit.wait().await;
            self.count_call();
            let mut req = self
                .cloudtrail
                .lookup_events()
                .lookup_attributes(attribute.clone())
                .start_time(smithy_time(start))
                .end_time(window_end(end))
                .max_results(PAGE);
            if let Some(tok) = token {
                req = req.next_token(tok);
            }
            match req.send().await {
                Ok(page) => return Ok(page),
                Err(e) => {
                    let err = self.fail("cloudtrail:LookupEvents", &e);
                    let in_time = |wait: &&Duration| deadline.is_none_or(|d| tokio::time::Instant::now() + **wait < d);
                    match BACKOFF.get(attempt).filter(in_time) {
                        Some(wait) if err.throttled => {
                            tracing::info!("LookupEvents throttled; backing off {wait:?}");
                            self.history_limit.back_off(*wait).await;
                            attempt += 1;
                        }
                        _ => return Err(err),
                    }
                }
            }
        }
    }

    /// Write events from `start` to now, every page, oldest first. Unreadable records are
    /// counted in `skipped` (its `skipped` and `skipped_reason`).
    pub async fn change_events(
        &self,
        start: Timestamp,
        skipped: &mut history::History,
    ) -> Result<Vec<ChangeEvent>, FetchError> {
        let read_only_false = lookup(t::LookupAttributeKey::ReadOnly, "false")?;
        // A fixed end keeps NextToken valid: it must be re-sent with the same parameters.
        let end = Timestamp::now();
        let mut token: Option<String> = None;
        let mut out = Vec::new();
        loop {
            let page = self.lookup_page(&read_only_false, (start, end), token.as_deref(), None).await?;
            out.extend(convert(page.events(), skipped));
            match page.next_token() {
                Some(tok) if !tok.is_empty() => token = Some(tok.to_string()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The changes of one resource from `start` to now (`ResourceName` lookup), read
    /// newest first a page at a time until `enough` says the events read so far answer
    /// what is asked, or the window is read. Oldest first, like `change_events`. Throttling
    /// that would outlast `deadline` is returned as a throttled error.
    pub async fn changes_of(
        &self,
        resource: &str,
        start: Timestamp,
        enough: &(dyn Fn(&[ChangeEvent]) -> bool + Sync),
        deadline: tokio::time::Instant,
        skipped: &mut history::History,
    ) -> Result<Vec<ChangeEvent>, FetchError> {
        let by_name = lookup(t::LookupAttributeKey::ResourceName, resource)?;
        let end = Timestamp::now();
        let mut token: Option<String> = None;
        let mut out = Vec::new();
        loop {
            let page = self.lookup_page(&by_name, (start, end), token.as_deref(), Some(deadline)).await?;
            out.extend(convert(page.events(), skipped));
            if enough(&out) {
                break;
            }
            match page.next_token() {
                Some(tok) if !tok.is_empty() => token = Some(tok.to_string()),
                _ => break,
            }
        }
        out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Change events and alarm transitions of the window, each source failing on its own:
    /// a failed source is recorded in `problems`, never read as "nothing changed".
    pub async fn history(&self, alarm_prefix: Option<&str>, start: Timestamp) -> history::History {
        let mut h = history::History { window_start: Some(start), ..Default::default() };
        let (events, transitions) =
            futures::join!(self.change_events(start, &mut h), self.alarm_transitions(alarm_prefix, start));
        match events {
            Ok(e) => h.events = e,
            Err(e) => h.problems.push(("cloudtrail".into(), status_of(e))),
        }
        match transitions {
            Ok(t) => h.transitions = t,
            Err(e) => h.problems.push(("alarm-history".into(), status_of(e))),
        }
        h
    }
}

fn status_of(e: FetchError) -> history::HistoryStatus {
    if e.throttled {
        history::HistoryStatus::Delayed(e.message)
    } else {
        history::HistoryStatus::Unavailable(e.message)
    }
}

/// Trails: cloudtrail:DescribeTrails (shadow trails included: a multi-region trail made
/// in another region covers this one) and each trail's GetTrailStatus. A refused status
/// fails the kind; a trail of another account (an organization trail) whose status
/// cannot be read is kept with the reason, and judged unknown.
impl Aws {
    pub(super) async fn trails(&self) -> Result<Vec<model::Trail>, FetchError> {
        self.count_call();
        let described = self
            .cloudtrail
            .describe_trails()
            .include_shadow_trails(true)
            .send()
            .await
            .map_err(|e| self.fail("cloudtrail:DescribeTrails", &e))?;
        let mut out = Vec::new();
        for t in described.trail_list() {
            let arn = t.trail_arn().unwrap_or_default().to_string();
            let name = t.name().unwrap_or_default().to_string();
            self.count_call();
            let target = if arn.is_empty() { name.clone() } else { arn.clone() };
            let (is_logging, status_error) = match self.cloudtrail.get_trail_status().name(target).send().await {
                Ok(s) => (s.is_logging(), None),
                Err(e) if crate::errors::is_denied(e.code()) => {
                    return Err(self.fail("cloudtrail:GetTrailStatus", &e));
                }
                Err(e) => (None, Some(self.fail("cloudtrail:GetTrailStatus", &e).message)),
            };
            out.push(model::Trail {
                name,
                arn,
                home_region: t.home_region().map(str::to_string),
                multi_region: t.is_multi_region_trail().unwrap_or(false),
                log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
                is_logging,
                status_error,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_window_ends_at_the_next_whole_second() {
        // Issue 19, item 13: a change made at 12:00:00.400 must be inside a window asked
        // at 12:00:00.700; truncated, the window ended at 12:00:00 and missed it.
        let now: Timestamp = "2026-12-06T12:00:00.7Z".parse().expect("ts");
        assert_eq!(window_end(now).secs(), now.as_second() + 1);
        let whole: Timestamp = "2026-12-06T12:00:00Z".parse().expect("ts");
        assert_eq!(window_end(whole).secs(), whole.as_second());
    }

    use super::*;

    #[test]
    fn only_relevant_events_are_kept() {
        let record = r#"{"eventVersion":"1.11","userIdentity":{"type":"IAMUser","userName":"alice"},"eventTime":"2026-11-23T09:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"CreateRoute","requestParameters":{"routeTableId":"rtb-1","destinationCidrBlock":"10.50.0.0/16","vpcPeeringConnectionId":"pcx-1"},"eventID":"e-1"}"#;
        let keep = t::Event::builder()
            .event_id("e-1")
            .event_name("CreateRoute")
            .event_time(aws_smithy_types::DateTime::from_secs(1_795_424_400))
            .cloud_trail_event(record)
            .build();
        let drop = t::Event::builder().event_id("e-2").event_name("RunInstances").cloud_trail_event(record).build();
        let broken = t::Event::builder().event_id("e-3").event_name("CreateRoute").cloud_trail_event("{").build();
        let mut h = history::History::default();
        let out = convert(&[keep, drop, broken], &mut h);
        assert_eq!(out.len(), 1);
        assert_eq!(h.skipped_label().as_deref(), Some("1 record unreadable"), "said, not only logged");
        assert_eq!((out[0].id.as_str(), out[0].resources.as_slice()), ("e-1", ["rtb-1".to_string()].as_slice()));
        assert_eq!(out[0].time.as_second(), 1_795_424_400);
    }

    #[test]
    fn throttling_is_delayed_anything_else_unavailable() {
        let throttled = FetchError { message: "throttled".into(), throttled: true };
        assert!(matches!(status_of(throttled), history::HistoryStatus::Delayed(_)));
        assert!(matches!(status_of(FetchError::new("denied")), history::HistoryStatus::Unavailable(_)));
    }
}
