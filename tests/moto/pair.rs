//! production / production-pci against moto: only the app tiers may route across the
//! peering; a data-tier peering route is caught in either VPC.

use crate::harness as common;

use common::*;

fn route_findings(report: &serde_json::Value) -> Vec<(String, String)> {
    finding_pairs(report).into_iter().filter(|(r, _)| r.starts_with("route.")).collect()
}

#[test]
fn app_tier_peering_passes_in_both_vpcs() {
    let (moto, _g) = Moto::shared();
    moto.seed("pair", false);
    for design in ["config/designs/production.toml", "config/designs/production-pci.toml"] {
        let (code, report, stderr) =
            check_json(moto.driftdeck().args(["check", "--design", design, "--format", "json"]));
        assert_eq!(finding_pairs(&report), vec![], "{design}: {report:#}");
        assert_eq!(code, Some(0), "{design}: {stderr}");
        for (kind, status) in report["inventory"].as_object().expect("inventory") {
            assert_eq!(status["status"], "ok", "{design} {kind}: {status}");
        }
    }
}

#[test]
fn data_tier_peering_is_caught_in_either_vpc() {
    let (moto, _g) = Moto::shared();
    let ids = moto.seed("pair", true);
    for (design, rt) in
        [("config/designs/production.toml", "prod_rt_data"), ("config/designs/production-pci.toml", "pci_rt_data")]
    {
        let (code, report, _) = check_json(moto.driftdeck().args(["check", "--design", design, "--format", "json"]));
        assert_eq!(code, Some(1), "{design}");
        let rt_id = ids[rt].as_str().expect("id").to_string();
        assert_eq!(route_findings(&report), vec![("route.peering-forbidden".to_string(), rt_id)], "{design}");
        assert_eq!(finding_pairs(&report).len(), 1, "{design}: only the data-tier route: {report:#}");
    }
}
