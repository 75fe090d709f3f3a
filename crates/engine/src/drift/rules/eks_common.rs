//! What the two EKS access rules share: which access policies grant cluster admin and
//! which grant view, and the clusters the design covers.

use crate::drift::Context;
use model::{EksAccessEntry, EksCluster};

/// The access policy that makes a principal cluster admin (as `system:masters` does).
pub(super) const ADMIN_POLICY: &str = "AmazonEKSClusterAdminPolicy";

/// Access policies that include read access to the cluster's resources.
const VIEW_POLICIES: &[&str] =
    &["AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSEditPolicy", "AmazonEKSAdminPolicy", ADMIN_POLICY];

/// Does the entry make its principal cluster admin?
pub(super) fn is_admin(e: &EksAccessEntry) -> bool {
    e.policies.iter().any(|p| p.name() == ADMIN_POLICY)
        || e.kubernetes_groups.iter().flatten().any(|g| g == "system:masters")
}

/// Does the entry give view access to the whole cluster through an access policy?
pub(super) fn views(e: &EksAccessEntry) -> bool {
    e.policies.iter().any(|p| p.cluster_wide() && VIEW_POLICIES.contains(&p.name()))
}

/// The in-scope clusters (a cluster whose VPC is not known is judged).
pub(super) fn clusters<'a>(cx: &'a Context<'_>) -> impl Iterator<Item = &'a EksCluster> {
    cx.snap.eks_clusters.iter().filter(|c| cx.vpc_covered(c.vpc_id.as_deref()))
}

pub(super) fn entries<'a>(cx: &'a Context<'_>, cluster: &'a str) -> impl Iterator<Item = &'a EksAccessEntry> {
    cx.snap.eks_access_entries.iter().filter(move |e| e.cluster == cluster)
}

/// What an entry holds, for evidence: policies with their scope, and groups.
pub(super) fn holds(e: &EksAccessEntry) -> String {
    let mut parts: Vec<String> = e
        .policies
        .iter()
        .map(|p| {
            if p.cluster_wide() {
                format!("{} (cluster)", p.name())
            } else {
                format!("{} (namespaces {})", p.name(), p.namespaces.join(", "))
            }
        })
        .collect();
    match &e.kubernetes_groups {
        Some(g) if !g.is_empty() => parts.push(format!("groups {}", g.join(", "))),
        Some(_) => {}
        None => parts.push("groups not read".into()),
    }
    if parts.is_empty() { "nothing".into() } else { parts.join("; ") }
}
