//! `driftdeck watch`'s judgement: what changed between two evaluations of one environment,
//! as the lines it prints. Pure: the command fetches and prints, this compares.
//!
//! The first evaluation is the baseline (each finding appears once); after that only
//! changes. A finding that vanishes because the kinds it reads could not be fetched is
//! not cleared: unknown is never reported as fixed. It is held until those kinds are read
//! again, and cleared then only if it is really gone.

use crate::drift::{Finding, Report, rules};
use model::{AlarmState, Kind, Snapshot};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// What a line says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    FindingAppeared,
    FindingCleared,
    /// An alarm changed state after the baseline.
    Alarm,
    EnvironmentFailed,
    EnvironmentRecovered,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::FindingAppeared => "finding_appeared",
            Event::FindingCleared => "finding_cleared",
            Event::Alarm => "alarm",
            Event::EnvironmentFailed => "environment_failed",
            Event::EnvironmentRecovered => "environment_recovered",
        }
    }
}

/// One line of `watch`'s output, before it is written.
#[derive(Debug, Clone)]
pub struct Line {
    pub event: Event,
    /// The finding that appeared or cleared.
    pub finding: Option<Arc<Finding>>,
    /// The alarm that changed (its name), or nothing.
    pub resource: Option<String>,
    /// What happened, for alarms and environments.
    pub message: Option<String>,
}

/// One environment's state between evaluations.
#[derive(Debug, Default)]
pub struct Watch {
    /// The findings reported so far, by identity; `None` until the baseline.
    findings: Option<HashMap<String, Arc<Finding>>>,
    alarms: HashMap<String, AlarmState>,
    failed: Option<String>,
}

/// A finding's identity across evaluations: rule, resource and evidence (the message may
/// carry counts that change without the finding changing).
pub fn identity(f: &Finding) -> String {
    let ev: Vec<String> = f.evidence.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}|{}|{}", f.rule, f.resource, ev.join(";"))
}

/// The kinds a finding's rule reads: when one of them is unavailable, the finding's
/// absence means nothing.
fn kinds_of(rule: &str) -> Vec<Kind> {
    if rule.starts_with("reach.") {
        return crate::reach::assert::NEEDED.to_vec();
    }
    rules::catalogue()
        .iter()
        .find(|r| r.id() == rule)
        .map(|r| r.needs().iter().chain(r.reads()).copied().collect())
        .unwrap_or_default()
}

impl Watch {
    /// Whether the baseline has been printed.
    pub fn started(&self) -> bool {
        self.findings.is_some()
    }

    /// The environment could not be fetched: one line the first time, until it recovers.
    pub fn failed(&mut self, reason: &str) -> Option<Line> {
        if self.failed.as_deref() == Some(reason) {
            return None;
        }
        let first = self.failed.is_none();
        self.failed = Some(reason.to_string());
        first.then(|| Line {
            event: Event::EnvironmentFailed,
            finding: None,
            resource: None,
            message: Some(reason.into()),
        })
    }

    /// A new evaluation of the environment and the snapshot it was made from.
    pub fn observe(&mut self, report: &Report, snapshot: &Snapshot) -> Vec<Line> {
        let mut out = Vec::new();
        if let Some(reason) = self.failed.take() {
            out.push(Line {
                event: Event::EnvironmentRecovered,
                finding: None,
                resource: None,
                message: Some(format!("reachable again (was: {reason})")),
            });
        }
        let now: HashMap<String, Arc<Finding>> = report.findings.iter().map(|f| (identity(f), Arc::clone(f))).collect();
        let Some(before) = self.findings.take() else {
            // The baseline: every finding once, in the report's order (severity first).
            out.extend(report.findings.iter().map(appeared));
            self.findings = Some(now);
            self.note_alarms(snapshot, None);
            return out;
        };
        let mut kept = now.clone();
        // Gone: cleared, unless what the rule reads could not be read this time.
        let mut gone: Vec<(&String, &Arc<Finding>)> = before.iter().filter(|(k, _)| !now.contains_key(*k)).collect();
        gone.sort_by(|a, b| Finding::order(a.1, b.1));
        for (k, f) in gone {
            if kinds_of(&f.rule).iter().any(|kind| report.unavailable.contains(kind)) {
                kept.insert(k.clone(), Arc::clone(f));
            } else {
                out.push(Line {
                    event: Event::FindingCleared,
                    finding: Some(Arc::clone(f)),
                    resource: None,
                    message: None,
                });
            }
        }
        out.extend(report.findings.iter().filter(|f| !before.contains_key(&identity(f))).map(appeared));
        self.findings = Some(kept);
        self.note_alarms(snapshot, Some(&mut out));
        out
    }

    /// Remember each alarm's state; after the baseline, a change is a line.
    fn note_alarms(&mut self, snapshot: &Snapshot, mut out: Option<&mut Vec<Line>>) {
        if snapshot.status(Kind::Alarms).status != model::FetchStatus::Ok {
            return;
        }
        for a in &snapshot.alarms {
            let old = self.alarms.insert(a.name.clone(), a.state);
            if let (Some(out), Some(old)) = (out.as_deref_mut(), old)
                && old != a.state
            {
                let reason = a.state_reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
                out.push(Line {
                    event: Event::Alarm,
                    finding: None,
                    resource: Some(a.name.clone()),
                    message: Some(format!("{} -> {}{reason}", old.as_str(), a.state.as_str())),
                });
            }
        }
    }
}

fn appeared(f: &Arc<Finding>) -> Line {
    Line { event: Event::FindingAppeared, finding: Some(Arc::clone(f)), resource: None, message: None }
}

/// Where a line comes from: the environment and the time it was observed.
pub struct Origin<'a> {
    pub environment: &'a str,
    pub account: Option<&'a str>,
    pub region: &'a str,
    pub time: jiff::Timestamp,
}

/// The JSON object of one line; `changed_by` has the shape `check --format json` gives it
/// (`formats::history::changed_by_json`), or is null when nothing attributed it.
pub fn to_json(line: &Line, at: &Origin<'_>, changed_by: Option<Value>) -> Value {
    let f = line.finding.as_deref();
    json!({
        "event": line.event.as_str(),
        "time": at.time,
        "environment": at.environment,
        "account": at.account,
        "region": at.region,
        "rule": f.map(|f| f.rule.as_str()),
        "severity": f.map(|f| f.severity.as_str()),
        "resource": f.map(|f| f.resource.to_string()).or_else(|| line.resource.clone()),
        "message": f.map(|f| f.message.to_string()).or_else(|| line.message.clone()),
        "changed_by": changed_by,
    })
}
