//! Databases: `aws_db_instance`, `aws_rds_cluster` with its `aws_rds_cluster_instance`
//! members, and `aws_elasticache_replication_group`.

use super::{Cx, Side, Variant};
use crate::terraform::values::{str_at, strs_at};
use model::*;
use std::collections::BTreeSet;

/// The VPC of a new DB instance without a subnet group when the inventory shows no
/// default VPC: never in scope (a design names the VPCs it covers).
const DEFAULT_VPC: &str = "(the region's default VPC)";

impl Cx<'_> {
    /// Take a database out; returns the ids it touched (a member touches its cluster too).
    pub(super) fn remove_database(&mut self, s: &Side) -> Vec<String> {
        let snap = &mut self.out.snapshot;
        match s.ch.rtype.as_str() {
            "aws_db_instance" => {
                let key = str_at(s.v, "identifier");
                snap.db_instances.retain(|x| Some(&x.id) != key.as_ref());
                key.into_iter().collect()
            }
            "aws_rds_cluster" => {
                let key = str_at(s.v, "cluster_identifier");
                snap.db_clusters.retain(|x| Some(&x.id) != key.as_ref());
                key.into_iter().collect()
            }
            "aws_rds_cluster_instance" => {
                let Some(key) = str_at(s.v, "identifier") else { return vec![] };
                snap.db_instances.retain(|x| x.id != key);
                let mut out = vec![key.clone()];
                let cluster = str_at(s.v, "cluster_identifier");
                if let Some(c) = snap.db_clusters.iter_mut().find(|c| Some(&c.id) == cluster.as_ref()) {
                    c.members.retain(|m| m.instance_id != key);
                    // The member may have been the cluster's only other AZ.
                    if let Some(azs) = member_azs(&snap.db_instances, c) {
                        c.multi_az = azs.len() > 1;
                    }
                    out.push(c.id.clone());
                }
                out
            }
            _ => {
                let key = str_at(s.v, "replication_group_id");
                snap.cache_replication_groups.retain(|x| Some(&x.id) != key.as_ref());
                key.into_iter().collect()
            }
        }
    }

    pub(super) fn add_db(&mut self, s: &Side) {
        let id = self.own_id(s, "identifier");
        let existing = self.out.snapshot.db_instances.iter().position(|x| x.id == id);
        let old = existing.map(|p| self.out.snapshot.db_instances.remove(p));
        // Without a DB subnet group RDS places a new instance in the region's default VPC
        // (RDS User Guide, "Working with a DB instance in a VPC"): in scope only if that
        // VPC is. With one, its VPC is not in the inventory and the instance is judged.
        let vpc_id = match &old {
            Some(o) => o.vpc_id.clone(),
            None if str_at(s.v, "db_subnet_group_name").is_none() && !s.unknown("db_subnet_group_name") => {
                let default = self.out.snapshot.vpcs.iter().find(|v| v.is_default).map(|v| v.id.clone());
                let vpc = default.unwrap_or_else(|| DEFAULT_VPC.into());
                let note = format!("no db_subnet_group_name: lands in the default VPC {vpc}");
                if !self.out.notes.iter().any(|(i, _)| *i == s.i) {
                    self.out.notes.push((s.i, note));
                }
                Some(vpc)
            }
            None => None,
        };
        let db = DbInstance {
            engine: str_at(s.v, "engine").unwrap_or_default(),
            engine_version: str_at(s.v, "engine_version"),
            class: self.text(s, &id, "instance_class", "class").unwrap_or_default(),
            status: old.as_ref().map_or("creating".into(), |o| o.status.clone()),
            multi_az: self.flag(s, &id, "multi_az", "multi_az", false),
            storage_encrypted: self.flag(s, &id, "storage_encrypted", "storage_encrypted", false),
            publicly_accessible: self.flag(s, &id, "publicly_accessible", "publicly_accessible", false),
            backup_retention_days: self.number(s, &id, "backup_retention_period", "backup_retention"),
            deletion_protection: self.flag(s, &id, "deletion_protection", "deletion_protection", false),
            subnet_group: str_at(s.v, "db_subnet_group_name"),
            az: old.as_ref().and_then(|o| o.az.clone()),
            secondary_az: old.as_ref().and_then(|o| o.secondary_az.clone()),
            vpc_id,
            cluster_id: str_at(s.v, "cluster_identifier"),
            security_groups: strs_at(s.v, "vpc_security_group_ids"),
            id: id.clone(),
        };
        self.out.snapshot.db_instances.push(db);
        self.touch(&id, s.i);
    }

    pub(super) fn add_cluster(&mut self, s: &Side) {
        let id = self.own_id(s, "cluster_identifier");
        let existing = self.out.snapshot.db_clusters.iter().position(|x| x.id == id);
        let old = existing.map(|p| self.out.snapshot.db_clusters.remove(p));
        // Multi-AZ of a new cluster depends on members created later: unknown until apply.
        let multi_az = match &old {
            Some(o) => o.multi_az,
            None => {
                self.mark(s, &id, "multi_az", "availability_zones");
                self.variant == Variant::High
            }
        };
        let cluster = DbCluster {
            engine: str_at(s.v, "engine").unwrap_or_default(),
            engine_version: str_at(s.v, "engine_version"),
            class: str_at(s.v, "db_cluster_instance_class"),
            status: old.as_ref().map_or("creating".into(), |o| o.status.clone()),
            multi_az,
            azs: strs_at(s.v, "availability_zones"),
            storage_encrypted: self.flag(s, &id, "storage_encrypted", "storage_encrypted", false),
            publicly_accessible: old.as_ref().and_then(|o| o.publicly_accessible),
            backup_retention_days: self.number(s, &id, "backup_retention_period", "backup_retention"),
            deletion_protection: self.flag(s, &id, "deletion_protection", "deletion_protection", false),
            subnet_group: str_at(s.v, "db_subnet_group_name"),
            vpc_id: old.as_ref().and_then(|o| o.vpc_id.clone()),
            members: old.map(|o| o.members).unwrap_or_default(),
            id: id.clone(),
        };
        self.out.snapshot.db_clusters.push(cluster);
        self.touch(&id, s.i);
    }

    pub(super) fn add_cache(&mut self, s: &Side) {
        let id = self.own_id(s, "replication_group_id");
        let existing = self.out.snapshot.cache_replication_groups.iter().position(|x| x.id == id);
        let old = existing.map(|p| self.out.snapshot.cache_replication_groups.remove(p));
        let enabled = |b: bool| Some(if b { "enabled" } else { "disabled" }.to_string());
        let group = CacheReplicationGroup {
            description: str_at(s.v, "description"),
            status: old.as_ref().map_or("creating".into(), |o| o.status.clone()),
            node_type: str_at(s.v, "node_type"),
            multi_az: enabled(self.flag(s, &id, "multi_az_enabled", "multi_az", false)),
            automatic_failover: enabled(self.flag(s, &id, "automatic_failover_enabled", "automatic_failover", false)),
            at_rest_encryption: Some(self.flag(s, &id, "at_rest_encryption_enabled", "at_rest_encryption", false)),
            transit_encryption: Some(self.flag(s, &id, "transit_encryption_enabled", "transit_encryption", false)),
            cluster_mode: old.as_ref().and_then(|o| o.cluster_mode.clone()),
            members: old.as_ref().map(|o| o.members.clone()).unwrap_or_default(),
            vpc_id: old.as_ref().and_then(|o| o.vpc_id.clone()),
            id: id.clone(),
        };
        self.out.snapshot.cache_replication_groups.push(group);
        self.touch(&id, s.i);
    }

    /// `aws_rds_cluster_instance`: a member instance, and its place in the cluster. Its AZ
    /// decides the cluster's Multi-AZ; an AZ known only after apply leaves that unknown.
    pub(super) fn add_cluster_instance(&mut self, s: &Side) {
        let id = self.own_id(s, "identifier");
        let cluster_id = match self.field(s, "cluster_identifier") {
            super::Field::Known(c) => c,
            _ => return self.unplaced(s, "cluster_identifier is unknown until apply".into()),
        };
        let existing = self.out.snapshot.db_instances.iter().position(|x| x.id == id);
        let old = existing.map(|p| self.out.snapshot.db_instances.remove(p));
        let az = str_at(s.v, "availability_zone").or_else(|| old.as_ref().and_then(|o| o.az.clone()));
        let az_unknown = az.is_none() && s.unknown("availability_zone");
        let cluster = self.out.snapshot.db_clusters.iter().find(|c| c.id == cluster_id).cloned();
        let db = DbInstance {
            engine: str_at(s.v, "engine").unwrap_or_default(),
            engine_version: str_at(s.v, "engine_version"),
            class: self.text(s, &id, "instance_class", "class").unwrap_or_default(),
            status: old.as_ref().map_or("creating".into(), |o| o.status.clone()),
            // Availability, encryption and backups are the cluster's (rds_common).
            multi_az: false,
            az: az.clone(),
            secondary_az: None,
            storage_encrypted: cluster.as_ref().is_some_and(|c| c.storage_encrypted),
            publicly_accessible: self.flag(s, &id, "publicly_accessible", "publicly_accessible", false),
            backup_retention_days: cluster.as_ref().map_or(0, |c| c.backup_retention_days),
            deletion_protection: cluster.as_ref().is_some_and(|c| c.deletion_protection),
            subnet_group: str_at(s.v, "db_subnet_group_name")
                .or_else(|| cluster.as_ref().and_then(|c| c.subnet_group.clone())),
            vpc_id: old
                .as_ref()
                .and_then(|o| o.vpc_id.clone())
                .or_else(|| cluster.as_ref().and_then(|c| c.vpc_id.clone())),
            cluster_id: Some(cluster_id.clone()),
            security_groups: old.map(|o| o.security_groups).unwrap_or_default(),
            id: id.clone(),
        };
        self.out.snapshot.db_instances.push(db);
        self.touch(&id, s.i);
        if az_unknown {
            self.mark(s, &cluster_id, "multi_az", "availability_zone");
        }
        let variant = self.variant;
        let snap = &mut self.out.snapshot;
        let Some(c) = snap.db_clusters.iter_mut().find(|c| c.id == cluster_id) else {
            return self.missing(s, format!("RDS cluster {cluster_id} is not in the inventory"));
        };
        if !c.members.iter().any(|m| m.instance_id == id) {
            // AWS makes the first instance of a cluster its writer.
            let writer = c.members.is_empty();
            c.members.push(DbClusterMember { instance_id: id.clone(), writer });
        }
        if az_unknown {
            c.multi_az = c.multi_az || variant == Variant::High;
        } else if let Some(azs) = member_azs(&snap.db_instances, c) {
            c.multi_az = azs.len() > 1;
        }
        self.touch(&cluster_id, s.i);
    }
}

/// The AZs of a cluster's members, when every member's AZ is in the inventory.
fn member_azs(instances: &[DbInstance], c: &DbCluster) -> Option<BTreeSet<String>> {
    c.members.iter().map(|m| instances.iter().find(|i| i.id == m.instance_id).and_then(|i| i.az.clone())).collect()
}
