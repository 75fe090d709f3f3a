//! Findings and severities: what the engine reports and how it is ordered.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub use crate::catalogue::Severity;

/// One difference between the design and the live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id, e.g. `route.peering-forbidden`.
    pub rule: String,
    pub severity: Severity,
    /// AWS id of the offending resource (route table, security group, DB identifier, alarm name).
    pub resource: String,
    /// `route_table`, `security_group`, `db_instance`, `db_cluster`, `cache_replication_group`, `alarm`, `inventory`.
    pub resource_kind: String,
    pub tier: Option<String>,
    pub role: Option<String>,
    pub expected: String,
    pub actual: String,
    /// The exact route or rule: destination, target, protocol, ports, source, rule id.
    pub evidence: BTreeMap<String, String>,
    pub message: String,
    /// The design clause the finding comes from, e.g. `tiers.data.peering = "forbidden" (line 31)`.
    pub clause: Option<String>,
    /// Mute information (muted, or a mute that expired).
    pub note: Option<String>,
}

impl Finding {
    /// Deterministic order: severity (critical first), rule, resource, then evidence.
    pub fn order(a: &Finding, b: &Finding) -> Ordering {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.resource.cmp(&b.resource))
            .then_with(|| a.evidence.cmp(&b.evidence))
            .then_with(|| a.message.cmp(&b.message))
    }
}

/// Builder that keeps rule code short and uniform.
pub struct FindingBuilder(Finding);

impl FindingBuilder {
    pub fn new(rule: &str, severity: Severity, resource_kind: &str, resource: &str) -> Self {
        FindingBuilder(Finding {
            rule: rule.to_string(),
            severity,
            resource: resource.to_string(),
            resource_kind: resource_kind.to_string(),
            tier: None,
            role: None,
            expected: String::new(),
            actual: String::new(),
            evidence: BTreeMap::new(),
            message: String::new(),
            clause: None,
            note: None,
        })
    }

    pub fn tier(mut self, t: Option<&str>) -> Self {
        self.0.tier = t.map(str::to_string);
        self
    }

    pub fn role(mut self, r: Option<&str>) -> Self {
        self.0.role = r.map(str::to_string);
        self
    }

    pub fn expected(mut self, s: impl Into<String>) -> Self {
        self.0.expected = s.into();
        self
    }

    pub fn actual(mut self, s: impl Into<String>) -> Self {
        self.0.actual = s.into();
        self
    }

    pub fn evidence(mut self, k: &str, v: impl Into<String>) -> Self {
        self.0.evidence.insert(k.to_string(), v.into());
        self
    }

    pub fn evidence_opt(self, k: &str, v: Option<&str>) -> Self {
        match v {
            Some(v) => self.evidence(k, v),
            None => self,
        }
    }

    pub fn clause(mut self, s: impl Into<String>) -> Self {
        self.0.clause = Some(s.into());
        self
    }

    pub fn message(mut self, s: impl Into<String>) -> Finding {
        self.0.message = s.into();
        self.0
    }
}
