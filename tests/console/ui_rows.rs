//! The cached rows of the pane on screen: a frame draws only the visible window of them
//! yet shows exactly the rows the full list would (selection scrolled into view from the
//! top); cursor moves and ticks reuse the cached rows; data, filter and pane changes
//! rebuild them; clock-dependent cells still change on a tick.

use crate::ui_support;
use testkit::fixtures;

use driftdeck::console::action::{Action, Pane};
use driftdeck::console::state::App;
use model::{AlarmState, Snapshot};
use std::sync::Arc;
use ui_support::*;

const ALARMS: usize = 200;

fn many_alarms() -> Snapshot {
    let mut s = fixtures::client_a();
    s.alarms = (0..ALARMS).map(|i| fixtures::alarm(&format!("alarm-{i:04}"), AlarmState::Ok)).collect();
    s
}

/// Alarm numbers on screen, top to bottom.
fn names_on_screen(app: &App) -> Vec<usize> {
    let buf = render(app, 120, 30);
    let text = to_text(&buf);
    text.lines()
        .take_while(|l| *l != "--- styles ---")
        // Not the preview of the selected row under the table.
        .filter(|l| !l.contains("Alarm: alarm-"))
        .filter_map(|l| l.find("alarm-").and_then(|at| l.get(at + 6..at + 10)).and_then(|n| n.parse().ok()))
        .collect()
}

#[test]
fn the_window_drawn_is_the_one_the_full_list_would_show() {
    let mut app = app_with(&many_alarms());
    app.update(Action::Pane(Pane::Alarms));
    let first = names_on_screen(&app);
    let h = first.len();
    assert!(h > 5 && h < ALARMS, "a screenful of rows: {h}");
    assert_eq!(first, (0..h).collect::<Vec<_>>());
    let mut at = 0;
    for target in [5, h - 1, h, h + 1, 100, ALARMS - 1] {
        while at < target {
            app.update(Action::Down);
            at += 1;
        }
        assert_eq!(app.selected(Pane::Alarms), target);
        let start = (target + 1).saturating_sub(h);
        assert_eq!(names_on_screen(&app), (start..start + h).collect::<Vec<_>>(), "selection {target}");
    }
    // Back to the top: the table starts at the top again (no offset is remembered).
    app.update(Action::Top);
    assert_eq!(names_on_screen(&app), (0..h).collect::<Vec<_>>());
}

#[test]
fn moves_and_ticks_reuse_the_rows_and_data_changes_rebuild_them() {
    let mut app = app_with(&many_alarms());
    app.update(Action::Pane(Pane::Alarms));
    let rows = app.pane_rows(Pane::Alarms).0;
    assert_eq!(rows.len(), ALARMS);
    for a in [Action::Down, Action::PageDown, Action::Up, Action::Bottom, Action::Tick(at(11)), Action::Tick(at(75))] {
        app.update(a);
        assert!(Arc::ptr_eq(&rows, &app.pane_rows(Pane::Alarms).0), "not rebuilt");
    }

    let mut more = many_alarms();
    more.alarms.push(fixtures::alarm("alarm-9999", AlarmState::Alarm));
    load(&mut app, &more, 80);
    let rebuilt = app.pane_rows(Pane::Alarms).0;
    assert!(!Arc::ptr_eq(&rows, &rebuilt));
    assert_eq!(rebuilt.len(), ALARMS + 1, "the new alarm is a row");

    app.update(Action::StartFilter);
    type_text(&mut app, "alarm-01");
    assert_eq!(app.pane_rows(Pane::Alarms).0.len(), 100, "alarm-0100 … alarm-0199");
    assert_eq!(driftdeck::console::panes::row_count(&app, Pane::Alarms), 100);
}

#[test]
fn a_tick_changes_the_age_cells_without_a_rebuild() {
    let mut app = app_with(&many_alarms());
    app.update(Action::Pane(Pane::Alarms));
    let rows = app.pane_rows(Pane::Alarms).0;
    let since = |app: &App| {
        let text = to_text(&render(app, 120, 30));
        text.lines().find(|l| l.contains("alarm-0000")).map(str::to_string).unwrap_or_default()
    };
    assert!(since(&app).contains("10s ago"), "{}", since(&app));
    // As the console does after a frame.
    app.dirty = false;
    app.update(Action::Tick(at(130)));
    assert!(app.dirty, "an age label on screen reads differently");
    assert!(since(&app).contains("2m ago"), "{}", since(&app));
    assert!(Arc::ptr_eq(&rows, &app.pane_rows(Pane::Alarms).0));
}

/// What the filter reads of every row (`Item::write_text`, written straight from the
/// data for Findings and Security rule rows) is exactly the row's cells joined by
/// spaces: the filter matches what the screen shows, with history on and off.
#[test]
fn the_filter_reads_each_row_as_its_cells_say() {
    let mut s = drifted();
    let app_sg = fixtures::sg_mut(&mut s, "sg-app");
    let mut described = fixtures::rule("tcp", 9443, 9445, fixtures::group("sg-alb"));
    described.description = Some("Temporary: ÉTÉ canary".into());
    app_sg.ingress.push(described);
    app_sg.ingress.push(fixtures::rule("udp", 53, 53, fixtures::group("sg-0gone")));
    let mut app = app_with(&s);
    for history in [false, true] {
        if history {
            app.enable_history(engine::history::Since::default());
        }
        for pane in [Pane::Findings, Pane::Security] {
            app.update(Action::Pane(pane));
            let rows = app.pane_rows(pane).0;
            assert!(rows.len() > 5, "{pane:?} has rows");
            let mut buf = String::new();
            for r in rows.iter() {
                let cells: Vec<String> = r.cells_in(&app).iter().map(|l| l.to_string()).collect();
                r.write_text(&app, &mut buf);
                assert_eq!(buf, cells.join(" "), "{pane:?} row {:?}", r.deferred);
            }
        }
    }
}

/// The filter is case-insensitive over any text, as lowercasing both sides would be.
#[test]
fn the_filter_folds_case_as_lowercasing_would() {
    let texts = ["sg-APP tcp 8080", "Temporary: ÉTÉ canary", "KELVIN \u{212A}elvin", "", "✗ flow not declared"];
    let needles = ["app", "été", "kelvin", "", "✗ flow", "sg-app tcp", "xyz", "canary"];
    for t in texts {
        for n in needles {
            let n = n.to_lowercase();
            assert_eq!(
                driftdeck::console::state::contains_folded(t, &n),
                t.to_lowercase().contains(&n),
                "{t:?} / {n:?}"
            );
        }
    }
}
