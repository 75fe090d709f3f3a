//! The rule catalogue's vocabulary, shared by `design` (which validates rule ids in
//! `[severity]` and `[[mutes]]`) and `drift` (which implements the rules): kept apart so
//! neither module imports the other for it.

use serde::{Deserialize, Serialize};

/// Every rule id the engine knows, in catalogue order.
pub const RULE_IDS: &[&str] = &[
    "route.peering-forbidden",
    "route.transit-forbidden",
    "route.internet-forbidden",
    "route.internet-missing",
    "route.nat-missing",
    "route.blackhole",
    "sg.admin-port-open",
    "sg.public-ingress",
    "sg.flow-undeclared",
    "sg.unclassified",
    "rds.multi-az",
    "rds.encryption",
    "rds.public",
    "rds.backup-retention",
    "rds.deletion-protection",
    "rds.instance-class",
    "cache.multi-az",
    "cache.automatic-failover",
    "cache.encryption",
    "alarm.firing",
    "alarm.insufficient-data",
    "alarm.missing",
    "alarm.actions-disabled",
    "nacl.admin-port-open",
    "network.endpoint-missing",
    "network.flow-logs-missing",
    "kms.rotation-disabled",
    "kms.key-missing",
    "kms.key-unusable",
    "ec2.imdsv2-optional",
    "detector.guardduty-off",
    "detector.securityhub-off",
    "trail.not-logging",
    "eks.endpoint-public",
    "eks.admin-undeclared",
    "eks.viewer-missing",
    "network.vpn-tunnel-down",
    "reach.unexpected",
    "reach.broken",
    "reach.unknown",
    "inventory.unavailable",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL_DESC: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Self::ALL_DESC.into_iter().find(|v| v.as_str() == s)
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
