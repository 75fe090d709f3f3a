//! EKS: `aws_eks_cluster` (its endpoint and authentication mode), `aws_eks_access_entry`
//! and `aws_eks_access_policy_association`. Entries and associations are touched under
//! their cluster's name, the resource the EKS rules name.

use super::controls::block;
use super::{Cx, Field, Side, Variant};
use crate::terraform::values::{bool_at, str_at, strs_at, unknown_at};
use model::*;

impl Cx<'_> {
    pub(super) fn remove_eks(&mut self, s: &Side) -> Vec<String> {
        let snap = &mut self.out.snapshot;
        let cluster = str_at(s.v, if s.ch.rtype == "aws_eks_cluster" { "name" } else { "cluster_name" });
        let Some(cluster) = cluster else { return vec![] };
        let principal = str_at(s.v, "principal_arn");
        match s.ch.rtype.as_str() {
            "aws_eks_cluster" => {
                snap.eks_clusters.retain(|c| c.name != cluster);
                if s.ch.action != crate::terraform::Action::Update {
                    snap.eks_access_entries.retain(|e| e.cluster != cluster);
                }
            }
            "aws_eks_access_entry" => {
                snap.eks_access_entries
                    .retain(|e| !(e.cluster == cluster && Some(&e.principal_arn) == principal.as_ref()));
            }
            _ => {
                let policy = str_at(s.v, "policy_arn");
                if let Some(e) = snap
                    .eks_access_entries
                    .iter_mut()
                    .find(|e| e.cluster == cluster && Some(&e.principal_arn) == principal.as_ref())
                {
                    e.policies.retain(|p| Some(&p.policy_arn) != policy.as_ref());
                }
            }
        }
        vec![cluster]
    }

    pub(super) fn add_eks(&mut self, s: &Side) {
        match s.ch.rtype.as_str() {
            "aws_eks_cluster" => self.add_eks_cluster(s),
            "aws_eks_access_entry" => self.add_access_entry(s),
            _ => self.add_access_policy(s),
        }
    }

    fn add_eks_cluster(&mut self, s: &Side) {
        let name = self.own_id(s, "name");
        let (vpc, vu) = block(s, "vpc_config");
        let public = if unknown_at(&vu, "endpoint_public_access") {
            self.mark(s, &name, "endpoint", "vpc_config.endpoint_public_access");
            self.variant == Variant::High
        } else {
            // The provider's default: a public endpoint.
            bool_at(&vpc, "endpoint_public_access").unwrap_or(true)
        };
        let cidrs = if unknown_at(&vu, "public_access_cidrs") {
            self.mark(s, &name, "endpoint", "vpc_config.public_access_cidrs");
            // Unset, AWS fills in the world; High takes that, Low the CIDRs the plan knows.
            if self.variant == Variant::High {
                vec!["0.0.0.0/0".to_string()]
            } else {
                strs_at(&vpc, "public_access_cidrs")
            }
        } else {
            strs_at(&vpc, "public_access_cidrs")
        };
        let subnets = strs_at(&vpc, "subnet_ids");
        let vpc_id = str_at(&vpc, "vpc_id").or_else(|| {
            let snap = &self.out.snapshot;
            subnets.iter().find_map(|id| snap.subnets.iter().find(|x| x.id == *id).map(|x| x.vpc_id.clone()))
        });
        let (access, au) = block(s, "access_config");
        let mode = if unknown_at(&au, "authentication_mode") {
            self.mark(s, &name, "access", "access_config.authentication_mode");
            Some(if self.variant == Variant::High { "CONFIG_MAP" } else { "API" }.to_string())
        } else {
            // Provider 5.x defaults to CONFIG_MAP when access_config is not given.
            Some(str_at(&access, "authentication_mode").unwrap_or_else(|| "CONFIG_MAP".into()))
        };
        let cluster = EksCluster {
            arn: str_at(s.v, "arn").unwrap_or_else(|| name.clone()),
            status: str_at(s.v, "status"),
            vpc_id,
            endpoint_public_access: public,
            public_access_cidrs: cidrs,
            endpoint_private_access: bool_at(&vpc, "endpoint_private_access").unwrap_or(false),
            authentication_mode: mode,
            bootstrap_cluster_creator_admin: bool_at(&access, "bootstrap_cluster_creator_admin_permissions")
                .or(Some(true)),
            name: name.clone(),
        };
        self.out.snapshot.eks_clusters.push(cluster);
        self.touch(&name, s.i);
    }

    /// The cluster name and principal of an entry or association, or why it cannot be placed.
    fn entry_key(&mut self, s: &Side) -> Option<(String, String)> {
        let cluster = match self.field(s, "cluster_name") {
            Field::Known(c) => c,
            _ => {
                self.unplaced(s, "cluster_name is known only after apply".into());
                return None;
            }
        };
        let Some(principal) = str_at(s.v, "principal_arn") else {
            self.unplaced(s, format!("{cluster}: principal_arn is known only after apply"));
            self.mark(s, &cluster, "access", "principal_arn");
            return None;
        };
        Some((cluster, principal))
    }

    fn add_access_entry(&mut self, s: &Side) {
        let Some((cluster, principal)) = self.entry_key(s) else { return };
        let snap = &mut self.out.snapshot;
        // Associations already in the inventory stay with the entry.
        let policies = snap
            .eks_access_entries
            .iter()
            .position(|e| e.cluster == cluster && e.principal_arn == principal)
            .map(|p| snap.eks_access_entries.remove(p).policies)
            .unwrap_or_default();
        if s.unknown("kubernetes_groups") {
            self.mark(s, &cluster, "access", "kubernetes_groups");
        }
        self.out.snapshot.eks_access_entries.push(EksAccessEntry {
            cluster: cluster.clone(),
            principal_arn: principal,
            entry_type: str_at(s.v, "type"),
            username: str_at(s.v, "user_name"),
            kubernetes_groups: Some(strs_at(s.v, "kubernetes_groups")),
            policies,
        });
        self.touch(&cluster, s.i);
    }

    fn add_access_policy(&mut self, s: &Side) {
        let Some((cluster, principal)) = self.entry_key(s) else { return };
        let Some(policy_arn) = str_at(s.v, "policy_arn") else {
            self.mark(s, &cluster, "access", "policy_arn");
            self.unplaced(s, format!("{cluster}: policy_arn is known only after apply"));
            return;
        };
        let (scope, _) = block(s, "access_scope");
        let policy = EksAccessPolicy {
            policy_arn,
            scope: str_at(&scope, "type").unwrap_or_else(|| "cluster".into()),
            namespaces: strs_at(&scope, "namespaces"),
        };
        let Some(entry) = (self.out.snapshot.eks_access_entries.iter_mut())
            .find(|e| e.cluster == cluster && e.principal_arn == principal)
        else {
            self.missing(s, format!("{cluster}: no access entry for {principal} in the inventory or the plan"));
            return;
        };
        entry.policies.retain(|p| p.policy_arn != policy.policy_arn);
        entry.policies.push(policy);
        self.touch(&cluster, s.i);
    }
}
