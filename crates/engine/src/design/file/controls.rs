//! The account controls of a design file: `[kms]`, `[instances]`, `[detectors]` and
//! `[eks]`, converted and cross-checked (rotation periods AWS refuses, unknown CIDR sets,
//! invalid globs are errors). Every key is optional; an omitted key is not checked.

use super::Ctx;
use crate::design::*;
use serde::Deserialize;
use serde_spanned::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KmsFile {
    #[serde(default)]
    keys: Vec<Spanned<String>>,
    rotation: Option<bool>,
    /// A number of days; read as any value so "monthly" gets a message that says what to write.
    rotation_period_days: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InstancesFile {
    imdsv2: Option<Spanned<String>>,
    max_hop_limit: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DetectorsFile {
    guardduty: Option<bool>,
    securityhub: Option<bool>,
    cloudtrail: Option<Spanned<TrailFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrailFile {
    multi_region: Option<bool>,
    logging: Option<bool>,
    log_file_validation: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EksFile {
    public_endpoint_from: Option<Vec<Spanned<String>>>,
    admins: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    viewers: Vec<Spanned<String>>,
}

/// AWS's range for a KMS key's automatic rotation period, in days.
pub const ROTATION_DAYS: std::ops::RangeInclusive<i64> = 90..=2560;

pub(super) fn convert_kms(cx: &mut Ctx<'_>, f: &Spanned<KmsFile>) -> KmsPolicy {
    let line = cx.line_of(&f.span());
    let k = f.get_ref();
    for key in &k.keys {
        if key.get_ref().trim().is_empty() {
            cx.err(key.span(), "kms.keys: empty name; expected an alias such as `alias/data` or a key id".into());
        }
    }
    let rotation_period_days = k.rotation_period_days.as_ref().and_then(|v| match v.get_ref() {
        toml::Value::Integer(d) if ROTATION_DAYS.contains(d) => i32::try_from(*d).ok(),
        toml::Value::Integer(d) => {
            cx.err(
                v.span(),
                format!("kms.rotation_period_days: found {d}, expected 90 to 2560 days (AWS's range), e.g. 365"),
            );
            None
        }
        other => {
            cx.err(
                v.span(),
                format!(
                    "kms.rotation_period_days: found `{other}`, expected a number of days from 90 to 2560 (AWS rotates no more often than every 90 days), e.g. 365"
                ),
            );
            None
        }
    });
    KmsPolicy {
        keys: k.keys.iter().map(|s| s.get_ref().clone()).collect(),
        rotation: k.rotation,
        rotation_period_days,
        line,
    }
}

pub(super) fn convert_instances(cx: &mut Ctx<'_>, f: &Spanned<InstancesFile>) -> Option<InstancePolicy> {
    let line = cx.line_of(&f.span());
    let i = f.get_ref();
    let imdsv2_required = match &i.imdsv2 {
        Some(s) => cx.choice(s, "instances.imdsv2", &[("required", true), ("any", false)])?,
        None => false,
    };
    let max_hop_limit = match &i.max_hop_limit {
        Some(h) if (1..=64).contains(h.get_ref()) => i32::try_from(*h.get_ref()).ok(),
        Some(h) => {
            cx.err(h.span(), format!("instances.max_hop_limit: found {}, expected 1 to 64 (AWS's range)", h.get_ref()));
            None
        }
        None => None,
    };
    Some(InstancePolicy { imdsv2_required, max_hop_limit, line })
}

pub(super) fn convert_detectors(cx: &mut Ctx<'_>, f: &Spanned<DetectorsFile>) -> DetectorPolicy {
    let d = f.get_ref();
    DetectorPolicy {
        guardduty: d.guardduty,
        securityhub: d.securityhub,
        cloudtrail: d.cloudtrail.as_ref().map(|t| TrailPolicy {
            multi_region: t.get_ref().multi_region,
            logging: t.get_ref().logging,
            log_file_validation: t.get_ref().log_file_validation,
            line: cx.line_of(&t.span()),
        }),
        line: cx.line_of(&f.span()),
    }
}

pub(super) fn convert_eks(cx: &mut Ctx<'_>, f: &Spanned<EksFile>, sets: &BTreeMap<String, Vec<IpNet>>) -> EksPolicy {
    let line = cx.line_of(&f.span());
    let e = f.get_ref();
    let public_endpoint_from = e.public_endpoint_from.as_ref().map(|names| {
        let mut out = Vec::new();
        for n in names {
            if sets.contains_key(n.get_ref()) {
                out.push(n.get_ref().clone());
            } else {
                let have: Vec<&str> = sets.keys().map(String::as_str).collect();
                cx.err(
                    n.span(),
                    format!(
                        "eks.public_endpoint_from: unknown cidr set `{}`; defined sets: {}",
                        n.get_ref(),
                        if have.is_empty() { "none".to_string() } else { have.join(", ") }
                    ),
                );
            }
        }
        out
    });
    let mut globs = |list: &[Spanned<String>], what: &str| -> Vec<(String, GlobMatcher)> {
        list.iter().filter_map(|g| Some((g.get_ref().clone(), cx.glob(g, what)?))).collect()
    };
    let admins = e.admins.as_ref().map(|a| globs(a, "eks.admins"));
    let viewers = globs(&e.viewers, "eks.viewers");
    EksPolicy { public_endpoint_from, admins, viewers, line }
}
