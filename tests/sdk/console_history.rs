//! The console's history path against moto: the real SDK source, the console's history
//! task (`history_poller`) and `App::update`. A drift planted by a known identity
//! (`seed.py history`: SSH opened by the platform-deploy role's session) is attributed to
//! it in the Findings pane's Changed column, and the Timeline is backfilled.

use crate::harness as common;

use aws::{Aws, AwsOptions};
use common::*;
use driftdeck::console::action::{Action, Fetched};
use driftdeck::console::config::Config;
use driftdeck::console::state::LineSource;
use engine::design::Design;
use engine::history::{Attribution, HistoryStatus, Since};
use model::source::Source;
use std::sync::Arc;
use std::time::Duration;

#[test]
fn the_console_attributes_a_planted_drift() {
    let moto = Moto::start();
    let ids = moto.seed("history", false);
    let sg_app = ids["sg_app"].as_str().expect("sg_app").to_string();
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
    let aws: Arc<dyn Source> = Arc::new(rt.block_on(Aws::connect(&opts)).expect("connect"));

    let design = Design::load(std::path::Path::new("config/designs/client-a-prod.toml")).expect("design");
    let mut app = driftdeck::console::app(vec![design.clone()], Config::default(), true, jiff::Timestamp::now());
    app.enable_history(Since::default());
    let generation = app.envs[0].generation;
    app.update(Action::Connected { env: 0, generation, account: Some("123456789012".into()) });
    for kind in driftdeck::console::state::polled_kinds(&design) {
        let result = rt.block_on(aws.fetch_kind(kind));
        let at = jiff::Timestamp::now();
        app.update(Action::Fetched(Box::new(Fetched { env: 0, generation, kind, result, at, calls: (0, 0) })));
    }
    assert_eq!(app.env().history.status, HistoryStatus::Loading, "inventory first, history when it arrives");

    // The console's own history task, as `console/mod.rs` starts it.
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let prefix = design.alarms.as_ref().and_then(|a| a.prefix.clone());
    let tag = (0, generation, app.envs[0].history.generation);
    let _guard = rt.enter();
    let task = driftdeck::console::poller::history::start(
        aws.clone(),
        prefix,
        Since::default(),
        Duration::from_secs(60),
        tag,
        tx,
    );
    // The newest hour comes first (the Timeline fills at once; the window still loads),
    // then the whole window.
    let mut recv = || {
        let next = rt.block_on(async { tokio::time::timeout(Duration::from_secs(30), rx.recv()).await });
        next.expect("history within 30 s").expect("an answer")
    };
    let part = recv();
    assert!(matches!(&part, Action::History(h) if !h.incremental && h.partial));
    app.update(part);
    assert_eq!(app.env().history.status, HistoryStatus::Loading, "the rest of the window is loading");
    let whole = recv();
    task.abort();
    assert!(matches!(&whole, Action::History(h) if !h.incremental && !h.partial));
    app.update(whole);

    assert_eq!(app.env().history.status, HistoryStatus::Ok, "{}", app.env().history.label());
    let env = app.env();
    let ssh = env
        .report
        .findings
        .iter()
        .find(|f| f.rule == "sg.admin-port-open" && f.resource == sg_app)
        .expect("the planted SSH rule");
    match env.history.attribution(ssh) {
        Some(Attribution::Changed { event, exact }) => {
            assert_eq!(event.actor.name, "platform-deploy/ci-run-42");
            assert!(*exact, "matched by the rule, not only the group");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        env.history.cell(ssh, app.now).ends_with("platform-deploy/ci-run-42"),
        "{}",
        env.history.cell(ssh, app.now)
    );
    assert!(app.timeline.iter().any(|l| l.source == LineSource::CloudTrail && l.resources.contains(&sg_app)));
    assert!(app.timeline.iter().any(|l| l.source == LineSource::AlarmHistory));
}
