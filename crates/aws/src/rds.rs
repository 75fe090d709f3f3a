//! RDS collectors: DB instances and DB clusters, scoped later by their subnet group's VPC.

use super::Aws;
use aws_sdk_rds::types as t;
use model::source::FetchError;
use model::*;
use std::collections::BTreeMap;

/// RDS pages hold at most 100 records.
const PAGE: i32 = 100;

impl Aws {
    pub(super) async fn db_instances(&self) -> Result<Vec<DbInstance>, FetchError> {
        let mut stream = self.rds.describe_db_instances().max_records(PAGE).into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            let page = page.map_err(|e| self.fail("rds:DescribeDBInstances", &e))?;
            out.extend(page.db_instances().iter().map(instance));
        }
        Ok(out)
    }

    /// Clusters name their subnet group but not its VPC, so the groups are fetched too.
    pub(super) async fn db_clusters(&self) -> Result<Vec<DbCluster>, FetchError> {
        let mut stream = self.rds.describe_db_clusters().max_records(PAGE).into_paginator().send();
        let mut clusters = Vec::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            let page = page.map_err(|e| self.fail("rds:DescribeDBClusters", &e))?;
            clusters.extend(page.db_clusters().iter().map(cluster));
        }
        if clusters.iter().any(|c| c.subnet_group.is_some()) {
            let vpcs = self.db_subnet_group_vpcs().await?;
            for c in &mut clusters {
                c.vpc_id = c.subnet_group.as_ref().and_then(|g| vpcs.get(g).cloned());
            }
        }
        Ok(clusters)
    }

    async fn db_subnet_group_vpcs(&self) -> Result<BTreeMap<String, String>, FetchError> {
        let mut stream = self.rds.describe_db_subnet_groups().max_records(PAGE).into_paginator().send();
        let mut out = BTreeMap::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            let page = page.map_err(|e| self.fail("rds:DescribeDBSubnetGroups", &e))?;
            for g in page.db_subnet_groups() {
                if let (Some(name), Some(vpc)) = (g.db_subnet_group_name(), g.vpc_id()) {
                    out.insert(name.to_string(), vpc.to_string());
                }
            }
        }
        Ok(out)
    }
}

fn instance(i: &t::DbInstance) -> DbInstance {
    DbInstance {
        id: i.db_instance_identifier().unwrap_or_default().to_string(),
        engine: i.engine().unwrap_or_default().to_string(),
        engine_version: i.engine_version().map(str::to_string),
        class: i.db_instance_class().unwrap_or_default().to_string(),
        status: i.db_instance_status().unwrap_or_default().to_string(),
        multi_az: i.multi_az().unwrap_or(false),
        az: i.availability_zone().map(str::to_string),
        secondary_az: i.secondary_availability_zone().map(str::to_string),
        storage_encrypted: i.storage_encrypted().unwrap_or(false),
        publicly_accessible: i.publicly_accessible().unwrap_or(false),
        backup_retention_days: i.backup_retention_period().unwrap_or(0),
        deletion_protection: i.deletion_protection().unwrap_or(false),
        subnet_group: i.db_subnet_group().and_then(|g| g.db_subnet_group_name()).map(str::to_string),
        vpc_id: i.db_subnet_group().and_then(|g| g.vpc_id()).map(str::to_string),
        cluster_id: i.db_cluster_identifier().map(str::to_string),
        security_groups: i
            .vpc_security_groups()
            .iter()
            .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
            .collect(),
    }
}

fn cluster(c: &t::DbCluster) -> DbCluster {
    DbCluster {
        id: c.db_cluster_identifier().unwrap_or_default().to_string(),
        engine: c.engine().unwrap_or_default().to_string(),
        engine_version: c.engine_version().map(str::to_string),
        class: c.db_cluster_instance_class().map(str::to_string),
        status: c.status().unwrap_or_default().to_string(),
        multi_az: c.multi_az().unwrap_or(false),
        azs: c.availability_zones().to_vec(),
        storage_encrypted: c.storage_encrypted().unwrap_or(false),
        publicly_accessible: c.publicly_accessible(),
        backup_retention_days: c.backup_retention_period().unwrap_or(0),
        deletion_protection: c.deletion_protection().unwrap_or(false),
        subnet_group: c.db_subnet_group().map(str::to_string),
        vpc_id: None,
        members: c
            .db_cluster_members()
            .iter()
            .map(|m| DbClusterMember {
                instance_id: m.db_instance_identifier().unwrap_or_default().to_string(),
                writer: m.is_cluster_writer().unwrap_or(false),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_vpc_and_flags() {
        let i = t::DbInstance::builder()
            .db_instance_identifier("db1")
            .multi_az(true)
            .secondary_availability_zone("eu-west-2b")
            .storage_encrypted(true)
            .backup_retention_period(7)
            .db_cluster_identifier("c1")
            .db_subnet_group(t::DbSubnetGroup::builder().db_subnet_group_name("g").vpc_id("vpc-1").build())
            .vpc_security_groups(t::VpcSecurityGroupMembership::builder().vpc_security_group_id("sg-1").build())
            .build();
        let out = instance(&i);
        assert_eq!(out.vpc_id.as_deref(), Some("vpc-1"));
        assert_eq!(out.subnet_group.as_deref(), Some("g"));
        assert!(out.multi_az && out.storage_encrypted && !out.publicly_accessible);
        assert_eq!(out.secondary_az.as_deref(), Some("eu-west-2b"));
        assert_eq!(out.backup_retention_days, 7);
        assert_eq!(out.cluster_id.as_deref(), Some("c1"));
        assert_eq!(out.security_groups, vec!["sg-1"]);
    }

    #[test]
    fn cluster_members_and_writer() {
        let c = t::DbCluster::builder()
            .db_cluster_identifier("c1")
            .db_subnet_group("g")
            .db_cluster_members(
                t::DbClusterMember::builder().db_instance_identifier("a").is_cluster_writer(true).build(),
            )
            .db_cluster_members(t::DbClusterMember::builder().db_instance_identifier("b").build())
            .build();
        let out = cluster(&c);
        assert_eq!(out.subnet_group.as_deref(), Some("g"));
        assert_eq!(out.members.iter().filter(|m| m.writer).count(), 1);
        assert_eq!(out.vpc_id, None, "filled from DescribeDBSubnetGroups by the collector");
    }
}
