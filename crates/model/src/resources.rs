//! Resource types of the inventory, one plain struct per AWS resource, SDK-free.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type Tags = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    /// All associated IPv4 CIDR blocks, primary first.
    pub cidrs: Vec<String>,
    #[serde(default)]
    pub ipv6_cidrs: Vec<String>,
    pub is_default: bool,
    pub state: String,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub cidr: String,
    #[serde(default)]
    pub ipv6_cidrs: Vec<String>,
    pub az: String,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// True for the VPC's main route table, which serves every subnet without an explicit association.
    pub main: bool,
    pub associations: Vec<RouteTableAssociation>,
    pub routes: Vec<Route>,
    /// VPN gateways propagating their routes into this table (`PropagatingVgws`); their
    /// routes carry origin `EnableVgwRoutePropagation`.
    #[serde(default)]
    pub propagating_vgws: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTableAssociation {
    pub id: Option<String>,
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
    pub main: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationKind {
    Ipv4,
    Ipv6,
    PrefixList,
}

impl DestinationKind {
    /// What a route destination written as text is: `pl-…`, an IPv6 or an IPv4 CIDR.
    pub fn of(destination: &str) -> DestinationKind {
        if destination.starts_with("pl-") {
            DestinationKind::PrefixList
        } else if destination.contains(':') {
            DestinationKind::Ipv6
        } else {
            DestinationKind::Ipv4
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    VpcPeering,
    TransitGateway,
    VpcEndpoint,
    NetworkInterface,
    Instance,
    VpnGateway,
    CarrierGateway,
    LocalGateway,
    CoreNetwork,
    Other,
}

impl TargetKind {
    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Local => "local",
            TargetKind::InternetGateway => "igw",
            TargetKind::EgressOnlyInternetGateway => "eigw",
            TargetKind::NatGateway => "nat",
            TargetKind::VpcPeering => "pcx",
            TargetKind::TransitGateway => "tgw",
            TargetKind::VpcEndpoint => "vpce",
            TargetKind::NetworkInterface => "eni",
            TargetKind::Instance => "instance",
            TargetKind::VpnGateway => "vgw",
            TargetKind::CarrierGateway => "cagw",
            TargetKind::LocalGateway => "lgw",
            TargetKind::CoreNetwork => "core-network",
            TargetKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteState {
    Active,
    Blackhole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// CIDR (v4 or v6) or prefix-list id.
    pub destination: String,
    pub destination_kind: DestinationKind,
    pub target_kind: TargetKind,
    /// Id of the target (igw-…, nat-…, pcx-…); `None` for `local`.
    pub target_id: Option<String>,
    pub state: RouteState,
    /// CreateRouteTable / CreateRoute / EnableVgwRoutePropagation, as AWS reports it.
    pub origin: Option<String>,
}

impl Route {
    /// `0.0.0.0/0` or `::/0`.
    pub fn is_default(&self) -> bool {
        self.destination == "0.0.0.0/0" || self.destination == "::/0"
    }

    pub fn describe(&self) -> String {
        match &self.target_id {
            Some(id) => format!("{} -> {}", self.destination, id),
            None => format!("{} -> {}", self.destination, self.target_kind.label()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    pub attached_vpcs: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub state: String,
    /// `public` or `private`.
    pub connectivity: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeeringSide {
    pub vpc_id: String,
    pub owner_id: Option<String>,
    pub region: Option<String>,
    pub cidrs: Vec<String>,
    #[serde(default)]
    pub ipv6_cidrs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeeringConnection {
    pub id: String,
    /// active, pending-acceptance, deleted, …
    pub status: String,
    pub requester: PeeringSide,
    pub accepter: PeeringSide,
    #[serde(default)]
    pub tags: Tags,
}

/// Where an ingress rule lets traffic in from (or an egress rule lets it out to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum RulePeer {
    Cidr4(String),
    Cidr6(String),
    Group(String),
    PrefixList(String),
}

impl RulePeer {
    pub fn describe(&self) -> String {
        self.as_str().to_string()
    }

    /// The CIDR, group id or prefix-list id, borrowed.
    pub fn as_str(&self) -> &str {
        match self {
            RulePeer::Cidr4(c) | RulePeer::Cidr6(c) => c,
            RulePeer::Group(g) => g,
            RulePeer::PrefixList(p) => p,
        }
    }

    pub fn is_world(&self) -> bool {
        matches!(self, RulePeer::Cidr4(c) if c == "0.0.0.0/0") || matches!(self, RulePeer::Cidr6(c) if c == "::/0")
    }
}

/// A protocol as AWS writes it (`-1`, a number or a name) normalised: `tcp`, `udp`,
/// `icmp`, `icmpv6`, `all`, or the raw value. Security group rules and ACL entries share it.
pub fn protocol_name(raw: &str) -> &str {
    match raw {
        "-1" | "all" => "all",
        "6" | "tcp" => "tcp",
        "17" | "udp" => "udp",
        "1" | "icmp" => "icmp",
        "58" | "icmpv6" => "icmpv6",
        other => other,
    }
}

/// One rule, flattened to a single peer (AWS's rule ids are per peer too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SgRule {
    pub rule_id: Option<String>,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all), or a protocol number.
    pub protocol: String,
    /// For tcp/udp the port range; for all-traffic both are `None` (every port).
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: RulePeer,
    pub description: Option<String>,
}

impl SgRule {
    /// True when the rule carries all traffic (protocol `-1`).
    pub fn all_traffic(&self) -> bool {
        self.protocol == "-1" || self.protocol.eq_ignore_ascii_case("all")
    }

    /// Normalised protocol name: `tcp`, `udp`, `icmp`, `all`, or the raw value.
    pub fn protocol_name(&self) -> &str {
        protocol_name(&self.protocol)
    }

    /// Does this rule let in traffic to TCP/UDP `port` (with `proto` "tcp" or "udp")?
    pub fn covers_port(&self, proto: &str, port: u16) -> bool {
        if self.all_traffic() {
            return true;
        }
        if self.protocol_name() != proto {
            return false;
        }
        match (self.from_port, self.to_port) {
            (Some(from), Some(to)) => {
                // AWS uses -1 to mean "all ports" for tcp/udp in some API shapes.
                if from == -1 || to == -1 {
                    return true;
                }
                from <= i32::from(port) && i32::from(port) <= to
            }
            _ => true,
        }
    }

    pub fn ports_label(&self) -> String {
        self.ports().to_string()
    }

    /// The port range as shown (`all`, `443`, `1024-65535`), written without a `String`.
    pub fn ports(&self) -> PortsLabel {
        if self.all_traffic() {
            return PortsLabel::All;
        }
        match (self.from_port, self.to_port) {
            (Some(-1), _) | (_, Some(-1)) | (None, _) | (_, None) => PortsLabel::All,
            (Some(a), Some(b)) if a == b => PortsLabel::One(a),
            (Some(a), Some(b)) => PortsLabel::Range(a, b),
        }
    }

    pub fn describe(&self) -> String {
        format!("{} {} from {}", self.protocol_name(), self.ports_label(), self.peer.describe())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbInstance {
    pub id: String,
    pub engine: String,
    pub engine_version: Option<String>,
    pub class: String,
    pub status: String,
    pub multi_az: bool,
    pub az: Option<String>,
    pub secondary_az: Option<String>,
    pub storage_encrypted: bool,
    pub publicly_accessible: bool,
    pub backup_retention_days: i32,
    pub deletion_protection: bool,
    pub subnet_group: Option<String>,
    /// VPC of the DB subnet group; how RDS is scoped to a design.
    pub vpc_id: Option<String>,
    /// Cluster this instance belongs to (Aurora / Multi-AZ cluster member).
    pub cluster_id: Option<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbClusterMember {
    pub instance_id: String,
    pub writer: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbCluster {
    pub id: String,
    pub engine: String,
    pub engine_version: Option<String>,
    /// Instance class for Multi-AZ DB clusters; Aurora classes live on the members.
    pub class: Option<String>,
    pub status: String,
    pub multi_az: bool,
    pub azs: Vec<String>,
    pub storage_encrypted: bool,
    pub publicly_accessible: Option<bool>,
    pub backup_retention_days: i32,
    pub deletion_protection: bool,
    pub subnet_group: Option<String>,
    pub vpc_id: Option<String>,
    pub members: Vec<DbClusterMember>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheMember {
    pub cluster_id: String,
    pub node_group: Option<String>,
    pub az: Option<String>,
    /// `primary` or `replica` when AWS reports it.
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheReplicationGroup {
    pub id: String,
    pub description: Option<String>,
    pub status: String,
    pub node_type: Option<String>,
    /// `enabled` / `disabled` as AWS reports it.
    pub multi_az: Option<String>,
    /// `enabled` / `disabled` / `enabling` / `disabling`.
    pub automatic_failover: Option<String>,
    pub at_rest_encryption: Option<bool>,
    pub transit_encryption: Option<bool>,
    pub cluster_mode: Option<String>,
    pub members: Vec<CacheMember>,
    /// VPC of the members' cache subnet group, when it could be resolved.
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheCluster {
    pub id: String,
    pub engine: String,
    pub engine_version: Option<String>,
    pub status: String,
    pub node_type: Option<String>,
    pub num_nodes: i32,
    pub az: Option<String>,
    pub replication_group_id: Option<String>,
    pub subnet_group: Option<String>,
    pub vpc_id: Option<String>,
    pub at_rest_encryption: Option<bool>,
    pub transit_encryption: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    Alarm,
    InsufficientData,
    Ok,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
        }
    }

    pub fn parse(s: &str) -> Option<AlarmState> {
        match s {
            "ALARM" => Some(AlarmState::Alarm),
            "INSUFFICIENT_DATA" => Some(AlarmState::InsufficientData),
            "OK" => Some(AlarmState::Ok),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    Metric,
    Composite,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub kind: AlarmKind,
    pub state: AlarmState,
    pub state_reason: Option<String>,
    pub state_updated: Option<Timestamp>,
    pub actions_enabled: bool,
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    #[serde(default)]
    pub ok_actions: Vec<String>,
    #[serde(default)]
    pub insufficient_data_actions: Vec<String>,
    /// `Namespace/MetricName` for metric alarms, the rule expression for composites.
    pub detail: Option<String>,
}

/// One network ACL entry. Entries are judged in ascending `rule_number`, first match wins;
/// AWS's final `*` entry (32767) denies whatever nothing else matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AclEntry {
    pub rule_number: i32,
    /// `-1` (all), `6` (tcp), `17` (udp), `1` (icmp), `58` (icmpv6) or another number.
    pub protocol: String,
    pub allow: bool,
    pub egress: bool,
    pub cidr: Option<String>,
    pub ipv6_cidr: Option<String>,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub icmp_type: Option<i32>,
    pub icmp_code: Option<i32>,
}

impl AclEntry {
    /// Normalised protocol name, as for security group rules.
    pub fn protocol_name(&self) -> &str {
        protocol_name(&self.protocol)
    }

    pub fn rule_label(&self) -> String {
        if self.rule_number >= 32767 { "*".into() } else { self.rule_number.to_string() }
    }

    pub fn ports_label(&self) -> String {
        match (self.protocol_name(), self.from_port, self.to_port) {
            ("all", _, _) => "all".into(),
            (_, Some(a), Some(b)) if a == b => a.to_string(),
            (_, Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "all".into(),
        }
    }

    pub fn describe(&self) -> String {
        let peer = self.cidr.as_deref().or(self.ipv6_cidr.as_deref()).unwrap_or("?");
        format!(
            "#{} {} {} {} {} {}",
            self.rule_label(),
            if self.egress { "egress" } else { "ingress" },
            if self.allow { "allow" } else { "deny" },
            self.protocol_name(),
            self.ports_label(),
            peer
        )
    }
}

/// A network ACL with its entries and the subnets explicitly associated with it. A subnet
/// with no explicit association uses its VPC's default ACL (`is_default`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    pub is_default: bool,
    pub entries: Vec<AclEntry>,
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrefixListEntry {
    pub cidr: String,
    pub description: Option<String>,
}

/// A managed prefix list, with its entries resolved (GetManagedPrefixListEntries).
/// `entries` is `None` when the entries could not be read: such a list is unknown,
/// never "inside" anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    pub name: String,
    /// `AWS` for AWS-managed lists (`com.amazonaws.*`), else the owning account.
    pub owner_id: Option<String>,
    pub address_family: Option<String>,
    pub state: String,
    pub max_entries: Option<i32>,
    pub entries: Option<Vec<PrefixListEntry>>,
    /// Why the entries are unknown, when they are.
    #[serde(default)]
    pub entries_error: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

impl PrefixList {
    /// AWS-managed lists stand for a service: `com.amazonaws.eu-west-2.s3` -> `s3`.
    pub fn aws_service(&self) -> Option<&str> {
        let rest = self.name.strip_prefix("com.amazonaws.")?;
        Some(rest.rsplit('.').next().unwrap_or(rest))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    /// `com.amazonaws.eu-west-2.s3`
    pub service_name: String,
    /// `Gateway`, `Interface`, `GatewayLoadBalancer`, ...
    pub endpoint_type: String,
    pub state: String,
    #[serde(default)]
    pub route_table_ids: Vec<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

impl VpcEndpoint {
    /// The service's short name: `com.amazonaws.eu-west-2.s3` -> `s3`,
    /// `com.amazonaws.eu-west-2.ecr.dkr` -> `ecr.dkr`.
    pub fn short_service(&self) -> &str {
        let s = self.service_name.as_str();
        match s.strip_prefix("com.amazonaws.").or_else(|| s.strip_prefix("aws.sagemaker.")) {
            Some(rest) => rest.split_once('.').map_or(rest, |(_region, svc)| svc),
            None => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    /// The VPC, subnet or network interface it records.
    pub resource_id: String,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: Option<String>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: Option<String>,
    /// Destination ARN, or the log group name for CloudWatch Logs.
    pub destination: Option<String>,
    pub log_group: Option<String>,
    /// `ACTIVE` when it records.
    pub status: Option<String>,
    pub deliver_status: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// A network interface: how a role's members are placed in subnets (reachability).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub private_ips: Vec<String>,
    #[serde(default)]
    pub ipv6_ips: Vec<String>,
    pub security_groups: Vec<String>,
    /// `interface`, `nat_gateway`, `vpc_endpoint`, ...
    pub interface_type: Option<String>,
    pub description: Option<String>,
    /// Service that manages it (`amazon-rds`, `amazon-elb`, ...), when requester-managed.
    pub requester_id: Option<String>,
    pub instance_id: Option<String>,
    pub status: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// A security group rule's ports, displayed as `SgRule::ports_label` spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortsLabel {
    All,
    One(i32),
    Range(i32, i32),
}

impl std::fmt::Display for PortsLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortsLabel::All => f.write_str("all"),
            PortsLabel::One(a) => write!(f, "{a}"),
            PortsLabel::Range(a, b) => write!(f, "{a}-{b}"),
        }
    }
}
