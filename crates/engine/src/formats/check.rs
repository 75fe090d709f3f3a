//! Rendering a drift report for `check`: a readable table (colour only on a terminal,
//! `NO_COLOR` honoured) and versioned JSON for machines.

use crate::design::Design;
use crate::drift::{Finding, Report, Severity};
use model::FetchStatus;
use serde_json::{Value, json};
use std::fmt::Write;

/// Version of the `check --format json` document.
pub const REPORT_SCHEMA: u32 = 1;

/// Whether to use ANSI colour: only on a terminal, and never when `NO_COLOR` is set.
pub fn use_colour(is_tty: bool) -> bool {
    is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Several environments in one document: `{"schema": 1, "environments": [REPORT, ...]}`,
/// each element exactly the single-environment document.
pub fn estate_json(reports: Vec<Value>) -> Value {
    json!({ "schema": REPORT_SCHEMA, "environments": reports })
}

pub fn to_json(design: &Design, report: &Report) -> Value {
    let inventory: serde_json::Map<String, Value> = report
        .inventory
        .iter()
        .map(|(k, s)| {
            (
                k.as_str().to_string(),
                json!({
                    "status": s.status,
                    "fetched_at": s.fetched_at,
                    "count": s.count,
                    "error": s.error,
                }),
            )
        })
        .collect();
    let counts: serde_json::Map<String, Value> = Severity::ALL_DESC
        .iter()
        .map(|s| (s.as_str().to_string(), json!(report.findings.iter().filter(|f| f.severity == *s).count())))
        .collect();
    json!({
        "schema": REPORT_SCHEMA,
        "environment": report.environment,
        "criticality": design.environment.criticality.as_str(),
        "design": design.source,
        "account": report.account,
        "region": report.region,
        "generated_at": report.generated_at,
        "inventory": inventory,
        "unavailable": report.unavailable,
        "summary": counts,
        "findings": report.findings.iter().map(|f| &**f).collect::<Vec<&Finding>>(),
        "muted": report.muted.iter().map(|f| &**f).collect::<Vec<&Finding>>(),
    })
}

struct Paint {
    on: bool,
}

impl Paint {
    fn sev(&self, s: Severity, text: &str) -> String {
        if !self.on {
            return text.to_string();
        }
        let code = match s {
            Severity::Critical => "1;97;41",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    fn dim(&self, text: &str) -> String {
        if self.on { format!("\x1b[2m{text}\x1b[0m") } else { text.to_string() }
    }

    fn bold(&self, text: &str) -> String {
        if self.on { format!("\x1b[1m{text}\x1b[0m") } else { text.to_string() }
    }
}

pub fn to_table(design: &Design, report: &Report, fail_on: Severity, colour: bool) -> String {
    let p = Paint { on: colour };
    let mut out = String::new();
    let env = &design.environment;
    let account = report.account.as_deref().unwrap_or("unknown account");
    let when = report.generated_at.map_or("unknown time".to_string(), |t| t.to_string());
    let _ = writeln!(
        out,
        "{} ({}) · {account} · {} · {when}",
        p.bold(&report.environment),
        env.criticality.as_str(),
        report.region
    );

    let failed: Vec<String> = report
        .inventory
        .iter()
        .filter(|(_, s)| s.status != FetchStatus::Ok)
        .map(|(k, s)| format!("{k}: {}", s.error.as_deref().unwrap_or("failed")))
        .collect();
    let ok = report.inventory.values().filter(|s| s.status == FetchStatus::Ok).count();
    let _ = writeln!(out, "inventory: {ok} of {} kinds fetched", report.inventory.len());
    for f in &failed {
        let _ = writeln!(out, "  {} {f}", p.sev(Severity::High, "FAILED"));
    }
    let _ = writeln!(out);

    if report.findings.is_empty() {
        let _ = writeln!(out, "No drift: the environment matches {}.", design.source);
    }
    for sev in Severity::ALL_DESC {
        let group: Vec<&Finding> = report.findings.iter().filter(|f| f.severity == sev).map(|f| f.as_ref()).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}", p.sev(sev, &format!("{} ({})", sev.as_str().to_uppercase(), group.len())));
        for f in group {
            let place = match (&f.tier, &f.role) {
                (Some(t), _) => format!(" [{t}]"),
                (None, Some(r)) => format!(" [{r}]"),
                _ => String::new(),
            };
            let _ = writeln!(out, "  {:<26} {}{place}", f.rule, f.resource);
            let _ = writeln!(out, "      {}", f.message);
            let _ = writeln!(out, "      {}", p.dim(&format!("expected: {} | actual: {}", f.expected, f.actual)));
            if let Some(note) = &f.note {
                let _ = writeln!(out, "      {}", p.dim(note));
            }
        }
        let _ = writeln!(out);
    }
    if !report.muted.is_empty() {
        let _ = writeln!(out, "{}", p.dim(&format!("muted ({}):", report.muted.len())));
        for f in &report.muted {
            let _ = writeln!(
                out,
                "  {}",
                p.dim(&format!("{} {} ({})", f.rule, f.resource, f.note.as_deref().unwrap_or("")))
            );
        }
        let _ = writeln!(out);
    }

    let counts = report.counts();
    let parts: Vec<String> =
        Severity::ALL_DESC.iter().map(|s| format!("{} {}", counts.get(s).copied().unwrap_or(0), s.as_str())).collect();
    let verdict = if !report.unavailable.is_empty() {
        let kinds: Vec<&str> = report.unavailable.iter().map(|k| k.as_str()).collect();
        format!("UNKNOWN: could not fetch {} (exit 2)", kinds.join(", "))
    } else if report.count_at_or_above(fail_on) > 0 {
        format!("DRIFT at or above {fail_on} (exit 1)")
    } else {
        format!("PASS: nothing at or above {fail_on} (exit 0)")
    };
    let _ = writeln!(out, "{}: {}", p.bold("summary"), parts.join(", "));
    let _ = writeln!(out, "{verdict}");
    out
}
