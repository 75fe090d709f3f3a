//! Findings and severities: what the engine reports and how it is ordered.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::sync::Arc;

pub use super::evidence::Evidence;
pub use super::text::Text;

pub use crate::catalogue::Severity;

/// One difference between the design and the live state.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id, e.g. `route.peering-forbidden`.
    pub rule: Text,
    pub severity: Severity,
    /// AWS id of the offending resource (route table, security group, DB identifier, alarm name).
    pub resource: Text,
    /// `route_table`, `security_group`, `db_instance`, `db_cluster`, `cache_replication_group`, `alarm`, `inventory`.
    pub resource_kind: Text,
    pub tier: Option<Text>,
    pub role: Option<Text>,
    pub expected: Text,
    pub actual: Text,
    /// The exact route or rule: destination, target, protocol, ports, source, rule id.
    pub evidence: Evidence,
    pub message: Text,
    /// The design clause the finding comes from, e.g. `tiers.data.peering = "forbidden" (line 31)`.
    pub clause: Option<Text>,
    /// Mute information (muted, or a mute that expired).
    pub note: Option<Text>,
}

/// Every field equal, compared in the order that tells two findings apart soonest (rule,
/// resource, evidence), so that de-duplicating a rule's findings does not join the
/// messages of findings that differ in their evidence (see `Text::template`).
impl PartialEq for Finding {
    fn eq(&self, o: &Finding) -> bool {
        self.rule == o.rule
            && self.severity == o.severity
            && self.resource == o.resource
            && self.evidence == o.evidence
            && self.resource_kind == o.resource_kind
            && self.tier == o.tier
            && self.role == o.role
            && self.clause == o.clause
            && self.note == o.note
            && self.expected == o.expected
            && self.actual == o.actual
            && self.message == o.message
    }
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
/// Its methods are inlined so a chain builds the finding in place (moved through a
/// dozen out-of-line calls, each copy of the finding showed up in profiles).
pub struct FindingBuilder(Finding);

impl FindingBuilder {
    /// Rule ids and kinds are static (`catalogue::RULE_IDS`), so a finding never copies them.
    #[inline]
    pub fn new(rule: &'static str, severity: Severity, resource_kind: &'static str, resource: impl Into<Text>) -> Self {
        FindingBuilder(Finding {
            rule: Text::lit(rule),
            severity,
            resource: resource.into(),
            resource_kind: Text::lit(resource_kind),
            tier: None,
            role: None,
            expected: Text::default(),
            actual: Text::default(),
            evidence: Evidence::new(),
            message: Text::default(),
            clause: None,
            note: None,
        })
    }

    #[inline]
    pub fn tier(mut self, t: Option<impl Into<Text>>) -> Self {
        self.0.tier = t.map(Into::into);
        self
    }

    #[inline]
    pub fn role(mut self, r: Option<impl Into<Text>>) -> Self {
        self.0.role = r.map(Into::into);
        self
    }

    #[inline]
    pub fn expected(mut self, s: impl Into<Text>) -> Self {
        self.0.expected = s.into();
        self
    }

    #[inline]
    pub fn actual(mut self, s: impl Into<Text>) -> Self {
        self.0.actual = s.into();
        self
    }

    /// Evidence keys are static names (`ports`, `source`, `rule_id`...).
    #[inline]
    pub fn evidence(mut self, k: &'static str, v: impl Into<Text>) -> Self {
        self.0.evidence.insert(Text::lit(k), v.into());
        self
    }

    #[inline]
    pub fn evidence_opt(self, k: &'static str, v: Option<&str>) -> Self {
        match v {
            Some(v) => self.evidence(k, v),
            None => self,
        }
    }

    #[inline]
    pub fn clause(mut self, s: impl Into<Text>) -> Self {
        self.0.clause = Some(s.into());
        self
    }

    #[inline]
    pub fn message(mut self, s: impl Into<Text>) -> Finding {
        self.0.message = s.into();
        self.0
    }
}

/// Where a rule puts its findings. Each goes straight into the shared allocation the
/// report keeps (`Arc`), so the engine neither grows a vector of whole findings nor
/// copies each one again into an `Arc` after the rule has run.
#[derive(Debug, Default)]
pub struct Findings(Vec<Arc<Finding>>);

impl Findings {
    #[inline]
    pub fn push(&mut self, f: Finding) {
        self.0.push(Arc::new(f));
    }

    pub fn into_vec(self) -> Vec<Arc<Finding>> {
        self.0
    }
}
