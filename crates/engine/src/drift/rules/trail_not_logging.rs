//! `trail.not-logging`: no trail in the region does what `detectors.cloudtrail` asks:
//! log (GetTrailStatus `IsLogging`), cover every region, validate log files. One trail
//! must do all that is asked. A trail whose status could not be read is unknown when it
//! would otherwise qualify.

use super::{Rule, default_severity};
use crate::design::{Design, TrailPolicy};
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Kind, Trail};

pub struct R;
pub static RULE: R = R;
const ID: &str = "trail.not-logging";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Trails]
    }
    fn applies(&self, d: &Design) -> bool {
        d.detectors.as_ref().and_then(|p| p.cloudtrail.as_ref()).is_some_and(|t| {
            t.multi_region == Some(true) || t.logging == Some(true) || t.log_file_validation == Some(true)
        })
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = cx.design.detectors.as_ref().and_then(|p| p.cloudtrail.as_ref()) else { return };
        let region = cx.snap.region.as_str();
        let verdicts: Vec<Option<bool>> = cx.snap.trails.iter().map(|t| qualifies(policy, t)).collect();
        if verdicts.contains(&Some(true)) {
            return;
        }
        let want = wanted(policy);
        let seen: Vec<String> = cx.snap.trails.iter().map(describe).collect();
        let actual = if seen.is_empty() { "no trail".to_string() } else { seen.join("; ") };
        let f = FindingBuilder::new(ID, default_severity(ID), "trail", format!("cloudtrail/{region}"))
            .expected(format!("a trail that is {want}"))
            .evidence("region", region.to_string())
            .evidence("trails", actual.clone())
            .clause(format!("detectors.cloudtrail (line {})", policy.line));
        if verdicts.contains(&None) {
            out.push(f.actual(format!("unknown: {actual}")).evidence("verdict", "unknown").message(format!(
                "unknown: a trail in {region} may be {want}, but its logging status could not be read"
            )));
            return;
        }
        out.push(f.actual(actual).message(format!("no trail in {region} is {want}")));
    }
}

/// Does the trail do all that is asked? `None`: only its unread status decides.
fn qualifies(p: &TrailPolicy, t: &Trail) -> Option<bool> {
    if (p.multi_region == Some(true) && !t.multi_region)
        || (p.log_file_validation == Some(true) && !t.log_file_validation)
    {
        return Some(false);
    }
    if p.logging == Some(true) {
        return t.is_logging;
    }
    Some(true)
}

fn wanted(p: &TrailPolicy) -> String {
    let mut w = Vec::new();
    if p.logging == Some(true) {
        w.push("logging");
    }
    if p.multi_region == Some(true) {
        w.push("multi-region");
    }
    if p.log_file_validation == Some(true) {
        w.push("validating log files");
    }
    w.join(", ")
}

fn describe(t: &Trail) -> String {
    let logging = match t.is_logging {
        Some(true) => "logging",
        Some(false) => "not logging",
        None => "logging unknown",
    };
    format!(
        "{} ({logging}, {}, log file validation {})",
        t.name,
        if t.multi_region { "multi-region" } else { "single-region" },
        if t.log_file_validation { "on" } else { "off" }
    )
}
