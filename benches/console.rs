//! What the console's UI thread pays per background result on a large environment (2,000
//! security groups with 12,000 rules, 512 route tables, 300 DB instances, 1,000 alarms),
//! with evaluation on the worker: handing a result over and applying the answer, per pane,
//! with a filter and with history; and re-judging the Reach pane's questions.

/// The binary's allocator (see `src/main.rs`), so the bench times what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use driftdeck::console::action::{Action, Fetched, Pane};
use driftdeck::console::config::Config;
use driftdeck::console::state::App;
use driftdeck::console::state::ReachState;
use engine::design::Design;
use model::Kind;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::hint::black_box;
use std::time::{Duration, Instant};
use testkit::large::big_snapshot;

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/designs/client-a-prod.toml");
    let design = Design::load(std::path::Path::new(path)).expect("design");
    let snap = big_snapshot();
    let env = engine::reach::Env { name: "client-a-prod", design: &design, snapshot: &snap };
    c.bench_function("reach_recompute_large_environment", |b| {
        b.iter(|| ReachState::compute(&[], black_box(std::slice::from_ref(&env)), 0))
    });
    ui_thread(c, &design, &snap, Pane::Overview, false, "ui_thread_per_security_groups_result_with_worker");
    ui_thread(c, &design, &snap, Pane::Findings, false, "ui_thread_per_security_groups_result_findings_unchanged");
    // The same with the 16,000-row Findings pane and the Security pane on screen (their
    // rows are rebuilt on the UI thread when a report changes).
    ui_thread(c, &design, &snap, Pane::Findings, false, "ui_thread_per_security_groups_result_findings_pane");
    ui_thread(c, &design, &snap, Pane::Security, false, "ui_thread_per_security_groups_result_security_pane");
    // With a text filter typed: every row's text is read to filter the new rows.
    ui_thread(c, &design, &snap, Pane::Findings, false, "ui_thread_per_security_groups_result_findings_filtered");
    ui_thread(c, &design, &snap, Pane::Security, false, "ui_thread_per_security_groups_result_security_filtered");
    // With history on and a window of CloudTrail events loaded: every result attributes
    // the findings again (on the Findings pane the "changed" column shows them).
    ui_thread(c, &design, &snap, Pane::Overview, true, "ui_thread_per_security_groups_result_history_overview");
    ui_thread(c, &design, &snap, Pane::Findings, true, "ui_thread_per_security_groups_result_history_findings");
}

/// A day of CloudTrail changes: 500 rule changes on every fourth group (a change names
/// the group and the group's first rule), as history would load them.
fn window(snap: &model::Snapshot) -> engine::history::History {
    use engine::history::{Actor, ActorKind, Agent, Ask, ChangeEvent, History};
    let at = snap.taken_at.expect("ts");
    let events = snap
        .security_groups
        .iter()
        .step_by(4)
        .take(500)
        .enumerate()
        .map(|(i, g)| ChangeEvent {
            id: format!("e-{i}"),
            time: at - jiff::SignedDuration::from_secs(60 * (i as i64 + 1)),
            name: "AuthorizeSecurityGroupIngress".into(),
            source: "ec2.amazonaws.com".into(),
            actor: Actor { kind: ActorKind::AssumedRole, name: format!("deploy/run-{i}"), arn: None },
            source_ip: None,
            user_agent: None,
            agent: Agent::Cli,
            resources: vec![g.id.clone()],
            asked: g
                .ingress
                .first()
                .map(|r| Ask::Rule {
                    protocol: r.protocol_name().into(),
                    ports: r.ports_label(),
                    source: r.peer.describe(),
                })
                .into_iter()
                .collect(),
            error: None,
        })
        .collect();
    History { window_start: Some(at - jiff::SignedDuration::from_hours(24)), events, ..Default::default() }
}

/// With the worker started (as in the console): the UI thread's time for one security
/// groups result (handing it over) plus applying the worker's answer, waits excluded.
fn ui_thread(c: &mut Criterion, design: &Design, snap: &model::Snapshot, pane: Pane, history: bool, name: &str) {
    let at = snap.taken_at.expect("ts");
    let mut app = driftdeck::console::app(vec![design.clone()], Config::default(), true, at);
    let (tx, rx) = std::sync::mpsc::channel();
    app.start_worker(move |a| {
        let _ = tx.send(a);
    })
    .expect("worker");
    let generation = app.envs[0].generation;
    app.update(Action::Connected { env: 0, generation, account: Some("123456789012".into()) });
    app.update(Action::Pane(pane));
    // Security-groups results alternate between the snapshot's groups and the same with
    // one rule more, so every result changes and its rules run again (a result with the
    // same items runs none: the `_unchanged` bench).
    let unchanged = name.ends_with("_unchanged");
    let mut changed = snap.only(Kind::SecurityGroups);
    if let Some(g) = changed.security_groups.first_mut() {
        let mut extra = g.ingress.first().cloned().expect("a rule");
        extra.from_port = Some(9999);
        extra.to_port = Some(9999);
        g.ingress.push(extra);
    }
    let flip = std::cell::Cell::new(false);
    let feed = |app: &mut App, kind: Kind| -> Duration {
        let part = if kind == Kind::SecurityGroups && !unchanged && flip.replace(!flip.get()) {
            changed.clone()
        } else {
            snap.only(kind)
        };
        let f = Fetched { env: 0, generation, kind, result: Ok(part), at, calls: (1, 0) };
        let t0 = Instant::now();
        app.update(Action::Fetched(Box::new(f)));
        let mut spent = t0.elapsed();
        while app.evaluating() {
            let Ok(a) = rx.recv_timeout(Duration::from_secs(30)) else { break };
            let t1 = Instant::now();
            app.update(a);
            spent += t1.elapsed();
        }
        spent
    };
    if history {
        app.enable_history(Default::default());
    }
    if name.ends_with("_filtered") {
        // Matches one group's rows in 2,000 (and the findings about it).
        app.update(Action::StartFilter);
        for ch in "sg-1234".chars() {
            let key = KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE);
            app.update(Action::Input(key));
        }
    }
    for kind in driftdeck::console::state::polled_kinds(design) {
        feed(&mut app, kind);
    }
    if history {
        let h = driftdeck::console::action::HistoryFetched {
            env: 0,
            generation,
            history_generation: app.env().history.generation,
            history: window(snap),
            incremental: false,
            partial: false,
            at,
        };
        app.update(Action::History(Box::new(h)));
        let changed = app.env().history.attributions();
        let n = changed.filter(|a| matches!(a, engine::history::Attribution::Changed { .. })).count();
        assert!(n >= 500, "the window explains findings: {n}");
    }
    c.bench_function(name, |b| b.iter_custom(|iters| (0..iters).map(|_| feed(&mut app, Kind::SecurityGroups)).sum()));
    if pane != Pane::Overview || history {
        return;
    }
    // `:reach` and `x` ask the worker: the UI thread's part is the hand-over (rows say
    // "judging…") and applying the answer; typing the command line is not timed.
    // (hand-over, applying the answer)
    let split = |app: &mut App, act: Action| -> (Duration, Duration) {
        let t0 = Instant::now();
        app.update(act);
        let asked = t0.elapsed();
        let mut applied = Duration::ZERO;
        while app.evaluating() {
            let Ok(a) = rx.recv_timeout(Duration::from_secs(30)) else { break };
            let t1 = Instant::now();
            app.update(a);
            applied += t1.elapsed();
        }
        (asked, applied)
    };
    let ask = |app: &mut App, act: Action| -> Duration {
        let (a, b) = split(app, act);
        a + b
    };
    let query = |app: &mut App| -> Duration {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        app.update(Action::StartCommand);
        for c in "reach app db 5432".chars() {
            app.update(Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
        }
        ask(app, Action::Submit)
    };
    c.bench_function("ui_thread_reach_query_with_worker", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| query(&mut app)).sum())
    });
    app.update(Action::Pane(Pane::Security));
    c.bench_function("ui_thread_who_can_reach_with_worker", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    app.update(Action::Pane(Pane::Security));
                    let spent = ask(&mut app, Action::WhoCanReach);
                    let asked = app.message.as_deref().is_some_and(|m| m.starts_with("who can reach"));
                    assert!(asked && !app.reach.rows.iter().any(|r| r.judging), "x answered: {:?}", app.message);
                    spent
                })
                .sum()
        })
    });
    c.bench_function("ui_thread_who_can_reach_hand_over_only", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    app.update(Action::Pane(Pane::Security));
                    split(&mut app, Action::WhoCanReach).0
                })
                .sum()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
