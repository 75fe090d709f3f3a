//! One environment of the estate (one design file): its snapshot, its cached drift
//! evaluation and where its polling stands. `App` holds one per `--design`.

use crate::design::Design;
use crate::drift::{Evaluator, Finding, Report, Severity, evaluate_at};
use crate::model::{AlarmState, FetchStatus, Kind, Snapshot};
use jiff::Timestamp;
use std::collections::BTreeSet;

/// One environment (one design file) and what is known of it.
pub struct EnvState {
    pub design: Design,
    pub snapshot: Snapshot,
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
    /// rules that read that kind, and panes build their `Context` from the cached index
    /// instead of re-indexing the snapshot on every draw.
    pub evaluator: Evaluator,
    /// Findings of this environment's `[[reach]]` assertions, judged over the whole estate
    /// by the App (src/app/reach.rs) and merged into every report built here.
    pub reach_findings: Vec<Finding>,
}

impl EnvState {
    pub fn new(design: Design) -> EnvState {
        let snapshot = Snapshot::new(design.environment.region.clone());
        let report = evaluate_at(&design, &snapshot, Timestamp::UNIX_EPOCH);
        let pending = polled_kinds(&design).into_iter().collect();
        let evaluator = Evaluator::new(&design, &snapshot);
        let mut env = EnvState {
            design,
            snapshot,
            report,
            evaluator,
            pending,
            connect_error: None,
            generation: 1,
            connected: false,
            calls: (0, 0),
            reach_findings: Vec::new(),
        };
        env.reevaluate(Timestamp::UNIX_EPOCH);
        env
    }

    /// A drift `Context` over the cached index (cheap: nothing is re-indexed).
    pub fn context(&self) -> crate::drift::Context<'_> {
        crate::drift::Context::with_index(&self.design, &self.snapshot, self.evaluator.index())
    }

    /// One kind changed (items or status): re-run only the rules that read it.
    pub(super) fn kind_changed(&mut self, kind: Kind, now: Timestamp) {
        self.evaluator.update(&self.design, &self.snapshot, kind);
        self.reevaluate(now);
    }

    pub(super) fn reevaluate(&mut self, now: Timestamp) {
        let mut report = self.evaluator.report_at(&self.design, &self.snapshot, now);
        if !self.reach_findings.is_empty() {
            crate::reach_cmd::merge(&self.design, &mut report, self.reach_findings.clone());
        }
        // A kind still loading is not "unavailable": it has not been asked yet.
        report
            .findings
            .retain(|f| !(f.rule == "inventory.unavailable" && self.pending.iter().any(|k| k.as_str() == f.resource)));
        report.unavailable.retain(|k| !self.pending.contains(k));
        self.report = report;
    }

    pub fn findings_for<'a>(&'a self, resource: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.report.findings.iter().filter(move |f| f.resource == resource)
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

    /// Time of the oldest data held for a polled kind (what "how fresh is this" means).
    pub fn oldest_data(&self) -> Option<Timestamp> {
        self.snapshot.inventory.values().filter_map(|s| s.fetched_at).min()
    }

    pub fn alarms_firing(&self) -> usize {
        self.snapshot.alarms.iter().filter(|a| a.state == AlarmState::Alarm).count()
    }
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
    let mut kinds = crate::drift::needed_kinds(design);
    kinds.extend([Kind::Vpcs, Kind::Subnets, Kind::RouteTables, Kind::InternetGateways, Kind::NatGateways]);
    kinds.extend([Kind::PeeringConnections, Kind::SecurityGroups, Kind::Alarms, Kind::NetworkAcls, Kind::PrefixLists]);
    kinds.extend([Kind::DbInstances, Kind::DbClusters, Kind::CacheReplicationGroups]);
    if !design.reach.is_empty() {
        // Reachability places a role at its live members' interfaces.
        kinds.insert(Kind::NetworkInterfaces);
    }
    kinds.into_iter().collect()
}
