//! The model: the SDK-free inventory of one AWS region (`Snapshot`), the history events
//! (CloudTrail changes, alarm transitions) and the parsing of their records, fetch errors as
//! data, the `Source` port that collectors implement, and the input limits.
//!
//! The AWS adapter fills it; the engine and the console only read it. It is serde
//! serialisable and versioned so it can be written to disk and evaluated offline.

mod controls;
pub mod history;
pub mod limits;
pub mod org;
mod resources;
pub mod source;
mod transit;
mod vpn;

pub use controls::*;
pub use resources::*;
pub use transit::*;
pub use vpn::*;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the snapshot file format. Bump on any incompatible change.
pub const SNAPSHOT_SCHEMA: u32 = 1;

/// One kind of resource, fetched (and failing) independently of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Vpcs,
    Subnets,
    RouteTables,
    InternetGateways,
    NatGateways,
    PeeringConnections,
    SecurityGroups,
    DbInstances,
    DbClusters,
    CacheReplicationGroups,
    CacheClusters,
    Alarms,
    NetworkAcls,
    PrefixLists,
    VpcEndpoints,
    FlowLogs,
    NetworkInterfaces,
    KmsKeys,
    LaunchTemplates,
    Instances,
    Detectors,
    Trails,
    EksClusters,
    EksAccessEntries,
    TransitGateways,
    TransitGatewayAttachments,
    TransitGatewayRouteTables,
    VpnGateways,
    CustomerGateways,
    VpnConnections,
}

impl Kind {
    pub const ALL: [Kind; 30] = [
        Kind::Vpcs,
        Kind::Subnets,
        Kind::RouteTables,
        Kind::InternetGateways,
        Kind::NatGateways,
        Kind::PeeringConnections,
        Kind::SecurityGroups,
        Kind::DbInstances,
        Kind::DbClusters,
        Kind::CacheReplicationGroups,
        Kind::CacheClusters,
        Kind::Alarms,
        Kind::NetworkAcls,
        Kind::PrefixLists,
        Kind::VpcEndpoints,
        Kind::FlowLogs,
        Kind::NetworkInterfaces,
        Kind::KmsKeys,
        Kind::LaunchTemplates,
        Kind::Instances,
        Kind::Detectors,
        Kind::Trails,
        Kind::EksClusters,
        Kind::EksAccessEntries,
        Kind::TransitGateways,
        Kind::TransitGatewayAttachments,
        Kind::TransitGatewayRouteTables,
        Kind::VpnGateways,
        Kind::CustomerGateways,
        Kind::VpnConnections,
    ];

    /// Stable snake_case name, as used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Vpcs => "vpcs",
            Kind::Subnets => "subnets",
            Kind::RouteTables => "route_tables",
            Kind::InternetGateways => "internet_gateways",
            Kind::NatGateways => "nat_gateways",
            Kind::PeeringConnections => "peering_connections",
            Kind::SecurityGroups => "security_groups",
            Kind::DbInstances => "db_instances",
            Kind::DbClusters => "db_clusters",
            Kind::CacheReplicationGroups => "cache_replication_groups",
            Kind::CacheClusters => "cache_clusters",
            Kind::Alarms => "alarms",
            Kind::NetworkAcls => "network_acls",
            Kind::PrefixLists => "prefix_lists",
            Kind::VpcEndpoints => "vpc_endpoints",
            Kind::FlowLogs => "flow_logs",
            Kind::NetworkInterfaces => "network_interfaces",
            Kind::KmsKeys => "kms_keys",
            Kind::LaunchTemplates => "launch_templates",
            Kind::Instances => "instances",
            Kind::Detectors => "detectors",
            Kind::Trails => "trails",
            Kind::EksClusters => "eks_clusters",
            Kind::EksAccessEntries => "eks_access_entries",
            Kind::TransitGateways => "transit_gateways",
            Kind::TransitGatewayAttachments => "transit_gateway_attachments",
            Kind::TransitGatewayRouteTables => "transit_gateway_route_tables",
            Kind::VpnGateways => "vpn_gateways",
            Kind::CustomerGateways => "customer_gateways",
            Kind::VpnConnections => "vpn_connections",
        }
    }

    /// Short human label for panes and tables.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Vpcs => "VPCs",
            Kind::Subnets => "Subnets",
            Kind::RouteTables => "Route tables",
            Kind::InternetGateways => "Internet gateways",
            Kind::NatGateways => "NAT gateways",
            Kind::PeeringConnections => "VPC peering",
            Kind::SecurityGroups => "Security groups",
            Kind::DbInstances => "RDS instances",
            Kind::DbClusters => "RDS clusters",
            Kind::CacheReplicationGroups => "ElastiCache groups",
            Kind::CacheClusters => "ElastiCache clusters",
            Kind::Alarms => "Alarms",
            Kind::NetworkAcls => "Network ACLs",
            Kind::PrefixLists => "Prefix lists",
            Kind::VpcEndpoints => "VPC endpoints",
            Kind::FlowLogs => "Flow logs",
            Kind::NetworkInterfaces => "Network interfaces",
            Kind::KmsKeys => "KMS keys",
            Kind::LaunchTemplates => "Launch templates",
            Kind::Instances => "Instances",
            Kind::Detectors => "Detectors",
            Kind::Trails => "Trails",
            Kind::EksClusters => "EKS clusters",
            Kind::EksAccessEntries => "EKS access entries",
            Kind::TransitGateways => "Transit gateways",
            Kind::TransitGatewayAttachments => "TGW attachments",
            Kind::TransitGatewayRouteTables => "TGW route tables",
            Kind::VpnGateways => "VPN gateways",
            Kind::CustomerGateways => "Customer gateways",
            Kind::VpnConnections => "VPN connections",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Freshness of one kind's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchStatus {
    /// The last fetch succeeded.
    Ok,
    /// The last fetch failed, but data from an earlier good fetch is kept.
    Stale,
    /// No good data at all: the kind is unknown.
    Failed,
}

/// Per-kind stamp: when it was fetched, whether it worked, and how much came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindStatus {
    pub status: FetchStatus,
    /// Time of the last successful fetch (kept across later failures).
    pub fetched_at: Option<Timestamp>,
    pub count: usize,
    pub error: Option<String>,
}

impl KindStatus {
    pub fn ok(fetched_at: Timestamp, count: usize) -> Self {
        KindStatus { status: FetchStatus::Ok, fetched_at: Some(fetched_at), count, error: None }
    }

    pub fn failed(error: impl Into<String>) -> Self {
        KindStatus { status: FetchStatus::Failed, fetched_at: None, count: 0, error: Some(error.into()) }
    }

    /// Data for this kind can be trusted as a basis for judging (ok or stale).
    pub fn usable(&self) -> bool {
        matches!(self.status, FetchStatus::Ok | FetchStatus::Stale)
    }
}

/// The whole inventory of one region at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: u32,
    pub region: String,
    /// Account the credentials belong to, when it was resolved.
    pub account: Option<String>,
    pub taken_at: Option<Timestamp>,
    /// Status per kind. A kind absent from this map was never fetched and counts as unknown.
    pub inventory: BTreeMap<Kind, KindStatus>,
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    #[serde(default)]
    pub route_tables: Vec<RouteTable>,
    #[serde(default)]
    pub internet_gateways: Vec<InternetGateway>,
    #[serde(default)]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(default)]
    pub peering_connections: Vec<PeeringConnection>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    #[serde(default)]
    pub db_clusters: Vec<DbCluster>,
    #[serde(default)]
    pub cache_replication_groups: Vec<CacheReplicationGroup>,
    #[serde(default)]
    pub cache_clusters: Vec<CacheCluster>,
    #[serde(default)]
    pub alarms: Vec<Alarm>,
    #[serde(default)]
    pub network_acls: Vec<NetworkAcl>,
    #[serde(default)]
    pub prefix_lists: Vec<PrefixList>,
    #[serde(default)]
    pub vpc_endpoints: Vec<VpcEndpoint>,
    #[serde(default)]
    pub flow_logs: Vec<FlowLog>,
    #[serde(default)]
    pub network_interfaces: Vec<NetworkInterface>,
    #[serde(default)]
    pub kms_keys: Vec<KmsKey>,
    #[serde(default)]
    pub launch_templates: Vec<LaunchTemplate>,
    #[serde(default)]
    pub instances: Vec<Instance>,
    #[serde(default)]
    pub detectors: Vec<Detector>,
    #[serde(default)]
    pub trails: Vec<Trail>,
    #[serde(default)]
    pub eks_clusters: Vec<EksCluster>,
    #[serde(default)]
    pub eks_access_entries: Vec<EksAccessEntry>,
    #[serde(default)]
    pub transit_gateways: Vec<TransitGateway>,
    #[serde(default)]
    pub transit_gateway_attachments: Vec<TgwAttachment>,
    #[serde(default)]
    pub transit_gateway_route_tables: Vec<TgwRouteTable>,
    #[serde(default)]
    pub vpn_gateways: Vec<VpnGateway>,
    #[serde(default)]
    pub customer_gateways: Vec<CustomerGateway>,
    #[serde(default)]
    pub vpn_connections: Vec<VpnConnection>,
}

/// Calls `$m!` with every kind and the `Snapshot` field holding its items, so the
/// per-kind methods below are one match each, written once.
macro_rules! per_kind {
    ($m:ident) => {
        $m! {
            Vpcs vpcs, Subnets subnets, RouteTables route_tables, InternetGateways internet_gateways,
            NatGateways nat_gateways, PeeringConnections peering_connections, SecurityGroups security_groups,
            DbInstances db_instances, DbClusters db_clusters, CacheReplicationGroups cache_replication_groups,
            CacheClusters cache_clusters, Alarms alarms, NetworkAcls network_acls, PrefixLists prefix_lists,
            VpcEndpoints vpc_endpoints, FlowLogs flow_logs, NetworkInterfaces network_interfaces,
            KmsKeys kms_keys, LaunchTemplates launch_templates, Instances instances, Detectors detectors, Trails trails, EksClusters eks_clusters, EksAccessEntries eks_access_entries,
            TransitGateways transit_gateways, TransitGatewayAttachments transit_gateway_attachments,
            TransitGatewayRouteTables transit_gateway_route_tables, VpnGateways vpn_gateways,
            CustomerGateways customer_gateways, VpnConnections vpn_connections
        }
    };
}

impl Snapshot {
    pub fn new(region: impl Into<String>) -> Self {
        Snapshot { schema: SNAPSHOT_SCHEMA, region: region.into(), ..Default::default() }
    }

    /// Status of a kind; a kind never fetched reads as failed.
    pub fn status(&self, kind: Kind) -> KindStatus {
        self.inventory.get(&kind).cloned().unwrap_or_else(|| KindStatus::failed("not fetched"))
    }

    pub fn usable(&self, kind: Kind) -> bool {
        self.inventory.get(&kind).is_some_and(KindStatus::usable)
    }

    /// Number of items currently held for a kind.
    pub fn len_of(&self, kind: Kind) -> usize {
        macro_rules! arms {
            ($($k:ident $f:ident),*) => { match kind { $(Kind::$k => self.$f.len(),)* } };
        }
        per_kind!(arms)
    }

    /// Does `other` hold exactly the items this snapshot holds for `kind`?
    pub fn same_items(&self, kind: Kind, other: &Snapshot) -> bool {
        macro_rules! arms {
            ($($k:ident $f:ident),*) => { match kind { $(Kind::$k => self.$f == other.$f,)* } };
        }
        per_kind!(arms)
    }

    /// Replace one kind's items with those of `other` (a fresh partial fetch),
    /// keeping everything else. Used by the live loop, which fetches kinds on
    /// their own intervals.
    pub fn take_kind_from(&mut self, kind: Kind, other: &mut Snapshot) {
        macro_rules! arms {
            ($($k:ident $f:ident),*) => { match kind { $(Kind::$k => self.$f = std::mem::take(&mut other.$f),)* } };
        }
        per_kind!(arms)
    }

    /// A snapshot holding only `kind`'s items (a copy of that one list): what a
    /// `Source` returns for one kind.
    pub fn only(&self, kind: Kind) -> Snapshot {
        let mut out = Snapshot::new(self.region.clone());
        macro_rules! arms {
            ($($k:ident $f:ident),*) => { match kind { $(Kind::$k => out.$f = self.$f.clone(),)* } };
        }
        per_kind!(arms);
        out
    }

    /// Record a failed fetch of `kind`: keep the last good data as stale, or mark it failed.
    pub fn mark_failed(&mut self, kind: Kind, error: String) {
        let entry = self.inventory.entry(kind).or_insert_with(|| KindStatus::failed(error.clone()));
        if entry.fetched_at.is_some() {
            entry.status = FetchStatus::Stale;
        } else {
            entry.status = FetchStatus::Failed;
        }
        entry.error = Some(error);
    }

    pub fn from_json(text: &str) -> Result<Snapshot, String> {
        #[derive(Deserialize)]
        struct Probe {
            schema: Option<u32>,
        }
        let probe: Probe =
            serde_json::from_str(text).map_err(|e| crate::limits::one_line(format!("not a snapshot: {e}")))?;
        match probe.schema {
            Some(SNAPSHOT_SCHEMA) => {}
            Some(other) => {
                return Err(format!(
                    "snapshot schema {other} is not supported (this driftdeck reads schema {SNAPSHOT_SCHEMA})"
                ));
            }
            None => return Err("not a snapshot: no \"schema\" field".into()),
        }
        // serde quotes an unknown variant or field as the file spells it, newlines included.
        serde_json::from_str(text).map_err(|e| crate::limits::one_line(format!("invalid snapshot: {e}")))
    }
}
