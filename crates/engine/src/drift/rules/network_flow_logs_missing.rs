//! `network.flow-logs-missing`: an in-scope VPC has no active flow log recording the
//! traffic the design asks for. `ALL` is covered by an `ALL` log or by an `ACCEPT` and a
//! `REJECT` log together; `ACCEPT`/`REJECT` are covered by themselves or `ALL`. A flow
//! log that is not `ACTIVE` does not count; subnet- and interface-level logs do not
//! cover a VPC. Retention is not checked (it lives in CloudWatch Logs, not read here).

use super::{Rule, default_severity};
use crate::design::{Design, FlowTraffic};
use crate::drift::{Context, FindingBuilder, Findings};
use model::Kind;

pub struct FlowLogsMissing;
pub static RULE: FlowLogsMissing = FlowLogsMissing;
const ID: &str = "network.flow-logs-missing";

impl Rule for FlowLogsMissing {
    fn id(&self) -> &'static str {
        ID
    }
    fn needs(&self) -> &'static [Kind] {
        &[Kind::Vpcs, Kind::FlowLogs]
    }
    fn applies(&self, d: &Design) -> bool {
        d.network.flow_logs.is_some()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(policy) = &cx.design.network.flow_logs else { return };
        let want = policy.traffic;
        for vpc in &cx.vpcs {
            let logs: Vec<_> = cx.snap.flow_logs.iter().filter(|f| &f.resource_id == vpc).collect();
            let active: Vec<&str> = logs
                .iter()
                .filter(|f| f.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE")))
                .filter_map(|f| f.traffic_type.as_deref())
                .collect();
            let has = |t: &str| active.iter().any(|a| a.eq_ignore_ascii_case(t));
            let covered = match want {
                FlowTraffic::All => has("ALL") || (has("ACCEPT") && has("REJECT")),
                FlowTraffic::Accept => has("ALL") || has("ACCEPT"),
                FlowTraffic::Reject => has("ALL") || has("REJECT"),
            };
            if covered {
                continue;
            }
            let seen: Vec<String> = logs
                .iter()
                .map(|f| {
                    format!(
                        "{} {} {}",
                        f.id,
                        f.traffic_type.as_deref().unwrap_or("?"),
                        f.status.as_deref().unwrap_or("status unknown")
                    )
                })
                .collect();
            let actual = if seen.is_empty() { "no flow log on the VPC".to_string() } else { seen.join("; ") };
            out.push(
                FindingBuilder::new(ID, default_severity(ID), "vpc", vpc)
                    .expected(format!("an active flow log recording {} traffic", want.as_str()))
                    .actual(actual.clone())
                    .evidence("vpc", vpc.clone())
                    .evidence("traffic_required", want.as_str())
                    .evidence("flow_logs", actual)
                    .clause(format!("network.flow_logs = {{ traffic = \"{}\" }} (line {})", want.as_str(), policy.line))
                    .message(format!("{vpc} has no active flow log recording {} traffic", want.as_str())),
            );
        }
    }
}
