//! EC2 collectors: VPC flow logs: what traffic is recorded.
//! Paginators with the largest page the API allows; every page counts as one call.

use super::{PAGE, tags};
use crate::Aws;
use model::source::FetchError;
use model::*;

impl Aws {
    pub(crate) async fn flow_logs(&self) -> Result<Vec<FlowLog>, FetchError> {
        let stream = self.ec2.describe_flow_logs().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeFlowLogs", stream, |p| p
            .flow_logs()
            .iter()
            .map(|f| FlowLog {
                id: f.flow_log_id().unwrap_or_default().to_string(),
                resource_id: f.resource_id().unwrap_or_default().to_string(),
                traffic_type: f.traffic_type().map(|t| t.as_str().to_string()),
                destination_type: f.log_destination_type().map(|t| t.as_str().to_string()),
                destination: f.log_destination().map(str::to_string),
                log_group: f.log_group_name().map(str::to_string),
                status: f.flow_log_status().map(str::to_string),
                deliver_status: f.deliver_logs_status().map(str::to_string),
                tags: tags(f.tags()),
            })
            .collect::<Vec<_>>()))
    }
}
