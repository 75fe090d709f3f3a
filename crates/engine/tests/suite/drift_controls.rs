//! The control rules (`kms.*`, `ec2.imdsv2-optional`, `detector.*`, `trail.not-logging`,
//! `eks.*`) as pure functions: each fires, stays quiet, and says unknown (never passes)
//! where the inventory cannot decide. Fixtures follow the documented API shapes
//! (DescribeKey, GetKeyRotationStatus, DescribeLaunchTemplateVersions, DescribeInstances,
//! GetDetector, DescribeHub, DescribeTrails/GetTrailStatus, DescribeCluster,
//! ListAccessEntries/DescribeAccessEntry, ListAssociatedAccessPolicies).

use engine::design::Design;
use engine::drift::{Finding, Severity, evaluate};
use model::*;
use std::sync::Arc;
use testkit::fixtures::{client_a, restamp, ts};

/// A minimal design over the client-a fixture's VPC with the given control sections.
fn design(extra: &str) -> Design {
    let text = format!(
        "[environment]\nname = \"t\"\nregion = \"eu-west-2\"\ncriticality = \"prod\"\n\n[scope]\nvpc_cidrs = [\"10.0.0.0/16\"]\n\n[cidr_sets]\ndevops = [\"203.0.113.0/24\", \"198.51.100.0/24\"]\n\n{extra}"
    );
    Design::parse("t.toml", &text).expect("valid design")
}

/// The findings of one rule.
fn of(rule: &str, d: &Design, s: &Snapshot) -> Vec<Arc<Finding>> {
    evaluate(d, s).findings.into_iter().filter(|f| f.rule == rule).collect()
}

fn unknown(f: &Finding) -> bool {
    f.evidence.get("verdict").is_some_and(|v| v == "unknown") && f.actual.starts_with("unknown")
}

/// The client-a fixture's VPC alone (its groups and tables are judged elsewhere), and `fill`.
fn snap(fill: impl FnOnce(&mut Snapshot)) -> Snapshot {
    let mut s = Snapshot::new("eu-west-2");
    s.vpcs = client_a().vpcs;
    s.taken_at = Some(ts());
    fill(&mut s);
    restamp(&mut s);
    s
}

fn key(alias: &str, state: &str, rotation: Option<bool>, period: Option<i32>) -> KmsKey {
    KmsKey {
        id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
        arn: "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
        aliases: vec![alias.into()],
        state: state.into(),
        deletion_date: None,
        rotation_enabled: rotation,
        rotation_period_days: period,
        manager: "CUSTOMER".into(),
        key_spec: Some("SYMMETRIC_DEFAULT".into()),
        rotation_error: None,
    }
}

const KMS: &str = "[kms]\nkeys = [\"alias/data\"]\nrotation = true\nrotation_period_days = 365\n";

#[test]
fn kms_key_rotating_on_the_designed_period_passes() {
    let s = snap(|s| s.kms_keys.push(key("alias/data", "Enabled", Some(true), Some(365))));
    assert!(evaluate(&design(KMS), &s).findings.is_empty());
}

#[test]
fn kms_rotation_off_or_wrong_period_fires_high() {
    let s = snap(|s| s.kms_keys.push(key("alias/data", "Enabled", Some(false), None)));
    let f = of("kms.rotation-disabled", &design(KMS), &s);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].actual, "rotation off");
    let s = snap(|s| s.kms_keys.push(key("alias/data", "Enabled", Some(true), Some(730))));
    let f = of("kms.rotation-disabled", &design(KMS), &s);
    assert_eq!(f[0].actual, "rotation every 730 days");
    // Without a period in the design, any period passes.
    let d = design("[kms]\nkeys = [\"alias/data\"]\nrotation = true\n");
    assert!(of("kms.rotation-disabled", &d, &s).is_empty());
}

#[test]
fn kms_rotation_that_could_not_be_read_is_unknown() {
    let s = snap(|s| {
        let mut k = key("alias/data", "Enabled", None, None);
        k.rotation_error = Some("kms:GetKeyRotationStatus denied".into());
        s.kms_keys.push(k);
    });
    let f = of("kms.rotation-disabled", &design(KMS), &s);
    assert_eq!(f.len(), 1);
    assert!(unknown(&f[0]), "{f:?}");
    assert!(f[0].message.contains("denied"));
}

#[test]
fn kms_missing_alias_fires_and_an_unaliased_key_id_is_unknown() {
    let s = snap(|s| s.kms_keys.push(key("alias/other", "Enabled", Some(true), Some(365))));
    let f = of("kms.key-missing", &design(KMS), &s);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(!unknown(&f[0]));
    let d = design("[kms]\nkeys = [\"0000aaaa-12ab-34cd-56ef-1234567890ab\"]\n");
    let f = of("kms.key-missing", &d, &s);
    assert!(unknown(&f[0]), "{f:?}");
    // Found by alias ARN and by id too.
    let d = design("[kms]\nkeys = [\"arn:aws:kms:eu-west-2:111122223333:alias/other\"]\n");
    assert!(of("kms.key-missing", &d, &s).is_empty());
    let d = design("[kms]\nkeys = [\"arn:aws:kms:eu-west-2:111122223333:alias/gone\"]\n");
    assert!(!unknown(&of("kms.key-missing", &d, &s)[0]));
    let d = design("[kms]\nkeys = [\"1234abcd-12ab-34cd-56ef-1234567890ab\"]\n");
    assert!(of("kms.key-missing", &d, &s).is_empty());
}

#[test]
fn kms_key_pending_deletion_is_critical_and_says_when() {
    let s = snap(|s| {
        let mut k = key("alias/data", "PendingDeletion", Some(true), Some(365));
        k.deletion_date = Some("2026-01-05T10:00:00Z".parse().expect("time"));
        s.kms_keys.push(k);
    });
    let f = of("kms.key-unusable", &design(KMS), &s);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Critical);
    assert_eq!(f[0].evidence["deletion_date"], "2026-01-05 10:00 UTC");
    assert!(f[0].message.contains("deleted on 2026-01-05"));
    // A key that is not enabled is not judged on rotation too.
    assert!(of("kms.rotation-disabled", &design(KMS), &s).is_empty());
    let s = snap(|s| s.kms_keys.push(key("alias/data", "Disabled", Some(true), Some(365))));
    assert_eq!(of("kms.key-unusable", &design(KMS), &s)[0].actual, "Disabled");
}

#[test]
fn a_refused_kms_fetch_makes_only_the_kms_rules_unknown() {
    let mut s = snap(|s| s.trails.push(trail(true, true, Some(true))));
    s.inventory.insert(Kind::KmsKeys, KindStatus::failed("kms:ListAliases denied"));
    let d = design(&format!("{KMS}\n[detectors]\ncloudtrail = {{ multi_region = true, logging = true }}\n"));
    let r = evaluate(&d, &s);
    assert_eq!(r.unavailable, vec![Kind::KmsKeys]);
    assert!(r.findings.iter().all(|f| f.rule == "inventory.unavailable"), "{:?}", r.findings);
}

fn lt(id: &str, default: i64, latest: i64, versions: Vec<(i64, Option<&str>, Option<i32>)>) -> LaunchTemplate {
    LaunchTemplate {
        id: id.into(),
        name: format!("{id}-name"),
        default_version: default,
        latest_version: latest,
        versions: versions
            .into_iter()
            .map(|(number, tokens, hops)| LaunchTemplateVersion {
                number,
                metadata: MetadataOptions {
                    http_tokens: tokens.map(str::to_string),
                    hop_limit: hops,
                    http_endpoint: Some("enabled".into()),
                },
            })
            .collect(),
        tags: Tags::new(),
    }
}

fn instance(id: &str, vpc: &str, state: &str, tokens: &str, hops: i32) -> Instance {
    Instance {
        id: id.into(),
        state: state.into(),
        vpc_id: Some(vpc.into()),
        metadata: MetadataOptions {
            http_tokens: Some(tokens.into()),
            hop_limit: Some(hops),
            http_endpoint: Some("enabled".into()),
        },
        launch_template: Some(LaunchTemplateRef { id: "lt-0abc".into(), version: Some("3".into()) }),
        tags: Tags::new(),
    }
}

const IMDS: &str = "[instances]\nimdsv2 = \"required\"\nmax_hop_limit = 1\n";

#[test]
fn imdsv2_required_everywhere_passes() {
    let s = snap(|s| {
        s.launch_templates.push(lt("lt-0abc", 3, 3, vec![(3, Some("required"), Some(1))]));
        s.instances.push(instance("i-1", "vpc-a", "running", "required", 1));
    });
    assert!(evaluate(&design(IMDS), &s).findings.is_empty());
}

#[test]
fn imdsv2_optional_on_a_template_version_or_an_instance_fires_naming_which() {
    let s = snap(|s| {
        s.launch_templates.push(lt("lt-0abc", 2, 3, vec![(2, Some("required"), Some(1)), (3, None, None)]));
        s.instances.push(instance("i-1", "vpc-a", "running", "optional", 1));
        s.instances.push(instance("i-2", "vpc-a", "running", "required", 2));
        // Stopped, or in a VPC the design does not cover: not judged.
        s.instances.push(instance("i-3", "vpc-a", "stopped", "optional", 1));
        s.instances.push(instance("i-4", "vpc-other", "running", "optional", 1));
    });
    let f = of("ec2.imdsv2-optional", &design(IMDS), &s);
    let got: Vec<(&str, &str)> = f.iter().map(|f| (f.resource.as_str(), f.evidence["where"].as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("i-1", "running instance i-1 (from lt-0abc)"),
            ("i-2", "running instance i-2 (from lt-0abc)"),
            ("lt-0abc", "lt-0abc (lt-0abc-name) version 3 (latest)"),
        ]
    );
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].actual, "HttpTokens = optional");
    assert_eq!(f[1].actual, "HttpPutResponseHopLimit = 2 (max 1)");
    assert!(f[2].actual.starts_with("HttpTokens not set"));
}

#[test]
fn metadata_switched_off_passes_and_a_refused_instances_fetch_is_unknown() {
    let mut s = snap(|s| {
        let mut i = instance("i-1", "vpc-a", "running", "optional", 1);
        i.metadata.http_endpoint = Some("disabled".into());
        s.instances.push(i);
    });
    assert!(evaluate(&design(IMDS), &s).findings.is_empty());
    s.inventory.insert(Kind::Instances, KindStatus::failed("ec2:DescribeInstances denied"));
    let r = evaluate(&design(IMDS), &s);
    assert_eq!(r.unavailable, vec![Kind::Instances]);
}

fn detector(service: DetectorService, status: &str, error: Option<&str>) -> Detector {
    Detector {
        service,
        id: "12abc34d567e8fa901bc2d34e56789f0".into(),
        status: status.into(),
        error: error.map(Into::into),
    }
}

const DETECT: &str = "[detectors]\nguardduty = true\nsecurityhub = true\n";

#[test]
fn detectors_enabled_pass() {
    let s = snap(|s| {
        s.detectors.push(detector(DetectorService::GuardDuty, "ENABLED", None));
        s.detectors.push(detector(DetectorService::SecurityHub, "ENABLED", None));
    });
    assert!(evaluate(&design(DETECT), &s).findings.is_empty());
}

#[test]
fn detectors_off_fire() {
    let s = snap(|s| s.detectors.push(detector(DetectorService::GuardDuty, "DISABLED", None)));
    let d = design(DETECT);
    let g = of("detector.guardduty-off", &d, &s);
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].severity, Severity::High);
    assert_eq!(g[0].resource, "guardduty/eu-west-2");
    let h = of("detector.securityhub-off", &d, &s);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].severity, Severity::Medium);
    assert!(!unknown(&h[0]));
    // Not asked for: not checked.
    assert!(evaluate(&design("[detectors]\nguardduty = false\n"), &s).findings.is_empty());
}

#[test]
fn a_refused_detector_call_makes_only_its_own_rule_unknown() {
    let s = snap(|s| {
        s.detectors.push(detector(DetectorService::GuardDuty, "ENABLED", None));
        s.detectors.push(detector(DetectorService::SecurityHub, "UNKNOWN", Some("securityhub:DescribeHub denied")));
    });
    let d = design(DETECT);
    assert!(of("detector.guardduty-off", &d, &s).is_empty());
    let h = of("detector.securityhub-off", &d, &s);
    assert!(unknown(&h[0]), "{h:?}");
}

fn trail(multi: bool, validation: bool, logging: Option<bool>) -> Trail {
    Trail {
        name: "org-trail".into(),
        arn: "arn:aws:cloudtrail:eu-west-2:111122223333:trail/org-trail".into(),
        home_region: Some("eu-west-2".into()),
        multi_region: multi,
        log_file_validation: validation,
        is_logging: logging,
        status_error: logging.is_none().then(|| "cloudtrail:GetTrailStatus denied".into()),
    }
}

const TRAIL: &str = "[detectors]\ncloudtrail = { multi_region = true, logging = true, log_file_validation = true }\n";

#[test]
fn trail_that_does_all_that_is_asked_passes() {
    let s = snap(|s| {
        s.trails.push(trail(false, false, Some(false)));
        s.trails.push(trail(true, true, Some(true)));
    });
    assert!(evaluate(&design(TRAIL), &s).findings.is_empty());
}

#[test]
fn trail_not_logging_or_single_region_or_unvalidated_fires_critical() {
    for t in [trail(true, true, Some(false)), trail(false, true, Some(true)), trail(true, false, Some(true))] {
        let s = snap(|s| s.trails.push(t));
        let f = of("trail.not-logging", &design(TRAIL), &s);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(!unknown(&f[0]));
    }
    let f = of("trail.not-logging", &design(TRAIL), &snap(|_| {}));
    assert_eq!(f[0].actual, "no trail");
    // Only what is asked is checked.
    let s = snap(|s| s.trails.push(trail(false, false, Some(true))));
    assert!(of("trail.not-logging", &design("[detectors]\ncloudtrail = { logging = true }\n"), &s).is_empty());
}

#[test]
fn trail_whose_status_could_not_be_read_is_unknown() {
    let s = snap(|s| s.trails.push(trail(true, true, None)));
    let f = of("trail.not-logging", &design(TRAIL), &s);
    assert!(unknown(&f[0]), "{f:?}");
}

fn cluster(mode: Option<&str>, public: bool, cidrs: &[&str]) -> EksCluster {
    EksCluster {
        name: "prod-eks".into(),
        arn: "arn:aws:eks:eu-west-2:111122223333:cluster/prod-eks".into(),
        status: Some("ACTIVE".into()),
        vpc_id: Some("vpc-a".into()),
        endpoint_public_access: public,
        public_access_cidrs: cidrs.iter().map(|c| c.to_string()).collect(),
        endpoint_private_access: true,
        authentication_mode: mode.map(str::to_string),
        bootstrap_cluster_creator_admin: Some(true),
    }
}

fn entry(principal: &str, policies: &[(&str, &str)], groups: &[&str]) -> EksAccessEntry {
    EksAccessEntry {
        cluster: "prod-eks".into(),
        principal_arn: principal.into(),
        entry_type: Some("STANDARD".into()),
        username: Some(principal.into()),
        kubernetes_groups: Some(groups.iter().map(|g| g.to_string()).collect()),
        policies: policies
            .iter()
            .map(|(name, scope)| EksAccessPolicy {
                policy_arn: format!("arn:aws:eks::aws:cluster-access-policy/{name}"),
                scope: scope.to_string(),
                namespaces: if *scope == "namespace" { vec!["dev".into()] } else { vec![] },
            })
            .collect(),
    }
}

const DEVOPS: &str = "arn:aws:iam::111122223333:role/DevOpsAdmin";
const DEV: &str = "arn:aws:iam::111122223333:role/DeveloperReadOnly";
const EKS: &str = "[eks]\npublic_endpoint_from = [\"devops\"]\nadmins = [\"arn:aws:iam::*:role/DevOps*\"]\nviewers = [\"arn:aws:iam::*:role/Developer*\"]\n";

fn declared_access(s: &mut Snapshot) {
    s.eks_access_entries.push(entry(DEVOPS, &[("AmazonEKSClusterAdminPolicy", "cluster")], &[]));
    s.eks_access_entries.push(entry(DEV, &[("AmazonEKSViewPolicy", "cluster")], &[]));
}

#[test]
fn eks_cluster_as_designed_passes() {
    let s = snap(|s| {
        s.eks_clusters.push(cluster(Some("API"), true, &["203.0.113.0/24", "198.51.100.128/25"]));
        declared_access(s);
    });
    assert!(evaluate(&design(EKS), &s).findings.is_empty(), "{:?}", evaluate(&design(EKS), &s).findings);
}

#[test]
fn eks_public_endpoint_beyond_the_sets_fires_and_no_cidrs_means_the_world() {
    let s = snap(|s| {
        s.eks_clusters.push(cluster(Some("API"), true, &[]));
        declared_access(s);
    });
    let f = of("eks.endpoint-public", &design(EKS), &s);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Critical);
    assert_eq!(f[0].evidence["beyond_design"], "0.0.0.0/0");
    // Private only: any public endpoint fires; a private one passes.
    let d = design("[eks]\npublic_endpoint_from = []\n");
    let s = snap(|s| s.eks_clusters.push(cluster(Some("API"), true, &["203.0.113.0/24"])));
    assert_eq!(of("eks.endpoint-public", &d, &s).len(), 1);
    let s = snap(|s| s.eks_clusters.push(cluster(Some("API"), false, &["0.0.0.0/0"])));
    assert!(of("eks.endpoint-public", &d, &s).is_empty());
}

#[test]
fn eks_admin_not_declared_fires_for_policy_or_masters_group() {
    let s = snap(|s| {
        s.eks_clusters.push(cluster(Some("API"), false, &[]));
        declared_access(s);
        s.eks_access_entries.push(entry(
            "arn:aws:iam::111122223333:role/ci-deployer",
            &[("AmazonEKSClusterAdminPolicy", "cluster")],
            &[],
        ));
        s.eks_access_entries.push(entry("arn:aws:iam::111122223333:user/alice", &[], &["system:masters"]));
    });
    let f = of("eks.admin-undeclared", &design(EKS), &s);
    let who: Vec<&str> = f.iter().map(|f| f.evidence["principal"].as_str()).collect();
    assert_eq!(who, vec!["arn:aws:iam::111122223333:role/ci-deployer", "arn:aws:iam::111122223333:user/alice"]);
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(f.iter().all(|f| !unknown(f)));
}

#[test]
fn eks_config_map_mode_is_unknown_never_a_pass() {
    for mode in [Some("CONFIG_MAP"), None] {
        let s = snap(|s| s.eks_clusters.push(cluster(mode, false, &[])));
        let d = design(EKS);
        let a = of("eks.admin-undeclared", &d, &s);
        assert_eq!(a.len(), 1);
        assert!(unknown(&a[0]), "{a:?}");
        assert!(a[0].message.contains("aws-auth ConfigMap"));
        assert!(a[0].message.contains("cluster creator"));
        let v = of("eks.viewer-missing", &d, &s);
        assert_eq!(v.len(), 1);
        assert!(unknown(&v[0]), "{v:?}");
    }
    // API_AND_CONFIG_MAP: entries are judged, and the ConfigMap's part stays unknown.
    let s = snap(|s| {
        s.eks_clusters.push(cluster(Some("API_AND_CONFIG_MAP"), false, &[]));
        declared_access(s);
    });
    let a = of("eks.admin-undeclared", &design(EKS), &s);
    assert_eq!(a.len(), 1);
    assert!(unknown(&a[0]));
    assert!(of("eks.viewer-missing", &design(EKS), &s).is_empty());
}

#[test]
fn eks_viewer_without_cluster_wide_view_fires() {
    let s = snap(|s| {
        s.eks_clusters.push(cluster(Some("API"), false, &[]));
        s.eks_access_entries.push(entry(DEVOPS, &[("AmazonEKSClusterAdminPolicy", "cluster")], &[]));
        s.eks_access_entries.push(entry(DEV, &[("AmazonEKSViewPolicy", "namespace")], &[]));
    });
    let f = of("eks.viewer-missing", &design(EKS), &s);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(!unknown(&f[0]));
    assert!(f[0].actual.contains("AmazonEKSViewPolicy (namespaces dev)"));
    // With Kubernetes groups only, RBAC may grant view: unknown.
    let s = snap(|s| {
        s.eks_clusters.push(cluster(Some("API"), false, &[]));
        s.eks_access_entries.push(entry(DEV, &[], &["view-only"]));
    });
    assert!(unknown(&of("eks.viewer-missing", &design(EKS), &s)[0]));
    // Groups not read (ListAccessEntries names principals only): unknown too.
    let s = snap(|s| {
        s.eks_clusters.push(cluster(Some("API"), false, &[]));
        let mut e = entry(DEV, &[], &[]);
        e.kubernetes_groups = None;
        s.eks_access_entries.push(e);
    });
    let f = of("eks.viewer-missing", &design(EKS), &s);
    assert!(unknown(&f[0]), "{f:?}");
    assert!(f[0].actual.contains("groups not read"));
}

#[test]
fn refused_access_entries_make_only_the_access_rules_unknown() {
    let mut s = snap(|s| s.eks_clusters.push(cluster(Some("API"), true, &["0.0.0.0/0"])));
    s.inventory.insert(Kind::EksAccessEntries, KindStatus::failed("eks:ListAccessEntries denied"));
    let r = evaluate(&design(EKS), &s);
    assert_eq!(r.unavailable, vec![Kind::EksAccessEntries]);
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, vec!["eks.endpoint-public", "inventory.unavailable"]);
}

#[test]
fn an_old_snapshot_without_the_control_kinds_loads_and_reads_as_not_fetched() {
    let s = snap(|_| {});
    let mut v: serde_json::Value = serde_json::to_value(&s).expect("json");
    let obj = v.as_object_mut().expect("object");
    for k in ["kms_keys", "launch_templates", "instances", "detectors", "trails", "eks_clusters", "eks_access_entries"]
    {
        obj.remove(k);
        obj["inventory"].as_object_mut().expect("inventory").remove(k);
    }
    let old = Snapshot::from_json(&v.to_string()).expect("old snapshot loads");
    assert!(old.kms_keys.is_empty());
    assert!(!old.usable(Kind::KmsKeys));
    let r = evaluate(&design(KMS), &old);
    assert_eq!(r.unavailable, vec![Kind::KmsKeys]);
    assert!(r.findings.iter().all(|f| f.rule == "inventory.unavailable"));
}
