//! The console with a Terraform plan loaded: the Plan pane, the `+` / `-` marks in the
//! Security and Network panes (insta snapshots, styles included), and the state machine
//! headless: `:plan FILE` asks the loop to read the file, the judgement waits for the
//! whole inventory, and is recomputed when the inventory changes.

use crate::ui_support;
use testkit::fixtures;

use driftdeck::console::action::{Action, Effect, Pane};
use driftdeck::console::config::Config;
use driftdeck::console::state::App;
use fixtures::*;
use model::*;
use ui_support::*;

fn plan() -> engine::terraform::Plan {
    let text = std::fs::read_to_string(format!("{}/tests/terraform/plan_client_a.json", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    engine::terraform::parse_plan(&text).expect("plan")
}

/// client-a with the world-open SSH rule on the bastion that the plan removes.
fn before() -> Snapshot {
    let mut s = client_a();
    let mut r = rule("tcp", 22, 22, cidr("0.0.0.0/0"));
    r.rule_id = Some("sgr-world22".into());
    sg_mut(&mut s, "sg-bastion").ingress.push(r);
    s
}

fn loaded(app: &mut App) {
    app.update(Action::PlanLoaded { path: "tfplan.json".into(), result: Ok(Box::new(plan())) });
}

pub fn plan_app() -> App {
    let mut app = app_with(&before());
    loaded(&mut app);
    app
}

#[test]
fn plan_pane() {
    let app = plan_app();
    assert_eq!(app.pane, Pane::Plan);
    insta::assert_snapshot!(to_text(&render(&app, 130, 40)));
}

#[test]
fn security_pane_marks_planned_additions_and_removals() {
    let mut app = plan_app();
    app.update(Action::Pane(Pane::Security));
    insta::assert_snapshot!(to_text(&render(&app, 130, 50)));
}

#[test]
fn marks_are_computed_in_update_and_follow_the_inventory() {
    let mut app = plan_app();
    let m = app.plan_marks().expect("marks for the environment on screen").clone();
    assert!(m.routes_added.get("rtb-data").is_some_and(|r| r.iter().any(|x| x.destination == "10.50.0.0/16")));
    assert!(m.rules_removed.get("sg-bastion").is_some_and(|r| r.iter().any(|x| x.ports_label() == "22")));
    assert!(m.groups_added.iter().any(|g| g.id == "aws_security_group.ops_debug"));
    assert!(
        m.dbs_added
            .iter()
            .any(|(id, _)| id == "module.db[\"reporting\"].aws_db_instance.this" || id.contains("reporting")),
        "{:?}",
        m.dbs_added
    );
    // Someone removes the world-open rule by hand: the plan no longer removes anything there.
    load(&mut app, &client_a(), 20);
    let m = app.plan_marks().expect("marks");
    assert!(!m.rules_removed.contains_key("sg-bastion"), "{:?}", m.rules_removed);
    // Tab reaches the Plan pane only while a plan is loaded.
    assert!(app.panes().contains(&Pane::Plan));
}

#[test]
fn the_plan_waits_for_the_whole_inventory_and_is_read_by_the_loop() {
    let mut app = driftdeck::console::app(vec![design("client-a-prod")], Config::default(), true, at(0));
    assert!(!app.panes().contains(&Pane::Plan));
    app.update(Action::Pane(Pane::Plan));
    assert!(app.message.as_deref().is_some_and(|m| m.contains("no plan loaded")), "{:?}", app.message);
    // `:plan FILE` never reads the file in update: the loop does, and answers PlanLoaded.
    app.update(Action::StartCommand);
    for c in "plan tfplan.json".chars() {
        app.update(Action::Input(ratatui::crossterm::event::KeyEvent::new(
            ratatui::crossterm::event::KeyCode::Char(c),
            ratatui::crossterm::event::KeyModifiers::NONE,
        )));
    }
    assert_eq!(app.update(Action::Submit), Some(Effect::LoadPlan("tfplan.json".into())));
    loaded(&mut app);
    let state = app.plan.as_ref().expect("plan");
    assert!(state.report.is_none(), "judged on an empty inventory");
    assert!(app.plan_marks().is_none());
    load(&mut app, &before(), 5);
    assert!(app.plan.as_ref().is_some_and(|p| p.report.is_some()));
    // A file that is not a plan is said in one line, never half loaded.
    app.update(Action::PlanLoaded { path: "x.json".into(), result: Err("not a Terraform plan JSON".into()) });
    assert!(app.message.as_deref().is_some_and(|m| m.contains("cannot load the plan x.json")));
}
