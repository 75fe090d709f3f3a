//! Error paths through the real binary against a real (fault-injecting) moto: the wrong
//! account, no credentials, a refused connection, throttling and server errors. Each ends
//! with exit 2 within bounded time and names what failed; nothing unknown is shown as a
//! pass.

use crate::harness as common;

use common::*;
use std::time::{Duration, Instant};

const DESIGN: &str = "config/designs/client-a-prod.toml";

#[test]
fn account_guard_refuses_other_accounts_credentials() {
    let (moto, _g) = Moto::shared();
    let dir = tempfile::tempdir().expect("tmp");
    let design = dir.path().join("guarded.toml");
    let original = std::fs::read_to_string(DESIGN).expect("design");
    let text = original.replace("# account_id = \"123456789012\"", "account_id = \"999999999999\"");
    assert_ne!(text, original, "{DESIGN} no longer has the commented-out account_id line");
    std::fs::write(&design, text).expect("write");
    let out = moto.driftdeck().args(["check", "--design"]).arg(&design).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("123456789012") && err.contains("999999999999"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty(), "nothing is evaluated against the wrong account");
}

#[test]
fn no_credentials_fails_fast_and_says_how_to_fix() {
    let started = Instant::now();
    let out = driftdeck_isolated().args(["check", "--design", DESIGN]).output().expect("run");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no AWS credentials found") && err.contains("--profile"), "{err}");
}

#[test]
fn refused_connection_ends_with_exit_2_naming_every_kind() {
    // Bind then drop a listener: the port is free and refuses connections.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let started = Instant::now();
    let out = driftdeck_isolated()
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .args(["check", "--design", DESIGN, "--format", "json", "--endpoint-url", &format!("http://127.0.0.1:{port}")])
        .output()
        .expect("run");
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let unavailable: Vec<&str> =
        report["unavailable"].as_array().expect("list").iter().filter_map(|k| k.as_str()).collect();
    // The 9 kinds client-a always needs, plus vpc_endpoints and flow_logs ([network]);
    // prefix_lists is only read, so it makes rules unknown item by item instead.
    assert_eq!(unavailable.len(), 11, "{unavailable:?}");
    assert!(report["inventory"]["route_tables"]["error"].as_str().unwrap_or("").contains("cannot reach the endpoint"));
    // Nothing is judged: every rule is unknown, and so is every reach assertion.
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["rule"] == "inventory.unavailable" || f["rule"] == "reach.unknown"),
        "{report:#}"
    );
}

#[test]
fn throttled_route_tables_fail_alone() {
    let (moto, _g) = Moto::shared();
    moto.seed("client-a", true);
    // What EC2 answers when throttling: 503 RequestLimitExceeded (the SDK retries, then gives up).
    moto.faults(serde_json::json!([{"action": "DescribeRouteTables", "status": 503, "code": "RequestLimitExceeded", "message": "Request limit exceeded."}]));
    let started = Instant::now();
    let (code, report, stderr) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(report["inventory"]["route_tables"]["status"], "failed");
    let error = report["inventory"]["route_tables"]["error"].as_str().unwrap_or("");
    assert!(error.contains("ec2:DescribeRouteTables: throttled (RequestLimitExceeded"), "{error}");
    assert_eq!(report["unavailable"], serde_json::json!(["route_tables"]));
    assert!(stderr.contains("could not fetch route_tables"));
    // Everything else is still judged: the security group drift is reported.
    let pairs = finding_pairs(&report);
    assert!(pairs.iter().any(|(r, _)| r == "sg.admin-port-open"), "{pairs:?}");
    assert!(pairs.iter().any(|(r, res)| r == "inventory.unavailable" && res == "route_tables"));
    assert!(!pairs.iter().any(|(r, _)| r.starts_with("route.")), "route rules must not run on unknown data");
}

#[test]
fn throttled_cloudwatch_over_cbor_fails_alone() {
    let (moto, _g) = Moto::shared();
    moto.seed("client-a", false);
    moto.faults(serde_json::json!([{"action": "DescribeAlarms", "status": 400, "code": "Throttling", "message": "Rate exceeded"}]));
    let (code, report, _) = check_json(moto.driftdeck().args(["check", "--design", DESIGN, "--format", "json"]));
    assert_eq!(code, Some(2));
    let error = report["inventory"]["alarms"]["error"].as_str().unwrap_or("");
    assert!(error.contains("cloudwatch:DescribeAlarms: throttled (Throttling: Rate exceeded)"), "{error}");
    assert_eq!(finding_pairs(&report), vec![("inventory.unavailable".to_string(), "alarms".to_string())]);
}

#[test]
fn server_errors_everywhere_end_in_exit_2() {
    let (moto, _g) = Moto::shared();
    moto.faults(serde_json::json!([{"action": "*", "status": 500, "code": "InternalError", "message": "boom"}]));
    let started = Instant::now();
    let out = moto.driftdeck().args(["check", "--design", DESIGN]).output().expect("run");
    assert!(started.elapsed() < Duration::from_secs(90));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // The identity check fails too; without an account guard that is a warning only,
    // and every kind's fetch then fails on its own.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("UNKNOWN: could not fetch"), "{text}\n{err}");
    assert!(text.contains("InternalError: boom"), "{text}");
}
