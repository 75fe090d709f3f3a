//! The rule catalogue: one rule per file, each with a stable id, default severity and
//! the inventory kinds it reads.

use super::{Context, Findings};
use crate::design::Design;
use model::Kind;

mod alarm_actions_disabled;
mod alarm_firing;
mod alarm_insufficient_data;
mod alarm_missing;
mod cache_automatic_failover;
mod cache_encryption;
mod cache_multi_az;
mod detector_guardduty_off;
mod detector_securityhub_off;
mod ec2_imdsv2_optional;
mod eks_admin_undeclared;
mod eks_common;
mod eks_endpoint_public;
mod eks_viewer_missing;
pub mod inventory_unavailable;
mod kms_common;
mod kms_key_missing;
mod kms_key_unusable;
mod kms_rotation_disabled;
mod nacl_admin_port_open;
mod network_endpoint_missing;
mod network_flow_logs_missing;
mod network_vpn_tunnel_down;
mod rds_backup_retention;
mod rds_common;
mod rds_deletion_protection;
mod rds_encryption;
mod rds_instance_class;
mod rds_multi_az;
mod rds_public;
mod route_blackhole;
mod route_internet_forbidden;
mod route_internet_missing;
mod route_nat_missing;
mod route_peering_forbidden;
mod route_transit_forbidden;
mod sg_admin_port_open;
mod sg_flow_undeclared;
mod sg_public_ingress;
mod sg_unclassified;
mod trail_not_logging;

/// One drift rule.
pub trait Rule: Sync {
    /// Stable id, e.g. `route.peering-forbidden`.
    fn id(&self) -> &'static str;
    /// Inventory kinds the rule reads; if any is unknown the rule does not run and
    /// `inventory.unavailable` is reported instead.
    fn needs(&self) -> &'static [Kind];
    /// Kinds the rule also reads but does not need whole: when one is unknown the rule
    /// still runs and reports only the items that depend on it as unknown (security
    /// group rules whose peer is a prefix list), so one failing kind does not blank
    /// every judgement. Polled like `needs`.
    fn reads(&self) -> &'static [Kind] {
        &[]
    }
    /// Whether the design switches this rule on at all.
    fn applies(&self, design: &Design) -> bool;
    fn check(&self, cx: &Context<'_>, out: &mut Findings);
    /// Whether the rule can run in parts (`check_part`), so two threads can share a rule
    /// that makes most of a large account's findings.
    fn splits(&self) -> bool {
        false
    }
    /// One part of `check` (only called with `Part::WHOLE` unless `splits`): the parts'
    /// findings, concatenated in part order, are exactly what `check` makes.
    fn check_part(&self, cx: &Context<'_>, part: Part, out: &mut Findings) {
        debug_assert_eq!(part, Part::WHOLE, "{} does not split", self.id());
        self.check(cx, out)
    }
}

/// Part `index` of `of` equal parts of a rule's items (in the order it walks them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub index: usize,
    pub of: usize,
}

impl Part {
    pub const WHOLE: Part = Part { index: 0, of: 1 };

    /// This part's share of `items`: contiguous, so parts in order cover them in order.
    pub fn of_slice<'s, T>(&self, items: &'s [T]) -> &'s [T] {
        let at = |i: usize| items.len() * i / self.of.max(1);
        items.get(at(self.index)..at(self.index + 1)).unwrap_or(&[])
    }
}

pub(crate) const NETWORK: &[Kind] = &[Kind::Vpcs, Kind::Subnets, Kind::RouteTables];
pub(crate) const NETWORK_NAT: &[Kind] = &[Kind::Vpcs, Kind::Subnets, Kind::RouteTables, Kind::NatGateways];
pub(crate) const SECURITY: &[Kind] = &[Kind::Vpcs, Kind::SecurityGroups];
pub(crate) const RDS: &[Kind] = &[Kind::Vpcs, Kind::DbInstances, Kind::DbClusters];
pub(crate) const CACHE: &[Kind] = &[Kind::Vpcs, Kind::CacheReplicationGroups];
pub(crate) const ALARMS: &[Kind] = &[Kind::Alarms];

static CATALOGUE: &[&dyn Rule] = &[
    &route_peering_forbidden::RULE,
    &route_transit_forbidden::RULE,
    &route_internet_forbidden::RULE,
    &route_internet_missing::RULE,
    &route_nat_missing::RULE,
    &route_blackhole::RULE,
    &sg_admin_port_open::RULE,
    &sg_public_ingress::RULE,
    &sg_flow_undeclared::RULE,
    &sg_unclassified::RULE,
    &rds_multi_az::RULE,
    &rds_encryption::RULE,
    &rds_public::RULE,
    &rds_backup_retention::RULE,
    &rds_deletion_protection::RULE,
    &rds_instance_class::RULE,
    &cache_multi_az::RULE,
    &cache_automatic_failover::RULE,
    &cache_encryption::RULE,
    &alarm_firing::RULE,
    &alarm_insufficient_data::RULE,
    &alarm_missing::RULE,
    &alarm_actions_disabled::RULE,
    &nacl_admin_port_open::RULE,
    &network_endpoint_missing::RULE,
    &network_flow_logs_missing::RULE,
    &kms_rotation_disabled::RULE,
    &kms_key_missing::RULE,
    &kms_key_unusable::RULE,
    &ec2_imdsv2_optional::RULE,
    &detector_guardduty_off::RULE,
    &detector_securityhub_off::RULE,
    &trail_not_logging::RULE,
    &eks_endpoint_public::RULE,
    &eks_admin_undeclared::RULE,
    &eks_viewer_missing::RULE,
    &network_vpn_tunnel_down::RULE,
];

pub fn catalogue() -> &'static [&'static dyn Rule] {
    CATALOGUE
}

/// Default severity of each rule (a design may override it).
pub fn default_severity(rule: &str) -> super::Severity {
    use super::Severity::*;
    match rule {
        "route.peering-forbidden"
        | "route.transit-forbidden"
        | "route.internet-forbidden"
        | "sg.admin-port-open"
        | "nacl.admin-port-open"
        | "reach.unexpected"
        | "rds.public"
        | "kms.key-unusable"
        | "trail.not-logging"
        | "eks.endpoint-public"
        | "eks.admin-undeclared" => Critical,
        "route.internet-missing"
        | "route.nat-missing"
        | "sg.public-ingress"
        | "sg.flow-undeclared"
        | "rds.multi-az"
        | "rds.encryption"
        | "cache.multi-az"
        | "cache.automatic-failover"
        | "cache.encryption"
        | "alarm.firing"
        | "network.flow-logs-missing"
        | "kms.rotation-disabled"
        | "ec2.imdsv2-optional"
        | "detector.guardduty-off"
        | "network.vpn-tunnel-down"
        | "reach.broken"
        | "reach.unknown"
        | "inventory.unavailable" => High,
        "route.blackhole"
        | "rds.backup-retention"
        | "rds.deletion-protection"
        | "alarm.missing"
        | "alarm.actions-disabled"
        | "alarm.insufficient-data"
        | "network.endpoint-missing"
        | "kms.key-missing"
        | "detector.securityhub-off"
        | "eks.viewer-missing" => Medium,
        "rds.instance-class" => Low,
        _ => Info,
    }
}
