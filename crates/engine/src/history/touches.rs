//! What a change touches and what a finding reads: the table from a call's name and
//! request parameters to the attributes it sets, and from a rule to the attributes it
//! judges. A change explains a finding only where the two meet. Also the coarser table
//! from a call to the inventory kinds it changes, so that an event from the queue
//! (`--events`) re-polls only those kinds.
//!
//! Security-group rules and routes are not in this table: their findings are matched on
//! the exact rule or route asked for (`Ask::Rule`, `Ask::Route`, see `attribute.rs`).

use super::{Ask, ChangeEvent, QueueEvent};
use model::Kind;
use serde::Serialize;

/// One attribute a rule judges, of one kind of resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr {
    DbPublic,
    DbEncryption,
    DbMultiAz,
    DbBackupRetention,
    DbDeletionProtection,
    DbClass,
    CacheMultiAz,
    CacheFailover,
    CacheEncryption,
    /// Whether an alarm notifies, and whom.
    AlarmActions,
    /// The alarm's state (`ALARM`, `INSUFFICIENT_DATA`).
    AlarmState,
    /// Whether the alarm exists at all.
    AlarmExists,
    AclEntries,
    /// Which subnets an ACL guards.
    AclAssociation,
    /// Which subnets a route table serves.
    RouteAssociation,
    Endpoints,
    FlowLogs,
    /// A group's name and place, which classify it against the design.
    GroupIdentity,
}

use Attr::*;

/// The attributes each rule reads. A rule missing here (the rule-exact `sg.*` and most
/// `route.*`, `reach.*`, `inventory.*`) is explained by no parameter.
pub fn reads(rule: &str) -> &'static [Attr] {
    match rule {
        "rds.public" => &[DbPublic],
        "rds.encryption" => &[DbEncryption],
        "rds.multi-az" => &[DbMultiAz],
        "rds.backup-retention" => &[DbBackupRetention],
        "rds.deletion-protection" => &[DbDeletionProtection],
        "rds.instance-class" => &[DbClass],
        "cache.multi-az" => &[CacheMultiAz],
        "cache.automatic-failover" => &[CacheFailover],
        "cache.encryption" => &[CacheEncryption],
        "alarm.actions-disabled" => &[AlarmActions],
        "alarm.firing" | "alarm.insufficient-data" => &[AlarmState],
        "alarm.missing" => &[AlarmExists],
        "nacl.admin-port-open" => &[AclEntries, AclAssociation],
        "network.endpoint-missing" => &[Endpoints],
        "network.flow-logs-missing" => &[FlowLogs],
        // A table without the route matters only for the subnets it serves.
        "route.internet-missing" | "route.nat-missing" => &[RouteAssociation],
        "sg.unclassified" => &[GroupIdentity],
        _ => &[],
    }
}

/// Rules that judge something missing: a deletion can explain them.
pub fn judges_absence(rule: &str) -> bool {
    matches!(rule, "route.internet-missing" | "route.nat-missing")
}

/// Request parameters (as CloudTrail logs them, flat form) and what each sets. Names
/// from the RDS, ElastiCache, CloudWatch and EC2 API references.
const PARAMS: &[(&str, &str, &[Attr])] = &[
    // RDS: ModifyDBInstance cannot change encryption (a snapshot copy can).
    ("ModifyDBInstance", "publiclyAccessible", &[DbPublic]),
    ("ModifyDBInstance", "multiAZ", &[DbMultiAz]),
    ("ModifyDBInstance", "backupRetentionPeriod", &[DbBackupRetention]),
    ("ModifyDBInstance", "deletionProtection", &[DbDeletionProtection]),
    ("ModifyDBInstance", "dBInstanceClass", &[DbClass]),
    // ModifyDBCluster changes neither Multi-AZ (the members' zones do) nor encryption.
    ("ModifyDBCluster", "publiclyAccessible", &[DbPublic]),
    ("ModifyDBCluster", "backupRetentionPeriod", &[DbBackupRetention]),
    ("ModifyDBCluster", "deletionProtection", &[DbDeletionProtection]),
    ("ModifyDBCluster", "dBClusterInstanceClass", &[DbClass]),
    ("CreateDBInstance", "publiclyAccessible", &[DbPublic]),
    ("CreateDBInstance", "storageEncrypted", &[DbEncryption]),
    ("CreateDBInstance", "kmsKeyId", &[DbEncryption]),
    ("CreateDBInstance", "multiAZ", &[DbMultiAz]),
    ("CreateDBInstance", "backupRetentionPeriod", &[DbBackupRetention]),
    ("CreateDBInstance", "deletionProtection", &[DbDeletionProtection]),
    ("CreateDBInstance", "dBInstanceClass", &[DbClass]),
    ("CreateDBInstanceReadReplica", "publiclyAccessible", &[DbPublic]),
    ("CreateDBInstanceReadReplica", "multiAZ", &[DbMultiAz]),
    ("CreateDBInstanceReadReplica", "dBInstanceClass", &[DbClass]),
    ("CreateDBInstanceReadReplica", "deletionProtection", &[DbDeletionProtection]),
    ("CreateDBInstanceReadReplica", "kmsKeyId", &[DbEncryption]),
    ("RestoreDBInstanceFromDBSnapshot", "publiclyAccessible", &[DbPublic]),
    ("RestoreDBInstanceFromDBSnapshot", "multiAZ", &[DbMultiAz]),
    ("RestoreDBInstanceFromDBSnapshot", "dBInstanceClass", &[DbClass]),
    ("RestoreDBInstanceFromDBSnapshot", "deletionProtection", &[DbDeletionProtection]),
    ("CreateDBCluster", "publiclyAccessible", &[DbPublic]),
    ("CreateDBCluster", "storageEncrypted", &[DbEncryption]),
    ("CreateDBCluster", "kmsKeyId", &[DbEncryption]),
    ("CreateDBCluster", "backupRetentionPeriod", &[DbBackupRetention]),
    ("CreateDBCluster", "deletionProtection", &[DbDeletionProtection]),
    ("CreateDBCluster", "dBClusterInstanceClass", &[DbClass]),
    ("RestoreDBClusterFromSnapshot", "publiclyAccessible", &[DbPublic]),
    ("RestoreDBClusterFromSnapshot", "kmsKeyId", &[DbEncryption]),
    ("RestoreDBClusterFromSnapshot", "deletionProtection", &[DbDeletionProtection]),
    ("RestoreDBClusterFromSnapshot", "dBClusterInstanceClass", &[DbClass]),
    // ElastiCache: at-rest encryption is fixed at creation.
    ("ModifyReplicationGroup", "multiAZEnabled", &[CacheMultiAz]),
    ("ModifyReplicationGroup", "automaticFailoverEnabled", &[CacheFailover]),
    ("ModifyReplicationGroup", "transitEncryptionEnabled", &[CacheEncryption]),
    ("ModifyReplicationGroup", "transitEncryptionMode", &[CacheEncryption]),
    ("CreateReplicationGroup", "multiAZEnabled", &[CacheMultiAz]),
    ("CreateReplicationGroup", "automaticFailoverEnabled", &[CacheFailover]),
    ("CreateReplicationGroup", "atRestEncryptionEnabled", &[CacheEncryption]),
    ("CreateReplicationGroup", "transitEncryptionEnabled", &[CacheEncryption]),
    // CloudWatch: PutMetricAlarm replaces the whole alarm (see CREATES); these say
    // which parts it named.
    ("PutMetricAlarm", "actionsEnabled", &[AlarmActions]),
    ("PutMetricAlarm", "alarmActions", &[AlarmActions]),
    ("PutCompositeAlarm", "actionsEnabled", &[AlarmActions]),
    ("PutCompositeAlarm", "alarmActions", &[AlarmActions]),
    ("SetAlarmState", "stateValue", &[AlarmState]),
    // EC2
    ("CreateSecurityGroup", "groupName", &[GroupIdentity]),
    ("CreateSecurityGroup", "vpcId", &[GroupIdentity]),
    ("CreateFlowLogs", "trafficType", &[FlowLogs]),
];

/// Calls that touch an attribute whatever they asked.
const EVENTS: &[(&str, &[Attr])] = &[
    ("DisableAlarmActions", &[AlarmActions]),
    ("EnableAlarmActions", &[AlarmActions]),
    ("SetAlarmState", &[AlarmState]),
    ("DeleteAlarms", &[AlarmExists]),
    ("CreateNetworkAclEntry", &[AclEntries]),
    ("ReplaceNetworkAclEntry", &[AclEntries]),
    ("DeleteNetworkAclEntry", &[AclEntries]),
    ("ReplaceNetworkAclAssociation", &[AclAssociation]),
    ("AssociateRouteTable", &[RouteAssociation]),
    ("DisassociateRouteTable", &[RouteAssociation]),
    ("ReplaceRouteTableAssociation", &[RouteAssociation]),
    ("CreateVpcEndpoint", &[Endpoints]),
    ("ModifyVpcEndpoint", &[Endpoints]),
    ("DeleteVpcEndpoints", &[Endpoints]),
    ("CreateFlowLogs", &[FlowLogs]),
    ("DeleteFlowLogs", &[FlowLogs]),
];

/// Calls that create (or wholly replace) a resource of a kind: they set every attribute
/// of it, by parameter or by default. A new ACL or route table is not here: it starts
/// empty (deny all, local route only) and cannot open what a finding reports.
const CREATES: &[(&str, &str)] = &[
    ("CreateDBInstance", "db_instance"),
    ("CreateDBInstanceReadReplica", "db_instance"),
    ("RestoreDBInstanceFromDBSnapshot", "db_instance"),
    ("CreateDBCluster", "db_cluster"),
    ("RestoreDBClusterFromSnapshot", "db_cluster"),
    ("CreateReplicationGroup", "cache_replication_group"),
    ("PutMetricAlarm", "alarm"),
    ("PutCompositeAlarm", "alarm"),
    ("CreateSecurityGroup", "security_group"),
];

/// Every attribute of a kind, for its creation.
fn attributes_of(kind: &str) -> &'static [Attr] {
    match kind {
        "db_instance" | "db_cluster" => {
            &[DbPublic, DbEncryption, DbMultiAz, DbBackupRetention, DbDeletionProtection, DbClass]
        }
        "cache_replication_group" => &[CacheMultiAz, CacheFailover, CacheEncryption],
        "alarm" => &[AlarmActions, AlarmState, AlarmExists],
        "security_group" => &[GroupIdentity],
        _ => &[],
    }
}

/// One attribute a change touched; `explicit` when a parameter named it, not when a
/// creation set it by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    pub attr: Attr,
    pub explicit: bool,
}

/// The attributes `e` touched on a resource of `kind` (`db_instance`, `alarm`, ...).
pub fn touched(e: &ChangeEvent, kind: &str) -> Vec<Touch> {
    let mut out: Vec<Touch> = Vec::new();
    let mut add = |attr: Attr, explicit: bool| match out.iter_mut().find(|t| t.attr == attr) {
        Some(t) => t.explicit |= explicit,
        None => out.push(Touch { attr, explicit }),
    };
    for ask in &e.asked {
        let Ask::Set { param, .. } = ask else { continue };
        let hits = PARAMS.iter().filter(|(n, p, _)| *n == e.name && p.eq_ignore_ascii_case(param));
        for attr in hits.flat_map(|(_, _, attrs)| attrs.iter()) {
            add(*attr, true);
        }
    }
    for (_, attrs) in EVENTS.iter().filter(|(n, _)| *n == e.name) {
        attrs.iter().for_each(|a| add(*a, true));
    }
    if CREATES.iter().any(|(n, k)| *n == e.name && *k == kind) {
        attributes_of(kind).iter().for_each(|a| add(*a, false));
    }
    // A new instance that names a cluster joins it: it adds a zone to the cluster (its
    // Multi-AZ), and changes nothing else of it.
    if e.name == "CreateDBInstance" && kind == "db_cluster" {
        add(DbMultiAz, true);
    }
    // Parameters of the instance's own creation say nothing of the cluster it joins.
    if kind == "db_cluster" && e.name.starts_with("CreateDBInstance") {
        out.retain(|t| t.attr == DbMultiAz);
    }
    out
}

/// Calls and the inventory kinds each changes, by exact name (from the EC2, RDS,
/// ElastiCache and CloudWatch API references). Beyond the resource named, a call is listed
/// with what it changes as a side effect: deleting a NAT gateway, a peering or an
/// egress-only gateway blackholes the routes to it; a gateway endpoint writes routes; an
/// instance joining or leaving changes its cluster's members; a replication group's
/// change is seen in its member clusters.
const KINDS: &[(&[&str], &[Kind])] = {
    use Kind::*;
    &[
        (
            &[
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "ModifySecurityGroupRules",
                "UpdateSecurityGroupRuleDescriptionsIngress",
                "UpdateSecurityGroupRuleDescriptionsEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
            ],
            &[SecurityGroups],
        ),
        (
            &[
                "CreateRoute",
                "ReplaceRoute",
                "DeleteRoute",
                "CreateRouteTable",
                "DeleteRouteTable",
                "AssociateRouteTable",
                "DisassociateRouteTable",
                "ReplaceRouteTableAssociation",
                "CreateEgressOnlyInternetGateway",
                "DeleteEgressOnlyInternetGateway",
            ],
            &[RouteTables],
        ),
        (&["CreateVpcPeeringConnection", "AcceptVpcPeeringConnection"], &[PeeringConnections]),
        (&["DeleteVpcPeeringConnection", "RejectVpcPeeringConnection"], &[PeeringConnections, RouteTables]),
        (
            &["CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AssociateVpcCidrBlock", "DisassociateVpcCidrBlock"],
            &[Vpcs],
        ),
        (&["CreateSubnet", "DeleteSubnet", "ModifySubnetAttribute"], &[Subnets]),
        (&["CreateNatGateway"], &[NatGateways]),
        (&["DeleteNatGateway"], &[NatGateways, RouteTables]),
        (
            &["CreateInternetGateway", "DeleteInternetGateway", "AttachInternetGateway", "DetachInternetGateway"],
            &[InternetGateways],
        ),
        (
            &[
                "CreateNetworkAcl",
                "DeleteNetworkAcl",
                "CreateNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            ],
            &[NetworkAcls],
        ),
        (
            &[
                "CreateManagedPrefixList",
                "ModifyManagedPrefixList",
                "DeleteManagedPrefixList",
                "RestoreManagedPrefixListVersion",
            ],
            &[PrefixLists],
        ),
        (&["CreateFlowLogs", "DeleteFlowLogs"], &[FlowLogs]),
        (&["CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints"], &[VpcEndpoints, RouteTables]),
        (
            &[
                "CreateNetworkInterface",
                "DeleteNetworkInterface",
                "ModifyNetworkInterfaceAttribute",
                "AttachNetworkInterface",
                "DetachNetworkInterface",
                "RunInstances",
                "TerminateInstances",
            ],
            &[NetworkInterfaces],
        ),
        (&["ModifyDBInstance", "RebootDBInstance"], &[DbInstances]),
        (
            &["CreateDBInstance", "CreateDBInstanceReadReplica", "RestoreDBInstanceFromDBSnapshot", "DeleteDBInstance"],
            &[DbInstances, DbClusters],
        ),
        (
            &[
                "CreateDBCluster",
                "ModifyDBCluster",
                "DeleteDBCluster",
                "RebootDBCluster",
                "RestoreDBClusterFromSnapshot",
            ],
            &[DbClusters],
        ),
        (&["FailoverDBCluster"], &[DbClusters, DbInstances]),
        (
            &["CreateReplicationGroup", "ModifyReplicationGroup", "DeleteReplicationGroup", "TestFailover"],
            &[CacheReplicationGroups, CacheClusters],
        ),
        (&["CreateCacheCluster", "ModifyCacheCluster", "DeleteCacheCluster"], &[CacheClusters]),
        (
            &[
                "PutMetricAlarm",
                "PutCompositeAlarm",
                "DeleteAlarms",
                "EnableAlarmActions",
                "DisableAlarmActions",
                "SetAlarmState",
            ],
            &[Alarms],
        ),
    ]
};

/// Leading words of calls that read: they change nothing, whatever the table says.
const READS: &[&str] = &["Describe", "List", "Get", "Lookup", "Search"];

/// The inventory kinds `e` changed, for a re-poll of only those: none for a read, a
/// failed call (an attempt, not a change), a sign-in, or a call on nothing driftdeck
/// reads.
pub fn kinds(e: &ChangeEvent) -> Vec<Kind> {
    if e.failed() || READS.iter().any(|r| e.name.starts_with(r)) {
        return Vec::new();
    }
    KINDS
        .iter()
        .filter(|(names, _)| names.contains(&e.name.as_str()))
        .flat_map(|(_, kinds)| kinds.iter().copied())
        .collect()
}

/// Every call `kinds` knows, for the EventBridge rule in `assets/events/` and its test.
pub fn changing_calls() -> impl Iterator<Item = &'static str> {
    KINDS.iter().flat_map(|(names, _)| names.iter().copied())
}

/// What one queue event asks of the environment it happened in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repoll {
    pub account: String,
    pub region: String,
    pub kinds: Vec<Kind>,
}

/// The re-poll a queue event asks for: `None` when it changed nothing driftdeck reads,
/// or when it does not say its account and region (it cannot be routed; the polls cover
/// it). The caller matches `account`/`region` against its environments; an event of an
/// account it does not watch is dropped there.
pub fn repoll(e: &QueueEvent) -> Option<Repoll> {
    let kinds = kinds(&e.change);
    if kinds.is_empty() {
        return None;
    }
    Some(Repoll { account: e.account.clone()?, region: e.region.clone()?, kinds })
}
