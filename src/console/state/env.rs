//! One environment of the estate (one design file): its snapshot, its cached drift
//! evaluation and where its polling stands. `App` holds one per `--design`.

use engine::design::Design;
use engine::drift::{Evaluator, Finding, Index, Report, Severity};
use jiff::Timestamp;
use model::{AlarmState, FetchStatus, Kind, Snapshot};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// One environment (one design file) and what is known of it.
pub struct EnvState {
    pub design: Design,
    /// The snapshot on screen: the one `index` and `report` were computed from. Shared
    /// with the evaluation worker, which publishes a new one with each result.
    pub snapshot: Arc<Snapshot>,
    pub report: Report,
    /// Kinds asked for but not answered yet: shown as loading, not as failed.
    pub pending: BTreeSet<Kind>,
    /// Error of the connection itself (credentials, account guard), if it failed.
    pub connect_error: Option<String>,
    /// Bumped whenever this environment's pollers are restarted; older results are dropped.
    pub generation: u64,
    /// True once the source answered (account known or connection failed).
    pub connected: bool,
    /// API calls made and failed by this environment's source.
    pub calls: (u64, u64),
    /// The drift index and every rule's last findings: a kind's result re-runs only the
    /// rules that read that kind. Here while the App evaluates synchronously (tests,
    /// benches); `None` once the background worker owns it (`App::start_worker`).
    pub evaluator: Option<Evaluator>,
    /// Index of `snapshot`: panes build their `Context` from it instead of re-indexing
    /// the snapshot on every draw.
    pub index: Arc<Index>,
    /// The history window and the attribution of each finding (`state/history.rs`).
    pub history: super::EnvHistory,
    /// Findings of this environment's `[[reach]]` assertions, judged over the whole estate
    /// (console/state/reach.rs) and merged into `report`.
    pub reach_findings: Vec<Finding>,
    /// The drift report without the reach findings (what the evaluator gives), kept so a
    /// new reach judgement can be merged without evaluating again.
    pub(super) base_report: Report,
    /// Positions in `report.findings` of each resource's findings.
    by_resource: HashMap<String, Vec<usize>>,
    /// The keys of `base_report`'s findings (what history attribution and the open
    /// detail find a finding by), made with the report.
    pub(super) keys: super::FindingKeys,
    /// The Security pane's rows for `report`, when the worker built them with it
    /// (`view::security::worker_rows`); cleared whenever the report changes otherwise.
    pub security_rows: Option<Arc<Vec<crate::console::action::Item>>>,
    /// The first complete picture is on screen: every polled kind has answered (or
    /// failed) in `snapshot`. Findings that appear or clear before it are the picture
    /// filling in, not events: the Timeline starts with what changes after it.
    pub baseline: bool,
}

/// Positions of each resource's findings in a report.
fn by_resource(report: &Report) -> HashMap<String, Vec<usize>> {
    let mut map: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        match map.get_mut(f.resource.as_str()) {
            Some(v) => v.push(i),
            None => {
                map.insert(f.resource.to_string(), vec![i]);
            }
        }
    }
    map
}

impl EnvState {
    pub fn new(design: Design) -> EnvState {
        let snapshot = Snapshot::new(design.environment.region.clone());
        let pending = polled_kinds(&design).into_iter().collect();
        let evaluator = Evaluator::new(&design, &snapshot);
        let report = evaluator.report_at(&design, &snapshot, Timestamp::UNIX_EPOCH);
        let mut env = EnvState {
            design,
            snapshot: Arc::new(snapshot),
            base_report: report.clone(),
            report,
            index: evaluator.shared_index(),
            evaluator: Some(evaluator),
            pending,
            connect_error: None,
            generation: 1,
            connected: false,
            calls: (0, 0),
            history: Default::default(),
            reach_findings: Vec::new(),
            by_resource: HashMap::new(),
            keys: Default::default(),
            security_rows: None,
            baseline: false,
        };
        env.reevaluate(Timestamp::UNIX_EPOCH);
        env
    }

    /// A drift `Context` over the cached index (cheap: nothing is re-indexed).
    pub fn context(&self) -> engine::drift::Context<'_> {
        engine::drift::Context::with_index(&self.design, &self.snapshot, &self.index)
    }

    /// Synchronous evaluation after `changed` kinds changed (items or status): re-run only
    /// the rules that read them (every rule when `full`). A no-op once the worker owns
    /// the evaluator: it publishes the report itself.
    pub(super) fn evaluate_now(&mut self, changed: &[Kind], full: bool, now: Timestamp) {
        let Some(evaluator) = self.evaluator.as_mut() else { return };
        if full {
            *evaluator = Evaluator::new(&self.design, &self.snapshot);
        } else {
            for kind in changed {
                evaluator.update(&self.design, &self.snapshot, *kind);
            }
        }
        self.index = evaluator.shared_index();
        let report = without_pending(evaluator.report_at(&self.design, &self.snapshot, now), &self.pending);
        let keys = super::FindingKeys::of(&report.findings);
        self.set_report(report, keys);
    }

    pub(super) fn reevaluate(&mut self, now: Timestamp) {
        self.evaluate_now(&[], false, now);
    }

    /// A new drift report (without reach findings): keep it, and show it with this
    /// environment's reach findings merged in. Gives back the reports it replaces, so the
    /// caller can free them away from the UI thread (the last references to a large
    /// report's findings are here, and freeing 16,000 of them costs milliseconds).
    /// `keys`: the base report's finding keys (state/keys.rs).
    pub(super) fn set_report(&mut self, base: Report, keys: super::FindingKeys) -> ([Report; 2], super::FindingKeys) {
        self.security_rows = None;
        let old_base = std::mem::replace(&mut self.base_report, base);
        let old_keys = std::mem::replace(&mut self.keys, keys);
        ([old_base, self.merge_reach()], old_keys)
    }

    /// Show the base report with the current reach findings (design severity overrides
    /// and mutes apply to them as to every rule). Gives back the report it replaces.
    pub(super) fn merge_reach(&mut self) -> Report {
        let mut report = self.base_report.clone();
        if !self.reach_findings.is_empty() {
            engine::reach::assert::merge(&self.design, &mut report, self.reach_findings.clone());
        }
        self.by_resource = by_resource(&report);
        std::mem::replace(&mut self.report, report)
    }

    /// The findings of one resource, in report order (a lookup: the Security pane asks
    /// for each of 2,000 groups, and scanning 16,000 findings each time took a second).
    pub fn findings_for<'a>(&'a self, resource: &str) -> impl Iterator<Item = &'a Arc<Finding>> + 'a {
        let at = self.by_resource.get(resource).map_or(&[][..], Vec::as_slice);
        at.iter().filter_map(|i| self.report.findings.get(*i))
    }

    /// Worst severity among findings of a resource.
    pub fn worst(&self, resource: &str) -> Option<Severity> {
        self.findings_for(resource).map(|f| f.severity).max()
    }

    /// Where this environment stands, for the Estate view.
    pub fn status(&self) -> EnvStatus {
        if let Some(e) = &self.connect_error {
            return EnvStatus::Failed(e.clone());
        }
        if !self.connected {
            return EnvStatus::Connecting;
        }
        let mut failed = Vec::new();
        let mut stale = Vec::new();
        for (k, st) in &self.snapshot.inventory {
            match st.status {
                FetchStatus::Failed => failed.push(k.as_str()),
                FetchStatus::Stale => stale.push(k.as_str()),
                FetchStatus::Ok => {}
            }
        }
        if !failed.is_empty() {
            EnvStatus::Failed(format!("{} failed", failed.join(", ")))
        } else if !stale.is_empty() {
            EnvStatus::Stale(format!("{} stale", stale.join(", ")))
        } else if !self.pending.is_empty() {
            EnvStatus::Loading(self.pending.len())
        } else {
            EnvStatus::Ok
        }
    }

    /// Has every polled kind answered (ok or failed) in the snapshot on screen?
    pub fn complete(&self) -> bool {
        polled_kinds(&self.design).iter().all(|k| self.snapshot.inventory.contains_key(k))
    }

    /// Time of the oldest data held for a polled kind (what "how fresh is this" means).
    pub fn oldest_data(&self) -> Option<Timestamp> {
        self.snapshot.inventory.values().filter_map(|s| s.fetched_at).min()
    }

    pub fn alarms_firing(&self) -> usize {
        self.snapshot.alarms.iter().filter(|a| a.state == AlarmState::Alarm).count()
    }
}

/// A kind still loading is not "unavailable": it has not been asked yet.
pub(super) fn without_pending(mut report: Report, pending: &BTreeSet<Kind>) -> Report {
    report
        .findings
        .retain(|f| !(f.rule == "inventory.unavailable" && pending.iter().any(|k| k.as_str() == f.resource)));
    report.unavailable.retain(|k| !pending.contains(k));
    report
}

/// One environment's state as the Estate view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvStatus {
    Connecting,
    Loading(usize),
    Ok,
    Stale(String),
    Failed(String),
}

/// What the console polls: what the rules need plus what the panes show.
pub fn polled_kinds(design: &Design) -> Vec<Kind> {
    let mut kinds = engine::needed_kinds(design);
    kinds.extend([Kind::Vpcs, Kind::Subnets, Kind::RouteTables, Kind::InternetGateways, Kind::NatGateways]);
    kinds.extend([Kind::PeeringConnections, Kind::SecurityGroups, Kind::Alarms, Kind::NetworkAcls, Kind::PrefixLists]);
    kinds.extend([Kind::DbInstances, Kind::DbClusters, Kind::CacheReplicationGroups]);
    if !design.reach.is_empty() {
        // Reachability places a role at its live members' interfaces.
        kinds.insert(Kind::NetworkInterfaces);
    }
    kinds.into_iter().collect()
}
