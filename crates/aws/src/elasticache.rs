//! ElastiCache collectors: replication groups (with members and their AZs) and cache
//! clusters, each resolved to a VPC through its cache subnet group where possible.

use super::Aws;
use aws_sdk_elasticache::types as t;
use model::source::FetchError;
use model::*;
use std::collections::BTreeMap;

/// ElastiCache pages hold at most 100 records.
const PAGE: i32 = 100;

impl Aws {
    async fn raw_cache_clusters(&self) -> Result<Vec<t::CacheCluster>, FetchError> {
        let mut stream = self
            .elasticache
            .describe_cache_clusters()
            .max_records(PAGE)
            .show_cache_clusters_not_in_replication_groups(false)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            let page = page.map_err(|e| self.fail("elasticache:DescribeCacheClusters", &e))?;
            out.extend(page.cache_clusters().iter().cloned());
        }
        Ok(out)
    }

    async fn cache_subnet_group_vpcs(&self) -> Result<BTreeMap<String, String>, FetchError> {
        let mut stream = self.elasticache.describe_cache_subnet_groups().max_records(PAGE).into_paginator().send();
        let mut out = BTreeMap::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            let page = page.map_err(|e| self.fail("elasticache:DescribeCacheSubnetGroups", &e))?;
            for g in page.cache_subnet_groups() {
                if let (Some(name), Some(vpc)) = (g.cache_subnet_group_name(), g.vpc_id()) {
                    out.insert(name.to_string(), vpc.to_string());
                }
            }
        }
        Ok(out)
    }

    pub(super) async fn cache_clusters(&self) -> Result<Vec<CacheCluster>, FetchError> {
        let raw = self.raw_cache_clusters().await?;
        let vpcs = if raw.is_empty() { BTreeMap::new() } else { self.cache_subnet_group_vpcs().await? };
        Ok(raw.iter().map(|c| cache_cluster(c, &vpcs)).collect())
    }

    /// A replication group does not name its VPC; its member clusters' subnet group
    /// does. The lookup is best effort: a group whose VPC stays unknown is still judged.
    pub(super) async fn replication_groups(&self) -> Result<Vec<CacheReplicationGroup>, FetchError> {
        let mut stream = self.elasticache.describe_replication_groups().max_records(PAGE).into_paginator().send();
        let mut groups = Vec::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            let page = page.map_err(|e| self.fail("elasticache:DescribeReplicationGroups", &e))?;
            groups.extend(page.replication_groups().iter().map(replication_group));
        }
        if groups.is_empty() {
            return Ok(groups);
        }
        let member_vpc: BTreeMap<String, String> =
            match (self.raw_cache_clusters().await, self.cache_subnet_group_vpcs().await) {
                (Ok(clusters), Ok(vpcs)) => clusters
                    .iter()
                    .filter_map(|c| {
                        let vpc = vpcs.get(c.cache_subnet_group_name()?)?;
                        Some((c.cache_cluster_id()?.to_string(), vpc.clone()))
                    })
                    .collect(),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::warn!("replication group VPCs unresolved: {e}");
                    BTreeMap::new()
                }
            };
        for g in &mut groups {
            g.vpc_id = g.members.iter().find_map(|m| member_vpc.get(&m.cluster_id).cloned());
        }
        Ok(groups)
    }
}

fn replication_group(g: &t::ReplicationGroup) -> CacheReplicationGroup {
    let mut members: Vec<CacheMember> = Vec::new();
    for ng in g.node_groups() {
        for m in ng.node_group_members() {
            members.push(CacheMember {
                cluster_id: m.cache_cluster_id().unwrap_or_default().to_string(),
                node_group: ng.node_group_id().map(str::to_string),
                az: m.preferred_availability_zone().map(str::to_string),
                role: m.current_role().map(str::to_string),
            });
        }
    }
    // Cluster-mode groups list no node group members; fall back to member cluster ids.
    if members.is_empty() {
        members = g
            .member_clusters()
            .iter()
            .map(|c| CacheMember { cluster_id: c.clone(), node_group: None, az: None, role: None })
            .collect();
    }
    CacheReplicationGroup {
        id: g.replication_group_id().unwrap_or_default().to_string(),
        description: g.description().map(str::to_string),
        status: g.status().unwrap_or_default().to_string(),
        node_type: g.cache_node_type().map(str::to_string),
        multi_az: g.multi_az().map(|m| m.as_str().to_string()),
        automatic_failover: g.automatic_failover().map(|a| a.as_str().to_string()),
        at_rest_encryption: g.at_rest_encryption_enabled(),
        transit_encryption: g.transit_encryption_enabled(),
        cluster_mode: g.cluster_mode().map(|m| m.as_str().to_string()),
        members,
        vpc_id: None,
    }
}

fn cache_cluster(c: &t::CacheCluster, vpcs: &BTreeMap<String, String>) -> CacheCluster {
    CacheCluster {
        id: c.cache_cluster_id().unwrap_or_default().to_string(),
        engine: c.engine().unwrap_or_default().to_string(),
        engine_version: c.engine_version().map(str::to_string),
        status: c.cache_cluster_status().unwrap_or_default().to_string(),
        node_type: c.cache_node_type().map(str::to_string),
        num_nodes: c.num_cache_nodes().unwrap_or(0),
        az: c.preferred_availability_zone().map(str::to_string),
        replication_group_id: c.replication_group_id().map(str::to_string),
        subnet_group: c.cache_subnet_group_name().map(str::to_string),
        vpc_id: c.cache_subnet_group_name().and_then(|g| vpcs.get(g).cloned()),
        at_rest_encryption: c.at_rest_encryption_enabled(),
        transit_encryption: c.transit_encryption_enabled(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replication_group_members_and_flags() {
        let g = t::ReplicationGroup::builder()
            .replication_group_id("rg")
            .multi_az(t::MultiAzStatus::Enabled)
            .automatic_failover(t::AutomaticFailoverStatus::Enabled)
            .at_rest_encryption_enabled(true)
            .node_groups(
                t::NodeGroup::builder()
                    .node_group_id("0001")
                    .node_group_members(
                        t::NodeGroupMember::builder()
                            .cache_cluster_id("rg-001")
                            .preferred_availability_zone("eu-west-2a")
                            .current_role("primary")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let out = replication_group(&g);
        assert_eq!(out.multi_az.as_deref(), Some("enabled"));
        assert_eq!(out.automatic_failover.as_deref(), Some("enabled"));
        assert_eq!(out.at_rest_encryption, Some(true));
        assert_eq!(out.members.len(), 1);
        assert_eq!(out.members[0].az.as_deref(), Some("eu-west-2a"));
        assert_eq!(out.members[0].role.as_deref(), Some("primary"));
        assert_eq!(out.vpc_id, None);
    }

    #[test]
    fn cluster_vpc_comes_from_its_subnet_group() {
        let vpcs = BTreeMap::from([("sg-a".to_string(), "vpc-1".to_string())]);
        let c = t::CacheCluster::builder().cache_cluster_id("c1").cache_subnet_group_name("sg-a").build();
        assert_eq!(cache_cluster(&c, &vpcs).vpc_id.as_deref(), Some("vpc-1"));
        let c = t::CacheCluster::builder().cache_cluster_id("c2").cache_subnet_group_name("other").build();
        assert_eq!(cache_cluster(&c, &vpcs).vpc_id, None);
    }
}
