//! Evaluation off the UI thread. A kind result is applied to the snapshot, the drift
//! rules that read it re-run and reachability is re-judged on a dedicated worker thread;
//! the UI keeps showing the last published (snapshot, index, report) until the new one
//! arrives as `Action::Evaluated`, tagged with its environment, generation and sequence
//! number (older ones are dropped). Without a worker (tests, benches) the same changes
//! are applied synchronously inside `update`, so headless tests stay deterministic.

use super::reach::ReachState;
use super::{App, EventKind, finding_key};
use crate::console::action::Action;
pub use crate::console::action::{Evaluated, SharedRows};
use engine::design::Design;
use engine::drift::{Evaluator, Finding, Report, Severity};
use jiff::Timestamp;
use model::source::FetchError;
use model::{AlarmState, FetchStatus, Kind, KindStatus, Snapshot};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};

/// Jobs queued to the worker at most; past that, changes wait (coalesced per kind) in
/// the App until the worker answers, so a burst of results never piles up unbounded.
const JOBS_IN_FLIGHT: usize = 2;

/// One change to an environment's inventory.
#[derive(Debug, Clone)]
pub enum Change {
    /// A kind's fetch finished (its items, or why not).
    Fetched { kind: Kind, result: Box<Result<Snapshot, FetchError>>, at: Timestamp },
    /// The connection failed: these kinds (still pending) are failed with its error.
    Failed { kinds: BTreeSet<Kind>, error: String },
}

impl Change {
    fn fetched_kind(&self) -> Option<Kind> {
        match self {
            Change::Fetched { kind, .. } => Some(*kind),
            Change::Failed { .. } => None,
        }
    }
}

/// Apply one change to a snapshot; returns the kinds the rules must read again: those
/// whose items changed or whose status did. A kind fetched again with the same items,
/// usable before and after, is not one: rules read a kind's items and whether it is
/// usable, never its fetch time, so their findings stand (the report still shows the
/// new fetch time). On a large account that is most polls, and re-running the
/// security-group rules on one took 11-13 ms of the worker.
fn apply(snap: &mut Snapshot, change: Change) -> Vec<Kind> {
    match change {
        Change::Fetched { kind, result, at } => {
            let mut changed = true;
            match *result {
                Ok(mut part) => {
                    changed = !(snap.usable(kind) && snap.same_items(kind, &part));
                    let count = part.len_of(kind);
                    snap.take_kind_from(kind, &mut part);
                    snap.inventory.insert(kind, KindStatus::ok(at, count));
                }
                Err(e) => snap.mark_failed(kind, e.message),
            }
            snap.taken_at = Some(at);
            if changed { vec![kind] } else { Vec::new() }
        }
        Change::Failed { kinds, error } => {
            for k in &kinds {
                snap.mark_failed(*k, error.clone());
            }
            kinds.into_iter().collect()
        }
    }
}

/// What the worker is sent: changes to evaluate, or only reach questions to answer.
pub(super) enum Work {
    Eval(Job),
    Reach(super::reach::ReachJob),
}

/// What the worker is asked: apply `changes` to environment `env`, evaluate, re-judge
/// reachability for the environment on screen.
pub(super) struct Job {
    env: usize,
    generation: u64,
    seq: u64,
    changes: Vec<Change>,
    /// Kinds still loading (not reported as unavailable).
    pending: BTreeSet<Kind>,
    account: Option<String>,
    /// A connection failure re-runs every rule.
    full: bool,
    settled: bool,
    now: Timestamp,
    /// Reach questions and the environment on screen, with the version they belong to.
    reach: (ReachState, usize, u64),
    /// Build the Security pane's rows with the report (the pane is on screen for this
    /// environment): 14,000 rows at scale 4 are then no work for the UI thread.
    security_rows: bool,
}

/// The view's builder of the Security pane's rows (`Layout::security_rows`).
type SecurityRows = fn(&Design, &Snapshot, &engine::drift::Context<'_>, &Report) -> Vec<crate::console::action::Item>;

/// The worker's side: every environment's design, newest snapshot and evaluator.
struct WorkerEnv {
    design: Design,
    snapshot: Arc<Snapshot>,
    evaluator: Evaluator,
    /// The findings of the previous answer, by `finding_key`.
    last: BTreeMap<Arc<str>, Arc<Finding>>,
}

/// The worker thread: jobs in, answers out; `security_rows` is the view's builder.
fn serve(mut envs: Vec<WorkerEnv>, jobs: Receiver<Work>, emit: impl Fn(Action), security_rows: SecurityRows) {
    for work in jobs {
        let job = match work {
            Work::Eval(job) => job,
            Work::Reach(r) => {
                // New questions or another environment on screen: answered over the
                // newest snapshots the worker holds, nothing re-evaluated.
                let list: Vec<engine::reach::Env<'_>> = envs
                    .iter()
                    .map(|e| engine::reach::Env {
                        name: &e.design.environment.name,
                        design: &e.design,
                        snapshot: &e.snapshot,
                    })
                    .collect();
                let out = ReachState::compute(&r.asks, &list, r.current);
                emit(Action::ReachJudged(Box::new(super::reach::ReachJudged {
                    rows: out.rows,
                    findings: out.findings,
                    current: r.current,
                    version: r.version,
                })));
                continue;
            }
        };
        let Some(w) = envs.get_mut(job.env) else { continue };
        // Copy-on-write: the UI holds the previous snapshot, so the copy is made here,
        // off the UI thread.
        let snap = Arc::make_mut(&mut w.snapshot);
        let mut changed = BTreeSet::new();
        let mut fetched = Vec::new();
        for change in job.changes {
            fetched.extend(change.fetched_kind());
            changed.extend(apply(snap, change));
        }
        snap.account = job.account;
        if job.full {
            w.evaluator = Evaluator::new(&w.design, &w.snapshot);
        } else {
            for kind in &changed {
                w.evaluator.update(&w.design, &w.snapshot, *kind);
            }
        }
        let report = super::env::without_pending(w.evaluator.report_at(&w.design, &w.snapshot, job.now), &job.pending);
        // The large rules join their texts only when read (`drift::Text::template`); the
        // panes read them (rows, filter, keys), so join them here, not on the UI thread.
        for f in report.findings.iter().chain(&report.muted) {
            let _ = (f.actual.as_str(), f.message.as_str());
        }
        let keys = super::FindingKeys::of(&report.findings);
        let (appeared, cleared) = diff(&w.last, &report, &keys);
        w.last = keyed(&report, &keys);
        let (reach, current, reach_version) = job.reach;
        let list: Vec<engine::reach::Env<'_>> = envs
            .iter()
            .map(|e| engine::reach::Env { name: &e.design.environment.name, design: &e.design, snapshot: &e.snapshot })
            .collect();
        let reach = ReachState::compute(&reach.asks, &list, current);
        let Some(w) = envs.get(job.env) else { continue };
        let security_rows = job.security_rows.then(|| {
            let cx = engine::drift::Context::with_index(&w.design, &w.snapshot, w.evaluator.index());
            SharedRows(Arc::new((security_rows)(&w.design, &w.snapshot, &cx, &report)))
        });
        emit(Action::Evaluated(Box::new(Evaluated {
            env: job.env,
            generation: job.generation,
            seq: job.seq,
            snapshot: Arc::clone(&w.snapshot),
            index: w.evaluator.shared_index(),
            report,
            fetched,
            settled: job.settled,
            appeared,
            cleared,
            reach_rows: reach.rows,
            reach_findings: reach.findings,
            reach_version,
            keys,
            security_rows,
        })));
    }
}

/// The App's handle on the worker and what waits for it.
#[derive(Default)]
pub struct Background {
    pub(super) jobs: Option<SyncSender<Work>>,
    /// Per environment: changes not yet sent (the channel was full), with `settled`.
    backlog: Vec<Vec<(Change, bool)>>,
    full: Vec<bool>,
    sent: Vec<u64>,
    /// Last sequence number answered (shown or dropped) and shown, per environment.
    answered: Vec<u64>,
    shown: Vec<u64>,
    /// Bumped whenever the reach questions or the environment on screen change, so a
    /// worker answer computed for the old ones is not shown.
    pub(super) reach_version: u64,
    /// A reach job is to be sent (the channel was full), and how many are unanswered.
    pub(super) reach_wanted: bool,
    pub(super) reach_inflight: usize,
    /// Reach findings have been judged once over every environment's complete picture
    /// (see `apply_reach_findings`).
    pub(super) reach_baseline: bool,
    /// Where replaced snapshots and reports go to be freed, off the UI thread.
    trash: Option<std::sync::mpsc::Sender<Trash>>,
}

/// Data the UI thread no longer needs, freed by the `driftdeck-free` thread.
type Trash = Box<dyn Send>;

impl Background {
    /// Free `old` on the freeing thread (or here when there is none: headless `App`s).
    fn discard(&self, old: Trash) {
        if let Some(t) = &self.trash {
            // A send fails only when that thread is gone; `old` is then dropped here.
            let _ = t.send(old);
        }
    }
}

/// State of one environment before a change, for the timeline's "what changed" lines.
struct Before {
    status: BTreeMap<Kind, FetchStatus>,
    alarms: Option<BTreeMap<String, AlarmState>>,
}

impl App {
    /// Move evaluation to a worker thread; `emit` hands its answers back to the event
    /// loop (which feeds them to `update`). The console calls this once at start.
    pub fn start_worker(&mut self, emit: impl Fn(Action) + Send + 'static) -> std::io::Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel(JOBS_IN_FLIGHT);
        let mut envs = Vec::new();
        for env in &mut self.envs {
            let evaluator = match env.evaluator.take() {
                Some(e) => e,
                None => Evaluator::new(&env.design, &env.snapshot),
            };
            envs.push(WorkerEnv {
                design: env.design.clone(),
                snapshot: Arc::clone(&env.snapshot),
                evaluator,
                last: keyed(&env.report, &env.keys),
            });
        }
        let security_rows = self.layout.security_rows;
        std::thread::Builder::new()
            .name("driftdeck-eval".into())
            .spawn(move || serve(envs, rx, emit, security_rows))?;
        // Freeing a replaced large snapshot or report takes the UI thread ~10 ms; a thread
        // that only drops what it is sent takes that away (measured in benches/console.rs).
        let (trash, bin) = std::sync::mpsc::channel::<Trash>();
        std::thread::Builder::new().name("driftdeck-free".into()).spawn(move || bin.iter().for_each(drop))?;
        self.bg.trash = Some(trash);
        let n = self.envs.len();
        self.bg.jobs = Some(tx);
        self.bg.backlog = (0..n).map(|_| Vec::new()).collect();
        self.bg.full = vec![false; n];
        self.bg.sent = vec![0; n];
        self.bg.shown = vec![0; n];
        self.bg.answered = vec![0; n];
        Ok(())
    }

    /// Free replaced rows on the freeing thread (here when there is none).
    pub(super) fn discard_rows(&self, old: Arc<Vec<crate::console::action::Item>>) {
        self.bg.discard(Box::new(old));
    }

    /// Is the worker still to answer for a change (sent or waiting to be sent)? Tests
    /// drive the worker to completion with it.
    pub fn evaluating(&self) -> bool {
        self.bg.backlog.iter().any(|b| !b.is_empty())
            || self.bg.answered.iter().zip(&self.bg.sent).any(|(a, s)| a < s)
            || self.bg.reach_wanted
            || self.bg.reach_inflight > 0
    }

    /// Apply changes to environment `i`: on the worker when there is one, else now.
    /// `full` re-runs every rule; `settled` means the first picture was complete, so
    /// findings that appear or clear are timeline events.
    pub(super) fn apply_changes(&mut self, i: usize, changes: Vec<Change>, full: bool, settled: bool) {
        if self.bg.jobs.is_some() {
            if let Some(backlog) = self.bg.backlog.get_mut(i) {
                for change in changes {
                    // A newer result of a kind replaces one still waiting: only the latest counts.
                    let same = |(c, s): &(Change, bool)| *s == settled && c.fetched_kind() == change.fetched_kind();
                    match backlog.iter().position(same).filter(|_| change.fetched_kind().is_some()) {
                        Some(at) => backlog[at] = (change, settled),
                        None => backlog.push((change, settled)),
                    }
                }
                self.bg.full[i] |= full;
            }
            self.flush_jobs();
            return;
        }
        let now = self.now;
        let Some(env) = self.envs.get_mut(i) else { return };
        let fetched: Vec<Kind> = changes.iter().filter_map(Change::fetched_kind).collect();
        let before = before_of(env, &fetched);
        let last = keyed(&env.report, &env.keys);
        let snap = Arc::make_mut(&mut env.snapshot);
        let mut changed = Vec::new();
        for change in changes {
            changed.extend(apply(snap, change));
        }
        env.evaluate_now(&changed, full, now);
        let found = diff(&last, &env.report, &env.keys);
        self.after_change(i, before, &fetched, settled, found);
        self.recompute_reach();
    }

    /// Send every environment's waiting changes the channel has room for.
    pub(super) fn flush_jobs(&mut self) {
        let Some(tx) = self.bg.jobs.clone() else { return };
        if !self.send_reach_job(&tx) {
            return;
        }
        for i in 0..self.envs.len() {
            let Some(first) = self.bg.backlog.get(i).and_then(|b| b.first()) else { continue };
            // One job never mixes settled and unsettled changes (the timeline tells them apart).
            let settled = first.1;
            let backlog = &mut self.bg.backlog[i];
            let n = backlog.iter().take_while(|(_, s)| *s == settled).count();
            let changes: Vec<Change> = backlog.drain(..n).map(|(c, _)| c).collect();
            let env = &self.envs[i];
            let job = Job {
                env: i,
                generation: env.generation,
                seq: self.bg.sent[i] + 1,
                changes,
                pending: env.pending.clone(),
                account: env.snapshot.account.clone(),
                full: self.bg.full[i],
                settled,
                now: self.now,
                reach: (
                    ReachState { asks: self.reach.asks.clone(), ..ReachState::default() },
                    self.current,
                    self.bg.reach_version,
                ),
                security_rows: i == self.current && self.pane == crate::console::action::Pane::Security,
            };
            match tx.try_send(Work::Eval(job)) {
                Ok(()) => {
                    self.bg.sent[i] += 1;
                    self.bg.full[i] = false;
                }
                Err(TrySendError::Full(work) | TrySendError::Disconnected(work)) => {
                    // Put the changes back in front; they go with the next answer or tick.
                    if let Work::Eval(job) = work {
                        let back: Vec<(Change, bool)> = job.changes.into_iter().map(|c| (c, settled)).collect();
                        self.bg.backlog[i].splice(0..0, back);
                    }
                    return;
                }
            }
        }
    }

    /// A worker answer: show it unless a newer connection or answer replaced it.
    pub(super) fn on_evaluated(&mut self, e: Evaluated) {
        let i = e.env;
        if let Some(a) = self.bg.answered.get_mut(i) {
            *a = (*a).max(e.seq);
        }
        let fresh = self.envs.get(i).is_some_and(|env| env.generation == e.generation)
            && self.bg.shown.get(i).is_some_and(|s| e.seq > *s);
        if fresh {
            self.bg.shown[i] = e.seq;
            if let Some(env) = self.envs.get_mut(i) {
                let before = before_of(env, &e.fetched);
                let snapshot = std::mem::replace(&mut env.snapshot, e.snapshot);
                let index = std::mem::replace(&mut env.index, e.index);
                let old_rows = env.security_rows.take();
                let reports = env.set_report(e.report, e.keys);
                env.security_rows = e.security_rows.map(|r| r.0);
                self.bg.discard(Box::new((snapshot, index, reports, old_rows)));
                self.after_change(i, before, &e.fetched, e.settled, (e.appeared, e.cleared));
            }
            if e.reach_version == self.bg.reach_version {
                self.reach.rows = e.reach_rows;
                self.reach.env = Some(self.current);
            }
            self.apply_reach_findings(e.reach_findings);
        } else {
            tracing::debug!(env = i, generation = e.generation, seq = e.seq, "dropped a stale evaluation");
            self.dirty = false;
        }
        self.flush_jobs();
    }

    /// Timeline lines for what changed in environment `i` since `before`, and keep the
    /// open finding detail current.
    fn after_change(
        &mut self,
        i: usize,
        before: Before,
        fetched: &[Kind],
        settled: bool,
        (appeared, cleared): (Vec<Arc<Finding>>, Vec<Arc<Finding>>),
    ) {
        // The report changed: say again how each finding came to be, and judge a loaded
        // plan against the new inventory.
        self.reattribute(i);
        self.recompute_plan(i);
        let Some(env) = self.envs.get(i) else { return };
        // Before the first complete picture, findings that come and go are the picture
        // filling in (a rule reading a kind not arrived yet), not changes.
        let baseline = env.baseline;
        let mut events: Vec<(EventKind, Option<Severity>, String)> = Vec::new();
        let failed = |s: Option<FetchStatus>| matches!(s, Some(FetchStatus::Failed | FetchStatus::Stale));
        for kind in fetched {
            let was = before.status.get(kind).copied();
            let now = env.snapshot.inventory.get(kind);
            match now {
                Some(st) if st.status == FetchStatus::Ok => {
                    if failed(was) {
                        events.push((EventKind::KindRecovered, None, format!("{} recovered", kind.label())));
                    }
                    if let (Kind::Alarms, Some(old), Some(_)) = (kind, &before.alarms, was) {
                        for a in &env.snapshot.alarms {
                            match old.get(&a.name) {
                                Some(o) if *o != a.state => events.push((
                                    EventKind::AlarmChanged,
                                    (a.state == AlarmState::Alarm).then_some(Severity::High),
                                    format!("{} {} → {}", a.name, o.as_str(), a.state.as_str()),
                                )),
                                None => events.push((
                                    EventKind::AlarmChanged,
                                    None,
                                    format!("{} appeared in {}", a.name, a.state.as_str()),
                                )),
                                _ => {}
                            }
                        }
                    }
                }
                Some(st) if !failed(was) => events.push((
                    EventKind::KindFailed,
                    Some(Severity::High),
                    format!("{} failed: {}", kind.label(), st.error.as_deref().unwrap_or("unknown error")),
                )),
                _ => {}
            }
        }
        if settled && baseline {
            for x in &appeared {
                events.push((
                    EventKind::FindingAppeared,
                    Some(x.severity),
                    format!("{} {}: {}", x.rule, x.resource, x.message),
                ));
            }
            for x in &cleared {
                events.push((
                    EventKind::FindingCleared,
                    Some(x.severity),
                    format!("{} {} cleared", x.rule, x.resource),
                ));
            }
        }
        if let Some(d) = &self.detail
            && i == self.current
        {
            // Keep the open detail current (a finding that is gone stays shown as it was).
            // Keys looked up, not formatted: the report holds 16,000 findings.
            let key = finding_key(d);
            if let Some(now) = env.report.findings.iter().find(|f| *env.keys.key(f) == *key) {
                self.detail = Some((**now).clone());
            }
        }
        for (kind, sev, text) in events {
            self.note_for(i, kind, sev, text);
        }
        if let Some(env) = self.envs.get_mut(i) {
            env.baseline |= env.complete();
        }
    }
}

fn before_of(env: &super::EnvState, fetched: &[Kind]) -> Before {
    Before {
        status: fetched.iter().filter_map(|k| env.snapshot.inventory.get(k).map(|s| (*k, s.status))).collect(),
        alarms: fetched
            .contains(&Kind::Alarms)
            .then(|| env.snapshot.alarms.iter().map(|a| (a.name.clone(), a.state)).collect()),
    }
}

fn keyed(report: &Report, keys: &super::FindingKeys) -> BTreeMap<Arc<str>, Arc<Finding>> {
    report.findings.iter().map(|x| (keys.key(x), Arc::clone(x))).collect()
}

/// Findings of `after` not in `before`, and those of `before` gone from it.
fn diff(
    before: &BTreeMap<Arc<str>, Arc<Finding>>,
    after: &Report,
    keys: &super::FindingKeys,
) -> (Vec<Arc<Finding>>, Vec<Arc<Finding>>) {
    let now: BTreeMap<Arc<str>, &Arc<Finding>> = after.findings.iter().map(|x| (keys.key(x), x)).collect();
    let appeared = now.iter().filter(|(k, _)| !before.contains_key(*k)).map(|(_, x)| Arc::clone(x)).collect();
    let cleared = before.iter().filter(|(k, _)| !now.contains_key(*k)).map(|(_, x)| Arc::clone(x)).collect();
    (appeared, cleared)
}
