//! SARIF 2.1.0 through `serde-sarif`, shaped for GitHub code scanning: every rule with
//! id, descriptions, help and `security-severity`; every result with a physical location
//! (the design file and the line of the violated clause) and stable partial fingerprints.

use super::{Doc, Outcome, fingerprint, rules};
use crate::drift::Severity;
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium | Severity::Low => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

pub fn to_sarif(doc: &Doc) -> Sarif {
    let rule_list: Vec<ReportingDescriptor> = rules::RULES
        .iter()
        .map(|(id, sev, short, full)| {
            let sev = doc.design.severity.get(*id).copied().unwrap_or(*sev);
            let mut props = BTreeMap::new();
            props.insert("security-severity".to_string(), json!(rules::security_severity(sev)));
            props.insert("problem.severity".to_string(), json!(sev.as_str()));
            ReportingDescriptor::builder()
                .id(*id)
                .name(*id)
                .short_description(text(short))
                .full_description(text(full))
                .help(text(&format!("{full} Design: {}.", doc.design.source)))
                .properties(
                    PropertyBag::builder().tags(vec!["driftdeck".to_string()]).additional_properties(props).build(),
                )
                .build()
        })
        .collect();
    // An empty uri is rejected by GitHub; a design path is never empty, but be safe.
    let uri = if doc.design.source.is_empty() { "design.toml".to_string() } else { doc.design.source.clone() };
    let mut rule_list = rule_list;
    // Described only when a result uses them: they carry no `security-severity`, which
    // the catalogue's rules always do.
    let used = |id: &str| doc.cases.iter().any(|c| c.finding.is_none() && c.rule == id);
    if doc.command == "plan" {
        rule_list.extend(PLACEMENT.iter().filter(|(id, _, _)| used(id)).map(|(id, short, full)| {
            ReportingDescriptor::builder()
                .id(*id)
                .name(*id)
                .short_description(text(short))
                .full_description(text(full))
                .help(text(full))
                .properties(PropertyBag::builder().tags(vec!["driftdeck".to_string()]).build())
                .build()
        }));
    }
    let mut results = Vec::new();
    for case in &doc.cases {
        let Some(f) = &case.finding else {
            if let (Outcome::Unknown { why }, Some(addr)) = (&case.outcome, &case.logical) {
                results.push(unplaced(case, why, addr, &uri, &rule_list));
            }
            continue;
        };
        let status = match &case.outcome {
            Outcome::Pass => continue,
            Outcome::Fail { status } => status.clone(),
            Outcome::Unknown { why } => format!("unknown: {why}"),
        };
        let line = doc.clause_line(f).max(1) as i64;
        let mut logical = vec![
            LogicalLocation::builder()
                .name(f.resource.clone())
                .kind("resource")
                .fully_qualified_name(format!("{}/{}", f.resource_kind, f.resource))
                .build(),
        ];
        if let Some(addr) = &case.logical {
            logical.push(LogicalLocation::builder().name(addr.clone()).kind("terraform").build());
        }
        let location = Location::builder()
            .physical_location(
                PhysicalLocation::builder()
                    .artifact_location(ArtifactLocation::builder().uri(uri.clone()).build())
                    .region(Region::builder().start_line(line).build())
                    .build(),
            )
            .logical_locations(logical)
            .build();
        let mut message = f.message.to_string();
        for n in &case.notes {
            message.push_str(&format!("\n{n}"));
        }
        let mut props = BTreeMap::new();
        props.insert("severity".to_string(), json!(f.severity.as_str()));
        props.insert("status".to_string(), json!(status));
        props.insert("expected".to_string(), json!(f.expected));
        props.insert("actual".to_string(), json!(f.actual));
        props.insert("evidence".to_string(), json!(f.evidence));
        let mut fp = BTreeMap::new();
        fp.insert("driftdeckFinding/v1".to_string(), fingerprint(f));
        let idx = rules::RULES.iter().position(|r| r.0 == f.rule).map(|i| i as i64);
        let mut r = SarifResult::builder()
            .rule_id(f.rule.clone())
            .level(level(f.severity))
            .message(Message::builder().text(message).build())
            .locations(vec![location])
            .partial_fingerprints(fp)
            .properties(PropertyBag::builder().additional_properties(props).build())
            .build();
        r.rule_index = idx;
        results.push(r);
    }
    let driver = ToolComponent::builder().name("driftdeck").version(env!("CARGO_PKG_VERSION")).rules(rule_list).build();
    let run = Run::builder().tool(Tool::builder().driver(driver).build()).results(results).build();
    Sarif::builder().schema(SCHEMA_URI).version(json!("2.1.0")).runs(vec![run]).build()
}

/// The two results a plan gives for changes it could not place (no severity: they say
/// what could not be judged, not what is wrong).
const PLACEMENT: [(&str, &str, &str); 2] = [
    (
        super::PLAN_NOT_IN_INVENTORY,
        "Planned change not in the inventory",
        "The planned change lands on a resource the inventory does not hold; applying will not resolve this.",
    ),
    (
        super::PLAN_UNPLACED,
        "Planned change unknown until apply",
        "The planned change lands on a resource whose id Terraform knows only after apply.",
    ),
];

/// A result for a planned change that could not be placed: a warning located at the
/// design file (a physical location is mandatory) and at its Terraform address.
fn unplaced(case: &super::Case, why: &str, addr: &str, uri: &str, rules: &[ReportingDescriptor]) -> SarifResult {
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri.to_string()).build())
                .region(Region::builder().start_line(1).build())
                .build(),
        )
        .logical_locations(vec![LogicalLocation::builder().name(addr.to_string()).kind("terraform").build()])
        .build();
    let mut props = BTreeMap::new();
    props.insert("status".to_string(), json!(case.status));
    let mut fp = BTreeMap::new();
    fp.insert("driftdeckChange/v1".to_string(), format!("{}/{addr}", case.rule));
    let mut r = SarifResult::builder()
        .rule_id(case.rule.clone())
        .level(ResultLevel::Warning)
        .message(Message::builder().text(format!("{addr}: {why}")).build())
        .locations(vec![location])
        .partial_fingerprints(fp)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    r.rule_index = rules.iter().position(|d| d.id == case.rule).map(|i| i as i64);
    r
}

pub fn to_string(doc: &Doc) -> Result<String, String> {
    serde_json::to_string_pretty(&to_sarif(doc)).map(|s| s + "\n").map_err(|e| format!("cannot encode SARIF: {e}"))
}
