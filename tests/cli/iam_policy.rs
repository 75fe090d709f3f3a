//! The shipped IAM policy is exactly the set of AWS operations the code calls, and every
//! one of them is read-only but the few listed in `BEYOND_READING` (consuming the events
//! queue, writing a snapshot to S3). Adding a call without updating the policy, or calling
//! any other mutating operation, fails here.
//!
//! Why scanning crates/aws is enough: only the AWS adapter may name the SDK (checked in
//! `architecture.rs`), and the clients never leave it (no `pub` item there mentions a
//! `Client`), so no other code can reach an AWS operation.

use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Which service's client each file in crates/aws/src may use. A new file that calls AWS must be
/// added here, or the scan refuses it.
const SERVICE_OF_FILE: &[(&str, &str)] = &[
    ("ec2/vpc.rs", "ec2"),
    ("ec2/routing.rs", "ec2"),
    ("ec2/firewall.rs", "ec2"),
    ("ec2/flow_logs.rs", "ec2"),
    ("ec2/instances.rs", "ec2"),
    ("ec2/transit.rs", "ec2"),
    ("ec2/vpn.rs", "ec2"),
    ("rds.rs", "rds"),
    ("elasticache.rs", "elasticache"),
    ("cloudwatch.rs", "cloudwatch"),
    ("cloudtrail.rs", "cloudtrail"),
    ("kms.rs", "kms"),
    ("eks.rs", "eks"),
    ("guardduty.rs", "guardduty"),
    ("securityhub.rs", "securityhub"),
    ("organizations.rs", "organizations"),
    ("lib.rs", "sts"),
    ("sqs.rs", "sqs"),
    ("s3.rs", "s3"),
];

const CLIENTS: &str =
    "ec2|rds|elasticache|cloudwatch|cloudtrail|sts|kms|eks|guardduty|securityhub|sqs|s3|organizations";

/// The only calls that are not Describe/List/Get, by service and SDK method, with the IAM
/// action each needs. Receiving from the events queue and deleting a message once applied
/// change only driftdeck's own queue; `PutObject` writes `snapshot --out s3://`.
const BEYOND_READING: &[(&str, &str, &str)] = &[
    ("sqs", "receive_message", "sqs:ReceiveMessage"),
    ("sqs", "delete_message", "sqs:DeleteMessage"),
    ("s3", "put_object", "s3:PutObject"),
];

/// Operations whose IAM action has another name (Amazon S3's "Actions, resources and
/// condition keys": ListObjectsV2 is authorised by `s3:ListBucket`).
const ACTION_OF: &[(&str, &str)] = &[("s3:ListObjectsV2", "s3:ListBucket")];

/// Actions only `snapshot --out s3://` needs: a statement of their own, so a role that
/// only reads can drop it.
const WRITES: &[&str] = &["s3:PutObject"];

/// The IAM action of `service`'s SDK method `op`, when it is one of `BEYOND_READING`.
fn beyond_reading(service: Option<&str>, op: &str) -> Option<&'static str> {
    BEYOND_READING.iter().find(|(s, m, _)| Some(*s) == service && *m == op).map(|(_, _, a)| *a)
}

/// Operations aws-config makes for the adapter, out of the scan's sight: the file, the
/// aws-config type it names, the operation. Each has its own statement in the policy,
/// with the resource it is limited to.
const VIA_CONFIG: &[(&str, &str, &str, &str)] =
    &[("assume.rs", "AssumeRoleProvider", "sts:AssumeRole", "arn:aws:iam::*:role/driftdeck-readonly")];

/// Request parameters and response fields whose names begin with a mutating verb but
/// are not operations (LookupEvents' `StartTime`, DescribeAlarmHistory's `StartDate`,
/// the `TagSet` of a managed prefix list in ec2/routing.rs).
const PARAMETERS: &[&str] = &["start_time", "start_date", "tag_set"];

/// Read-only verbs: Describe/List/Get, CloudTrail's LookupEvents and EC2's
/// SearchTransitGatewayRoutes.
const READ_VERBS: &[&str] = &["describe_", "get_", "list_", "lookup_", "search_"];

/// Leading words of AWS operations that change something.
const MUTATING: &str = "create|delete|modify|put|authorize|revoke|update|start|stop|reboot|terminate|run|attach|\
detach|associate|disassociate|accept|reject|replace|enable|disable|set|tag|untag|add|remove|reset|restore|copy|\
promote|failover|test|import|export|register|deregister|allocate|release|assign|unassign|apply|cancel|assume|\
purchase|increase|decrease|batch|rebalance|switchover|provision|deprovision|move|monitor|unmonitor|send|decode";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The AWS adapter's sources.
fn adapter() -> PathBuf {
    root().join("crates/aws/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Code without whole-line comments and without any whitespace, so that a call split
/// across lines by rustfmt (`self.ec2\n    .describe_vpcs()`) reads as one token run.
/// Trailing comments stay: at worst they make the scan stricter, never blind.
fn squashed(text: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with("//")).flat_map(|l| l.split_whitespace()).collect()
}

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

/// Problems found while scanning one file's squashed code for `service`.
#[derive(Debug, Default)]
struct Scan {
    operations: BTreeSet<String>,
    problems: Vec<String>,
}

fn scan(file: &str, service: Option<&str>, code: &str) -> Scan {
    let read = Regex::new(r"\.(describe|get|list|lookup|search)_([a-z0-9_]+)\(\)").expect("regex");
    let write = Regex::new(&format!(r"(\.|::)({MUTATING})_[a-z0-9_]+\(")).expect("regex");
    let client = Regex::new(&format!(r"self\.({CLIENTS})([^a-z0-9_]|$)")).expect("regex");
    let any_op = Regex::new(&format!(r"self\.({CLIENTS})\.([a-z0-9_]+)\(")).expect("regex");
    let mut out = Scan::default();
    for m in write.find_iter(code) {
        let name = m.as_str().trim_start_matches(['.', ':']).trim_end_matches('(');
        if PARAMETERS.contains(&name) || beyond_reading(service, name).is_some() {
            continue;
        }
        out.problems.push(format!("{file}: mutating call `{}`", m.as_str()));
    }
    for c in client.captures_iter(code) {
        if Some(&c[1]) != service {
            out.problems.push(format!("{file}: uses the {} client, but is mapped to {service:?}", &c[1]));
        }
    }
    for c in any_op.captures_iter(code) {
        if let Some(action) = beyond_reading(service, &c[2]) {
            out.operations.insert(action.to_string());
        } else if !READ_VERBS.iter().any(|v| c[2].starts_with(v)) {
            out.problems.push(format!("{file}: `{}` is not a Describe/List/Get/Lookup/Search operation", &c[2]));
        }
    }
    for c in read.captures_iter(code) {
        let op = format!("{}_{}", &c[1], &c[2]);
        match service {
            Some(s) => {
                let operation = format!("{s}:{}", pascal(s, &op));
                let action =
                    ACTION_OF.iter().find(|(o, _)| *o == operation).map_or(operation.clone(), |(_, a)| a.to_string());
                out.operations.insert(action);
            }
            None => out.problems.push(format!("{file}: calls `{op}` but has no service in SERVICE_OF_FILE")),
        }
    }
    out
}

/// Every AWS operation the adapter calls, as `service:Operation`.
fn called_operations() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&adapter(), &mut files);
    let mut ops = BTreeSet::new();
    let mut problems = Vec::new();
    for path in files {
        // The path inside the adapter, `/`-separated: `ec2/routing.rs`, `rds.rs`.
        let rel = path.strip_prefix(adapter()).unwrap_or(&path);
        let name = rel.iter().map(|c| c.to_string_lossy()).collect::<Vec<_>>().join("/");
        let service = SERVICE_OF_FILE.iter().find(|(f, _)| *f == name).map(|(_, s)| *s);
        let code = squashed(&std::fs::read_to_string(&path).expect("read"));
        let s = scan(&name, service, &code);
        ops.extend(s.operations);
        problems.extend(s.problems);
    }
    assert!(problems.is_empty(), "{problems:#?}");
    ops
}

#[test]
fn policy_matches_the_operations_called() {
    let text = std::fs::read_to_string(root().join("assets/iam-policy.json")).expect("policy");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["Version"], "2012-10-17");
    let statements = v["Statement"].as_array().expect("statements");
    // The read-only statement (and the few BEYOND_READING calls on driftdeck's own queue),
    // the snapshot writes alone, then one statement per call aws-config makes for us.
    assert_eq!(statements.len(), 2 + VIA_CONFIG.len(), "read, snapshot writes, then {VIA_CONFIG:?}");
    let names = |st: &serde_json::Value| -> Vec<String> {
        st["Action"].as_array().expect("actions").iter().map(|a| a.as_str().expect("str").to_string()).collect()
    };
    let mut policy = BTreeSet::new();
    for (n, statement) in statements[..2].iter().enumerate() {
        assert_eq!(statement["Effect"], "Allow");
        assert_eq!(statement["Resource"], "*");
        let actions = names(statement);
        let mut sorted = actions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(actions, sorted, "keep the policy's actions sorted and unique");
        let writes = actions.iter().filter(|a| WRITES.contains(&a.as_str())).count();
        match n {
            0 => assert_eq!(writes, 0, "the first statement only reads: {actions:?}"),
            _ => assert_eq!(actions, WRITES, "the second statement is the snapshot writes, alone"),
        }
        policy.extend(actions);
    }
    for (st, (file, uses, op, resource)) in statements[2..].iter().zip(VIA_CONFIG) {
        let code = std::fs::read_to_string(adapter().join(file)).expect("read");
        assert!(code.contains(uses), "{file} no longer uses {uses}: drop {op} from VIA_CONFIG and the policy");
        assert_eq!((st["Effect"].as_str(), st["Resource"].as_str()), (Some("Allow"), Some(*resource)));
        assert_eq!(names(st), [op.to_string()]);
    }
    let called = called_operations();
    for (_, service) in SERVICE_OF_FILE {
        assert!(called.iter().any(|op| op.starts_with(&format!("{service}:"))), "scan found no {service} call");
    }
    assert_eq!(policy, called, "assets/iam-policy.json differs from the operations crates/aws calls");
}

#[test]
fn every_policy_action_is_read_only_but_the_listed_few() {
    for op in called_operations() {
        let name = op.split(':').nth(1).unwrap_or_default();
        assert!(
            ["Describe", "List", "Get", "Lookup", "Search"].iter().any(|v| name.starts_with(v))
                || BEYOND_READING.iter().any(|(_, _, a)| *a == op),
            "{op} is not a Describe/List/Get/Lookup/Search operation"
        );
    }
}

#[test]
fn the_scanner_sees_calls_it_must_see() {
    let code = squashed(
        "let s = self.rds\n    .describe_db_subnet_groups()\n    .max_records(100);\n\
         // self.rds.delete_db_instance() in a comment is ignored\n",
    );
    let s = scan("rds.rs", Some("rds"), &code);
    assert_eq!(s.operations, BTreeSet::from(["rds:DescribeDBSubnetGroups".to_string()]));
    assert!(s.problems.is_empty(), "{:?}", s.problems);

    let s = scan("ec2/vpc.rs", Some("ec2"), &squashed("let c = &self.ec2;\nc.create_vpc().send().await;"));
    assert!(s.problems.iter().any(|p| p.contains("create_vpc")), "{:?}", s.problems);

    let s = scan("ec2/vpc.rs", Some("ec2"), &squashed("self.rds.describe_db_instances()"));
    assert!(s.problems.iter().any(|p| p.contains("uses the rds client")), "{:?}", s.problems);

    let s = scan("new.rs", None, &squashed("x.list_metrics()"));
    assert!(s.problems.iter().any(|p| p.contains("no service")), "{:?}", s.problems);

    let s = scan("cloudtrail.rs", Some("cloudtrail"), &squashed("self.cloudtrail.lookup_events().start_time(t)"));
    assert_eq!(s.operations, BTreeSet::from(["cloudtrail:LookupEvents".to_string()]));
    assert!(s.problems.is_empty(), "a StartTime parameter is not an operation: {:?}", s.problems);

    let s = scan("ec2/vpc.rs", Some("ec2"), &squashed("self.ec2.start_instances().send()"));
    assert!(s.problems.iter().any(|p| p.contains("start_instances")), "{:?}", s.problems);

    let s = scan("sqs.rs", Some("sqs"), &squashed("self.sqs\n    .delete_message()\n    .receipt_handle(r)"));
    assert_eq!(s.operations, BTreeSet::from(["sqs:DeleteMessage".to_string()]));
    assert!(s.problems.is_empty(), "deleting an applied message is listed: {:?}", s.problems);
    let s = scan("sqs.rs", Some("sqs"), &squashed("self.sqs.delete_queue().send()"));
    assert!(s.problems.len() >= 2, "any other sqs write is flagged: {:?}", s.problems);
    let s = scan("ec2/vpc.rs", Some("ec2"), &squashed("self.ec2.put_object().send()"));
    assert!(!s.problems.is_empty(), "PutObject is listed for s3 alone: {:?}", s.problems);
    let s = scan("s3.rs", Some("s3"), &squashed("self.s3.list_objects_v2().bucket(b)"));
    assert_eq!(s.operations, BTreeSet::from(["s3:ListBucket".to_string()]), "authorised by ListBucket");

    let s = scan("ec2/vpc.rs", Some("ec2"), &squashed("self.ec2.copy_image().send()"));
    assert!(s.problems.len() >= 2, "both the verb and the client call are flagged: {:?}", s.problems);
}

#[test]
fn clients_never_leave_the_adapter() {
    let mut files = Vec::new();
    rust_files(&adapter(), &mut files);
    let exposed = Regex::new(r"(\bpub\b.*\bClient\b)|(->.*\bClient\b)").expect("regex");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        for (n, line) in text.lines().enumerate() {
            assert!(!exposed.is_match(line), "{}:{}: an SDK client escapes crates/aws: {line}", path.display(), n + 1);
        }
    }
}

/// The organisation role templates (`assets/org/`) carry exactly the shipped policy:
/// `scripts/org-role.py` writes them from it, and this holds them to it.
#[test]
fn the_org_role_templates_carry_the_policy() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let policy: serde_json::Value = serde_json::from_str(&read("assets/iam-policy.json")).expect("policy");
    let terraform: serde_json::Value = serde_json::from_str(&read("assets/org/terraform/policy.json")).expect("tf");
    assert_eq!(terraform, policy, "run scripts/org-role.py");
    let stackset = read("assets/org/stackset.yaml");
    for st in policy["Statement"].as_array().expect("statements") {
        for a in st["Action"].as_array().expect("actions") {
            let a = a.as_str().expect("str");
            assert!(
                stackset.contains(&format!("\"{a}\"")),
                "{a} missing from assets/org/stackset.yaml: run scripts/org-role.py"
            );
        }
    }
}
