//! Reachability through a transit gateway against moto (the `pair-hub` seed: production
//! and production-pci attached to one hub, a VPN on it): the path is judged hop by hop
//! through the hub's route table, and a blackhole route in it denies with its own code.
//! moto serves no tunnel telemetry, so a path through the VPN is unknown here, never
//! allowed (tested with telemetry on engine fixtures).

use crate::harness as common;

use common::*;
use serde_json::Value;

fn reach(moto: &Moto, to: &str, port: &str) -> (Option<i32>, Value, String) {
    check_json(moto.driftdeck().args([
        "reach",
        "--design",
        "config/designs/production.toml",
        "--design",
        "config/designs/production-pci.toml",
        "--from",
        "tier:app",
        "--to",
        to,
        "--port",
        port,
        "--format",
        "json",
    ]))
}

fn steps(v: &Value) -> Vec<String> {
    v["path"]["hops"]
        .as_array()
        .map(|h| h.iter().map(|h| h["step"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn the_app_tiers_reach_across_the_hub_and_a_blackhole_denies() {
    let (moto, _g) = Moto::shared();
    moto.reset();
    moto.seed("pair-hub", false);
    let (_, v, stderr) = reach(moto, "production-pci:tier:app", "443");
    let s = steps(&v);
    assert!(s.iter().any(|x| x == "tgw"), "the path crosses the hub: {s:?}\n{v:#}\n{stderr}");
    assert_ne!(v["verdict"], "unknown", "{v:#}");
    // The drift: a blackhole for PCI's first app subnet (10.21.11.0/24) in the hub's table.
    moto.reset();
    moto.seed("pair-hub", true);
    let (_, v, _) = reach(moto, "10.21.11.10", "443");
    assert_eq!(v["verdict"], "denied", "{v:#}");
    let codes: Vec<&str> =
        v["path"]["hops"].as_array().into_iter().flatten().filter_map(|h| h["code"].as_str()).collect();
    assert!(codes.contains(&"TGW_BLACKHOLE"), "{codes:?}\n{v:#}");
    // On-premises through the hub's VPN: moto has no tunnel telemetry, so unknown.
    let (_, v, _) = reach(moto, "192.168.10.10", "22");
    assert_ne!(v["verdict"], "allowed", "no telemetry is never allowed: {v:#}");
}
