//! EKS collector: the region's clusters (eks:ListClusters, DescribeCluster: endpoint
//! access, public CIDRs, authentication mode) and, for clusters whose mode reads access
//! entries (`API`, `API_AND_CONFIG_MAP`), the entries (ListAccessEntries) with their
//! associated access policies (ListAssociatedAccessPolicies). The aws-auth ConfigMap is
//! in the Kubernetes API and is not read; the rules say so.

use super::Aws;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use model::source::FetchError;
use model::*;

/// ListClusters pages hold at most 100 names; the access-entry lists as many.
const PAGE: i32 = 100;

impl Aws {
    pub(super) async fn eks_clusters(&self) -> Result<Vec<EksCluster>, FetchError> {
        let stream = self.eks.list_clusters().max_results(PAGE).into_paginator().send();
        let names = pages!(self, "eks:ListClusters", stream, |p| p.clusters().to_vec());
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            self.count_call();
            let d = self
                .eks
                .describe_cluster()
                .name(&name)
                .send()
                .await
                .map_err(|e| self.fail("eks:DescribeCluster", &e))?;
            let Some(c) = d.cluster() else { continue };
            let vpc = c.resources_vpc_config();
            let access = c.access_config();
            out.push(EksCluster {
                arn: c.arn().unwrap_or_default().to_string(),
                status: c.status().map(|s| s.as_str().to_string()),
                vpc_id: vpc.and_then(|v| v.vpc_id()).map(str::to_string),
                endpoint_public_access: vpc.is_some_and(|v| v.endpoint_public_access()),
                public_access_cidrs: vpc.map(|v| v.public_access_cidrs().to_vec()).unwrap_or_default(),
                endpoint_private_access: vpc.is_some_and(|v| v.endpoint_private_access()),
                authentication_mode: access.and_then(|a| a.authentication_mode()).map(|m| m.as_str().to_string()),
                bootstrap_cluster_creator_admin: access.and_then(|a| a.bootstrap_cluster_creator_admin_permissions()),
                name,
            });
        }
        Ok(out)
    }

    /// Access entries of every cluster that has them. The clusters are listed again so
    /// the kinds stay independent (each is fetched, and fails, on its own); a cluster in
    /// `CONFIG_MAP` mode answers ListAccessEntries with `InvalidRequestException` and
    /// has no entries.
    pub(super) async fn eks_access_entries(&self) -> Result<Vec<EksAccessEntry>, FetchError> {
        let stream = self.eks.list_clusters().max_results(PAGE).into_paginator().send();
        let names = pages!(self, "eks:ListClusters", stream, |p| p.clusters().to_vec());
        let mut out = Vec::new();
        for cluster in names {
            let Some(principals) = self.access_entry_principals(&cluster).await? else { continue };
            for principal in principals {
                let stream = self
                    .eks
                    .list_associated_access_policies()
                    .cluster_name(&cluster)
                    .principal_arn(&principal)
                    .max_results(PAGE)
                    .into_paginator()
                    .send();
                let policies = pages!(self, "eks:ListAssociatedAccessPolicies", stream, |p| p
                    .associated_access_policies()
                    .iter()
                    .map(|a| EksAccessPolicy {
                        policy_arn: a.policy_arn().unwrap_or_default().to_string(),
                        scope: a.access_scope().and_then(|s| s.r#type()).map_or("cluster", |t| t.as_str()).to_string(),
                        namespaces: a.access_scope().map(|s| s.namespaces().to_vec()).unwrap_or_default(),
                    })
                    .collect::<Vec<_>>());
                out.push(EksAccessEntry {
                    cluster: cluster.clone(),
                    principal_arn: principal,
                    entry_type: None,
                    username: None,
                    kubernetes_groups: None,
                    policies,
                });
            }
        }
        Ok(out)
    }

    /// The principals with an access entry on `cluster`; `None` in `CONFIG_MAP` mode.
    async fn access_entry_principals(&self, cluster: &str) -> Result<Option<Vec<String>>, FetchError> {
        let mut stream = self.eks.list_access_entries().cluster_name(cluster).max_results(PAGE).into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = stream.next().await {
            self.count_call();
            match page {
                Ok(p) => out.extend(p.access_entries().iter().cloned()),
                Err(e) if out.is_empty() && e.code() == Some("InvalidRequestException") => return Ok(None),
                Err(e) => return Err(self.fail("eks:ListAccessEntries", &e)),
            }
        }
        Ok(Some(out))
    }
}
