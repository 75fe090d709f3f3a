//! The console's reachability: every data change re-judges the `[[reach]]` assertions of
//! the whole estate (a pure computation, `ReachState::compute`), keeps the Reach pane's
//! rows and merges each environment's reach findings into its report, so the Findings
//! pane shows them as `check` does. Nothing here runs while drawing.

use super::worker::Work;
use super::{App, EnvState, EventKind, finding_key};
pub use crate::console::action::ReachJudged;
use crate::console::action::Row;
use engine::drift::{Finding, FindingBuilder, Severity};
use engine::reach::{self, Answer, Env, Estate, Protocol, Verdict};
use std::collections::BTreeMap;
use std::sync::mpsc::{SyncSender, TrySendError};

/// New reach questions, or another environment on screen, for the worker.
pub(super) struct ReachJob {
    pub asks: Vec<Ask>,
    pub current: usize,
    pub version: u64,
}

impl App {
    /// The reach questions or the environment on screen changed: judge them again. With
    /// a worker the judging happens there (at scale it is tens of milliseconds the UI
    /// thread would not answer keys in) and the rows say "judging…" until the answer;
    /// headless `App`s judge now, on this thread.
    pub(super) fn recompute_reach(&mut self) {
        // A worker answer for the old questions or environment must not overwrite these rows.
        self.bg.reach_version += 1;
        let current = self.current.min(self.envs.len().saturating_sub(1));
        if self.bg.jobs.is_some() {
            self.reach.judging(current);
            self.bg.reach_wanted = true;
            self.flush_jobs();
            return;
        }
        let per_env = self.reach.recompute(&self.envs, current);
        self.apply_reach_findings(per_env);
    }

    /// Send the wanted reach job; false when the channel is full (it goes with the next
    /// answer or tick).
    pub(super) fn send_reach_job(&mut self, tx: &SyncSender<Work>) -> bool {
        if !self.bg.reach_wanted {
            return true;
        }
        let job = ReachJob {
            asks: self.reach.asks.clone(),
            current: self.current.min(self.envs.len().saturating_sub(1)),
            version: self.bg.reach_version,
        };
        match tx.try_send(Work::Reach(job)) {
            Ok(()) => {
                self.bg.reach_wanted = false;
                self.bg.reach_inflight += 1;
                true
            }
            Err(TrySendError::Full(_)) => false,
            Err(TrySendError::Disconnected(_)) => {
                // No worker left to answer: say so rather than judge forever.
                self.bg.reach_wanted = false;
                self.message = Some("the evaluation worker stopped: reach questions are not answered".into());
                false
            }
        }
    }

    /// The worker's answer to reach questions: shown unless newer questions (or another
    /// environment) replaced them; the findings hold either way (they judge the worker's
    /// newest snapshots, whatever was asked).
    pub(super) fn on_reach_judged(&mut self, r: ReachJudged) {
        self.bg.reach_inflight = self.bg.reach_inflight.saturating_sub(1);
        if r.version == self.bg.reach_version {
            self.reach.rows = r.rows;
            self.reach.env = Some(r.current);
        } else {
            tracing::debug!(version = r.version, now = self.bg.reach_version, "dropped a stale reach answer");
        }
        self.apply_reach_findings(r.findings);
        self.flush_jobs();
    }

    /// Each environment's new reach findings (by index), merged into its report; the
    /// findings that appear or clear are timeline lines.
    pub(super) fn apply_reach_findings(&mut self, per_env: Vec<Vec<Finding>>) {
        // While a kind the engine reads is still loading anywhere in the estate, an
        // unknown answer means "not fetched yet", as `inventory.unavailable` does.
        let loading = self.envs.iter().any(|e| engine::reach::assert::NEEDED.iter().any(|k| e.pending.contains(k)));
        // Assertions cross environments: their first judgement over complete pictures of
        // every environment is the baseline, and only what changes after it is an event.
        let baseline = self.bg.reach_baseline;
        self.bg.reach_baseline |= !loading && self.envs.iter().all(|e| e.baseline);
        let mut events = Vec::new();
        let mut changed = Vec::new();
        for (i, (env, mut new)) in self.envs.iter_mut().zip(per_env).enumerate() {
            if loading {
                new.retain(|f| f.rule != "reach.unknown");
            }
            if new == env.reach_findings {
                continue;
            }
            let old = std::mem::replace(&mut env.reach_findings, new);
            // The findings it shares with the base report stay alive: dropping it here is cheap.
            drop(env.merge_reach());
            changed.push(i);
            // Changes of the first picture are not events (as for the other findings).
            if baseline && !loading && env.pending.is_empty() {
                events.extend(changes(&old, &env.reach_findings).into_iter().map(|(k, f, text)| (i, k, f, text)));
            }
        }
        for (i, kind, f, text) in events {
            self.note_for(i, kind, Some(f.severity), text);
        }
        for i in changed {
            self.reattribute(i);
        }
    }
}

/// Reach findings that appeared or cleared between two judgements.
fn changes(old: &[Finding], new: &[Finding]) -> Vec<(EventKind, Finding, String)> {
    let keyed =
        |v: &[Finding]| -> BTreeMap<String, Finding> { v.iter().map(|f| (finding_key(f), f.clone())).collect() };
    let (before, after) = (keyed(old), keyed(new));
    let mut out = Vec::new();
    for (k, f) in &after {
        if !before.contains_key(k) {
            out.push((EventKind::FindingAppeared, f.clone(), format!("{} {}: {}", f.rule, f.resource, f.message)));
        }
    }
    for (k, f) in &before {
        if !after.contains_key(k) {
            out.push((EventKind::FindingCleared, f.clone(), format!("{} {} cleared", f.rule, f.resource)));
        }
    }
    out
}

/// A question asked on the query line or with `x`, re-asked on every data change.
#[derive(Debug, Clone)]
pub enum Ask {
    Query { from: String, to: String, port: u16 },
    Who { to: String, label: String, ports: Vec<u16> },
}

#[derive(Debug, Clone, Default)]
pub struct ReachState {
    pub rows: Vec<Row>,
    pub asks: Vec<Ask>,
    /// The environment `rows` were judged for.
    pub env: Option<usize>,
}

/// What one reach computation produces: the Reach pane's rows for the environment on
/// screen and, per environment (by index), the findings of its `[[reach]]` assertions
/// for the Findings pane. Owned data, so it can be computed away from the UI thread.
#[derive(Debug, Clone, Default)]
pub struct ReachResults {
    pub rows: Vec<Row>,
    pub findings: Vec<Vec<Finding>>,
}

impl ReachState {
    /// Judge every assertion of every loaded environment (an `ENV:` name needs that
    /// environment loaded) and re-ask the questions: a pure function of the snapshots,
    /// the designs and the questions asked.
    pub fn compute(asks: &[Ask], envs: &[Env<'_>], current: usize) -> ReachResults {
        let estate = Estate::new(envs);
        let mut rows = Vec::new();
        let judged = reach::assert::judge_all(&estate);
        let findings = reach::assert::findings_per_env(&judged, envs.len());
        for j in judged {
            if j.env != current {
                continue;
            }
            let (severity, detail) = match (&j.finding, &j.needs_env) {
                (_, Some(env)) => (None, note(&j.answer, format!("needs environment {env}: give its --design"))),
                (Some(f), None) => (Some(f.severity), f.clone()),
                (None, None) => (None, note(&j.answer, "holds".into())),
            };
            let why = match &j.needs_env {
                Some(env) => format!("needs --design of {env}"),
                None => j.answer.reason.clone(),
            };
            rows.push(Row {
                section: "assertion",
                from: j.assertion.from.clone(),
                to: j.assertion.to.clone(),
                port: format!("{}/{}", j.assertion.protocol, j.port),
                expect: j.assertion.expect.as_str().to_string(),
                verdict: if j.needs_env.is_some() { Verdict::Unknown } else { j.answer.verdict },
                why,
                severity,
                detail,
                judging: false,
            });
        }
        for ask in asks {
            match ask {
                Ask::Query { from, to, port } => {
                    let a = reach::query(&estate, current, from, to, Protocol::Tcp, *port);
                    rows.push(answer_row("query", &a));
                }
                Ask::Who { to, label, ports } => {
                    for port in ports {
                        for a in reach::exposure::who_can_reach(&estate, current, to, Protocol::Tcp, *port) {
                            if a.verdict != Verdict::Denied {
                                let mut r = answer_row("who", &a);
                                r.to = label.clone();
                                rows.push(r);
                            }
                        }
                    }
                }
            }
        }
        ReachResults { rows, findings }
    }

    /// Recompute over the console's environments and keep the rows; returns the findings
    /// per environment for the caller to merge into the reports.
    pub fn recompute(&mut self, envs: &[EnvState], current: usize) -> Vec<Vec<Finding>> {
        let list: Vec<Env<'_>> = envs
            .iter()
            .map(|e| Env { name: &e.design.environment.name, design: &e.design, snapshot: &e.snapshot })
            .collect();
        let results = Self::compute(&self.asks, &list, current);
        self.rows = results.rows;
        self.env = Some(current);
        results.findings
    }

    /// The questions (or the environment on screen) changed and the worker judges them:
    /// the rows that no longer hold say "judging…" until its answer. The assertion rows
    /// stay when the environment is the same (the worker re-judges them too).
    pub fn judging(&mut self, current: usize) {
        let same_env = self.env == Some(current);
        self.rows.retain(|r| same_env && r.section == "assertion" && !r.judging);
        if !same_env {
            self.rows.push(Row::judging("assertion", "the design's [[reach]] assertions", "", ""));
            self.env = None;
        }
        for ask in &self.asks {
            self.rows.push(match ask {
                Ask::Query { from, to, port } => Row::judging("query", from, to, &format!("tcp/{port}")),
                Ask::Who { label, ports, .. } => {
                    let ports: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
                    Row::judging("who", "who can reach", label, &format!("tcp/{}", ports.join(",")))
                }
            });
        }
    }

    /// `:reach SRC DST PORT`
    pub fn ask(&mut self, arg: &str) -> Result<(), String> {
        let parts: Vec<&str> = arg.split_whitespace().collect();
        let [from, to, port] = parts[..] else {
            return Err("usage: :reach SRC DST PORT (e.g. :reach app production-pci:db 5432)".into());
        };
        let port: u16 = port.parse().map_err(|_| format!("`{port}` is not a port"))?;
        for e in [from, to] {
            reach::endpoint::parse_endpoint(e)?;
        }
        self.asks.retain(|a| !matches!(a, Ask::Query { .. }));
        self.asks.push(Ask::Query { from: from.into(), to: to.into(), port });
        Ok(())
    }

    /// `x` on a row naming a security group or an RDS instance: who can reach its role
    /// (`ids`: what the row and the rows above it name, nearest first; the first that
    /// names a group or an RDS instance counts).
    pub fn who(&mut self, env: &EnvState, ids: &[String]) -> Result<String, String> {
        let snap = &env.snapshot;
        // The environment's published index: building a new one costs the UI thread
        // milliseconds at scale.
        let cx = env.context();
        let groups: Vec<String> = ids
            .iter()
            .find_map(|id| {
                if names_group(env, id) {
                    Some(vec![id.clone()])
                } else {
                    snap.db_instances.iter().find(|d| d.id == *id).map(|d| d.security_groups.clone())
                }
            })
            .ok_or(
                "select a security group or an RDS instance (cache groups carry no security groups in the inventory)",
            )?;
        let role = groups.iter().find_map(|g| cx.role_of(g)).ok_or_else(|| {
            format!("{} plays no role of the design: reachability is asked by role", groups.join(", "))
        })?;
        let mut ports: Vec<u16> = snap
            .security_groups
            .iter()
            .filter(|g| groups.contains(&g.id))
            .flat_map(|g| &g.ingress)
            .filter_map(|r| if r.all_traffic() { None } else { r.from_port.and_then(|p| u16::try_from(p).ok()) })
            .filter(|p| *p > 0)
            .collect();
        ports.sort();
        ports.dedup();
        ports.truncate(6);
        if ports.is_empty() {
            return Err(format!("role {role}: its groups open no TCP port to ask about"));
        }
        let label = format!("{} (role {role})", ids.first().cloned().unwrap_or_default());
        self.asks.retain(|a| !matches!(a, Ask::Who { .. }));
        self.asks.push(Ask::Who { to: format!("role:{role}"), label: label.clone(), ports });
        Ok(label)
    }
}

impl Row {
    fn judging(section: &'static str, from: &str, to: &str, port: &str) -> Row {
        let detail = FindingBuilder::new("reach.path", Severity::Info, "reach", format!("{from} -> {to}"))
            .expected("an answer")
            .actual("judging")
            .message("being judged on the evaluation worker");
        Row {
            section,
            from: from.to_string(),
            to: to.to_string(),
            port: port.to_string(),
            expect: String::new(),
            verdict: Verdict::Unknown,
            why: "being judged…".into(),
            severity: None,
            detail,
            judging: true,
        }
    }
}

fn answer_row(section: &'static str, a: &Answer) -> Row {
    Row {
        section,
        from: a.from.clone(),
        to: a.to.clone(),
        port: format!("{}/{}", a.protocol.as_str(), a.port),
        expect: String::new(),
        verdict: a.verdict,
        why: a.reason.clone(),
        severity: None,
        detail: note(a, format!("{} -> {}", a.from_resolved, a.to_resolved)),
        judging: false,
    }
}

/// The path of an answer as a detail the finding overlay can show.
fn note(a: &Answer, expected: String) -> Finding {
    let mut b = FindingBuilder::new("reach.path", Severity::Info, "reach", format!("{} -> {}", a.from, a.to))
        .expected(expected)
        .actual(a.verdict.as_str())
        .evidence("port", format!("{}/{}", a.protocol.as_str(), a.port));
    if let Some(p) = &a.path {
        b = b.evidence("path", reach::assert::path_line(p)).evidence("members", format!("{} -> {}", p.from, p.to));
    }
    if !a.notes.is_empty() {
        b = b.evidence("notes", a.notes.join("; "));
    }
    b.message(a.reason.clone())
}

/// Does `id` name a security group or an RDS instance of the environment (what `x` asks
/// about)? The first such id of a row and the rows above it is the one `who` answers for.
pub fn names_target(env: &EnvState, id: &str) -> bool {
    names_group(env, id) || env.snapshot.db_instances.iter().any(|d| d.id == id)
}

fn names_group(env: &EnvState, id: &str) -> bool {
    env.snapshot.security_groups.iter().any(|g| g.id == id)
}
