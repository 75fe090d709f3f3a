//! Fault soak: the real AWS collectors against moto with faults injected over every
//! polled kind and every protocol (EC2, RDS and ElastiCache over query/XML, CloudWatch
//! over CBOR): throttling, 500, 503, connection reset, a truncated body, a malformed
//! body, an answer slower than the attempt timeout (recovered by the retry) and a hang
//! past the operation timeout. Each result goes through the console's `App::update`
//! and a draw, exactly as in the console. Asserted throughout: no panic; key handling
//! (update + draw) within 100 ms; a failed kind keeps its last good data, marked stale
//! with its error; no finding turns into a pass while its kind is unknown; RSS does not
//! grow. `DRIFTDECK_SOAK_FAULTS` sets the number of faults (`scripts/soak.sh`: 1,000).

use crate::harness as common;

use aws::{Aws, AwsOptions};
use common::*;
use driftdeck::console::action::{Action, Fetched, Pane};
use driftdeck::console::config::Config;
use driftdeck::console::state::{App, finding_key};
use engine::design::Design;
use model::source::Source;
use model::{FetchStatus, Kind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// (fault rule, does the SDK recover from it within one fetch?)
fn fault(i: usize) -> (serde_json::Value, bool) {
    use serde_json::json;
    match i % 8 {
        0 => (json!({"fault": "error", "status": 400, "code": "Throttling", "message": "Rate exceeded"}), false),
        1 => (json!({"fault": "error", "status": 500, "code": "InternalError"}), false),
        2 => (json!({"fault": "error", "status": 503, "code": "ServiceUnavailable"}), false),
        3 => (json!({"fault": "reset"}), false),
        4 => (json!({"fault": "truncated"}), false),
        5 => (json!({"fault": "malformed"}), false),
        // Slower than one attempt: the first attempt times out, the retry is answered.
        6 => (json!({"fault": "slow", "delay": 1.2, "times": 1}), true),
        // Longer than the whole operation.
        _ => (json!({"fault": "hang", "delay": 4}), false),
    }
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn design() -> Design {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/designs/client-a-prod.toml");
    Design::load(std::path::Path::new(path)).expect("design")
}

/// Feed one result through `update` and draw; returns how long both took.
fn step(app: &mut App, term: &mut Terminal<TestBackend>, action: Action) -> Duration {
    let t = Instant::now();
    app.update(action);
    term.draw(|f| driftdeck::console::panes::draw(f, app)).expect("draw");
    t.elapsed()
}

fn fetched(app: &App, kind: Kind, result: Result<model::Snapshot, model::source::FetchError>) -> Action {
    let at = jiff::Timestamp::now();
    Action::Fetched(Box::new(Fetched { env: 0, generation: app.envs[0].generation, kind, result, at, calls: (0, 0) }))
}

#[test]
fn faults_over_every_kind_and_protocol_never_turn_into_passes() {
    let moto = Moto::start();
    moto.seed("client-a", true);
    let faults: usize = std::env::var("DRIFTDECK_SOAK_FAULTS").ok().and_then(|v| v.parse().ok()).unwrap_or(48);

    // SAFETY: this test binary has this one test, which sets the variables before it
    // starts any thread of its own that reads the environment.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("AWS_CONFIG_FILE", "/dev/null");
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut opts = AwsOptions::new("eu-west-2");
    opts.endpoint_url = Some(moto.endpoint.clone());
    opts.operation_timeout = Duration::from_millis(2500);
    opts.attempt_timeout = Duration::from_millis(900);
    opts.max_attempts = 2;
    let aws = rt.block_on(Aws::connect(&opts)).expect("connect");

    let design = design();
    let kinds = driftdeck::console::state::polled_kinds(&design);
    let mut app = driftdeck::console::app(vec![design.clone()], Config::default(), true, jiff::Timestamp::now());
    let generation = app.envs[0].generation;
    app.update(Action::Connected { env: 0, generation, account: Some("123456789012".into()) });
    let mut term = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    for kind in &kinds {
        let r = rt.block_on(aws.fetch_kind(*kind));
        assert!(r.is_ok(), "{kind:?} without faults: {r:?}");
        let a = fetched(&app, *kind, r);
        step(&mut app, &mut term, a);
    }
    let baseline: BTreeSet<String> = app.env().report.findings.iter().map(|f| finding_key(f)).collect();
    assert!(!baseline.is_empty(), "the seeded drift shows");
    let counts: Vec<usize> = kinds.iter().map(|k| app.env().snapshot.len_of(*k)).collect();

    let mut worst = Duration::ZERO;
    let mut rss_early = 0;
    let started = Instant::now();
    for i in 0..faults {
        let k = i % kinds.len();
        let kind = kinds[k];
        let (mut rule, recovers) = fault(i);
        // Security groups make two calls: fault the second one half of the time.
        let action = if kind == Kind::SecurityGroups && i % 2 == 0 { "DescribeSecurityGroupRules" } else { "*" };
        rule["action"] = serde_json::json!(action);
        moto.faults(serde_json::json!([rule]));
        let result = rt.block_on(aws.fetch_kind(kind));
        moto.faults(serde_json::json!([]));
        assert_eq!(result.is_ok(), recovers, "fault {rule} on {kind:?}: {result:?}");
        if let Err(e) = &result {
            assert!(!e.message.contains('\n'), "one-line error: {}", e.message);
        }
        let a = fetched(&app, kind, result);
        worst = worst.max(step(&mut app, &mut term, a));
        // A key while faults fly.
        worst = worst.max(step(&mut app, &mut term, Action::Pane(Pane::ALL[i % Pane::ALL.len()])));
        worst = worst.max(step(&mut app, &mut term, Action::Down));

        let status = app.env().snapshot.status(kind);
        if recovers {
            assert_eq!(status.status, FetchStatus::Ok, "{kind:?}");
        } else {
            assert_eq!(status.status, FetchStatus::Stale, "{kind:?} keeps its data, marked stale");
            assert!(status.error.as_deref().is_some_and(|e| !e.is_empty()), "{kind:?} shows its error");
        }
        assert_eq!(app.env().snapshot.len_of(kind), counts[k], "{kind:?} keeps its last good data");
        let now: BTreeSet<String> = app.env().report.findings.iter().map(|f| finding_key(f)).collect();
        let lost: Vec<&String> = baseline.difference(&now).collect();
        assert!(lost.is_empty(), "findings turned into passes under fault {rule} on {kind:?}: {lost:?}");
        // The last good fetch of a recovered kind is fresh again for the next round.
        if i == faults / 4 {
            rss_early = rss_kib();
        }
    }
    let rss_end = rss_kib();
    eprintln!(
        "soak: {faults} faults in {:.1} s, worst update+draw {worst:?}, RSS {rss_early} KiB at 1/4, {rss_end} KiB at end",
        started.elapsed().as_secs_f64()
    );
    assert!(worst < Duration::from_millis(100), "key handling took {worst:?}");
    assert!(rss_end < rss_early + 20 * 1024, "RSS grew from {rss_early} KiB to {rss_end} KiB");

    // A kind with no good data at all is unknown: its rules report inventory.unavailable.
    let mut fresh = driftdeck::console::app(vec![design], Config::default(), true, jiff::Timestamp::now());
    moto.faults(serde_json::json!([{"action": "*", "fault": "malformed"}]));
    let r = rt.block_on(aws.fetch_kind(Kind::Alarms));
    moto.faults(serde_json::json!([]));
    let a = fetched(&fresh, Kind::Alarms, r);
    step(&mut fresh, &mut term, a);
    assert_eq!(fresh.env().snapshot.status(Kind::Alarms).status, FetchStatus::Failed);
    assert!(fresh.env().report.findings.iter().any(|f| f.rule == "inventory.unavailable" && f.resource == "alarms"));
    assert!(fresh.env().report.findings.iter().all(|f| !f.rule.starts_with("alarm.")));
}
