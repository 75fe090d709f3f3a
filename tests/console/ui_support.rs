//! Building a console `App` from fixtures through the real `update` path, and rendering
//! it to text with styles for snapshots.
#![allow(dead_code)]

use driftdeck::console::action::{Action, Fetched};
use driftdeck::console::config::Config;
use driftdeck::console::state::App;
use model::source::FetchError;
use model::{Kind, Snapshot};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

pub fn at(secs: i64) -> jiff::Timestamp {
    testkit::fixtures::ts().checked_add(jiff::SignedDuration::from_secs(secs)).expect("ts")
}

pub fn fetched(app: &App, kind: Kind, snap: &Snapshot, secs: i64) -> Action {
    fetched_for(app, app.current, kind, snap, secs)
}

/// A result for environment `env` (of several), at its current generation.
pub fn fetched_for(app: &App, env: usize, kind: Kind, snap: &Snapshot, secs: i64) -> Action {
    Action::Fetched(Box::new(Fetched {
        env,
        generation: app.envs[env].generation,
        kind,
        result: Ok(snap.only(kind)),
        at: at(secs),
        calls: (42, 1),
    }))
}

pub fn failed(app: &App, kind: Kind, error: &str, throttled: bool, secs: i64) -> Action {
    Action::Fetched(Box::new(Fetched {
        env: app.current,
        generation: app.env().generation,
        kind,
        result: Err(FetchError { message: error.into(), throttled }),
        at: at(secs),
        calls: (43, 2),
    }))
}

/// Feed every polled kind of `snap` into the app at time `secs`.
pub fn load(app: &mut App, snap: &Snapshot, secs: i64) {
    load_env(app, app.current, snap, secs);
}

/// Feed every polled kind of `snap` into environment `env` at time `secs`.
pub fn load_env(app: &mut App, env: usize, snap: &Snapshot, secs: i64) {
    for kind in driftdeck::console::state::polled_kinds(&app.envs[env].design) {
        let a = fetched_for(app, env, kind, snap, secs);
        app.update(a);
    }
}

/// An app over client-a-prod, loaded with `snap`, clock at +10 s.
pub fn app_with(snap: &Snapshot) -> App {
    let mut app =
        driftdeck::console::app(vec![testkit::fixtures::design("client-a-prod")], Config::default(), true, at(0));
    app.started = at(0);
    let generation = app.env().generation;
    app.update(Action::Connected { env: 0, generation, account: Some("123456789012".into()) });
    load(&mut app, snap, 0);
    app.update(Action::Tick(at(10)));
    app
}

/// The fixture environment with one drift of each visible kind.
pub fn drifted() -> Snapshot {
    use model::*;
    use testkit::fixtures::*;
    let mut s = client_a();
    rt_mut(&mut s, "rtb-data").routes.push(route("10.50.0.0/16", TargetKind::VpcPeering, Some("pcx-shared")));
    sg_mut(&mut s, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    sg_mut(&mut s, "sg-app").ingress.push(rule("tcp", 8080, 8080, cidr("10.0.0.0/8")));
    let mut bad = db("client-a-prod-reporting");
    bad.multi_az = false;
    bad.publicly_accessible = true;
    s.db_instances.push(bad);
    s.cache_replication_groups[0].automatic_failover = Some("disabled".into());
    s.alarms[0].state = AlarmState::Alarm;
    s.alarms[1].state = AlarmState::InsufficientData;
    s
}

pub fn render(app: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| driftdeck::console::panes::draw(f, app)).expect("draw");
    t.backend().buffer().clone()
}

fn colour(c: Color) -> String {
    format!("{c:?}").to_lowercase()
}

/// The screen as text, then every run of non-default style per line:
/// `L3 10-24 fg=red bg=reset BOLD`. Drift is colour, so styles are part of the snapshot.
pub fn to_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let line: String = (0..area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str("--- styles ---\n");
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let c = &buf[(x, y)];
            let key = (c.fg, c.bg, c.modifier);
            let start = x;
            while x < area.width && {
                let d = &buf[(x, y)];
                (d.fg, d.bg, d.modifier) == key
            } {
                x += 1;
            }
            if key != (Color::Reset, Color::Reset, Modifier::empty()) {
                let mods = if key.2.is_empty() { String::new() } else { format!(" {:?}", key.2) };
                out.push_str(&format!("L{y} {start}-{} fg={} bg={}{mods}\n", x - 1, colour(key.0), colour(key.1)));
            }
        }
    }
    out
}

/// Type `text` into whatever takes input (the filter or command line), key by key.
pub fn type_text(app: &mut App, text: &str) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for c in text.chars() {
        app.update(Action::Input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }
}
