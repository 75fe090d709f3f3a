//! The shipped IAM policy is exactly the set of AWS operations the code calls, and every
//! one of them is read-only. Adding a call without updating the policy (or calling a
//! mutating operation anywhere) fails here.

use std::collections::BTreeSet;
use std::path::Path;

const CLIENTS: &[&str] = &["ec2", "rds", "elasticache", "cloudwatch", "sts"];

/// `describe_db_instances` on rds -> `DescribeDBInstances`.
fn pascal(service: &str, op: &str) -> String {
    op.split('_')
        .map(|w| match (service, w) {
            ("rds", "db") => "DB".to_string(),
            _ => {
                let mut c = w.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            }
        })
        .collect()
}

/// Every `self.<client>.<operation>(` in src/aws, whitespace-insensitive (rustfmt splits chains).
fn called_operations() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let mut ops = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("src/aws").flatten() {
        let text: String = std::fs::read_to_string(entry.path()).expect("read").split_whitespace().collect();
        for client in CLIENTS {
            let needle = format!("self.{client}.");
            let mut rest = text.as_str();
            while let Some(i) = rest.find(&needle) {
                rest = &rest[i + needle.len()..];
                let op: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if rest[op.len()..].starts_with('(') {
                    ops.insert(format!("{client}:{}", pascal(client, &op)));
                }
            }
        }
    }
    ops
}

#[test]
fn policy_matches_the_operations_called() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/iam-policy.json")).expect("policy");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let statements = v["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0]["Effect"], "Allow");
    assert_eq!(statements[0]["Resource"], "*");
    let actions: Vec<String> = statements[0]["Action"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a.as_str().expect("str").to_string())
        .collect();
    let mut sorted = actions.clone();
    sorted.sort();
    assert_eq!(actions, sorted, "keep the policy's actions sorted");
    let policy: BTreeSet<String> = actions.into_iter().collect();
    let called = called_operations();
    assert!(called.len() >= 15, "scan found too little: {called:?}");
    assert_eq!(policy, called, "assets/iam-policy.json differs from the operations src/aws calls");
}

#[test]
fn every_call_is_read_only() {
    for op in called_operations() {
        let name = op.split(':').nth(1).unwrap_or_default();
        assert!(
            ["Describe", "List", "Get"].iter().any(|v| name.starts_with(v)),
            "{op} is not a Describe/List/Get operation"
        );
    }
}

#[test]
fn no_code_outside_src_aws_names_the_sdk() {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("aws") {
                    walk(&p, out);
                }
            } else if std::fs::read_to_string(&p).is_ok_and(|t| t.contains("aws_sdk_") || t.contains("aws_config")) {
                out.push(p.display().to_string());
            }
        }
    }
    let mut offenders = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut offenders);
    assert!(offenders.is_empty(), "aws_sdk_* named outside src/aws: {offenders:?}");
}
