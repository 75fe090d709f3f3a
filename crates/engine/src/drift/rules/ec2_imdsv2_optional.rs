//! `ec2.imdsv2-optional`: instance metadata does not require IMDSv2 (`HttpTokens` is
//! `optional`, or a launch template leaves it unset and so to AWS's default), or the
//! response hop limit is over `instances.max_hop_limit`. Judged on each launch template's
//! default and latest version and on each running instance in scope; the evidence names
//! which. Metadata switched off (`HttpEndpoint = disabled`) passes. A launch template
//! that leaves the hop limit unset is not judged on it (the instance reports the value
//! it got, and running instances are judged).

use super::{Rule, default_severity};
use crate::design::{Design, InstancePolicy};
use crate::drift::{Context, FindingBuilder, Findings};
use model::{Kind, MetadataOptions};

pub struct R;
pub static RULE: R = R;
const ID: &str = "ec2.imdsv2-optional";

impl Rule for R {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::LaunchTemplates, Kind::Instances]
    }
    fn applies(&self, d: &Design) -> bool {
        d.instances.as_ref().is_some_and(|i| i.imdsv2_required || i.max_hop_limit.is_some())
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.instances else { return };
        for lt in &cx.snap.launch_templates {
            for v in &lt.versions {
                let Some(problems) = problems(policy, &v.metadata, true) else { continue };
                let mut which = Vec::new();
                if v.number == lt.default_version {
                    which.push("default");
                }
                if v.number == lt.latest_version {
                    which.push("latest");
                }
                let which = if which.is_empty() { "version".to_string() } else { which.join(" and ") };
                let at = format!("{} ({}) version {} ({which})", lt.id, lt.name, v.number);
                out.push(finding(policy, "launch_template", &lt.id, &at, &v.metadata, problems));
            }
        }
        for i in &cx.snap.instances {
            if i.state != "running" || !cx.vpc_covered(i.vpc_id.as_deref()) {
                continue;
            }
            let Some(problems) = problems(policy, &i.metadata, false) else { continue };
            let from = i.launch_template.as_ref().map(|t| format!(" (from {})", t.id)).unwrap_or_default();
            let at = format!("running instance {}{from}", i.id);
            out.push(finding(policy, "instance", &i.id, &at, &i.metadata, problems));
        }
    }
}

/// What is wrong with one set of metadata options, or `None`.
fn problems(policy: &InstancePolicy, m: &MetadataOptions, template: bool) -> Option<Vec<String>> {
    if m.endpoint_disabled() {
        return None;
    }
    let mut out = Vec::new();
    if policy.imdsv2_required {
        match m.http_tokens.as_deref() {
            Some(t) if t.eq_ignore_ascii_case("required") => {}
            Some(t) => out.push(format!("HttpTokens = {t}")),
            None if template => out.push("HttpTokens not set (left to AWS's default, which allows IMDSv1)".into()),
            None => out.push("HttpTokens not reported".into()),
        }
    }
    if let (Some(max), Some(hops)) = (policy.max_hop_limit, m.hop_limit)
        && hops > max
    {
        out.push(format!("HttpPutResponseHopLimit = {hops} (max {max})"));
    }
    (!out.is_empty()).then_some(out)
}

fn finding(
    policy: &InstancePolicy,
    kind: &'static str,
    id: &str,
    at: &str,
    m: &MetadataOptions,
    problems: Vec<String>,
) -> crate::drift::Finding {
    let mut expected = Vec::new();
    if policy.imdsv2_required {
        expected.push("HttpTokens = required".to_string());
    }
    if let Some(max) = policy.max_hop_limit {
        expected.push(format!("HttpPutResponseHopLimit <= {max}"));
    }
    let hops = m.hop_limit.map(|h| h.to_string());
    FindingBuilder::new(ID, default_severity(ID), kind, id)
        .expected(expected.join(", "))
        .actual(problems.join(", "))
        .evidence("where", at.to_string())
        .evidence_opt("http_tokens", m.http_tokens.as_deref())
        .evidence_opt("hop_limit", hops.as_deref())
        .clause(format!("[instances] (line {})", policy.line))
        .message(format!("{at}: {}", problems.join(", ")))
}
