//! Plans that change the account controls, replayed onto an inventory: each mapped type
//! (`aws_kms_key`, `aws_kms_alias`, `aws_launch_template`, `aws_instance`,
//! `aws_guardduty_detector`, `aws_securityhub_account`, `aws_cloudtrail`,
//! `aws_eks_cluster`, `aws_eks_access_entry`, `aws_eks_access_policy_association`)
//! introduces, fixes or leaves unknown the finding its rule makes. Plans are written to
//! `terraform show -json`'s shape, attributes as the AWS provider names them.

use engine::design::Design;
use engine::plan::{self, PlanReport, Verdict};
use engine::terraform;
use model::*;
use serde_json::{Value, json};
use testkit::fixtures::{client_a, restamp, ts};

fn design() -> Design {
    let text = r#"[environment]
name = "t"
region = "eu-west-2"
criticality = "prod"

[scope]
vpc_cidrs = ["10.0.0.0/16"]

[cidr_sets]
devops = ["203.0.113.0/24"]

[kms]
keys = ["alias/data"]
rotation = true

[instances]
imdsv2 = "required"
max_hop_limit = 1

[detectors]
guardduty = true
securityhub = true
cloudtrail = { multi_region = true, logging = true }

[eks]
public_endpoint_from = ["devops"]
admins = ["arn:aws:iam::*:role/DevOps*"]
viewers = ["arn:aws:iam::*:role/Developer*"]
"#;
    Design::parse("t.toml", text).expect("valid")
}

const KEY: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
const DEVOPS: &str = "arn:aws:iam::111122223333:role/DevOpsAdmin";
const DEV: &str = "arn:aws:iam::111122223333:role/DeveloperReadOnly";
const POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/";

/// An inventory that matches the design: nothing to find.
fn clean() -> Snapshot {
    let mut s = Snapshot::new("eu-west-2");
    let a = client_a();
    s.vpcs = a.vpcs;
    s.subnets = a.subnets;
    s.taken_at = Some(ts());
    s.kms_keys.push(KmsKey {
        id: KEY.into(),
        arn: format!("arn:aws:kms:eu-west-2:111122223333:key/{KEY}"),
        aliases: vec!["alias/data".into()],
        state: "Enabled".into(),
        deletion_date: None,
        rotation_enabled: Some(true),
        rotation_period_days: Some(365),
        manager: "CUSTOMER".into(),
        key_spec: Some("SYMMETRIC_DEFAULT".into()),
        rotation_error: None,
    });
    let required = MetadataOptions {
        http_tokens: Some("required".into()),
        hop_limit: Some(1),
        http_endpoint: Some("enabled".into()),
    };
    s.launch_templates.push(LaunchTemplate {
        id: "lt-0abc".into(),
        name: "app".into(),
        default_version: 1,
        latest_version: 1,
        versions: vec![LaunchTemplateVersion { number: 1, metadata: required.clone() }],
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
        id: "d-1".into(),
        status: "ENABLED".into(),
        error: None,
    });
    s.detectors.push(Detector {
        service: DetectorService::SecurityHub,
        id: "arn:aws:securityhub:eu-west-2:111122223333:hub/default".into(),
        status: "ENABLED".into(),
        error: None,
    });
    s.trails.push(Trail {
        name: "org".into(),
        arn: "arn:aws:cloudtrail:eu-west-2:111122223333:trail/org".into(),
        home_region: Some("eu-west-2".into()),
        multi_region: true,
        log_file_validation: true,
        is_logging: Some(true),
        status_error: None,
    });
    s.eks_clusters.push(EksCluster {
        name: "prod".into(),
        arn: "arn:aws:eks:eu-west-2:111122223333:cluster/prod".into(),
        status: Some("ACTIVE".into()),
        vpc_id: Some("vpc-a".into()),
        endpoint_public_access: true,
        public_access_cidrs: vec!["203.0.113.0/24".into()],
        endpoint_private_access: true,
        authentication_mode: Some("API".into()),
        bootstrap_cluster_creator_admin: Some(false),
    });
    for (who, policy) in [(DEVOPS, "AmazonEKSClusterAdminPolicy"), (DEV, "AmazonEKSViewPolicy")] {
        s.eks_access_entries.push(EksAccessEntry {
            cluster: "prod".into(),
            principal_arn: who.into(),
            entry_type: Some("STANDARD".into()),
            username: None,
            kubernetes_groups: Some(vec![]),
            policies: vec![EksAccessPolicy {
                policy_arn: format!("{POLICY}{policy}"),
                scope: "cluster".into(),
                namespaces: vec![],
            }],
        });
    }
    restamp(&mut s);
    s
}

/// One resource change: (address, type, actions, before, after, after_unknown).
type Change<'a> = (&'a str, &'a str, &'a [&'a str], Value, Value, Value);

fn plan(changes: &[Change<'_>], config: Value) -> terraform::Plan {
    let rc: Vec<Value> = changes
        .iter()
        .map(|(address, rtype, actions, before, after, unknown)| {
            let name = address.rsplit('.').next().unwrap_or(address);
            json!({"address": address, "mode": "managed", "type": rtype, "name": name,
                "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown}})
        })
        .collect();
    let text = json!({"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": rc,
        "configuration": {"root_module": {"resources": config}}});
    terraform::parse_plan(&text.to_string()).expect("plan parses")
}

fn judge(s: &Snapshot, changes: &[Change<'_>], config: Value) -> PlanReport {
    plan::evaluate(&design(), s, &plan(changes, config))
}

fn judged(r: &PlanReport, v: Verdict) -> Vec<(String, String)> {
    r.with(v).map(|f| (f.finding.rule.to_string(), f.finding.resource.to_string())).collect()
}

fn pair(rule: &str, resource: &str) -> (String, String) {
    (rule.into(), resource.into())
}

#[test]
fn the_clean_inventory_has_no_finding() {
    assert!(engine::drift::evaluate(&design(), &clean()).findings.is_empty());
}

#[test]
fn kms_key_rotation_switched_off_is_introduced() {
    let before = json!({"key_id": KEY, "id": KEY, "enable_key_rotation": true, "rotation_period_in_days": 365, "is_enabled": true});
    let mut after = before.clone();
    after["enable_key_rotation"] = json!(false);
    let r = judge(&clean(), &[("aws_kms_key.data", "aws_kms_key", &["update"], before, after, json!({}))], json!([]));
    assert_eq!(judged(&r, Verdict::Introduced), vec![pair("kms.rotation-disabled", KEY)]);
    assert_eq!(r.changes[0].verdict, "would drift");
}

#[test]
fn destroying_a_kms_key_schedules_its_deletion_after_the_window() {
    let before = json!({"key_id": KEY, "id": KEY, "enable_key_rotation": true, "deletion_window_in_days": 7});
    let r = judge(
        &clean(),
        &[("aws_kms_key.data", "aws_kms_key", &["delete"], before, Value::Null, Value::Null)],
        json!([]),
    );
    let f = r.with(Verdict::Introduced).find(|f| f.finding.rule == "kms.key-unusable").expect("introduced");
    // The fixture's clock plus 7 days.
    let when = ts().checked_add(jiff::SignedDuration::from_hours(7 * 24)).expect("time");
    assert_eq!(f.finding.evidence["deletion_date"], when.strftime("%Y-%m-%d %H:%M UTC").to_string());
    assert_eq!(f.causes[0].address, "aws_kms_key.data");
}

#[test]
fn a_new_key_and_alias_resolved_by_reference_fix_a_missing_key() {
    let mut s = clean();
    s.kms_keys.clear();
    restamp(&mut s);
    let key = json!({"enable_key_rotation": true, "is_enabled": true, "deletion_window_in_days": 30});
    let alias = json!({"name": "alias/data"});
    let config = json!([
        {"address": "aws_kms_alias.data", "mode": "managed", "type": "aws_kms_alias", "name": "data",
         "expressions": {"name": {"constant_value": "alias/data"}, "target_key_id": {"references": ["aws_kms_key.data.key_id", "aws_kms_key.data"]}}}
    ]);
    let r = judge(
        &s,
        &[
            (
                "aws_kms_key.data",
                "aws_kms_key",
                &["create"],
                Value::Null,
                key,
                json!({"key_id": true, "id": true, "arn": true}),
            ),
            ("aws_kms_alias.data", "aws_kms_alias", &["create"], Value::Null, alias, json!({"target_key_id": true})),
        ],
        config,
    );
    assert_eq!(judged(&r, Verdict::Fixed), vec![pair("kms.key-missing", "alias/data")]);
    assert!(judged(&r, Verdict::Introduced).is_empty(), "{:?}", judged(&r, Verdict::Introduced));
}

#[test]
fn launch_template_metadata_optional_is_introduced_and_unknown_tokens_are_unknown() {
    let before = json!({"id": "lt-0abc", "name": "app", "latest_version": 1, "default_version": 1,
        "metadata_options": [{"http_tokens": "required", "http_put_response_hop_limit": 1, "http_endpoint": "enabled"}]});
    let mut after = before.clone();
    after["metadata_options"][0]["http_tokens"] = json!("optional");
    after["update_default_version"] = json!(true);
    let change = (
        "aws_launch_template.app",
        "aws_launch_template",
        &["update"][..],
        before.clone(),
        after,
        json!({"latest_version": true}),
    );
    let r = judge(&clean(), &[change], json!([]));
    let f = r.with(Verdict::Introduced).find(|f| f.finding.rule == "ec2.imdsv2-optional").expect("introduced");
    assert_eq!(f.finding.evidence["where"], "lt-0abc (app) version 2 (default and latest)");
    // Unknown until apply: the two replays disagree.
    let mut after = before.clone();
    after["metadata_options"][0]["http_tokens"] = Value::Null;
    let unknown = json!({"metadata_options": [{"http_tokens": true}]});
    let r = judge(
        &clean(),
        &[("aws_launch_template.app", "aws_launch_template", &["update"], before, after, unknown)],
        json!([]),
    );
    let f = r.with(Verdict::Unknown).find(|f| f.finding.rule == "ec2.imdsv2-optional").expect("unknown");
    assert_eq!(f.unknown_attributes, vec!["metadata_options.http_tokens"]);
}

#[test]
fn a_new_instance_allowing_imdsv1_is_introduced() {
    let after = json!({"subnet_id": "subnet-app-a", "instance_state": "running",
        "metadata_options": [{"http_tokens": "optional", "http_put_response_hop_limit": 1, "http_endpoint": "enabled"}]});
    let r = judge(
        &clean(),
        &[("aws_instance.worker", "aws_instance", &["create"], Value::Null, after, json!({"id": true}))],
        json!([]),
    );
    assert_eq!(judged(&r, Verdict::Introduced), vec![pair("ec2.imdsv2-optional", "aws_instance.worker")]);
}

#[test]
fn guardduty_and_security_hub_switched_off_are_introduced() {
    let detector = json!({"id": "d-1", "enable": true});
    let mut off = detector.clone();
    off["enable"] = json!(false);
    let r = judge(
        &clean(),
        &[
            ("aws_guardduty_detector.main", "aws_guardduty_detector", &["update"], detector, off, json!({})),
            (
                "aws_securityhub_account.main",
                "aws_securityhub_account",
                &["delete"],
                json!({"id": "111122223333", "arn": "arn:aws:securityhub:eu-west-2:111122223333:hub/default"}),
                Value::Null,
                Value::Null,
            ),
        ],
        json!([]),
    );
    let mut got = judged(&r, Verdict::Introduced);
    got.sort();
    assert_eq!(
        got,
        vec![
            pair("detector.guardduty-off", "guardduty/eu-west-2"),
            pair("detector.securityhub-off", "securityhub/eu-west-2")
        ]
    );
}

#[test]
fn enabling_guardduty_fixes_it() {
    let mut s = clean();
    s.detectors.retain(|d| d.service != DetectorService::GuardDuty);
    let r = judge(
        &s,
        &[(
            "aws_guardduty_detector.main",
            "aws_guardduty_detector",
            &["create"],
            Value::Null,
            json!({"enable": true}),
            json!({"id": true}),
        )],
        json!([]),
    );
    assert_eq!(judged(&r, Verdict::Fixed), vec![pair("detector.guardduty-off", "guardduty/eu-west-2")]);
}

#[test]
fn a_trail_that_stops_logging_is_introduced() {
    let before = json!({"name": "org", "arn": "arn:aws:cloudtrail:eu-west-2:111122223333:trail/org", "is_multi_region_trail": true, "enable_log_file_validation": true, "enable_logging": true});
    let mut after = before.clone();
    after["enable_logging"] = json!(false);
    let r =
        judge(&clean(), &[("aws_cloudtrail.org", "aws_cloudtrail", &["update"], before, after, json!({}))], json!([]));
    assert_eq!(judged(&r, Verdict::Introduced), vec![pair("trail.not-logging", "cloudtrail/eu-west-2")]);
}

#[test]
fn an_eks_endpoint_opened_to_the_world_is_introduced() {
    let before = json!({"name": "prod", "arn": "arn:aws:eks:eu-west-2:111122223333:cluster/prod",
        "vpc_config": [{"endpoint_public_access": true, "endpoint_private_access": true, "public_access_cidrs": ["203.0.113.0/24"], "subnet_ids": ["subnet-app-a"], "vpc_id": "vpc-a"}],
        "access_config": [{"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": false}]});
    let mut after = before.clone();
    after["vpc_config"][0]["public_access_cidrs"] = json!(["0.0.0.0/0"]);
    let r = judge(
        &clean(),
        &[("aws_eks_cluster.prod", "aws_eks_cluster", &["update"], before, after, json!({}))],
        json!([]),
    );
    assert_eq!(judged(&r, Verdict::Introduced), vec![pair("eks.endpoint-public", "prod")]);
}

#[test]
fn an_undeclared_admin_entry_is_introduced_and_a_view_association_fixes_a_viewer() {
    let mut s = clean();
    // The developer has an entry but no policy yet.
    s.eks_access_entries.retain(|e| e.principal_arn != DEV);
    s.eks_access_entries.push(EksAccessEntry {
        cluster: "prod".into(),
        principal_arn: DEV.into(),
        entry_type: Some("STANDARD".into()),
        username: None,
        kubernetes_groups: Some(vec![]),
        policies: vec![],
    });
    restamp(&mut s);
    let ci = "arn:aws:iam::111122223333:role/ci";
    let assoc = |who: &str, policy: &str| json!({"cluster_name": "prod", "principal_arn": who, "policy_arn": format!("{POLICY}{policy}"), "access_scope": [{"type": "cluster", "namespaces": []}]});
    let r = judge(
        &s,
        &[
            (
                "aws_eks_access_entry.ci",
                "aws_eks_access_entry",
                &["create"],
                Value::Null,
                json!({"cluster_name": "prod", "principal_arn": ci, "type": "STANDARD"}),
                json!({"id": true}),
            ),
            (
                "aws_eks_access_policy_association.ci",
                "aws_eks_access_policy_association",
                &["create"],
                Value::Null,
                assoc(ci, "AmazonEKSClusterAdminPolicy"),
                json!({"id": true}),
            ),
            (
                "aws_eks_access_policy_association.dev",
                "aws_eks_access_policy_association",
                &["create"],
                Value::Null,
                assoc(DEV, "AmazonEKSViewPolicy"),
                json!({"id": true}),
            ),
        ],
        json!([]),
    );
    assert_eq!(judged(&r, Verdict::Introduced), vec![pair("eks.admin-undeclared", "prod")]);
    assert_eq!(judged(&r, Verdict::Fixed), vec![pair("eks.viewer-missing", "prod")]);
    let f = r.with(Verdict::Introduced).next().expect("introduced");
    assert_eq!(f.finding.evidence["principal"], ci);
}

#[test]
fn an_association_for_an_entry_nowhere_is_not_in_the_inventory() {
    let assoc = json!({"cluster_name": "prod", "principal_arn": "arn:aws:iam::111122223333:role/ghost", "policy_arn": format!("{POLICY}AmazonEKSViewPolicy"), "access_scope": [{"type": "cluster"}]});
    let r = judge(
        &clean(),
        &[(
            "aws_eks_access_policy_association.g",
            "aws_eks_access_policy_association",
            &["create"],
            Value::Null,
            assoc,
            json!({}),
        )],
        json!([]),
    );
    assert_eq!(r.changes[0].verdict, "not in the inventory");
}
