//! History: what changed, who changed it and since when. SDK-free types for CloudTrail
//! change events and CloudWatch alarm transitions, their parsing (from LookupEvents and from
//! queue messages), the time window, the merged timeline and the attribution of findings to
//! the change that introduced them.

pub mod message;
pub mod record;
pub mod window;

pub use message::{MessageError, QueueEvent, parse_message};
pub use record::{Envelope, parse_alarm_history_data, parse_lookup_event, parse_record};
pub use window::Since;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who made a call, made readable from CloudTrail's `userIdentity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub kind: ActorKind,
    /// `alice`, `deploy-role/alice-session`, `alice@example.com (SSO AdministratorAccess)`,
    /// `autoscaling.amazonaws.com`, `root`.
    pub name: String,
    pub arn: Option<String>,
}

impl Actor {
    /// Root acts with every permission and no audit trail of who held the password:
    /// always flagged where an actor is shown.
    pub fn display(&self) -> String {
        match self.kind {
            ActorKind::Root => format!("{} (ROOT)", self.name),
            _ => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    IamUser,
    AssumedRole,
    /// IAM Identity Center (SSO): `IdentityCenterUser`, or an `AWSReservedSSO_*` role session.
    SsoUser,
    AwsService,
    Root,
    FederatedUser,
    AwsAccount,
    Unknown,
}

/// The tool behind a call, from its user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Agent {
    Console,
    Cli,
    Terraform,
    CloudFormation,
    Sdk,
    Service,
    Other,
}

impl Agent {
    pub fn as_str(self) -> &'static str {
        match self {
            Agent::Console => "console",
            Agent::Cli => "cli",
            Agent::Terraform => "terraform",
            Agent::CloudFormation => "cloudformation",
            Agent::Sdk => "sdk",
            Agent::Service => "service",
            Agent::Other => "other",
        }
    }
}

/// What a call asked for, as far as driftdeck judges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ask {
    /// One security group rule, one peer: normalised like the model's `SgRule`
    /// (`protocol_name`, `ports_label`, peer) so it compares with a finding's evidence.
    Rule { protocol: String, ports: String, source: String },
    /// One route: destination (CIDR or prefix list) and target id (`None` on delete).
    Route { destination: String, target: Option<String> },
    /// One top-level request parameter of any other call (`publiclyAccessible` = `true`),
    /// its name spelt as the flat form spells it. The engine maps it to the attributes it
    /// touches; the value is kept short (`VALUE_MAX`) because it is shown, not judged.
    Set { param: String, value: String },
}

/// Longest value an `Ask::Set` keeps: a parameter can hold thousands of entries.
pub const VALUE_MAX: usize = 120;

/// How many asks one event's line shows; the rest are counted, not printed.
pub const ASKED_SHOWN: usize = 8;

impl Ask {
    pub fn describe(&self) -> String {
        match self {
            Ask::Rule { protocol, ports, source } => format!("{protocol} {ports} from {source}"),
            Ask::Route { destination, target: Some(t) } => format!("{destination} -> {t}"),
            Ask::Route { destination, target: None } => destination.clone(),
            Ask::Set { param, value } => format!("{param}={value}"),
        }
    }
}

/// `s` cut to at most `max` characters, marked with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// What one event asked, bounded for a line: at most `ASKED_SHOWN` asks, each at most
/// `VALUE_MAX` characters, then `… N more` (one real request held 6,000 entries and
/// made a 181 KB table line).
pub fn asked_lines(asked: &[Ask]) -> Vec<String> {
    let mut out: Vec<String> = asked.iter().take(ASKED_SHOWN).map(|a| clip(&a.describe(), VALUE_MAX)).collect();
    if asked.len() > ASKED_SHOWN {
        out.push(format!("… {} more", asked.len() - ASKED_SHOWN));
    }
    out
}

/// One CloudTrail management event on something driftdeck judges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEvent {
    pub id: String,
    pub time: Timestamp,
    /// `AuthorizeSecurityGroupIngress`, `CreateRoute`, ...
    pub name: String,
    /// `ec2.amazonaws.com`, `rds.amazonaws.com`, ...
    pub source: String,
    pub actor: Actor,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub agent: Agent,
    /// Ids of the resources touched: from `Resources[]`, else the request parameters.
    pub resources: Vec<String>,
    pub asked: Vec<Ask>,
    /// `errorCode: errorMessage` when the call failed: an attempt, not a change.
    pub error: Option<String>,
}

impl ChangeEvent {
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    pub fn touches(&self, resource: &str) -> bool {
        self.resources.iter().any(|r| r == resource)
    }

    /// One line: `AuthorizeSecurityGroupIngress sg-1 (tcp 22 from 0.0.0.0/0) by deploy/alice via cli`.
    /// Bounded however large the request was (see `asked_lines`).
    pub fn summary(&self) -> String {
        let asked = asked_lines(&self.asked);
        let what = if asked.is_empty() { String::new() } else { format!(" ({})", asked.join("; ")) };
        let failed = match &self.error {
            Some(e) => format!(" FAILED {e}"),
            None => String::new(),
        };
        format!(
            "{} {}{what} by {} via {}{failed}",
            self.name,
            self.resources.join(","),
            self.actor.display(),
            self.agent.as_str()
        )
    }
}

/// One alarm state change from CloudWatch alarm history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmTransition {
    pub time: Timestamp,
    pub alarm: String,
    pub old_state: String,
    pub new_state: String,
    pub reason: Option<String>,
}

/// Where history stands for one account: shown as such, never as "nothing changed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum HistoryStatus {
    Off,
    Loading,
    Ok,
    /// Throttled: what we have is incomplete and more is coming.
    Delayed(String),
    /// Access denied, trail disabled, endpoint missing.
    Unavailable(String),
}

impl HistoryStatus {
    pub fn label(&self) -> String {
        match self {
            HistoryStatus::Off => "history off".into(),
            HistoryStatus::Loading => "history loading".into(),
            HistoryStatus::Ok => "history ok".into(),
            HistoryStatus::Delayed(r) => format!("history delayed: {r}"),
            HistoryStatus::Unavailable(r) => format!("history unavailable: {r}"),
        }
    }
}

/// Everything history knows for one window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Oldest instant covered: a change before it is "older than the window".
    pub window_start: Option<Timestamp>,
    pub events: Vec<ChangeEvent>,
    pub transitions: Vec<AlarmTransition>,
    /// Per source (`cloudtrail`, `alarm-history`), when it is not plain ok.
    pub problems: Vec<(String, HistoryStatus)>,
    /// Resources whose history was not read: `check` reads the history of the resources
    /// it reports within a time budget, and what the budget did not reach is said, never
    /// taken for "nothing changed".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
    /// Relevant CloudTrail records that could not be read: counted and said, because a
    /// skipped record may be the very change a finding needs.
    #[serde(default)]
    pub skipped: usize,
    /// Why the first skipped record could not be read.
    #[serde(default)]
    pub skipped_reason: Option<String>,
}

impl History {
    /// Count one unreadable record, keeping the first reason.
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.skipped += 1;
        if self.skipped_reason.is_none() {
            self.skipped_reason = Some(reason.into());
        }
    }

    /// `2 records unreadable`, for a title; `None` when every record was read.
    pub fn skipped_label(&self) -> Option<String> {
        match self.skipped {
            0 => None,
            1 => Some("1 record unreadable".into()),
            n => Some(format!("{n} records unreadable")),
        }
    }

    /// The problem line of skipped records: `2 records unreadable (first: ...)`.
    pub fn skipped_problem(&self) -> Option<String> {
        let label = self.skipped_label()?;
        Some(match &self.skipped_reason {
            Some(r) => format!("{label} (first: {})", clip(r, VALUE_MAX)),
            None => label,
        })
    }
}

/// Why a resource's history was not read, as `changed_by` says it.
pub const UNREAD_BUDGET: &str = "history not read: budget";

/// CloudTrail event names that change something driftdeck judges. LookupEvents cannot
/// filter by a list, so this is applied on our side (see `crates/aws/src/cloudtrail.rs`).
pub const RELEVANT_EVENTS: &[&str] = &[
    // security groups and their rules
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
    "UpdateSecurityGroupRuleDescriptionsIngress",
    "UpdateSecurityGroupRuleDescriptionsEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    // routes and route tables
    "CreateRoute",
    "ReplaceRoute",
    "DeleteRoute",
    "CreateRouteTable",
    "DeleteRouteTable",
    "AssociateRouteTable",
    "DisassociateRouteTable",
    "ReplaceRouteTableAssociation",
    // peering
    "CreateVpcPeeringConnection",
    "AcceptVpcPeeringConnection",
    "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    // subnets and gateways
    "CreateSubnet",
    "DeleteSubnet",
    "CreateNatGateway",
    "DeleteNatGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "AttachInternetGateway",
    "DetachInternetGateway",
    "CreateEgressOnlyInternetGateway",
    "DeleteEgressOnlyInternetGateway",
    // network ACLs
    "CreateNetworkAcl",
    "DeleteNetworkAcl",
    "CreateNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
    // prefix lists
    "CreateManagedPrefixList",
    "ModifyManagedPrefixList",
    "DeleteManagedPrefixList",
    "RestoreManagedPrefixListVersion",
    // flow logs
    "CreateFlowLogs",
    "DeleteFlowLogs",
    // VPC endpoints
    "CreateVpcEndpoint",
    "ModifyVpcEndpoint",
    "DeleteVpcEndpoints",
    // RDS
    "CreateDBInstance",
    "CreateDBInstanceReadReplica",
    "RestoreDBInstanceFromDBSnapshot",
    "RestoreDBClusterFromSnapshot",
    "ModifyDBInstance",
    "DeleteDBInstance",
    "RebootDBInstance",
    "CreateDBCluster",
    "ModifyDBCluster",
    "DeleteDBCluster",
    "RebootDBCluster",
    "FailoverDBCluster",
    // ElastiCache
    "CreateReplicationGroup",
    "ModifyReplicationGroup",
    "DeleteReplicationGroup",
    "TestFailover",
    // alarms
    "PutMetricAlarm",
    "PutCompositeAlarm",
    "DeleteAlarms",
    "EnableAlarmActions",
    "DisableAlarmActions",
    "SetAlarmState",
];

pub fn is_relevant(event_name: &str) -> bool {
    RELEVANT_EVENTS.contains(&event_name)
}

/// `3m ago`, `5h ago`, `2d ago`: the age shown next to an actor.
pub fn age(then: Timestamp, now: Timestamp) -> String {
    let secs = now.as_second().saturating_sub(then.as_second()).max(0);
    match secs {
        s if s < 60 => format!("{s}s ago"),
        s if s < 3600 => format!("{}m ago", s / 60),
        s if s < 86_400 => format!("{}h ago", s / 3600),
        s => format!("{}d ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_has_each_family_and_no_reads() {
        for name in ["AuthorizeSecurityGroupIngress", "CreateRoute", "ModifyDBInstance", "CreateNetworkAclEntry"] {
            assert!(is_relevant(name), "{name}");
        }
        for name in ["ModifyManagedPrefixList", "CreateFlowLogs", "SetAlarmState", "TestFailover"] {
            assert!(is_relevant(name), "{name}");
        }
        assert!(!is_relevant("DescribeSecurityGroups"));
        assert!(!is_relevant("RunInstances"));
        assert!(RELEVANT_EVENTS.iter().all(|n| !n.starts_with("Describe") && !n.starts_with("List")));
    }

    #[test]
    fn ages_read_in_the_largest_unit() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().expect("ts");
        let at = |s: &str| s.parse::<Timestamp>().expect("ts");
        assert_eq!(age(at("2026-11-23T11:59:30Z"), now), "30s ago");
        assert_eq!(age(at("2026-11-23T11:00:00Z"), now), "1h ago");
        assert_eq!(age(at("2026-11-20T12:00:00Z"), now), "3d ago");
        assert_eq!(age(at("2026-11-23T13:00:00Z"), now), "0s ago");
    }
}
