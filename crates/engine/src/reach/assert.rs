//! `[[reach]]` assertions of every design in the estate, judged and turned into
//! findings: `reach.unexpected` (a forbidden path exists), `reach.broken` (a needed path
//! is blocked), `reach.unknown` (the answer cannot be known: never a pass).

use super::{Answer, Env, Estate, Protocol, Verdict, endpoint};
use crate::design::Design;
use crate::design::{Expect, ReachAssertion};
use crate::drift::{self, Report};
use crate::drift::{Finding, FindingBuilder, Severity};
use model::Kind;
use model::Snapshot;
use std::sync::Arc;

/// One assertion on one port, with its live answer.
#[derive(Debug, Clone)]
pub struct Judged {
    /// Environment whose design holds the assertion.
    pub env: usize,
    pub assertion: ReachAssertion,
    pub port: u16,
    pub answer: Answer,
    /// Names another environment that is not in the estate: cannot be judged here.
    pub needs_env: Option<String>,
    /// `None` when the answer matches the expectation.
    pub finding: Option<Finding>,
}

impl Judged {
    pub fn holds(&self) -> bool {
        self.finding.is_none() && self.needs_env.is_none()
    }
}

/// Judge every assertion of every design of the estate (one entry per port; port
/// ranges are judged at their first and last port).
pub fn judge_all(estate: &Estate<'_>) -> Vec<Judged> {
    let mut out = Vec::new();
    for (i, env) in estate.envs.iter().enumerate() {
        for a in &env.design.reach {
            let needs_env = [&a.from, &a.to]
                .into_iter()
                .filter_map(|s| endpoint::parse_endpoint(s).ok()?.env)
                .find(|e| estate.env(e).is_none());
            let proto = Protocol::parse(&a.protocol).unwrap_or(Protocol::Tcp);
            let src = endpoint::resolve_shared(estate, i, &a.from);
            let dst = endpoint::resolve_shared(estate, i, &a.to);
            let mut ports: Vec<u16> = a.ports.iter().flat_map(|p| [p.from, p.to]).collect();
            ports.dedup();
            for port in ports {
                let answer = super::answer(estate, &a.from, &a.to, &src, &dst, proto, port);
                let finding = if needs_env.is_some() { None } else { finding(env.name, a, &answer) };
                out.push(Judged { env: i, assertion: a.clone(), port, answer, needs_env: needs_env.clone(), finding });
            }
        }
    }
    out
}

/// Findings per environment (by estate index), plus the kinds whose absence made an
/// answer unknown. Assertions naming an environment outside the estate are left out:
/// `judge_all` reports them with `needs_env`.
pub fn assert(estate: &Estate<'_>) -> Vec<(Vec<Finding>, Vec<Kind>)> {
    let mut out: Vec<(Vec<Finding>, Vec<Kind>)> = vec![(Vec::new(), Vec::new()); estate.envs.len()];
    for j in judge_all(estate) {
        if let Some(f) = j.finding {
            if f.rule == "reach.unknown" {
                for k in NEEDED {
                    if estate.index.iter().any(|ix| !ix.snap.usable(*k)) && f.message.contains(k.as_str()) {
                        out[j.env].1.push(*k);
                    }
                }
            }
            out[j.env].0.push(f);
        }
    }
    out
}

/// The kinds the reach engine reads.
pub const NEEDED: &[Kind] = &[
    Kind::Vpcs,
    Kind::Subnets,
    Kind::RouteTables,
    Kind::PeeringConnections,
    Kind::SecurityGroups,
    Kind::NetworkAcls,
    Kind::PrefixLists,
    Kind::NetworkInterfaces,
    Kind::VpcEndpoints,
    Kind::TransitGatewayAttachments,
    Kind::TransitGatewayRouteTables,
    Kind::VpnGateways,
    Kind::VpnConnections,
    Kind::DbInstances,
];

fn finding(env: &str, a: &ReachAssertion, ans: &Answer) -> Option<Finding> {
    let denied_pairs = ans.counts[Verdict::Denied as usize];
    let (rule, severity, actual) = match (a.expect, ans.verdict) {
        (Expect::Denied, Verdict::Allowed) => ("reach.unexpected", Severity::Critical, "a path exists".to_string()),
        (Expect::Allowed, Verdict::Denied) => ("reach.broken", Severity::High, "blocked".to_string()),
        (Expect::Allowed, Verdict::Allowed) if denied_pairs > 0 => (
            "reach.broken",
            Severity::High,
            format!("blocked for {denied_pairs} of {} member pairs", ans.counts.iter().sum::<usize>()),
        ),
        (_, Verdict::Unknown) => ("reach.unknown", Severity::High, "unknown".to_string()),
        _ => return None,
    };
    // The path to show: for a broken path the first denied pair, else the representative.
    let shown = if rule == "reach.broken" {
        ans.paths.iter().find(|p| p.verdict == Verdict::Denied).or(ans.path.as_ref())
    } else {
        ans.path.as_ref()
    };
    // Denied or unknown: the hop that decided. Allowed: the ingress rule that lets it in.
    // (A block after an unknown hop decides, so it is the path's deciding hop, not the
    // first hop that is not a pass.)
    let deciding = shown.and_then(|p| {
        p.deciding_hop().or_else(|| p.hops.iter().rev().find(|h| h.step == "sg" && !h.resource.is_empty()))
    });
    let resource = deciding
        .map(|h| h.resource.clone())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| format!("{} -> {}", a.from, a.to));
    let what = format!("{} -> {} {}/{}", a.from, a.to, ans.protocol.as_str(), ans.port);
    let reason = shown.map(|p| p.reason.clone()).unwrap_or_else(|| ans.reason.clone());
    let mut b = FindingBuilder::new(rule, severity, "reach", &resource)
        .expected(a.expect.as_str())
        .actual(actual.clone())
        .evidence("from", format!("{} ({})", a.from, ans.from_resolved))
        .evidence("to", format!("{} ({})", a.to, ans.to_resolved))
        .evidence("port", format!("{}/{}", ans.protocol.as_str(), ans.port))
        .evidence("verdict", ans.verdict.as_str())
        .clause(format!("reach {} -> {} expect {} (line {})", a.from, a.to, a.expect.as_str(), a.line));
    if let Some(p) = shown {
        b = b.evidence("path", path_line(p));
    }
    if let Some(h) = deciding {
        b = b.evidence("deciding_hop", format!("{} {}", h.step, h.detail));
    }
    if let Some(c) = shown.and_then(|p| p.code).or(ans.code) {
        b = b.evidence("code", c.as_str());
    }
    if !ans.notes.is_empty() {
        b = b.evidence("notes", ans.notes.join("; "));
    }
    let msg = match rule {
        "reach.unexpected" => format!("{env}: {what} must be denied, but a path exists: {reason}"),
        "reach.broken" => format!("{env}: {what} must be allowed, but is {actual}: {reason}"),
        _ => format!("{env}: {what} is unknown: {reason}"),
    };
    Some(b.message(msg))
}

/// `rtb-1: 10.21.0.0/16 -> pcx-1 > pcx-1 active > acl-1 #100 ... > sg-1 ...`
pub fn path_line(p: &super::PathAnswer) -> String {
    p.hops
        .iter()
        .map(|h| {
            let mark = match h.outcome {
                super::Outcome::Pass => "",
                super::Outcome::Block => "✗ ",
                super::Outcome::Unknown => "? ",
            };
            format!("{mark}{}", h.detail)
        })
        .collect::<Vec<_>>()
        .join(" > ")
}

/// The findings of judged assertions, per environment (by index). An assertion that
/// needs an environment not loaded has no finding: it is not judged, never a pass.
pub fn findings_per_env(judged: &[Judged], envs: usize) -> Vec<Vec<Finding>> {
    let mut per_env: Vec<Vec<Finding>> = vec![Vec::new(); envs];
    for j in judged.iter().filter(|j| j.needs_env.is_none()) {
        if let (Some(f), Some(list)) = (&j.finding, per_env.get_mut(j.env)) {
            list.push(f.clone());
        }
    }
    per_env
}

/// Judge the `[[reach]]` assertions of every environment `check` loaded, across the whole
/// estate (so `production-pci:alb` is judged when production-pci is loaded too), and add
/// their findings to each environment's report. Assertions naming an environment that
/// is not loaded are not judged: never counted as holding. Returns the line that says so, for stderr.
pub fn add_to_check(envs: &[(&Design, &Snapshot)], reports: &mut [&mut Report]) -> Option<String> {
    if envs.iter().all(|(d, _)| d.reach.is_empty()) {
        return None;
    }
    let list: Vec<Env> = envs.iter().map(|(d, s)| Env { name: &d.environment.name, design: d, snapshot: s }).collect();
    let estate = Estate::new(&list);
    let judged = judge_all(&estate);
    let mut foreign: Vec<String> = judged.iter().filter_map(|j| j.needs_env.clone()).collect();
    foreign.sort();
    foreign.dedup();
    let note = (!foreign.is_empty()).then(|| {
        let n = judged.iter().filter(|j| j.needs_env.is_some()).count();
        format!("{n} reach assertion(s) name {}: not judged; add their --design to judge them", foreign.join(", "))
    });
    let per_env = findings_per_env(&judged, envs.len());
    for ((i, findings), report) in per_env.into_iter().enumerate().zip(reports.iter_mut()) {
        merge(envs[i].0, report, findings);
    }
    note
}

/// Merge reach findings into a report: severity overrides and mutes of the design apply,
/// as to every rule's findings (`drift::overridden`, `drift::mute`).
pub fn merge(design: &Design, report: &mut Report, findings: Vec<Finding>) {
    let today = report.generated_at.unwrap_or(jiff::Timestamp::UNIX_EPOCH).to_zoned(jiff::tz::TimeZone::UTC).date();
    let (mut active, mut muted) = (Vec::new(), Vec::new());
    for f in findings {
        if f.rule == "reach.unknown" {
            for k in NEEDED {
                if !report.unavailable.contains(k) && f.message.contains(&format!("{} of", k.as_str())) {
                    report.unavailable.push(*k);
                }
            }
        }
        let f = drift::overridden(design, Arc::new(f));
        match drift::mute(design, &f, today) {
            drift::Muting::None => active.push(f),
            drift::Muting::Muted(f) => muted.push(f),
            drift::Muting::Expired(f) => active.push(f),
        }
    }
    report.unavailable.sort();
    drift::merge_sorted(&mut report.findings, active);
    drift::merge_sorted(&mut report.muted, muted);
}
