//! `eks.viewer-missing`: a principal pattern in `eks.viewers` has no access entry on an
//! in-scope cluster giving cluster-wide view access (`AmazonEKSViewPolicy` or a policy
//! that includes it). Where view could be granted outside access entries (the aws-auth
//! ConfigMap in `CONFIG_MAP` / `API_AND_CONFIG_MAP` mode, or Kubernetes groups bound by
//! RBAC), both in the Kubernetes API driftdeck does not call, it is unknown.

use super::eks_common::{clusters, entries, holds, views};
use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct R;
pub static RULE: R = R;
const ID: &str = "eks.viewer-missing";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::EksClusters, Kind::EksAccessEntries]
    }
    fn applies(&self, d: &Design) -> bool {
        d.eks.as_ref().is_some_and(|e| !e.viewers.is_empty())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.eks else { return };
        for c in clusters(cx) {
            for (text, glob) in &policy.viewers {
                let matching: Vec<_> = entries(cx, &c.name).filter(|e| glob.is_match(&e.principal_arn)).collect();
                if matching.iter().any(|e| views(e)) {
                    continue;
                }
                let seen: Vec<String> = matching.iter().map(|e| format!("{}: {}", e.principal_arn, holds(e))).collect();
                let actual = if seen.is_empty() { "no access entry".to_string() } else { seen.join("; ") };
                // Groups not read, or read and non-empty, may be bound to a view role by RBAC.
                let groups = matching.iter().any(|e| e.kubernetes_groups.as_ref().is_none_or(|g| !g.is_empty()));
                let why_unknown = if c.uses_config_map() {
                    Some(format!(
                        "authentication mode {} may grant it in the aws-auth ConfigMap, in the Kubernetes API driftdeck does not call",
                        c.mode()
                    ))
                } else if groups {
                    Some("its Kubernetes groups (unread, or listed) may be bound to a view role by RBAC, in the Kubernetes API driftdeck does not call".to_string())
                } else {
                    None
                };
                let f = FindingBuilder::new(ID, default_severity(ID), "eks_cluster", c.name.as_str())
                    .expected(format!("{text} with cluster-wide view access"))
                    .evidence("cluster", c.arn.clone())
                    .evidence("viewer", text.clone())
                    .evidence("entries", actual.clone())
                    .clause(format!("eks.viewers includes \"{text}\" (line {})", policy.line));
                out.push(match why_unknown {
                    Some(why) => f.actual(format!("unknown: {actual}")).evidence("verdict", "unknown").message(
                        format!("unknown: EKS cluster {}: no access entry gives {text} view access, and {why}", c.name),
                    ),
                    None => f.actual(actual).message(format!("EKS cluster {}: {text} lacks view access", c.name)),
                });
            }
        }
    }
}
