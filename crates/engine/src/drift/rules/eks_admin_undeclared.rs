//! `eks.admin-undeclared`: an in-scope cluster gives cluster-admin access
//! (`AmazonEKSClusterAdminPolicy`, or the `system:masters` group) through an access
//! entry to a principal not in `eks.admins`; in `API` mode the cluster creator's admin
//! shows as such an entry. When the cluster reads the aws-auth ConfigMap (authentication
//! mode `CONFIG_MAP` or `API_AND_CONFIG_MAP`), admins may be granted there, in the
//! Kubernetes API, which driftdeck does not call: that is reported as unknown.

use super::eks_common::{clusters, entries, holds, is_admin};
use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "eks.admin-undeclared";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::EksClusters, Kind::EksAccessEntries]
    }
    fn applies(&self, d: &Design) -> bool {
        d.eks.as_ref().is_some_and(|e| e.admins.is_some())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.eks else { return };
        let Some(admins) = &policy.admins else { return };
        let declared: Vec<&str> = admins.iter().map(|(t, _)| t.as_str()).collect();
        let expected = if declared.is_empty() {
            "no cluster admin".to_string()
        } else {
            format!("cluster admin only for {}", declared.join(", "))
        };
        let clause = format!("eks.admins (line {})", policy.line);
        for c in clusters(cx) {
            for e in entries(cx, &c.name).filter(|e| is_admin(e)) {
                if admins.iter().any(|(_, g)| g.is_match(&e.principal_arn)) {
                    continue;
                }
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "eks_cluster", c.name.as_str())
                        .expected(expected.clone())
                        .actual(format!("{} holds {}", e.principal_arn, holds(e)))
                        .evidence("cluster", c.arn.clone())
                        .evidence("principal", e.principal_arn.clone())
                        .evidence("access", holds(e))
                        .clause(clause.clone())
                        .message(format!(
                            "EKS cluster {}: {} has cluster-admin access and is not in eks.admins",
                            c.name, e.principal_arn
                        )),
                );
            }
            if c.uses_config_map() {
                let creator = match c.bootstrap_cluster_creator_admin {
                    Some(true) => "; the cluster creator was given admin at creation",
                    _ => "",
                };
                out.push(
                    FindingBuilder::new(ID, default_severity(ID), "eks_cluster", c.name.as_str())
                        .expected(expected.clone())
                        .actual(format!("unknown: authentication mode {} reads the aws-auth ConfigMap", c.mode()))
                        .evidence("cluster", c.arn.clone())
                        .evidence("authentication_mode", c.mode().to_string())
                        .evidence("verdict", "unknown")
                        .clause(clause.clone())
                        .message(format!(
                            "unknown: EKS cluster {} (authentication mode {}) may grant admin in the aws-auth ConfigMap, which lives in the Kubernetes API driftdeck does not call{creator}; switch the cluster to authentication mode API to have it judged",
                            c.name,
                            c.mode()
                        )),
                );
            }
        }
    }
}
