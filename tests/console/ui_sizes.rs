//! Every pane at the sizes on-call engineers have (80×24 laptop, 100×30 tmux split,
//! 160×45, 240×60), with styles; the sorted header; and what the fitting promises at the
//! small sizes: ids never cut to the same text, every pane reachable from the tab bar.

use crate::ui_support;
use testkit::fixtures;

use driftdeck::console::action::{Action, Pane};
use driftdeck::console::config::Config;
use driftdeck::console::state::App;
use ui_support::*;

const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (160, 45), (240, 60)];

/// Two environments (client-a-prod drifted, production loaded) with a plan in the first.
fn full_app() -> App {
    let mut app = crate::ui_plan::plan_app();
    app.update(Action::Pane(Pane::Overview));
    app
}

fn estate_app() -> App {
    let designs = vec![fixtures::design("client-a-prod"), fixtures::design("production")];
    let mut app = driftdeck::console::app(designs, Config::default(), true, at(0));
    for (env, snap, account) in
        [(0, drifted(), "123456789012"), (1, testkit::reach::side("production"), "111122223333")]
    {
        let g = app.envs[env].generation;
        app.update(Action::Connected { env, generation: g, account: Some(account.into()) });
        load_env(&mut app, env, &snap, 0);
    }
    app.update(Action::Tick(at(30)));
    app
}

fn shots(mut app: App, pane: Pane, name: &str) {
    app.update(Action::Pane(pane));
    for (w, h) in SIZES {
        app.update(Action::Resize { width: w, height: h });
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), to_text(&render(&app, w, h)));
    }
}

#[test]
fn every_pane_at_every_size() {
    for (pane, name) in [
        (Pane::Overview, "overview"),
        (Pane::Network, "network"),
        (Pane::Security, "security"),
        (Pane::Databases, "databases"),
        (Pane::Alarms, "alarms"),
        (Pane::Findings, "findings"),
        (Pane::Timeline, "timeline"),
        (Pane::Reach, "reach"),
    ] {
        shots(app_with(&drifted()), pane, name);
    }
    shots(full_app(), Pane::Plan, "plan");
    shots(estate_app(), Pane::Estate, "estate");
}

/// The screen's text lines (no styles).
fn lines(app: &App, w: u16, h: u16) -> Vec<String> {
    to_text(&render(app, w, h)).lines().take_while(|l| *l != "--- styles ---").map(str::to_string).collect()
}

#[test]
fn at_80_columns_every_pane_is_on_the_tab_bar() {
    let mut app = estate_app();
    app.update(Action::PlanLoaded {
        path: "tfplan.json".into(),
        result: Ok(Box::new(
            engine::terraform::parse_plan(
                &std::fs::read_to_string(format!("{}/tests/terraform/plan_client_a.json", env!("CARGO_MANIFEST_DIR")))
                    .expect("fixture"),
            )
            .expect("plan"),
        )),
    });
    let tabs = &lines(&app, 80, 24)[1];
    for p in app.panes() {
        assert!(tabs.contains(&p.key().to_string()), "pane {} missing from the tab bar: {tabs}", p.title());
    }
}

#[test]
fn the_two_client_a_databases_read_apart_at_every_size() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Databases));
    for (w, h) in SIZES {
        let screen = lines(&app, w, h);
        let row =
            |id: &str| screen.iter().find(|l| l.starts_with("│  client-a-prod-") && l.contains(&id[15..17])).cloned();
        let a = screen.iter().filter(|l| l.contains("client-a-prod-re")).count();
        assert!(a >= 2, "both client-a-prod-re… rows shown at {w}x{h}: {screen:#?}");
        let (r, p) = (row("client-a-prod-redis"), row("client-a-prod-reporting"));
        assert_ne!(r, p, "at {w}x{h}");
    }
}

#[test]
fn the_sorted_header_marks_its_column_and_direction() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Findings));
    app.update(Action::Sort); // Severity
    app.update(Action::Sort); // Rule
    let asc = lines(&app, 100, 30);
    assert!(asc[3].contains("Rule▲"), "{}", asc[3]);
    let rules: Vec<String> =
        asc[4..13].iter().map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_string()).collect();
    let mut want = rules.clone();
    want.sort();
    assert_eq!(rules, want, "rows in rule order");
    app.update(Action::SortReverse);
    insta::assert_snapshot!(to_text(&render(&app, 100, 30)));
    // Kept across a pane switch and a refresh of the data.
    app.update(Action::Pane(Pane::Network));
    app.update(Action::Pane(Pane::Findings));
    load(&mut app, &drifted(), 20);
    assert!(lines(&app, 100, 30)[3].contains("Rule▼"));
    // Past the last column: the pane's own order (severity first), unmarked.
    for _ in 0..4 {
        app.update(Action::Sort);
    }
    let own = lines(&app, 100, 30);
    assert!(!own[3].contains('▲') && !own[3].contains('▼'), "{}", own[3]);
    assert!(own[4].contains("CRITICAL"), "{}", own[4]);
    // By severity, ascending reads most severe first, as the pane's own order does.
    app.update(Action::Sort);
    let sev = lines(&app, 100, 30);
    assert!(sev[3].contains("Severity▲") && sev[4].contains("CRITICAL"), "{}", sev[4]);
    app.update(Action::SortReverse);
    assert!(lines(&app, 100, 30)[4].contains("MEDIUM"));
}

#[test]
fn wide_mode_shows_every_column_and_scrolls() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Databases));
    let fitted = lines(&app, 80, 24);
    assert!(fitted[2].contains("cols: w"), "{}", fitted[2]);
    app.update(Action::ToggleWide);
    let wide = lines(&app, 80, 24);
    assert!(wide[2].contains("wide"), "{}", wide[2]);
    assert!(!wide[2].contains("cols: w"));
    app.update(Action::ScrollColumns(1));
    let scrolled = lines(&app, 80, 24);
    assert!(scrolled[3].starts_with("│Engine"), "{}", scrolled[3]);
}

#[test]
fn the_preview_shows_the_selected_row_in_full() {
    let mut app = app_with(&drifted());
    app.update(Action::Pane(Pane::Findings));
    let screen = lines(&app, 80, 24).join("\n");
    let f = app.env().report.findings[0].clone();
    // The whole message, wrapped over the preview's lines.
    let flat: String = screen.replace(['│', '\n'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let msg: String = f.message.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&format!("Resource: {}", f.resource)), "{screen}");
    assert!(flat.contains(&msg[..msg.len().min(60)]), "{screen}");
}
