//! `detector.securityhub-off`: `detectors.securityhub = true` and Security Hub is not
//! enabled in the region (DescribeHub answers "not subscribed"). A refused call is unknown.

use super::{Rule, default_severity};
use crate::design::Design;
use crate::drift::{Context, FindingBuilder, Findings};
use model::{DetectorService, Kind};

pub struct R;
pub static RULE: R = R;
const ID: &str = "detector.securityhub-off";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Detectors]
    }
    fn applies(&self, d: &Design) -> bool {
        d.detectors.as_ref().is_some_and(|p| p.securityhub == Some(true))
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.detectors else { return };
        let region = cx.snap.region.as_str();
        let hub: Vec<_> = cx.snap.detectors.iter().filter(|d| d.service == DetectorService::SecurityHub).collect();
        if hub.iter().any(|d| d.enabled()) {
            return;
        }
        let f = FindingBuilder::new(ID, default_severity(ID), "detector", format!("securityhub/{region}"))
            .expected("Security Hub enabled")
            .evidence("region", region.to_string())
            .clause(format!("detectors.securityhub = true (line {})", policy.line));
        if let Some(err) = hub.iter().find_map(|d| d.error.as_deref()) {
            out.push(
                f.actual(format!("unknown: {err}"))
                    .evidence("verdict", "unknown")
                    .message(format!("unknown: Security Hub in {region} could not be read: {err}")),
            );
            return;
        }
        out.push(f.actual("not enabled").message(format!("Security Hub is not enabled in {region}")));
    }
}
