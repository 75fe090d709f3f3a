//! Bounds the user can rely on, through the real binary: `--timeout` bounds the whole
//! fetch (identity lookup and every call of every kind) against an endpoint that
//! accepts connections and never answers, and the message names that bound; absurd
//! inputs (100 MB, 1,000,000 entries, deep nesting) are one clear error line, never an
//! out-of-memory or a stack overflow. Big files are generated, never committed.

use crate::harness as common;

use common::*;
use std::io::Write;
use std::time::{Duration, Instant};

const DESIGN: &str = "config/designs/client-a-prod.toml";

/// A TCP endpoint that accepts every connection and never answers.
fn black_hole() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    port
}

#[test]
fn timeout_bounds_the_identity_lookup_and_every_kind_together() {
    let port = black_hole();
    let started = Instant::now();
    let out = driftdeck_isolated()
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .args(["check", "--design", DESIGN, "--format", "json", "--timeout", "3"])
        .args(["--endpoint-url", &format!("http://127.0.0.1:{port}")])
        .timeout(Duration::from_secs(40))
        .output()
        .expect("run");
    let took = started.elapsed();
    // Before: the identity lookup took one whole bound and the kinds another (2 x 3 s),
    // security groups (two operations in sequence) up to a third.
    assert!(took < Duration::from_millis(5500), "took {took:?} for --timeout 3");
    assert!(took >= Duration::from_secs(3), "ended before the bound: {took:?}");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let inventory = report["inventory"].as_object().expect("inventory");
    let design = engine::design::Design::load(std::path::Path::new(DESIGN)).expect("design");
    assert_eq!(inventory.len(), engine::needed_kinds(&design).len(), "every needed kind is reported");
    for (kind, status) in inventory {
        let error = status["error"].as_str().unwrap_or_default();
        assert!(error.contains("3s") && !error.contains("30s"), "{kind}: {error}");
        assert!(!error.contains('\n'), "{kind}: {error}");
    }
}

fn validate(path: &std::path::Path) -> (i32, String) {
    let out = driftdeck_isolated().arg("validate").arg(path).output().expect("run");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn absurd_designs_are_one_error_line() {
    let dir = tempfile::tempdir().expect("tmp");
    // 100 MB (sparse: refused by size before a byte is read).
    let huge = dir.path().join("huge.toml");
    std::fs::File::create(&huge).expect("create").set_len(100 * 1024 * 1024).expect("size");
    let (code, err) = validate(&huge);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("huge.toml") && err.contains("100 MB") && err.contains("1 MB limit"), "{err}");

    // 1,000,000 mutes: real text, refused by size too.
    let many = dir.path().join("many.toml");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&many).expect("create"));
    f.write_all(std::fs::read(DESIGN).expect("design").as_slice()).expect("write");
    for i in 0..1_000_000 {
        writeln!(f, "[[mutes]]\nrule = \"sg.public-ingress\"\nresource = \"sg-{i}\"\nreason = \"r\"").expect("write");
    }
    drop(f);
    let (code, err) = validate(&many);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("limit"), "{err}");

    // Deep nesting inside the size limit: a located error, not a stack overflow.
    let deep = dir.path().join("deep.toml");
    std::fs::write(&deep, format!("x = {}1{}\n", "[".repeat(200_000), "]".repeat(200_000))).expect("write");
    let (code, err) = validate(&deep);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("deep.toml:1:37: nested deeper than 32 levels"), "{err}");

    let dotted = dir.path().join("dotted.toml");
    std::fs::write(&dotted, format!("{} = 1\n", vec!["a"; 100_000].join("."))).expect("write");
    let (code, err) = validate(&dotted);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("dotted.toml:1:") && err.contains("nested deeper"), "{err}");
}

#[test]
fn absurd_snapshots_are_one_error_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge).expect("create").set_len(100 * 1024 * 1024).expect("size");
    let deep = dir.path().join("deep.json");
    std::fs::write(&deep, format!("{{\"schema\": 1, \"vpcs\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000)))
        .expect("write");
    for (path, says) in [(&huge, "64 MB limit"), (&deep, "invalid snapshot")] {
        let out =
            driftdeck_isolated().args(["check", "--design", DESIGN, "--snapshot"]).arg(path).output().expect("run");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn absurd_configs_are_one_error_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let huge = dir.path().join("huge.toml");
    std::fs::File::create(&huge).expect("create").set_len(100 * 1024 * 1024).expect("size");
    let deep = dir.path().join("deep.toml");
    std::fs::write(&deep, format!("theme = {}\"dark\"{}\n", "[".repeat(100_000), "]".repeat(100_000))).expect("write");
    for (path, says) in [(&huge, "1 MB limit"), (&deep, "nested deeper than 32 levels")] {
        let out = driftdeck_isolated().args(["demo", "--config"]).arg(path).output().expect("run");
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
    }
}
