//! History as text: `driftdeck history`'s merged timeline as a table or JSON, and the
//! `changed_by` attribution `check --format json` adds to each finding.

use crate::drift::{Finding, Report};
use crate::history::{Attribution, History, HistoryStatus, TimelineEntry, attribute, merge};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Why attribution cannot be trusted, when CloudTrail could not be read.
fn cloudtrail_problem(h: &History) -> Option<&HistoryStatus> {
    h.problems.iter().find(|(source, _)| source == "cloudtrail").map(|(_, s)| s)
}

/// Attribution of one finding against the window's history.
pub fn attribution(f: &Finding, h: &History, first_seen: Timestamp) -> Attribution {
    if h.unread.iter().any(|r| r.as_str() == f.resource.as_str()) {
        return Attribution::Unavailable { reason: crate::history::UNREAD_BUDGET.into() };
    }
    match cloudtrail_problem(h) {
        Some(HistoryStatus::Unavailable(r)) => Attribution::Unavailable { reason: r.clone() },
        Some(HistoryStatus::Delayed(r)) => Attribution::Unavailable { reason: format!("delayed: {r}") },
        _ => attribute(f, &h.events, first_seen, h.window_start.unwrap_or(first_seen)),
    }
}

/// The `changed_by` object of `check --format json`.
pub fn changed_by_json(a: &Attribution) -> Value {
    match a {
        Attribution::Changed { event, exact } => json!({
            "status": "changed",
            "exact": exact,
            "how": a.how(),
            "time": event.time,
            "event": event.name,
            "event_id": event.id,
            "event_source": event.source,
            "actor": event.actor.display(),
            "actor_type": event.actor.kind,
            "actor_arn": event.actor.arn,
            "source_ip": event.source_ip,
            "user_agent": event.user_agent,
            "agent": event.agent,
            // Bounded: a request of thousands of entries shows a few and counts the rest.
            "asked": crate::history::asked_lines(&event.asked),
        }),
        Attribution::OlderThanWindow { since } => json!({"status": "older_than_window", "since": since}),
        Attribution::NoMatchingChange { since, other_changes } => {
            json!({"status": "no_matching_change", "since": since, "other_changes": other_changes})
        }
        Attribution::Unavailable { reason } => json!({"status": "unavailable", "reason": reason}),
    }
}

/// Add `changed_by` to every finding (active and muted) of a `check` JSON document.
pub fn annotate(doc: &mut Value, report: &Report, h: &History) {
    let first_seen = report.generated_at.unwrap_or_else(Timestamp::now);
    for (key, findings) in [("findings", &report.findings), ("muted", &report.muted)] {
        let Some(items) = doc.get_mut(key).and_then(Value::as_array_mut) else { continue };
        // Matched by identity, not by position: the document's order is the renderer's.
        let by_key: std::collections::HashMap<(&str, &str, &str), &Finding> =
            findings.iter().map(|f| ((f.rule.as_str(), f.resource.as_str(), f.message.as_str()), f.as_ref())).collect();
        for item in items.iter_mut() {
            let key = (
                item["rule"].as_str().unwrap_or_default(),
                item["resource"].as_str().unwrap_or_default(),
                item["message"].as_str().unwrap_or_default(),
            );
            let Some(f) = by_key.get(&key).copied() else { continue };
            let mut changed = changed_by_json(&attribution(f, h, first_seen));
            // An unreadable record may be the very change: "no matching change" is then
            // said with that caveat, not as a clean answer.
            if let (Some(label), Some(obj)) = (h.skipped_label(), changed.as_object_mut())
                && obj.get("status").and_then(Value::as_str) != Some("changed")
            {
                obj.insert("caveat".into(), Value::String(label));
            }
            if let Some(obj) = item.as_object_mut() {
                obj.insert("changed_by".into(), changed);
            }
        }
    }
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("history".into(), status_json(h));
    }
}

/// Key of the unreadable records among the problems.
pub const SKIPPED_SOURCE: &str = "cloudtrail-records";

/// Every problem of the window as `(source, line)`: each source's status, then the
/// unreadable records (`cloudtrail-records: 2 records unreadable (first: ...)`).
pub fn problems(h: &History) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = h.problems.iter().map(|(source, s)| (source.clone(), s.label())).collect();
    out.extend(h.skipped_problem().map(|p| (SKIPPED_SOURCE.to_string(), p)));
    out
}

/// The `history` object of `check --format json` and `history --format json`.
pub fn status_json(h: &History) -> Value {
    let problems: serde_json::Map<String, Value> =
        problems(h).into_iter().map(|(source, line)| (source, Value::String(line))).collect();
    json!({
        "since": h.window_start,
        "events": h.events.len(),
        "transitions": h.transitions.len(),
        "skipped": h.skipped,
        "skipped_reason": h.skipped_reason,
        "problems": problems,
        "unread": h.unread.len(),
    })
}

/// The merged timeline, restricted to one resource when asked.
pub fn lines(h: &History, resource: Option<&str>) -> Vec<TimelineEntry> {
    let mut all = merge(&h.events, &h.transitions);
    if let Some(id) = resource {
        all.retain(|l| l.resources.iter().any(|r| r == id));
    }
    all
}

pub fn to_table(h: &History, lines: &[TimelineEntry], now: Timestamp) -> String {
    let mut out = String::new();
    let since = h.window_start.map_or("?".to_string(), |t| t.to_string());
    let _ = writeln!(
        out,
        "history since {since}: {} change events, {} alarm transitions",
        h.events.len(),
        h.transitions.len()
    );
    let problems = problems(h);
    for (source, line) in &problems {
        let _ = writeln!(out, "  {source}: {line}");
    }
    // With unreadable records, "nothing changed" would be a guess.
    if lines.is_empty() && problems.is_empty() {
        let _ = writeln!(out, "nothing changed in the window");
    }
    for l in lines {
        let mark = if l.failed { " [failed]" } else { "" };
        let _ = writeln!(out, "{}  {:<8} {:<13} {}{mark}", l.time, crate::history::age(l.time, now), l.source, l.text);
    }
    out
}

pub fn to_json(h: &History, lines: &[TimelineEntry]) -> Value {
    json!({
        "schema": 1,
        "history": status_json(h),
        "lines": lines,
        "events": h.events,
        "transitions": h.transitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::{FindingBuilder, Severity};

    #[test]
    fn denied_history_is_unavailable_never_unexplained() {
        let f = FindingBuilder::new("rds.multi-az", Severity::High, "db_instance", "db-1").message("x");
        let h = History {
            window_start: Some("2026-11-22T12:00:00Z".parse().expect("ts")),
            problems: vec![("cloudtrail".into(), HistoryStatus::Unavailable("AccessDenied".into()))],
            ..Default::default()
        };
        let a = attribution(&f, &h, "2026-11-23T12:00:00Z".parse().expect("ts"));
        assert_eq!(a, Attribution::Unavailable { reason: "AccessDenied".into() });
        assert_eq!(changed_by_json(&a)["status"], "unavailable");
        let ok = History { window_start: h.window_start, ..Default::default() };
        assert_eq!(
            changed_by_json(&attribution(&f, &ok, "2026-11-23T12:00:00Z".parse().expect("ts")))["status"],
            "older_than_window"
        );
    }
}
