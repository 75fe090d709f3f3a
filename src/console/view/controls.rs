//! The Overview's "Controls" card as a view-model: one line per account control the design
//! checks (keys, instance metadata, detectors, the trail, EKS), each as designed, drifting
//! (how many findings, the worst first) or unknown (its inventory could not be read).

use crate::console::state::App;
use engine::drift::Severity;
use model::Kind;

/// What one control reads as now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    AsDesigned,
    /// Findings of the control: how many, the worst severity, the first rule.
    Drift {
        count: usize,
        worst: Severity,
        rule: String,
    },
    /// A kind it reads could not be fetched, or a finding says "unknown".
    Unknown(String),
}

/// One line of the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    pub label: &'static str,
    pub standing: Standing,
}

/// The controls the design on screen checks, in a fixed order.
pub fn controls(app: &App) -> Vec<Control> {
    let env = app.env();
    let d = &env.design;
    let det = d.detectors.as_ref();
    let areas: [(&'static str, bool, &[&str], &[Kind]); 5] = [
        ("KMS keys", d.kms.is_some(), &["kms."], &[Kind::KmsKeys]),
        ("IMDSv2", d.instances.is_some(), &["ec2.imdsv2"], &[Kind::LaunchTemplates, Kind::Instances]),
        (
            "Detectors",
            det.is_some_and(|x| x.guardduty.is_some() || x.securityhub.is_some()),
            &["detector."],
            &[Kind::Detectors],
        ),
        ("Trail", det.is_some_and(|x| x.cloudtrail.is_some()), &["trail."], &[Kind::Trails]),
        ("EKS", d.eks.is_some(), &["eks."], &[Kind::EksClusters, Kind::EksAccessEntries]),
    ];
    areas
        .into_iter()
        .filter(|(_, on, _, _)| *on)
        .map(|(label, _, prefixes, kinds)| {
            let unread: Vec<&str> =
                kinds.iter().filter(|k| env.report.unavailable.contains(k)).map(|k| k.as_str()).collect();
            let mine: Vec<_> =
                env.report.findings.iter().filter(|f| prefixes.iter().any(|p| f.rule.starts_with(p))).collect();
            let unknown =
                mine.iter().find(|f| f.evidence.iter().any(|(k, v)| k == "verdict" && v.as_str() == "unknown"));
            let standing = if !unread.is_empty() {
                Standing::Unknown(format!("{} unavailable", unread.join(", ")))
            } else if let Some(f) = unknown {
                Standing::Unknown(f.rule.to_string())
            } else if let Some(worst) = mine.iter().map(|f| f.severity).max() {
                let first = mine.iter().find(|f| f.severity == worst).map(|f| f.rule.to_string()).unwrap_or_default();
                Standing::Drift { count: mine.len(), worst, rule: first }
            } else {
                Standing::AsDesigned
            };
            Control { label, standing }
        })
        .collect()
}
