//! The history of what a report names, for `check`: each reported resource's changes read
//! by `ResourceName`, most severe finding first, newest page first, stopping at what
//! explains its findings, all within a time budget. Reading the account's whole window
//! (`driftdeck history`, the console's backfill) costs a call per 50 writes of the whole
//! account; this costs about a call per reported resource.

use aws::Aws;
use engine::design::Design;
use engine::drift::{Finding, Report};
use engine::history::{Attribution, History, HistoryStatus, UNREAD_BUDGET, attribute};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The reported resources in the order their history is read: active findings' resources
/// by their most severe finding (then by id), then those only muted findings name.
fn targets(report: &Report) -> Vec<(String, Vec<Arc<Finding>>)> {
    let group = |findings: &[Arc<Finding>]| {
        let mut by_resource: BTreeMap<String, Vec<Arc<Finding>>> = BTreeMap::new();
        for f in findings {
            by_resource.entry(f.resource.to_string()).or_default().push(Arc::clone(f));
        }
        let mut out: Vec<(String, Vec<Arc<Finding>>)> = by_resource.into_iter().collect();
        out.sort_by(|a, b| {
            let worst = |fs: &[Arc<Finding>]| fs.iter().map(|f| f.severity).max();
            worst(&b.1).cmp(&worst(&a.1)).then_with(|| a.0.cmp(&b.0))
        });
        out
    };
    let mut out = group(&report.findings);
    for (resource, findings) in group(&report.muted) {
        match out.iter_mut().find(|(r, _)| *r == resource) {
            Some((_, fs)) => fs.extend(findings),
            None => out.push((resource, findings)),
        }
    }
    out
}

/// Does what was read explain every finding of the resource? Then older pages cannot
/// change its attribution, and reading stops.
fn explained(
    findings: &[Arc<Finding>],
    events: &[engine::history::ChangeEvent],
    now: Timestamp,
    start: Timestamp,
) -> bool {
    findings.iter().all(|f| matches!(attribute(f, events, now, start), Attribution::Changed { .. }))
}

/// History for `report`'s findings from `start`, ending by `deadline`: change events of
/// the reported resources and the design's alarm transitions. A resource not reached by
/// the deadline is listed in `unread`; a failed lookup is a problem, never "no change".
pub async fn of_report(
    aws: &Aws,
    design: &Design,
    report: &Report,
    start: Timestamp,
    deadline: tokio::time::Instant,
) -> History {
    let now = Timestamp::now();
    let mut h = History { window_start: Some(start), ..Default::default() };
    let prefix = design.alarms.as_ref().and_then(|a| a.prefix.as_deref());
    let needs_alarms = report.findings.iter().any(|f| f.resource_kind.as_str() == "alarm");
    let alarms = async {
        if needs_alarms {
            Some(tokio::time::timeout_at(deadline, aws.alarm_transitions(prefix, start)).await)
        } else {
            None
        }
    };
    let changes = async {
        let mut events = Vec::new();
        let mut unread = Vec::new();
        let mut failed: Option<HistoryStatus> = None;
        // Unreadable records are counted here, then carried into the answer.
        let mut skipped = History::default();
        for (resource, findings) in targets(report) {
            // After a failed lookup or past the budget, the rest is not read.
            if failed.is_some() || tokio::time::Instant::now() >= deadline {
                unread.push(resource);
                continue;
            }
            let enough = |evs: &[engine::history::ChangeEvent]| explained(&findings, evs, now, start);
            match tokio::time::timeout_at(deadline, aws.changes_of(&resource, start, &enough, deadline, &mut skipped))
                .await
            {
                Ok(Ok(found)) => events.extend(found),
                Ok(Err(e)) => {
                    failed = Some(status_of(e));
                    unread.push(resource);
                }
                Err(_) => unread.push(resource),
            }
        }
        (events, unread, failed, skipped)
    };
    let (alarms, (mut events, unread, failed, skipped)) = futures::join!(alarms, changes);
    h.skipped = skipped.skipped;
    h.skipped_reason = skipped.skipped_reason;
    // A change that names several reported resources is read once per resource.
    events.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
    events.dedup_by(|a, b| a.id == b.id);
    h.events = events;
    match failed {
        // Every finding is then unattributed for that reason; `unread` would only repeat it.
        Some(status) => h.problems.push(("cloudtrail".into(), status)),
        None => h.unread = unread,
    }
    match alarms {
        None => {}
        Some(Ok(Ok(t))) => h.transitions = t,
        Some(Ok(Err(e))) => h.problems.push(("alarm-history".into(), status_of(e))),
        Some(Err(_)) => h.problems.push(("alarm-history".into(), HistoryStatus::Unavailable(UNREAD_BUDGET.into()))),
    }
    h
}

/// A failed history call: throttled is "delayed", anything else "unavailable".
fn status_of(e: model::source::FetchError) -> HistoryStatus {
    if e.throttled { HistoryStatus::Delayed(e.message) } else { HistoryStatus::Unavailable(e.message) }
}
