//! `detector.guardduty-off`: `detectors.guardduty = true` and no GuardDuty detector in
//! the region is `ENABLED`. A GuardDuty call that was refused is unknown.

use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::{DetectorService, Kind};

pub struct R;
pub static RULE: R = R;
const ID: &str = "detector.guardduty-off";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Detectors]
    }
    fn applies(&self, d: &Design) -> bool {
        d.detectors.as_ref().is_some_and(|p| p.guardduty == Some(true))
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.detectors else { return };
        let region = cx.snap.region.as_str();
        let ours: Vec<_> = cx.snap.detectors.iter().filter(|d| d.service == DetectorService::GuardDuty).collect();
        if ours.iter().any(|d| d.enabled()) {
            return;
        }
        let f = FindingBuilder::new(ID, default_severity(ID), "detector", format!("guardduty/{region}"))
            .expected("an ENABLED GuardDuty detector")
            .evidence("region", region.to_string())
            .clause(format!("detectors.guardduty = true (line {})", policy.line));
        if let Some(err) = ours.iter().find_map(|d| d.error.as_deref()) {
            out.push(
                f.actual(format!("unknown: {err}"))
                    .evidence("verdict", "unknown")
                    .message(format!("unknown: GuardDuty in {region} could not be read: {err}")),
            );
            return;
        }
        let seen: Vec<String> = ours.iter().map(|d| format!("{} {}", d.id, d.status)).collect();
        let actual = if seen.is_empty() { "no detector".to_string() } else { seen.join("; ") };
        out.push(
            f.actual(actual.clone())
                .evidence("detectors", actual)
                .message(format!("GuardDuty is off in {region}: no enabled detector")),
        );
    }
}
