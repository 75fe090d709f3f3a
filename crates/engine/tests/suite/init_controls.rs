//! `driftdeck init` on the account controls: today's keys, IMDSv2, detectors, trail and
//! EKS access become `[kms]`, `[instances]`, `[detectors]` and `[eks]`; what is not so
//! today is a comment, never a key; a kind not fetched writes nothing; and `check` with
//! the generated design reports nothing of these controls against the same inventory.

use engine::design::Design;
use engine::init::{InitOptions, generate};
use model::*;
use testkit::fixtures::{client_a, restamp};

fn with_controls() -> Snapshot {
    let mut s = client_a();
    s.kms_keys.push(KmsKey {
        id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
        arn: "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
        aliases: vec!["alias/client-a-data".into()],
        state: "Enabled".into(),
        deletion_date: None,
        rotation_enabled: Some(true),
        rotation_period_days: Some(365),
        manager: "CUSTOMER".into(),
        key_spec: Some("SYMMETRIC_DEFAULT".into()),
        rotation_error: None,
    });
    // An AWS-managed key is never written as a design key.
    let mut managed = s.kms_keys[0].clone();
    managed.id = "aws-managed".into();
    managed.aliases = vec!["alias/aws/rds".into()];
    managed.manager = "AWS".into();
    s.kms_keys.push(managed);
    let required = MetadataOptions {
        http_tokens: Some("required".into()),
        hop_limit: Some(2),
        http_endpoint: Some("enabled".into()),
    };
    s.launch_templates.push(LaunchTemplate {
        id: "lt-0abc".into(),
        name: "app".into(),
        default_version: 4,
        latest_version: 4,
        versions: vec![LaunchTemplateVersion { number: 4, metadata: required.clone() }],
        tags: Tags::new(),
    });
    s.instances.push(Instance {
        id: "i-0aaa".into(),
        state: "running".into(),
        vpc_id: Some("vpc-a".into()),
        metadata: required,
        launch_template: None,
        tags: Tags::new(),
    });
    s.detectors.push(Detector {
        service: DetectorService::GuardDuty,
        id: "d".into(),
        status: "ENABLED".into(),
        error: None,
    });
    s.detectors.push(Detector {
        service: DetectorService::SecurityHub,
        id: String::new(),
        status: "DISABLED".into(),
        error: None,
    });
    s.trails.push(Trail {
        name: "org".into(),
        arn: "arn:aws:cloudtrail:eu-west-2:111122223333:trail/org".into(),
        home_region: Some("eu-west-2".into()),
        multi_region: true,
        log_file_validation: false,
        is_logging: Some(true),
        status_error: None,
    });
    s.eks_clusters.push(EksCluster {
        name: "client-a".into(),
        arn: "arn:aws:eks:eu-west-2:111122223333:cluster/client-a".into(),
        status: Some("ACTIVE".into()),
        vpc_id: Some("vpc-a".into()),
        endpoint_public_access: false,
        public_access_cidrs: vec![],
        endpoint_private_access: true,
        authentication_mode: Some("API".into()),
        bootstrap_cluster_creator_admin: Some(false),
    });
    for (who, policy) in [
        ("arn:aws:iam::111122223333:role/DevOps", "AmazonEKSClusterAdminPolicy"),
        ("arn:aws:iam::111122223333:role/Developer", "AmazonEKSViewPolicy"),
    ] {
        s.eks_access_entries.push(EksAccessEntry {
            cluster: "client-a".into(),
            principal_arn: who.into(),
            entry_type: None,
            username: None,
            kubernetes_groups: None,
            policies: vec![EksAccessPolicy {
                policy_arn: format!("arn:aws:eks::aws:cluster-access-policy/{policy}"),
                scope: "cluster".into(),
                namespaces: vec![],
            }],
        });
    }
    restamp(&mut s);
    s
}

fn generated(s: &Snapshot) -> (String, Design, Vec<String>) {
    let g = generate(s, &InitOptions { source: "a test fixture".into(), ..Default::default() }).expect("generated");
    let d = Design::parse("generated.toml", &g.text).unwrap_or_else(|e| panic!("{e}\n{}", g.text));
    let rules = g.leftovers.iter().map(|f| f.rule.to_string()).collect();
    (g.text, d, rules)
}

#[test]
fn todays_controls_become_the_design_and_check_agrees() {
    let (text, d, leftovers) = generated(&with_controls());
    let kms = d.kms.as_ref().unwrap_or_else(|| panic!("{text}"));
    assert_eq!(kms.keys, vec!["alias/client-a-data"]);
    assert_eq!((kms.rotation, kms.rotation_period_days), (Some(true), Some(365)));
    let i = d.instances.as_ref().expect("instances");
    assert!(i.imdsv2_required);
    assert_eq!(i.max_hop_limit, Some(2));
    let det = d.detectors.as_ref().expect("detectors");
    assert_eq!((det.guardduty, det.securityhub), (Some(true), None));
    assert!(text.contains("# securityhub: Security Hub is not on today, not written (review)"), "{text}");
    let t = det.cloudtrail.as_ref().expect("trail");
    assert_eq!((t.logging, t.multi_region, t.log_file_validation), (Some(true), Some(true), None));
    let eks = d.eks.as_ref().expect("eks");
    assert_eq!(eks.public_endpoint_from, Some(vec![]));
    let admins: Vec<&str> = eks.admins.iter().flatten().map(|(t, _)| t.as_str()).collect();
    assert_eq!(admins, vec!["arn:aws:iam::111122223333:role/DevOps"]);
    assert_eq!(
        eks.viewers.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        vec!["arn:aws:iam::111122223333:role/Developer"]
    );
    let control = ["kms.", "ec2.", "detector.", "trail.", "eks."];
    assert!(!leftovers.iter().any(|r| control.iter().any(|c| r.starts_with(c))), "{leftovers:?}");
}

#[test]
fn what_is_not_so_today_is_a_comment_not_a_key() {
    let mut s = with_controls();
    s.kms_keys[0].rotation_enabled = Some(false);
    s.instances[0].metadata.http_tokens = Some("optional".into());
    s.eks_clusters[0].endpoint_public_access = true;
    let (text, d, _) = generated(&s);
    assert_eq!(d.kms.as_ref().expect("kms").rotation, None);
    assert!(text.contains("# rotation: alias/client-a-data do not rotate today"), "{text}");
    assert!(!d.instances.as_ref().expect("instances").imdsv2_required);
    assert!(text.contains("# imdsv2: IMDSv1 allowed on i-0aaa today"), "{text}");
    assert!(d.eks.as_ref().expect("eks").public_endpoint_from.is_none());
    assert!(text.contains("client-a open to 0.0.0.0/0 today"), "{text}");
}

#[test]
fn a_kind_not_fetched_writes_nothing() {
    let mut s = with_controls();
    for k in [Kind::KmsKeys, Kind::Detectors, Kind::Trails, Kind::EksClusters, Kind::Instances] {
        s.inventory.insert(k, KindStatus::failed("denied"));
    }
    let (_, d, _) = generated(&s);
    assert!(d.kms.is_none() && d.instances.is_none() && d.detectors.is_none() && d.eks.is_none());
}
