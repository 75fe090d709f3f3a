//! How long one frame takes: every pane drawn at 200x60 into ratatui's `TestBackend`
//! from the large environment (2,000 groups, 512 route tables, 300 DBs, 1,000 alarms),
//! loaded through the real `App::update` path. Panes that build a drift `Context` on
//! every draw pay for it here.

use testkit::large;

/// The binary's allocator (see `src/main.rs`), so the bench times what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use driftdeck::console::action::{Action, Fetched, Pane};
use driftdeck::console::config::Config;
use driftdeck::console::state::App;
use engine::design::Design;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn loaded_app() -> App {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/designs/client-a-prod.toml");
    let design = Design::load(std::path::Path::new(path)).expect("design");
    let snap = large::big_snapshot();
    let at = snap.taken_at.expect("ts");
    let mut app = driftdeck::console::app(vec![design], Config::default(), true, at);
    let generation = app.envs[0].generation;
    app.update(Action::Connected { env: 0, generation, account: Some("123456789012".into()) });
    for kind in driftdeck::console::state::polled_kinds(&app.env().design) {
        let f = Fetched { env: 0, generation, kind, result: Ok(snap.only(kind)), at, calls: (1, 0) };
        app.update(Action::Fetched(Box::new(f)));
    }
    app
}

fn bench(c: &mut Criterion) {
    let mut app = loaded_app();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    for pane in Pane::ALL {
        app.update(Action::Pane(pane));
        c.bench_function(&format!("draw_{}_200x60", pane.title().to_lowercase()), |b| {
            b.iter(|| terminal.draw(|f| driftdeck::console::panes::draw(f, &app)).map(|_| ()).expect("draw"))
        });
    }
    // The 1 s tick: what an idle console pays per second on the Overview pane.
    app.update(Action::Pane(Pane::Overview));
    let mut now = app.now;
    c.bench_function("tick_update_and_draw_overview_200x60", |b| {
        b.iter(|| {
            now = now.checked_add(jiff::SignedDuration::from_secs(1)).expect("ts");
            app.update(Action::Tick(now));
            terminal.draw(|f| driftdeck::console::panes::draw(f, &app)).map(|_| ()).expect("draw")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
