//! Pre-deploy judgement: what a Terraform plan will do to the design.
//!
//! The design is evaluated (with the unchanged, pure `drift::evaluate`) on the inventory
//! before, and on the inventory with the plan replayed twice: once with every unknown
//! value at its high extreme, once at its low one (`terraform::Variant`). A finding is
//! "would drift" only when both replays report it and it does not read an attribute
//! that was unknown; reported by one replay only, or reading an unknown attribute, it is
//! "unknown until apply". Each finding carries the planned changes that touched its
//! resource.

use crate::design::Design;
use crate::drift::{self, Finding, Report, Severity, Text};
use crate::terraform::{self, Action, Plan, Variant};
use model::Snapshot;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Introduced,
    Unknown,
    Fixed,
    Unchanged,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Introduced => "introduced",
            Verdict::Unknown => "unknown until apply",
            Verdict::Fixed => "fixed",
            Verdict::Unchanged => "unchanged",
        }
    }
}

/// The planned change behind a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub address: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub action: Action,
    /// The judged attribute values after the change (`(known after apply)` when unknown).
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanFinding {
    pub verdict: Verdict,
    #[serde(flatten)]
    pub finding: Finding,
    pub causes: Vec<Cause>,
    /// Terraform attributes whose unknown value decides this finding.
    pub unknown_attributes: Vec<String>,
}

/// The verdict of a change that lands on a table, group, ACL, VPC, ... the inventory
/// does not hold. Applying will not resolve it (unlike "unknown until apply"): the
/// inventory is incomplete, or the plan changes something outside it.
pub const NOT_IN_INVENTORY: &str = "not in the inventory";

/// The verdict of a change planned in another region than the design's: the design
/// says nothing about it.
pub const OUT_OF_SCOPE: &str = "out of scope";

/// One planned change and what it does to the design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeVerdict {
    pub address: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub action: Action,
    /// `would drift`, `would not drift`, `unknown until apply`, `not in the inventory`
    /// (`NOT_IN_INVENTORY`), `out of scope` (`OUT_OF_SCOPE`, another region) or
    /// `not judged`.
    pub verdict: String,
    pub detail: Option<String>,
    /// The change could not be placed on the inventory (an id known only after apply,
    /// or a container not in it); `detail` says why.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unplaced: bool,
}

#[derive(Debug, Clone)]
pub struct PlanReport {
    pub before: Report,
    pub findings: Vec<PlanFinding>,
    pub changes: Vec<ChangeVerdict>,
    /// Planned inventory (high variant), for the console's `+`/`-` marks.
    pub after: Snapshot,
}

impl PlanReport {
    pub fn with(&self, v: Verdict) -> impl Iterator<Item = &PlanFinding> {
        self.findings.iter().filter(move |f| f.verdict == v)
    }

    pub fn count(&self, v: Verdict) -> usize {
        self.with(v).count()
    }

    /// Changes that could not be placed because an id is known only after apply.
    pub fn unplaced(&self) -> usize {
        self.changes.iter().filter(|c| c.unplaced && c.verdict == "unknown until apply").count()
    }

    /// Changes planned in another region than the design's.
    pub fn out_of_scope(&self) -> usize {
        self.changes.iter().filter(|c| c.verdict == OUT_OF_SCOPE).count()
    }

    /// Changes that could not be placed because what they change is not in the inventory.
    pub fn not_in_inventory(&self) -> usize {
        self.changes.iter().filter(|c| c.verdict == NOT_IN_INVENTORY).count()
    }
}

/// Identity of a finding across evaluations: rule, resource and evidence (the message
/// may word things differently).
type Key = (Text, Text, drift::Evidence);

fn key(f: &Finding) -> Key {
    (f.rule.clone(), f.resource.clone(), f.evidence.clone())
}

/// Which unknown-attribute families a rule reads.
fn fields_of(rule: &str) -> &'static [&'static str] {
    match rule {
        r if r.starts_with("route.") => &["routes"],
        r if r.starts_with("sg.") => &["ingress"],
        r if r.starts_with("nacl.") => &["nacl"],
        "rds.multi-az" | "cache.multi-az" => &["multi_az"],
        "rds.encryption" => &["storage_encrypted"],
        "cache.encryption" => &["at_rest_encryption", "transit_encryption"],
        "rds.public" => &["publicly_accessible"],
        "rds.backup-retention" => &["backup_retention"],
        "rds.deletion-protection" => &["deletion_protection"],
        "rds.instance-class" => &["class"],
        "cache.automatic-failover" => &["automatic_failover"],
        "alarm.firing" | "alarm.insufficient-data" => &["state"],
        "alarm.actions-disabled" => &["actions"],
        "kms.rotation-disabled" => &["rotation"],
        "kms.key-unusable" => &["state"],
        "ec2.imdsv2-optional" => &["metadata"],
        r if r.starts_with("detector.") => &["detector"],
        "trail.not-logging" => &["trail"],
        "eks.endpoint-public" => &["endpoint"],
        "eks.admin-undeclared" | "eks.viewer-missing" => &["access"],
        _ => &[],
    }
}

pub fn evaluate(design: &Design, snapshot: &Snapshot, plan: &Plan) -> PlanReport {
    let before = drift::evaluate(design, snapshot);
    let region = design.environment.region.as_str();
    let high = terraform::apply_in(snapshot, plan, Variant::High, region);
    let low = terraform::apply_in(snapshot, plan, Variant::Low, region);
    let after_high = drift::evaluate(&widened(design, &high), &high.snapshot);
    let after_low = drift::evaluate(design, &low.snapshot);

    let index = |r: &Report| -> BTreeMap<Key, Finding> { r.findings.iter().map(|f| (key(f), (**f).clone())).collect() };
    let (b, h, l) = (index(&before), index(&after_high), index(&after_low));
    let mut unknown_attrs: BTreeMap<(String, &str), BTreeSet<String>> = BTreeMap::new();
    for u in high.unknowns.iter().chain(&low.unknowns) {
        unknown_attrs.entry((u.resource.clone(), u.field)).or_default().insert(u.attribute.clone());
    }
    let attrs_for = |f: &Finding| -> Vec<String> {
        let mut out = BTreeSet::new();
        // Where a resource lands decides whether any rule judges it.
        for field in fields_of(&f.rule).iter().chain(&["vpc"]) {
            if let Some(a) = unknown_attrs.get(&(f.resource.to_string(), *field)) {
                out.extend(a.iter().cloned());
            }
        }
        out.into_iter().collect()
    };

    let all: BTreeSet<&Key> = b.keys().chain(h.keys()).chain(l.keys()).collect();
    let mut findings = Vec::new();
    for k in all {
        let (in_b, in_h, in_l) = (b.get(k), h.get(k), l.get(k));
        let Some(f) = in_h.or(in_l).or(in_b) else { continue };
        let attrs = attrs_for(f);
        let verdict = match (in_b.is_some(), in_h.is_some(), in_l.is_some()) {
            (_, true, false) | (_, false, true) => Verdict::Unknown,
            (_, true, true) if !attrs.is_empty() => Verdict::Unknown,
            (false, true, true) => Verdict::Introduced,
            (true, true, true) => Verdict::Unchanged,
            (true, false, false) => Verdict::Fixed,
            (false, false, false) => continue,
        };
        let mut touched: BTreeSet<usize> = BTreeSet::new();
        for a in [&high, &low] {
            touched.extend(a.touched.get(f.resource.as_str()).into_iter().flatten());
        }
        let causes = touched.into_iter().map(|i| cause(&plan.changes[i])).collect();
        let mut finding = f.clone();
        let mut attrs = attrs;
        if verdict == Verdict::Unknown {
            if attrs.is_empty() {
                // Decided by an unknown the rule table does not name: show every unknown
                // attribute of the resource rather than none.
                attrs = unknown_attrs
                    .iter()
                    .filter(|((r, _), _)| *r == f.resource)
                    .flat_map(|(_, a)| a.iter().cloned())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
            }
            // The message was worded by one of the two replays: say it is a possibility.
            finding.message =
                format!("unknown until apply ({}); possible outcome: {}", attrs.join(", "), f.message).into();
            finding.actual = "(known after apply)".into();
        }
        findings.push(PlanFinding { verdict, finding, causes, unknown_attributes: attrs });
    }
    findings.sort_by(|a, b| a.verdict.cmp(&b.verdict).then_with(|| Finding::order(&a.finding, &b.finding)));

    let mut changes = Vec::new();
    for (i, ch) in plan.changes.iter().enumerate() {
        let unplaced = high.unplaced.iter().chain(&low.unplaced).find(|(j, _)| *j == i).map(|(_, why)| why.clone());
        let missing = high.missing.iter().chain(&low.missing).find(|(j, _)| *j == i).map(|(_, why)| why.clone());
        let elsewhere = high.other_region.iter().find(|(j, _)| *j == i).map(|(_, r)| r.clone());
        // Another region's change is out of scope, not unplaced (nothing was tried).
        let not_placed = ch.mapped() && elsewhere.is_none() && (missing.is_some() || unplaced.is_some());
        let cites =
            |v: Verdict| findings.iter().any(|f| f.verdict == v && f.causes.iter().any(|c| c.address == ch.address));
        let verdict = if !ch.mapped() {
            "not judged"
        } else if elsewhere.is_some() {
            OUT_OF_SCOPE
        } else if missing.is_some() {
            NOT_IN_INVENTORY
        } else if unplaced.is_some() {
            "unknown until apply"
        } else if cites(Verdict::Introduced) {
            "would drift"
        } else if cites(Verdict::Unknown) {
            "unknown until apply"
        } else {
            "would not drift"
        };
        let detail = if !ch.mapped() {
            Some(format!("driftdeck does not judge {} resources", ch.rtype))
        } else if let Some(r) = elsewhere {
            Some(format!("planned in {r}; the design covers {region}"))
        } else if missing.is_some() {
            missing
        } else if unplaced.is_some() {
            unplaced
        } else if cites(Verdict::Fixed) {
            Some("fixes a finding".into())
        } else {
            high.notes.iter().find(|(j, _)| *j == i).map(|(_, n)| n.clone())
        };
        changes.push(ChangeVerdict {
            address: ch.address.clone(),
            rtype: ch.rtype.clone(),
            action: ch.action,
            verdict: verdict.into(),
            unplaced: not_placed,
            detail,
        });
    }
    PlanReport { before, findings, changes, after: high.snapshot }
}

/// The design the high replay is judged by: VPCs whose scope depends on a value known
/// only after apply (an unknown `vpc_id`, an IPAM-allocated CIDR) count as in scope, so
/// what lands in them is judged at its worst and reads "unknown until apply". A design
/// without a scope already covers every non-default VPC.
fn widened(design: &Design, high: &terraform::Applied) -> Design {
    let sc = &design.scope;
    let mut d = design.clone();
    if !(sc.vpc_ids.is_empty() && sc.vpc_cidrs.is_empty() && sc.vpc_tags.is_empty()) {
        d.scope.vpc_ids.extend(high.uncertain_vpcs.keys().cloned());
    }
    d
}

/// Attributes worth showing for a change, per resource type.
fn shown(rtype: &str) -> &'static [&'static str] {
    match rtype {
        "aws_route" => &[
            "route_table_id",
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "gateway_id",
            "nat_gateway_id",
            "vpc_peering_connection_id",
            "transit_gateway_id",
            "egress_only_gateway_id",
            "vpc_endpoint_id",
        ],
        "aws_security_group_rule" => &[
            "type",
            "security_group_id",
            "protocol",
            "from_port",
            "to_port",
            "cidr_blocks",
            "source_security_group_id",
        ],
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => &[
            "security_group_id",
            "ip_protocol",
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "referenced_security_group_id",
        ],
        "aws_security_group" | "aws_default_security_group" => &["name", "vpc_id", "ingress"],
        "aws_db_instance" => &[
            "identifier",
            "instance_class",
            "multi_az",
            "storage_encrypted",
            "publicly_accessible",
            "backup_retention_period",
            "deletion_protection",
        ],
        "aws_elasticache_replication_group" => &[
            "replication_group_id",
            "multi_az_enabled",
            "automatic_failover_enabled",
            "at_rest_encryption_enabled",
            "transit_encryption_enabled",
        ],
        "aws_route_table_association" => &["subnet_id", "route_table_id"],
        "aws_route_table" => &["vpc_id", "route"],
        "aws_network_acl_rule" => &[
            "network_acl_id",
            "rule_number",
            "egress",
            "rule_action",
            "protocol",
            "from_port",
            "to_port",
            "cidr_block",
            "ipv6_cidr_block",
        ],
        "aws_network_acl" => &["vpc_id", "subnet_ids", "ingress"],
        "aws_network_acl_association" => &["network_acl_id", "subnet_id"],
        "aws_vpc_endpoint" => &["vpc_id", "service_name", "vpc_endpoint_type", "route_table_ids"],
        "aws_vpc_peering_connection_accepter" => &["vpc_peering_connection_id", "auto_accept"],
        "aws_egress_only_internet_gateway" => &["id", "vpc_id"],
        "aws_rds_cluster_instance" => &["identifier", "cluster_identifier", "instance_class", "availability_zone"],
        "aws_kms_key" => {
            &["key_id", "is_enabled", "enable_key_rotation", "rotation_period_in_days", "deletion_window_in_days"]
        }
        "aws_kms_alias" => &["name", "target_key_id"],
        "aws_launch_template" => &["id", "name", "metadata_options", "update_default_version"],
        "aws_instance" => &["id", "subnet_id", "metadata_options"],
        "aws_guardduty_detector" => &["id", "enable"],
        "aws_cloudtrail" => &["name", "is_multi_region_trail", "enable_log_file_validation", "enable_logging"],
        "aws_eks_cluster" => &["name", "vpc_config", "access_config"],
        "aws_eks_access_entry" => &["cluster_name", "principal_arn", "kubernetes_groups"],
        "aws_eks_access_policy_association" => &["cluster_name", "principal_arn", "policy_arn", "access_scope"],
        _ => &["id"],
    }
}

fn cause(ch: &terraform::PlannedChange) -> Cause {
    let (v, u) = if ch.action == Action::Delete {
        (&ch.before, &serde_json::Value::Null)
    } else {
        (&ch.after, &ch.after_unknown)
    };
    Cause {
        address: ch.address.clone(),
        rtype: ch.rtype.clone(),
        action: ch.action,
        values: terraform::describe_values(v, u, shown(&ch.rtype)).into_iter().collect(),
    }
}

/// How unknown findings count against the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownPolicy {
    Pass,
    Fail,
}

/// Exit code: 1 when the plan introduces a finding at or above `fail_on`; else 2 when the
/// inventory is incomplete (a kind not fetched, or a change whose container is not in
/// it: no flag accepts what cannot be judged), or when an unknown would decide the gate
/// under `--unknown fail`; else 0. The second value says why, for stderr. A change has
/// no severity, so it is counted apart from findings "at or above" one.
pub fn exit_code(r: &PlanReport, fail_on: Severity, unknown: UnknownPolicy) -> (u8, String) {
    let introduced = r.with(Verdict::Introduced).filter(|f| f.finding.severity >= fail_on).count();
    let unknown_findings = r.with(Verdict::Unknown).filter(|f| f.finding.severity >= fail_on).count();
    let (unplaced, missing) = (r.unplaced(), r.not_in_inventory());
    if introduced > 0 {
        return (1, format!("the plan introduces {introduced} finding(s) at or above {fail_on}"));
    }
    if !r.before.unavailable.is_empty() {
        let kinds: Vec<&str> = r.before.unavailable.iter().map(|k| k.as_str()).collect();
        return (2, format!("could not fetch {}; the plan cannot be judged fully", kinds.join(", ")));
    }
    if missing > 0 {
        return (
            2,
            format!(
                "{missing} planned change(s) land on something not in the inventory; the plan cannot be judged fully (is the inventory of the right account and region?)"
            ),
        );
    }
    if unknown_findings + unplaced > 0 && unknown == UnknownPolicy::Fail {
        let mut parts = Vec::new();
        if unknown_findings > 0 {
            parts.push(format!("{unknown_findings} finding(s) at or above {fail_on}"));
        }
        if unplaced > 0 {
            parts.push(format!("{unplaced} change(s) that cannot be placed yet"));
        }
        return (
            2,
            format!("{} are unknown until apply and decide the gate (--unknown pass to accept)", parts.join(" and ")),
        );
    }
    (0, format!("the plan introduces nothing at or above {fail_on}"))
}
