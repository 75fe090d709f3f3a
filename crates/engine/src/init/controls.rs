//! The account controls of a starter design, read off the inventory as they are today:
//! `[kms]` (the customer-managed keys with an alias, and their rotation), `[instances]`
//! (IMDSv2 when every template and running instance requires it), `[detectors]` and
//! `[eks]` (the endpoint, today's cluster admins and viewers). A kind not fetched writes
//! nothing: an empty list read as "none today" would be a guess presented as a fact.

use super::write::list;
use model::*;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Access policies that give view access without admin.
const VIEW_POLICIES: &[&str] = &["AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy"];

pub(super) fn write_controls(w: &mut String, snap: &Snapshot, vpc: &Vpc) {
    write_kms(w, snap);
    write_instances(w, snap, vpc);
    write_detectors(w, snap);
    write_eks(w, snap, vpc);
}

fn write_kms(w: &mut String, snap: &Snapshot) {
    if !snap.usable(Kind::KmsKeys) {
        return;
    }
    let keys: Vec<&KmsKey> = snap
        .kms_keys
        .iter()
        .filter(|k| k.manager == "CUSTOMER" && k.state == "Enabled")
        .filter(|k| k.aliases.iter().any(|a| !a.starts_with("alias/aws/")))
        .collect();
    if keys.is_empty() {
        return;
    }
    let names: Vec<String> = keys.iter().filter_map(|k| k.aliases.first().cloned()).collect();
    let _ = writeln!(w);
    let _ = writeln!(w, "[kms]");
    let _ = writeln!(w, "keys = {}  # review: today's enabled customer-managed keys, by alias", list(names.iter()));
    let rotating = keys.iter().all(|k| k.rotation_enabled == Some(true));
    if rotating {
        let _ = writeln!(w, "rotation = true  # review: every listed key rotates today");
        let periods: BTreeSet<i32> = keys.iter().filter_map(|k| k.rotation_period_days).collect();
        if let (1, Some(p)) = (periods.len(), periods.first()) {
            let _ = writeln!(w, "rotation_period_days = {p}  # review: every listed key's period today");
        }
    } else {
        let off: Vec<String> = (keys.iter().filter(|k| k.rotation_enabled != Some(true)))
            .filter_map(|k| k.aliases.first().cloned())
            .collect();
        let _ = writeln!(w, "# rotation: {} do not rotate today, not written (review)", off.join(", "));
    }
}

fn write_instances(w: &mut String, snap: &Snapshot, vpc: &Vpc) {
    if !snap.usable(Kind::LaunchTemplates) || !snap.usable(Kind::Instances) {
        return;
    }
    let mut seen: Vec<(String, &MetadataOptions)> = Vec::new();
    for lt in &snap.launch_templates {
        seen.extend(lt.versions.iter().map(|v| (format!("{} version {}", lt.id, v.number), &v.metadata)));
    }
    let running = snap.instances.iter().filter(|i| i.state == "running" && i.vpc_id.as_deref() == Some(&vpc.id));
    seen.extend(running.map(|i| (i.id.clone(), &i.metadata)));
    if seen.is_empty() {
        return;
    }
    let open: Vec<&str> = (seen.iter())
        .filter(|(_, m)| !m.endpoint_disabled() && m.http_tokens.as_deref() != Some("required"))
        .map(|(at, _)| at.as_str())
        .collect();
    let _ = writeln!(w);
    let _ = writeln!(w, "[instances]");
    if open.is_empty() {
        let _ = writeln!(w, "imdsv2 = \"required\"  # review: every launch template and running instance today");
    } else {
        let _ = writeln!(w, "# imdsv2: IMDSv1 allowed on {} today, not written (review)", open.join(", "));
    }
    let hops: Vec<i32> = seen.iter().filter_map(|(_, m)| m.hop_limit).collect();
    if let Some(max) = hops.iter().max() {
        let _ = writeln!(w, "max_hop_limit = {max}  # review: the highest hop limit today");
    }
}

fn write_detectors(w: &mut String, snap: &Snapshot) {
    let mut lines = Vec::new();
    if snap.usable(Kind::Detectors) {
        let on = |s: DetectorService| snap.detectors.iter().any(|d| d.service == s && d.enabled());
        for (s, key) in [(DetectorService::GuardDuty, "guardduty"), (DetectorService::SecurityHub, "securityhub")] {
            if on(s) {
                lines.push(format!("{key} = true  # review: {} is on today", s.label()));
            } else {
                lines.push(format!("# {key}: {} is not on today, not written (review)", s.label()));
            }
        }
    }
    if snap.usable(Kind::Trails) {
        // The best trail today: logging first, then multi-region, then validating.
        let best = snap
            .trails
            .iter()
            .filter(|t| t.is_logging == Some(true))
            .max_by_key(|t| (t.multi_region, t.log_file_validation));
        match best {
            Some(t) => {
                let mut asks = vec!["logging = true".to_string()];
                if t.multi_region {
                    asks.push("multi_region = true".into());
                }
                if t.log_file_validation {
                    asks.push("log_file_validation = true".into());
                }
                lines.push(format!("cloudtrail = {{ {} }}  # review: trail {} today", asks.join(", "), t.name));
            }
            None => lines.push("# cloudtrail: no trail is logging today, not written (review)".into()),
        }
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "[detectors]");
    for l in lines {
        let _ = writeln!(w, "{l}");
    }
}

fn write_eks(w: &mut String, snap: &Snapshot, vpc: &Vpc) {
    if !snap.usable(Kind::EksClusters) {
        return;
    }
    let clusters: Vec<&EksCluster> =
        snap.eks_clusters.iter().filter(|c| c.vpc_id.as_deref().is_none_or(|v| v == vpc.id)).collect();
    if clusters.is_empty() {
        return;
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "[eks]");
    let public: Vec<String> = (clusters.iter().filter(|c| c.endpoint_public_access))
        .map(|c| {
            let cidrs =
                if c.public_access_cidrs.is_empty() { "0.0.0.0/0".into() } else { c.public_access_cidrs.join(", ") };
            format!("{} open to {cidrs}", c.name)
        })
        .collect();
    if public.is_empty() {
        let _ = writeln!(w, "public_endpoint_from = []  # review: every cluster's endpoint is private today");
    } else {
        let _ = writeln!(
            w,
            "# public_endpoint_from: {} today; name the cidr sets it may be open to (review)",
            public.join("; ")
        );
    }
    if !snap.usable(Kind::EksAccessEntries) {
        return;
    }
    let names: BTreeSet<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    let entries: Vec<&EksAccessEntry> =
        snap.eks_access_entries.iter().filter(|e| names.contains(e.cluster.as_str())).collect();
    let holding = |policies: &[&str]| -> BTreeSet<String> {
        (entries.iter())
            .filter(|e| e.policies.iter().any(|p| p.cluster_wide() && policies.contains(&p.name())))
            .map(|e| e.principal_arn.clone())
            .collect()
    };
    let admins = holding(&["AmazonEKSClusterAdminPolicy"]);
    let _ = writeln!(w, "admins = {}  # review: today's cluster admins (access entries)", list(admins.iter()));
    let viewers = holding(VIEW_POLICIES);
    if !viewers.is_empty() {
        let _ = writeln!(w, "viewers = {}  # review: today's cluster-wide viewers", list(viewers.iter()));
    }
    let config_map: Vec<&str> = clusters.iter().filter(|c| c.uses_config_map()).map(|c| c.name.as_str()).collect();
    if !config_map.is_empty() {
        let _ = writeln!(
            w,
            "# {} also read the aws-auth ConfigMap, which driftdeck does not read (review)",
            config_map.join(", ")
        );
    }
}
