//! EC2 collectors: instance metadata, on launch templates (their default and latest
//! versions: what new instances get) and on instances (what each one has now).

use super::{PAGE, tags};
use crate::Aws;
use aws_sdk_ec2::types as t;
use model::source::FetchError;
use model::*;

/// DescribeLaunchTemplates pages hold at most 200 templates.
const TEMPLATE_PAGE: i32 = 200;

impl Aws {
    pub(crate) async fn launch_templates(&self) -> Result<Vec<LaunchTemplate>, FetchError> {
        let stream = self.ec2.describe_launch_templates().max_results(TEMPLATE_PAGE).into_paginator().send();
        let mut templates = pages!(self, "ec2:DescribeLaunchTemplates", stream, |p| p
            .launch_templates()
            .iter()
            .map(|x| LaunchTemplate {
                id: x.launch_template_id().unwrap_or_default().to_string(),
                name: x.launch_template_name().unwrap_or_default().to_string(),
                default_version: x.default_version_number().unwrap_or(1),
                latest_version: x.latest_version_number().unwrap_or(1),
                versions: Vec::new(),
                tags: tags(x.tags()),
            })
            .collect::<Vec<_>>());
        // `$Default` and `$Latest` name versions of one template only: a call each.
        for lt in &mut templates {
            let stream = self
                .ec2
                .describe_launch_template_versions()
                .launch_template_id(&lt.id)
                .versions("$Default")
                .versions("$Latest")
                .into_paginator()
                .send();
            let mut versions = pages!(self, "ec2:DescribeLaunchTemplateVersions", stream, |p| p
                .launch_template_versions()
                .iter()
                .map(|v| LaunchTemplateVersion {
                    number: v.version_number().unwrap_or_default(),
                    metadata: template_metadata(v.launch_template_data().and_then(|d| d.metadata_options())),
                })
                .collect::<Vec<_>>());
            versions.sort_by_key(|v| v.number);
            versions.dedup_by_key(|v| v.number);
            lt.versions = versions;
        }
        Ok(templates)
    }

    pub(crate) async fn instances(&self) -> Result<Vec<Instance>, FetchError> {
        let stream = self.ec2.describe_instances().max_results(PAGE).into_paginator().send();
        Ok(pages!(self, "ec2:DescribeInstances", stream, |p| p
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .map(instance)
            .collect::<Vec<_>>()))
    }
}

/// A launch template leaves unset what it does not say (AWS's defaults then apply).
fn template_metadata(m: Option<&t::LaunchTemplateInstanceMetadataOptions>) -> MetadataOptions {
    MetadataOptions {
        http_tokens: m.and_then(|m| m.http_tokens()).map(|x| x.as_str().to_string()),
        hop_limit: m.and_then(|m| m.http_put_response_hop_limit()),
        http_endpoint: m.and_then(|m| m.http_endpoint()).map(|x| x.as_str().to_string()),
    }
}

fn instance(i: &t::Instance) -> Instance {
    let m = i.metadata_options();
    let tag = |k: &str| i.tags().iter().find(|x| x.key() == Some(k)).and_then(|x| x.value()).map(str::to_string);
    Instance {
        id: i.instance_id().unwrap_or_default().to_string(),
        state: i.state().and_then(|s| s.name()).map_or("unknown", |n| n.as_str()).to_string(),
        vpc_id: i.vpc_id().map(str::to_string),
        metadata: MetadataOptions {
            http_tokens: m.and_then(|m| m.http_tokens()).map(|x| x.as_str().to_string()),
            hop_limit: m.and_then(|m| m.http_put_response_hop_limit()),
            http_endpoint: m.and_then(|m| m.http_endpoint()).map(|x| x.as_str().to_string()),
        },
        // EC2 tags an instance launched from a template with the template and version.
        launch_template: tag("aws:ec2launchtemplate:id")
            .map(|id| LaunchTemplateRef { id, version: tag("aws:ec2launchtemplate:version") }),
        tags: tags(i.tags()),
    }
}
