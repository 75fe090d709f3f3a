//! The Reach pane rendered with styles: the design's assertions with live verdicts and a
//! broken one highlighted (and listed in the Findings pane, as `check` lists it), and a
//! "who can reach this" answer asked with `x` on the database's group.

use crate::ui_support;
use testkit::fixtures;

use driftdeck::console::action::{Action, Pane};
use model::Snapshot;
use ui_support::*;

/// client-a with the ALB -> app rule gone: `alb -> app 8080 expect allowed` breaks.
fn alb_rule_removed() -> Snapshot {
    let mut s = fixtures::client_a();
    fixtures::sg_mut(&mut s, "sg-app").ingress.clear();
    s
}

#[test]
fn reach_pane_with_live_verdicts_and_one_drift() {
    let mut app = app_with(&alb_rule_removed());
    app.update(Action::Pane(Pane::Reach));
    let rows: Vec<(String, String)> =
        app.reach.rows.iter().map(|r| (r.verdict.as_str().to_string(), format!("{:?}", r.severity))).collect();
    assert_eq!(rows.iter().filter(|(_, s)| s != "None").count(), 1, "{rows:?}");
    // The broken assertion is a finding of the environment, in the Findings pane too.
    let broken: Vec<&str> =
        app.env().report.findings.iter().filter(|f| f.rule.starts_with("reach.")).map(|f| f.rule.as_str()).collect();
    assert_eq!(broken, ["reach.broken"]);
    insta::assert_snapshot!(to_text(&render(&app, 150, 12)));
}

#[test]
fn reach_findings_follow_the_data_and_leave_when_it_is_mended() {
    let mut app = app_with(&alb_rule_removed());
    let reach = |app: &driftdeck::console::state::App| {
        app.env().report.findings.iter().filter(|f| f.rule.starts_with("reach.")).count()
    };
    assert_eq!(reach(&app), 1);
    app.update(Action::Pane(Pane::Findings));
    let screen = to_text(&render(&app, 160, 30));
    assert!(screen.contains("reach.broken"), "{screen}");
    // The rule comes back on the next security group refresh: the finding clears, and
    // the timeline says so.
    let clean = fixtures::client_a();
    let a = fetched(&app, model::Kind::SecurityGroups, &clean, 20);
    app.update(a);
    assert_eq!(reach(&app), 0);
    assert!(app.timeline.iter().any(|e| e.text.starts_with("reach.broken") && e.text.ends_with("cleared")));
}

#[test]
fn who_can_reach_the_database() {
    let mut app = app_with(&fixtures::client_a());
    app.update(Action::Pane(Pane::Security));
    for _ in 0..20 {
        if driftdeck::console::panes::selected_ids(&app).any(|id| id == "sg-db") {
            break;
        }
        app.update(Action::Down);
    }
    assert!(driftdeck::console::panes::selected_ids(&app).any(|id| id == "sg-db"), "the db group row");
    app.update(Action::WhoCanReach);
    assert_eq!(app.pane, Pane::Reach, "{:?}", app.message);
    assert!(app.reach.rows.iter().any(|r| r.section == "who"), "someone reaches the database");
    insta::assert_snapshot!(to_text(&render(&app, 150, 24)));
}

/// The Network pane with production on a transit gateway hub: each attachment with the
/// route table it is associated with, and the VPN connection with one tunnel down and
/// AWS's message for it.
#[test]
fn network_pane_shows_transit_attachments_and_vpn_tunnels() {
    use testkit::transit::*;
    let mut prod = testkit::reach::side("prod");
    let mut pci = testkit::reach::side("pci");
    hub(&mut prod, &mut pci);
    for v in prod.vpn_connections.iter_mut() {
        v.tunnels = vec![tunnel("203.0.113.10", true, None), tunnel("203.0.113.11", false, Some("IPSEC IS DOWN"))];
    }
    let designs = vec![testkit::fixtures::design("production")];
    let mut app = driftdeck::console::app(designs, driftdeck::console::config::Config::default(), true, at(0));
    let g = app.env().generation;
    app.update(Action::Connected { env: 0, generation: g, account: Some("111111111111".into()) });
    for kind in driftdeck::console::state::polled_kinds(&app.envs[0].design).into_iter().chain([
        model::Kind::TransitGatewayAttachments,
        model::Kind::VpnConnections,
        model::Kind::VpnGateways,
    ]) {
        let a = fetched(&app, kind, &prod, 0);
        app.update(a);
    }
    app.update(Action::Tick(at(10)));
    app.update(Action::Pane(Pane::Network));
    app.update(Action::Bottom);
    let screen = to_text(&render(&app, 150, 40));
    assert!(screen.contains("Transit gateway attachments"), "{screen}");
    assert!(screen.contains(&format!("→ {TABLE}")), "{screen}");
    assert!(screen.contains("1/2 tunnels UP"), "{screen}");
    assert!(screen.contains("203.0.113.11 DOWN: IPSEC IS DOWN"), "{screen}");
    insta::assert_snapshot!(screen);
}
