//! History in the console: each environment's window of CloudTrail changes and alarm
//! transitions as it arrives, merged into the Timeline, the attribution of every finding
//! (computed here, on arrival of history or findings, never while drawing), `:since`,
//! the `h` resource history overlay and `:around ALARM`.

use super::{App, EventKind, TimelineEvent, finding_key};
use crate::console::action::{Effect, HistoryFetched, Pane};
use engine::drift::Finding;
use engine::history::{self, AlarmTransition, Attribution, ChangeEvent, History, HistoryStatus, Since, TimelineEntry};
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Where a Timeline line comes from; every line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineSource {
    /// Seen by this console since it started.
    Observed,
    CloudTrail,
    AlarmHistory,
}

impl LineSource {
    pub fn label(self) -> &'static str {
        match self {
            LineSource::Observed => "observed",
            LineSource::CloudTrail => "cloudtrail",
            LineSource::AlarmHistory => "alarm history",
        }
    }
}

/// One environment's history: what the window holds and what it explains.
#[derive(Debug, Clone)]
pub struct EnvHistory {
    pub status: HistoryStatus,
    /// Bumped by `:since`: answers for an older window are dropped.
    pub generation: u64,
    pub data: History,
    /// True once CloudTrail's whole window has been read: attribution is trustworthy.
    pub loaded: bool,
    /// Each current finding (by `finding_key`): when this console first saw it and its
    /// attribution. Kept across results: a new report attributes only its new findings.
    seen: HashMap<Arc<str>, Seen>,
    /// Bumped by each `reattribute`: entries not marked with it are findings now gone.
    round: u64,
    /// The window's successful or failed events by the resource they touch, so a
    /// finding's attribution reads its resource's few events, not the whole window.
    by_resource: HashMap<String, Vec<ChangeEvent>>,
}

/// What history says of one finding.
#[derive(Debug, Clone)]
struct Seen {
    first: Timestamp,
    round: u64,
    /// `None` while history has nothing to say yet (loading, delayed, off).
    attribution: Option<Attribution>,
}

impl Default for EnvHistory {
    fn default() -> Self {
        EnvHistory {
            status: HistoryStatus::Off,
            generation: 1,
            data: History::default(),
            loaded: false,
            seen: HashMap::new(),
            round: 0,
            by_resource: HashMap::new(),
        }
    }
}

impl EnvHistory {
    /// `history ok (12 changes, 3 alarm transitions)`, `history delayed: …`, …
    pub fn label(&self) -> String {
        match &self.status {
            HistoryStatus::Ok => format!(
                "history ok ({} changes, {} alarm transitions)",
                self.data.events.len(),
                self.data.transitions.len()
            ),
            other => other.label(),
        }
    }

    /// The Findings pane's "changed" cell: actor and age, or why there is none.
    pub fn cell(&self, f: &Finding, now: Timestamp) -> String {
        match (&self.status, self.attribution(f)) {
            (HistoryStatus::Off, _) => String::new(),
            // Age first: a narrow column cuts the actor's tail, never the "when".
            (_, Some(Attribution::Changed { event, .. })) => {
                format!("{} {}", history::age(event.time, now), event.actor.display())
            }
            (_, Some(a)) => a.short(now),
            (HistoryStatus::Delayed(_), None) => "history delayed".into(),
            (HistoryStatus::Unavailable(_), None) => "history unavailable".into(),
            _ => "loading".into(),
        }
    }

    pub fn attribution(&self, f: &Finding) -> Option<&Attribution> {
        self.seen.get(finding_key(f).as_str()).and_then(|s| s.attribution.as_ref())
    }

    /// The attributions of the current findings.
    pub fn attributions(&self) -> impl Iterator<Item = &Attribution> {
        self.seen.values().filter_map(|s| s.attribution.as_ref())
    }

    /// Attribute the findings (`keys`: their keys, see state/keys.rs). A finding keeps the
    /// time it was first seen. `window_changed`: the window, its status or `loaded`
    /// changed, so every attribution is made again; otherwise (a new report) only the
    /// findings not seen before are attributed, the others keep theirs (an attribution
    /// depends only on the finding's key, when it was first seen and the window).
    pub(super) fn reattribute(
        &mut self,
        findings: &[Arc<Finding>],
        keys: &super::FindingKeys,
        now: Timestamp,
        window_changed: bool,
    ) {
        if window_changed {
            self.by_resource.clear();
            for e in &self.data.events {
                for (i, r) in e.resources.iter().enumerate() {
                    // Once per resource, as `touches` counts it.
                    if !e.resources[..i].contains(r) {
                        self.by_resource.entry(r.clone()).or_default().push(e.clone());
                    }
                }
            }
        }
        self.round += 1;
        let round = self.round;
        let EnvHistory { status, data, loaded, seen, by_resource, .. } = self;
        for f in findings {
            let mut fresh = false;
            let entry = seen.entry(keys.key(f)).or_insert_with(|| {
                fresh = true;
                Seen { first: now, round, attribution: None }
            });
            // A duplicate key in one report is attributed once.
            let again = window_changed && entry.round != round;
            entry.round = round;
            if !(fresh || again) {
                continue;
            }
            entry.attribution = if *loaded {
                let start = data.window_start.unwrap_or(entry.first);
                // `attribute` keeps only events touching the finding's resource: the
                // same answer from that resource's events alone.
                let events = by_resource.get(f.resource.as_str()).map_or(&[][..], Vec::as_slice);
                Some(history::attribute(f, events, entry.first, start))
            } else {
                match status {
                    HistoryStatus::Unavailable(r) => Some(Attribution::Unavailable { reason: r.clone() }),
                    // Loading, delayed or off: nothing to say yet, shown as such by `cell`.
                    _ => None,
                }
            };
        }
        seen.retain(|_, s| s.round == round);
    }
}

/// Console-wide history settings and the history overlay.
#[derive(Debug, Clone, Default)]
pub struct HistoryUi {
    /// False with `--no-history` (and in headless tests unless turned on).
    pub on: bool,
    pub since: Since,
    /// The `h` / `:around` overlay, built in `update`.
    pub overlay: Option<HistoryOverlay>,
}

#[derive(Debug, Clone)]
pub struct HistoryOverlay {
    pub title: String,
    /// Newest first.
    pub lines: Vec<TimelineEntry>,
    /// Said when `lines` is empty, so an empty list never reads as "nothing changed"
    /// when history is in fact missing.
    pub empty: String,
}

fn status_of(problems: &[(String, HistoryStatus)]) -> HistoryStatus {
    let unavailable = problems.iter().find_map(|(s, st)| match st {
        HistoryStatus::Unavailable(r) => Some(format!("{s}: {r}")),
        _ => None,
    });
    let delayed = problems.iter().find_map(|(s, st)| match st {
        HistoryStatus::Delayed(r) => Some(format!("{s}: {r}")),
        _ => None,
    });
    match (unavailable, delayed) {
        (Some(r), _) => HistoryStatus::Unavailable(r),
        (None, Some(r)) => HistoryStatus::Delayed(r),
        (None, None) => HistoryStatus::Ok,
    }
}

fn transition_key(t: &AlarmTransition) -> (Timestamp, String, String) {
    (t.time, t.alarm.clone(), t.new_state.clone())
}

fn timeline_line(env: usize, history_generation: u64, entry: TimelineEntry, source: LineSource) -> TimelineEvent {
    let kind = if source == LineSource::AlarmHistory { EventKind::AlarmHistory } else { EventKind::Change };
    let severity = (source == LineSource::AlarmHistory && entry.text.contains("-> ALARM"))
        .then_some(engine::drift::Severity::High);
    TimelineEvent {
        at: entry.time,
        kind,
        severity,
        text: entry.text,
        source,
        actor: entry.actor,
        resources: entry.resources,
        env,
        history_generation,
        failed: entry.failed,
        event_id: entry.event_id,
    }
}

/// Does a row's first cell look like something history can name (an id or a name, not
/// a CIDR, a port or a label with spaces)?
fn nameable(s: &str) -> bool {
    !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains('/') && s.parse::<std::net::IpAddr>().is_err()
}

impl App {
    /// Turn history on (the console does unless `--no-history`): every environment
    /// starts loading its window.
    pub fn enable_history(&mut self, since: Since) {
        self.hist.on = true;
        self.hist.since = since;
        let now = self.now;
        for env in &mut self.envs {
            env.history.status = HistoryStatus::Loading;
            env.history.reattribute(&env.report.findings, &env.keys, now, true);
        }
        self.invalidate_rows();
    }

    pub(super) fn on_history(&mut self, h: HistoryFetched) -> Option<Effect> {
        let stale = self
            .envs
            .get(h.env)
            .is_none_or(|e| e.generation != h.generation || e.history.generation != h.history_generation);
        if stale || !self.hist.on {
            tracing::debug!(env = h.env, generation = h.history_generation, "dropped a stale history answer");
            self.dirty = false;
            return None;
        }
        self.now = h.at.max(self.now);
        let now = self.now;
        let i = h.env;
        let estate = self.is_estate();
        let env = &mut self.envs[i];
        let name = env.design.environment.name.clone();
        let cloudtrail_failed = h.history.problems.iter().any(|(s, _)| s == "cloudtrail");
        let mut fresh: Vec<TimelineEvent> = Vec::new();
        let hg = h.history_generation;
        let status = status_of(&h.history.problems);
        if !h.incremental {
            // A full load replaces the window: drop the lines of any earlier load.
            self.timeline.retain(|l| l.env != i || l.source == LineSource::Observed);
            env.history.data = History { window_start: h.history.window_start, ..Default::default() };
        }
        let data = &mut env.history.data;
        let known: BTreeSet<String> = data.events.iter().map(|e| e.id.clone()).collect();
        let new_events: Vec<ChangeEvent> = h.history.events.into_iter().filter(|e| !known.contains(&e.id)).collect();
        let known_t: BTreeSet<_> = data.transitions.iter().map(transition_key).collect();
        let new_transitions: Vec<AlarmTransition> =
            h.history.transitions.into_iter().filter(|t| !known_t.contains(&transition_key(t))).collect();
        for e in &new_events {
            fresh.push(timeline_line(i, hg, TimelineEntry::from_event(e), LineSource::CloudTrail));
        }
        for t in &new_transitions {
            fresh.push(timeline_line(i, hg, TimelineEntry::from_transition(t), LineSource::AlarmHistory));
        }
        data.events.extend(new_events);
        data.events.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        data.transitions.extend(new_transitions);
        data.transitions.sort_by_key(|t| t.time);
        data.problems = h.history.problems;
        // Unreadable records add up over incremental loads (a full load started from zero
        // above); the first reason is kept.
        data.skipped += h.history.skipped;
        if data.skipped_reason.is_none() {
            data.skipped_reason = h.history.skipped_reason;
        }
        if !h.incremental && !h.partial && !cloudtrail_failed {
            env.history.loaded = true;
        }
        // The newest part of the window is shown while the rest loads: not yet "ok".
        env.history.status = match status {
            HistoryStatus::Ok if h.partial => HistoryStatus::Loading,
            other => other,
        };
        env.history.reattribute(&env.report.findings, &env.keys, now, true);
        if estate {
            for l in &mut fresh {
                l.text = format!("[{name}] {}", l.text);
            }
        }
        self.timeline.extend(fresh);
        // Backfilled lines are older than what the console observed: keep time order.
        self.timeline.sort_by_key(|l| l.at);
        let excess = self.timeline.len().saturating_sub(super::TIMELINE_CAP);
        self.timeline.drain(..excess);
        if let Some(o) = &self.hist.overlay
            && let Some(resource) = o.title.strip_prefix("history of ")
        {
            let resource = resource.to_string();
            self.open_history_of(&resource);
        }
        None
    }

    /// After a kind's result: findings may have appeared or cleared.
    pub(super) fn reattribute(&mut self, i: usize) {
        let now = self.now;
        if let Some(env) = self.envs.get_mut(i)
            && self.hist.on
        {
            env.history.reattribute(&env.report.findings, &env.keys, now, false);
        }
    }

    /// `:since 6h`: a new window for every environment, fetched again under a new
    /// history generation (answers for the old window are dropped).
    pub(super) fn set_since(&mut self, arg: &str) -> Option<Effect> {
        if !self.hist.on {
            self.message = Some("history is off (--no-history)".into());
            return None;
        }
        let since = match Since::parse(arg) {
            Ok(s) => s,
            Err(e) => {
                self.message = Some(format!(":since {arg}: {e}"));
                return None;
            }
        };
        self.hist.since = since;
        self.timeline.retain(|l| l.source == LineSource::Observed);
        let now = self.now;
        for env in &mut self.envs {
            let h = &mut env.history;
            h.generation += 1;
            h.status = HistoryStatus::Loading;
            h.loaded = false;
            h.data = History::default();
            h.reattribute(&env.report.findings, &env.keys, now, true);
        }
        self.message = Some(format!("history window: {}", since.label()));
        Some(Effect::RestartHistory((0..self.envs.len()).collect()))
    }

    /// The resource the selected row is about: its finding's resource, else the nearest
    /// id the row (or a row above it) names.
    fn selected_resource(&self) -> Option<String> {
        if let Some(s) = super::selected_subject(self) {
            return Some(s);
        }
        if let Some(f) = super::selected_finding(self) {
            return Some(f.resource.to_string());
        }
        super::selected_ids(self).find(|s| nameable(s))
    }

    /// `h`: the selected resource's change events and alarm transitions, newest first.
    pub(super) fn open_resource_history(&mut self) {
        match self.selected_resource() {
            Some(r) => self.open_history_of(&r),
            None => self.message = Some("no resource on this row".into()),
        }
    }

    fn open_history_of(&mut self, resource: &str) {
        let env = self.env();
        let h = &env.history;
        let events: Vec<ChangeEvent> = h.data.events.iter().filter(|e| e.touches(resource)).cloned().collect();
        let transitions: Vec<AlarmTransition> =
            h.data.transitions.iter().filter(|t| t.alarm == resource).cloned().collect();
        let mut lines = history::merge(&events, &transitions);
        lines.reverse();
        let since = h.data.window_start.map_or_else(|| self.hist.since.label(), |t| t.to_string());
        let empty = match &h.status {
            HistoryStatus::Ok | HistoryStatus::Delayed(_) if h.loaded => {
                format!("no change in the window (since {since})")
            }
            HistoryStatus::Off => "history is off (--no-history)".into(),
            other => other.label(),
        };
        self.hist.overlay = Some(HistoryOverlay { title: format!("history of {resource}"), lines, empty });
    }

    /// `:around ALARM` (or `a` on an alarm row): the changes in the hour before the alarm
    /// last went to ALARM.
    pub(super) fn around(&mut self, alarm: &str) {
        if alarm.is_empty() {
            self.message = Some(":around needs an alarm name".into());
            return;
        }
        let h = &self.env().history;
        if !h.loaded {
            self.message = Some(format!("cannot look around {alarm}: {}", h.label()));
            return;
        }
        match history::timeline::around(alarm, &h.data.events, &h.data.transitions) {
            Some((fired, hits)) => {
                let lines: Vec<TimelineEntry> = hits.into_iter().map(TimelineEntry::from_event).collect();
                self.hist.overlay = Some(HistoryOverlay {
                    title: format!("changes in the hour before {alarm} went to ALARM at {fired}"),
                    lines,
                    empty: "no change in that hour".into(),
                });
            }
            None => self.message = Some(format!("{alarm} did not go to ALARM in the window ({})", h.label())),
        }
    }

    /// `a` on the Alarms pane.
    pub(super) fn around_selected(&mut self) {
        if self.pane != Pane::Alarms {
            self.message = Some("around: select an alarm on the Alarms pane (5), or :around ALARM-NAME".into());
            return;
        }
        match self.selected_resource() {
            Some(a) => self.around(&a),
            None => self.message = Some("no alarm selected".into()),
        }
    }
}
