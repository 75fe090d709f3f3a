//! Human descriptions of every rule, for report formats that carry a rule catalogue.

use crate::drift::Severity;

/// (id, default severity, short description, full description / help).
pub const RULES: &[(&str, Severity, &str, &str)] = &[
    (
        "route.peering-forbidden",
        Severity::Critical,
        "Peering route in a tier that forbids peering",
        "A route through a VPC peering connection in a route table serving a tier that forbids peering (explicitly or as the main table), or towards a peer CIDR the tier does not allow. Remove the route or allow peering for the tier in the design.",
    ),
    (
        "route.transit-forbidden",
        Severity::Critical,
        "Transit gateway route in a tier that forbids transit",
        "A route to a transit gateway in a route table serving a tier with transit = \"forbidden\" (explicitly or as the main table), or towards a destination outside the tier's transit_cidrs. Remove the route or allow transit for the tier in the design.",
    ),
    (
        "route.internet-forbidden",
        Severity::Critical,
        "Internet route in a tier that forbids internet access",
        "An internet (or egress-only) gateway route serving a tier with internet = \"forbidden\". Remove the route or move the subnet.",
    ),
    (
        "route.internet-missing",
        Severity::High,
        "Tier that requires internet has no internet route",
        "A tier with internet = \"required\" is served by a table without an active 0.0.0.0/0 -> igw route.",
    ),
    (
        "route.nat-missing",
        Severity::High,
        "Tier that requires NAT has no NAT route",
        "No active 0.0.0.0/0 -> nat route; with required-same-az, a NAT gateway in another AZ than the subnet.",
    ),
    (
        "route.blackhole",
        Severity::Medium,
        "Route to a target that no longer exists",
        "A route whose target is gone (state blackhole). Delete it or restore the target.",
    ),
    (
        "sg.admin-port-open",
        Severity::Critical,
        "Admin port open beyond the admin sources",
        "Ingress covering an admin port (ranges and all-traffic count) from a CIDR or prefix list outside security.admin_from, IPv6 included.",
    ),
    (
        "sg.public-ingress",
        Severity::High,
        "Undeclared ingress from the internet",
        "Ingress from 0.0.0.0/0 or ::/0 not declared in security.public for the group's role and ports.",
    ),
    (
        "sg.flow-undeclared",
        Severity::High,
        "Ingress no declared flow allows",
        "Ingress into a role's group from a group or CIDR that no security.flows entry allows.",
    ),
    (
        "sg.unclassified",
        Severity::Info,
        "Security group matches no role",
        "An in-scope security group that matches no security.roles entry: tag it or add a role.",
    ),
    (
        "rds.multi-az",
        Severity::High,
        "RDS not Multi-AZ as designed",
        "An RDS instance or cluster whose Multi-AZ setting differs from [rds].multi_az.",
    ),
    (
        "rds.encryption",
        Severity::High,
        "RDS storage not encrypted as designed",
        "An RDS instance or cluster whose storage encryption differs from [rds].storage_encrypted.",
    ),
    (
        "rds.public",
        Severity::Critical,
        "RDS publicly accessible",
        "An RDS instance whose public accessibility differs from [rds].publicly_accessible.",
    ),
    (
        "rds.backup-retention",
        Severity::Medium,
        "RDS backup retention too short",
        "Backup retention below [rds].min_backup_retention_days.",
    ),
    (
        "rds.deletion-protection",
        Severity::Medium,
        "RDS deletion protection off",
        "Deletion protection differs from [rds].deletion_protection.",
    ),
    (
        "rds.instance-class",
        Severity::Low,
        "RDS instance class outside the allowed pattern",
        "The instance class does not match [rds].instance_class.",
    ),
    (
        "cache.multi-az",
        Severity::High,
        "ElastiCache not Multi-AZ as designed",
        "A replication group whose Multi-AZ differs from [elasticache].multi_az.",
    ),
    (
        "cache.automatic-failover",
        Severity::High,
        "ElastiCache automatic failover off",
        "A replication group whose automatic failover differs from [elasticache].automatic_failover.",
    ),
    (
        "cache.encryption",
        Severity::High,
        "ElastiCache encryption differs from the design",
        "At-rest or in-transit encryption differs from [elasticache].",
    ),
    ("alarm.firing", Severity::High, "Alarm in ALARM", "An in-scope CloudWatch alarm is in ALARM."),
    (
        "alarm.insufficient-data",
        Severity::Medium,
        "Alarm in INSUFFICIENT_DATA",
        "An in-scope alarm is in INSUFFICIENT_DATA and the design lists that state as drift.",
    ),
    (
        "alarm.missing",
        Severity::Medium,
        "Required alarm missing",
        "An alarm required by [alarms].required does not exist.",
    ),
    ("alarm.actions-disabled", Severity::Medium, "Alarm would notify nobody", "Actions disabled, or no ALARM action."),
    (
        "nacl.admin-port-open",
        Severity::Critical,
        "Network ACL lets an admin port in from outside the admin sources",
        "The ACL of a tier's subnets (its explicit association, else the VPC default ACL) allows an admin port from a source outside [tiers.NAME.nacl].admin_ports_from, or breaks deny_from; the first matching entry by rule number decides.",
    ),
    (
        "network.endpoint-missing",
        Severity::Medium,
        "Required VPC endpoint missing",
        "An in-scope VPC has no available endpoint for a service named in [network].required_endpoints.",
    ),
    (
        "network.flow-logs-missing",
        Severity::High,
        "Flow logs missing or too narrow",
        "An in-scope VPC has no active flow log covering the traffic type [network].flow_logs asks for.",
    ),
    (
        "kms.rotation-disabled",
        Severity::High,
        "KMS key does not rotate as designed",
        "A key listed in kms.keys does not rotate automatically (kms.rotation = true), or rotates on another period than kms.rotation_period_days. An unreadable rotation status is unknown.",
    ),
    (
        "kms.key-missing",
        Severity::Medium,
        "Designed KMS key does not exist",
        "No key carries an alias listed in kms.keys. A key id or ARN that is not found among aliased keys is unknown: keys are found through their aliases.",
    ),
    (
        "kms.key-unusable",
        Severity::Critical,
        "Designed KMS key is disabled or pending deletion",
        "A key listed in kms.keys is Disabled, PendingDeletion (the finding says when it is deleted), PendingImport or Unavailable: data under it cannot be decrypted.",
    ),
    (
        "ec2.imdsv2-optional",
        Severity::High,
        "Instance metadata allows IMDSv1 or too many hops",
        "A launch template's default or latest version, or a running in-scope instance, has HttpTokens optional (or unset on a template), or a hop limit over instances.max_hop_limit. The evidence names which.",
    ),
    (
        "detector.guardduty-off",
        Severity::High,
        "GuardDuty is off",
        "detectors.guardduty = true and no GuardDuty detector in the region is ENABLED.",
    ),
    (
        "detector.securityhub-off",
        Severity::Medium,
        "Security Hub is not enabled",
        "detectors.securityhub = true and Security Hub is not enabled in the region.",
    ),
    (
        "trail.not-logging",
        Severity::Critical,
        "No trail logs as designed",
        "No CloudTrail trail in the region is logging, multi-region and validating log files, as detectors.cloudtrail asks (one trail must do all that is asked).",
    ),
    (
        "eks.endpoint-public",
        Severity::Critical,
        "EKS public endpoint open beyond the design",
        "An in-scope EKS cluster's public endpoint is open to CIDRs outside the sets of eks.public_endpoint_from (no CIDRs means 0.0.0.0/0; [] means private only).",
    ),
    (
        "eks.admin-undeclared",
        Severity::Critical,
        "Undeclared EKS cluster admin",
        "An access entry holds AmazonEKSClusterAdminPolicy or system:masters for a principal outside eks.admins. With the aws-auth ConfigMap in use (CONFIG_MAP, API_AND_CONFIG_MAP) the ConfigMap is not read: unknown, never a pass.",
    ),
    (
        "eks.viewer-missing",
        Severity::Medium,
        "EKS viewer lacks view access",
        "A principal pattern in eks.viewers has no access entry with cluster-wide view access. Where the ConfigMap or RBAC-bound groups may grant it, unknown.",
    ),
    (
        "network.vpn-tunnel-down",
        Severity::High,
        "VPN connection with fewer tunnels up than the design asks",
        "A VPN connection serving an in-scope VPC (through its VPN gateway or a transit gateway) has fewer tunnels UP than network.vpn.tunnels_up; one finding per tunnel down, with AWS's status message. A connection reporting no tunnel telemetry is reported as unknown.",
    ),
    (
        "reach.unexpected",
        Severity::Critical,
        "A path the design forbids exists",
        "A [[reach]] assertion expects traffic to be denied, and routes, peering, network ACLs and security groups allow it end to end.",
    ),
    (
        "reach.broken",
        Severity::High,
        "A path the design needs is blocked",
        "A [[reach]] assertion expects traffic to be allowed, and a hop (route, peering, ACL or security group) blocks it.",
    ),
    (
        "reach.unknown",
        Severity::High,
        "A reach assertion cannot be decided",
        "A needed kind of inventory is unavailable, or the path crosses something not modelled yet (transit gateway, VPN): the assertion is unknown, never a pass.",
    ),
    (
        "inventory.unavailable",
        Severity::High,
        "Inventory could not be fetched",
        "A kind of inventory the design needs could not be fetched; the rules that need it are unknown, not passing.",
    ),
];

pub fn describe(rule: &str) -> (&'static str, &'static str) {
    RULES
        .iter()
        .find(|r| r.0 == rule)
        .map_or(("driftdeck rule", "See the driftdeck README rule table."), |r| (r.2, r.3))
}

/// GitHub code scanning's numeric scale: > 9 critical, 7-8.9 high, 4-6.9 medium, < 4 low.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.5",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_is_described() {
        for id in crate::drift::RULE_IDS {
            assert!(super::RULES.iter().any(|r| r.0 == *id), "{id} has no description");
        }
    }
}
