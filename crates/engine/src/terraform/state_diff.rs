//! `plan --state`: what Terraform believes (`terraform show -json` of a state) against the
//! live inventory. The state is replayed onto the inventory with the same `apply` as a
//! plan; then a managed resource whose replayed value differs from live was changed
//! outside Terraform (the attribute is named), a live resource of an in-scope VPC that
//! no state resource manages is live-only, and a state resource that live no longer has
//! was deleted outside Terraform.

use super::{Plan, Variant, apply};
use model::*;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveOnly {
    pub kind: &'static str,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Differs {
    pub kind: &'static str,
    pub id: String,
    pub attribute: String,
    /// What the state says, and what is live.
    pub state: String,
    pub live: String,
}

/// A resource the state manages that the live inventory does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingLive {
    pub kind: &'static str,
    pub id: String,
    /// Its Terraform address.
    pub address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StateDiff {
    pub live_only: Vec<LiveOnly>,
    pub differing: Vec<Differs>,
    /// In the state, missing live: deleted outside Terraform.
    pub missing_live: Vec<MissingLive>,
}

/// For a managed type: the inventory kind, its label, the attribute that is its live
/// identity, and whether live holds that identity.
type Lookup = (Kind, &'static str, &'static str, fn(&Snapshot, &str) -> bool);

fn lookup(rtype: &str) -> Option<Lookup> {
    Some(match rtype {
        "aws_vpc" => (Kind::Vpcs, "vpc", "id", |s, id| s.vpcs.iter().any(|x| x.id == id)),
        "aws_subnet" => (Kind::Subnets, "subnet", "id", |s, id| s.subnets.iter().any(|x| x.id == id)),
        "aws_security_group" => {
            (Kind::SecurityGroups, "security_group", "id", |s, id| s.security_groups.iter().any(|x| x.id == id))
        }
        "aws_route_table" => {
            (Kind::RouteTables, "route_table", "id", |s, id| s.route_tables.iter().any(|x| x.id == id))
        }
        "aws_network_acl" => {
            (Kind::NetworkAcls, "network_acl", "id", |s, id| s.network_acls.iter().any(|x| x.id == id))
        }
        "aws_nat_gateway" => {
            (Kind::NatGateways, "nat_gateway", "id", |s, id| s.nat_gateways.iter().any(|x| x.id == id))
        }
        "aws_internet_gateway" => {
            (Kind::InternetGateways, "internet_gateway", "id", |s, id| s.internet_gateways.iter().any(|x| x.id == id))
        }
        "aws_vpc_endpoint" => {
            (Kind::VpcEndpoints, "vpc_endpoint", "id", |s, id| s.vpc_endpoints.iter().any(|x| x.id == id))
        }
        "aws_vpc_peering_connection" => (Kind::PeeringConnections, "peering_connection", "id", |s, id| {
            s.peering_connections.iter().any(|x| x.id == id)
        }),
        "aws_db_instance" | "aws_rds_cluster_instance" => {
            (Kind::DbInstances, "db_instance", "identifier", |s, id| s.db_instances.iter().any(|x| x.id == id))
        }
        "aws_rds_cluster" => {
            (Kind::DbClusters, "db_cluster", "cluster_identifier", |s, id| s.db_clusters.iter().any(|x| x.id == id))
        }
        "aws_elasticache_replication_group" => {
            (Kind::CacheReplicationGroups, "cache_replication_group", "replication_group_id", |s, id| {
                s.cache_replication_groups.iter().any(|x| x.id == id)
            })
        }
        "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm" => {
            (Kind::Alarms, "alarm", "alarm_name", |s, name| s.alarms.iter().any(|x| x.name == name))
        }
        _ => return None,
    })
}

/// State resources live does not hold. Only kinds the inventory read completely can say
/// so (an unfetched kind proves nothing); a resource of another region, or of a live VPC
/// the design does not cover, is not this environment's. A resource whose VPC is gone
/// too is listed: it went with it.
fn missing_live(state: &Plan, live: &Snapshot, vpcs: &BTreeSet<String>) -> Vec<MissingLive> {
    let mut out = Vec::new();
    for c in &state.changes {
        let Some((kind, label, key, present)) = lookup(&c.rtype) else { continue };
        if !live.usable(kind) || c.region.as_ref().is_some_and(|r| !live.region.is_empty() && *r != live.region) {
            continue;
        }
        let vpc = c.after.get("vpc_id").and_then(|v| v.as_str());
        if vpc.is_some_and(|v| live.vpcs.iter().any(|x| x.id == v) && !vpcs.contains(v)) {
            continue;
        }
        let Some(id) = c.after.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty()) else { continue };
        if !present(live, id) {
            out.push(MissingLive { kind: label, id: id.to_string(), address: c.address.clone() });
        }
    }
    out
}

fn rules(rs: &[SgRule]) -> BTreeSet<String> {
    rs.iter().map(|r| format!("{} {} {}", r.protocol_name(), r.ports_label(), r.peer.describe())).collect()
}

fn routes(rs: &[Route]) -> BTreeSet<String> {
    rs.iter().filter(|r| r.target_kind != TargetKind::Local).map(Route::describe).collect()
}

fn entries(es: &[AclEntry]) -> BTreeSet<String> {
    es.iter().filter(|e| e.rule_number < 32767).map(AclEntry::describe).collect()
}

/// Items only in `a` joined, or `-` when none.
fn only(a: &BTreeSet<String>, b: &BTreeSet<String>) -> String {
    let v: Vec<&str> = a.difference(b).map(String::as_str).collect();
    if v.is_empty() { "-".into() } else { v.join("; ") }
}

pub fn compare_state(state: &Plan, live: &Snapshot, vpcs: &BTreeSet<String>) -> StateDiff {
    let believed = apply(live, state, Variant::Low).snapshot;
    let managed: BTreeSet<&String> = state.ids.values().collect();
    // Identity keys the provider uses instead of `id` for these types.
    let named: BTreeSet<String> = state
        .changes
        .iter()
        .filter_map(|c| {
            ["identifier", "cluster_identifier", "replication_group_id", "alarm_name"]
                .iter()
                .find_map(|k| c.after.get(*k).and_then(|v| v.as_str()).map(str::to_string))
        })
        .collect();
    let is_managed = |id: &String| managed.contains(id) || named.contains(id);
    let in_scope = |vpc: Option<&String>| vpc.is_some_and(|v| vpcs.contains(v));
    let mut d = StateDiff { missing_live: missing_live(state, live, vpcs), ..StateDiff::default() };
    let mut live_only = |kind: &'static str, id: &String| d.live_only.push(LiveOnly { kind, id: id.clone() });
    // AWS creates the main table, the default group and the default ACL with the VPC:
    // unmanaged unless Terraform adopted them, so never listed as live-only.
    for t in live.route_tables.iter().filter(|t| in_scope(Some(&t.vpc_id)) && !t.main && !is_managed(&t.id)) {
        live_only("route_table", &t.id);
    }
    for g in live.security_groups.iter().filter(|g| in_scope(g.vpc_id.as_ref()) && g.name != "default") {
        if !is_managed(&g.id) {
            live_only("security_group", &g.id);
        }
    }
    for a in live.network_acls.iter().filter(|a| in_scope(Some(&a.vpc_id)) && !a.is_default && !is_managed(&a.id)) {
        live_only("network_acl", &a.id);
    }
    for s in live.subnets.iter().filter(|s| in_scope(Some(&s.vpc_id)) && !is_managed(&s.id)) {
        live_only("subnet", &s.id);
    }
    for n in live.nat_gateways.iter().filter(|n| in_scope(Some(&n.vpc_id)) && !is_managed(&n.id)) {
        live_only("nat_gateway", &n.id);
    }
    for e in live.vpc_endpoints.iter().filter(|e| in_scope(Some(&e.vpc_id)) && !is_managed(&e.id)) {
        live_only("vpc_endpoint", &e.id);
    }
    for db in live.db_instances.iter().filter(|x| in_scope(x.vpc_id.as_ref()) && !is_managed(&x.id)) {
        live_only("db_instance", &db.id);
    }
    for c in live.db_clusters.iter().filter(|x| in_scope(x.vpc_id.as_ref()) && !is_managed(&x.id)) {
        live_only("db_cluster", &c.id);
    }
    for c in live.cache_replication_groups.iter().filter(|x| in_scope(x.vpc_id.as_ref()) && !is_managed(&x.id)) {
        live_only("cache_replication_group", &c.id);
    }

    let mut differ = |kind: &'static str, id: &str, attribute: &str, state: String, live: String| {
        if state != live {
            d.differing.push(Differs { kind, id: id.into(), attribute: attribute.into(), state, live });
        }
    };
    for g in live.security_groups.iter().filter(|g| is_managed(&g.id)) {
        if let Some(b) = believed.security_groups.iter().find(|x| x.id == g.id) {
            let (s, l) = (rules(&b.ingress), rules(&g.ingress));
            if s != l {
                differ("security_group", &g.id, "ingress", only(&s, &l), only(&l, &s));
            }
        }
    }
    for t in live.route_tables.iter().filter(|t| is_managed(&t.id)) {
        if let Some(b) = believed.route_tables.iter().find(|x| x.id == t.id) {
            let (s, l) = (routes(&b.routes), routes(&t.routes));
            if s != l {
                differ("route_table", &t.id, "routes", only(&s, &l), only(&l, &s));
            }
        }
    }
    for a in live.network_acls.iter().filter(|a| is_managed(&a.id)) {
        if let Some(b) = believed.network_acls.iter().find(|x| x.id == a.id) {
            let (s, l) = (entries(&b.entries), entries(&a.entries));
            if s != l {
                differ("network_acl", &a.id, "entries", only(&s, &l), only(&l, &s));
            }
        }
    }
    for db in live.db_instances.iter().filter(|x| is_managed(&x.id)) {
        let Some(b) = believed.db_instances.iter().find(|x| x.id == db.id) else { continue };
        differ("db_instance", &db.id, "multi_az", b.multi_az.to_string(), db.multi_az.to_string());
        differ(
            "db_instance",
            &db.id,
            "storage_encrypted",
            b.storage_encrypted.to_string(),
            db.storage_encrypted.to_string(),
        );
        differ(
            "db_instance",
            &db.id,
            "publicly_accessible",
            b.publicly_accessible.to_string(),
            db.publicly_accessible.to_string(),
        );
        differ(
            "db_instance",
            &db.id,
            "backup_retention_period",
            b.backup_retention_days.to_string(),
            db.backup_retention_days.to_string(),
        );
        differ(
            "db_instance",
            &db.id,
            "deletion_protection",
            b.deletion_protection.to_string(),
            db.deletion_protection.to_string(),
        );
        differ("db_instance", &db.id, "instance_class", b.class.clone(), db.class.clone());
    }
    for c in live.cache_replication_groups.iter().filter(|x| is_managed(&x.id)) {
        let Some(b) = believed.cache_replication_groups.iter().find(|x| x.id == c.id) else { continue };
        let s = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
        differ("cache_replication_group", &c.id, "multi_az_enabled", s(&b.multi_az), s(&c.multi_az));
        differ(
            "cache_replication_group",
            &c.id,
            "automatic_failover_enabled",
            s(&b.automatic_failover),
            s(&c.automatic_failover),
        );
        let f = |v: Option<bool>| v.map_or("?".into(), |b| b.to_string());
        differ(
            "cache_replication_group",
            &c.id,
            "transit_encryption_enabled",
            f(b.transit_encryption),
            f(c.transit_encryption),
        );
    }
    d
}
