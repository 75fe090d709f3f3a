//! JUnit XML through `quick-junit`, as GitLab and Jenkins read it: one test suite per
//! rule, one test case per rule × resource (passing checks included, so the count
//! means something), failures carrying message, expected, actual and evidence.

use super::{Doc, Outcome};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

pub fn to_report(doc: &Doc) -> Report {
    let mut report = Report::new(format!("driftdeck {} {}", doc.command, doc.design.environment.name));
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for case in &doc.cases {
        let status = match &case.outcome {
            Outcome::Pass => TestCaseStatus::success(),
            Outcome::Fail { status } | Outcome::Unknown { why: status } => {
                let kind = if matches!(case.outcome, Outcome::Fail { .. }) {
                    NonSuccessKind::Failure
                } else {
                    NonSuccessKind::Error
                };
                let mut s = TestCaseStatus::non_success(kind);
                if let Some(f) = &case.finding {
                    s.set_message(f.message.clone()).set_type(format!("{} {}", f.severity, status));
                    let mut body = format!("expected: {}\nactual: {}\n", f.expected, f.actual);
                    for (k, v) in &f.evidence {
                        body.push_str(&format!("{k}: {v}\n"));
                    }
                    if let Some(c) = &f.clause {
                        body.push_str(&format!("clause: {c}\n"));
                    }
                    for n in &case.notes {
                        body.push_str(&format!("{n}\n"));
                    }
                    s.set_description(body);
                } else {
                    s.set_message(status.clone());
                }
                s
            }
        };
        let mut tc = TestCase::new(case.resource.clone(), status);
        // Jenkins drops reports with an empty classname.
        tc.set_classname(format!("driftdeck.{}", case.rule));
        suites.entry(case.rule.as_str()).or_insert_with(|| TestSuite::new(case.rule.clone())).add_test_case(tc);
    }
    report.add_test_suites(suites.into_values());
    report
}

pub fn to_string(doc: &Doc) -> Result<String, String> {
    to_report(doc).to_string().map(|s| s + "\n").map_err(|e| format!("cannot encode JUnit XML: {e}"))
}
