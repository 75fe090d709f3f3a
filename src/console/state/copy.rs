//! `y`, `Y` and `o`: the selected row's id, its ARN, or its AWS console address, copied
//! to the clipboard (the event loop writes it as OSC 52, which works over SSH and through
//! tmux) and said on the status line. What kind a resource is comes from its id prefix
//! or, for databases, caches and alarms, from the snapshot that lists it.

use super::{App, selected_finding, selected_ids, selected_subject};
use crate::console::action::{Effect, Pane};
use model::Snapshot;

/// What a resource id names, as far as the links need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Vpc,
    Subnet,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    NetworkAcl,
    Peering,
    Endpoint,
    DbInstance,
    DbCluster,
    CacheGroup,
    Alarm,
}

impl Resource {
    /// The kind of `id`: EC2 ids by prefix, the rest by what the snapshot lists.
    pub fn of(id: &str, snap: &Snapshot) -> Option<Resource> {
        let prefixed = [
            ("vpc-", Resource::Vpc),
            ("subnet-", Resource::Subnet),
            ("rtb-", Resource::RouteTable),
            ("sgr-", Resource::SecurityGroupRule),
            ("sg-", Resource::SecurityGroup),
            ("acl-", Resource::NetworkAcl),
            ("pcx-", Resource::Peering),
            ("vpce-", Resource::Endpoint),
        ];
        if let Some((_, r)) = prefixed.iter().find(|(p, _)| id.starts_with(p)) {
            return Some(*r);
        }
        if snap.db_instances.iter().any(|d| d.id == id) {
            Some(Resource::DbInstance)
        } else if snap.db_clusters.iter().any(|c| c.id == id) {
            Some(Resource::DbCluster)
        } else if snap.cache_replication_groups.iter().any(|c| c.id == id) {
            Some(Resource::CacheGroup)
        } else if snap.alarms.iter().any(|a| a.name == id) {
            Some(Resource::Alarm)
        } else {
            None
        }
    }
}

/// The partition of a region: China and GovCloud have their own.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The resource's ARN, in the formats of the service authorization reference.
pub fn arn(kind: Resource, id: &str, region: &str, account: &str) -> String {
    let p = partition(region);
    let ec2 = |t: &str| format!("arn:{p}:ec2:{region}:{account}:{t}/{id}");
    match kind {
        Resource::Vpc => ec2("vpc"),
        Resource::Subnet => ec2("subnet"),
        Resource::RouteTable => ec2("route-table"),
        Resource::SecurityGroup => ec2("security-group"),
        Resource::SecurityGroupRule => ec2("security-group-rule"),
        Resource::NetworkAcl => ec2("network-acl"),
        Resource::Peering => ec2("vpc-peering-connection"),
        Resource::Endpoint => ec2("vpc-endpoint"),
        Resource::DbInstance => format!("arn:{p}:rds:{region}:{account}:db:{id}"),
        Resource::DbCluster => format!("arn:{p}:rds:{region}:{account}:cluster:{id}"),
        Resource::CacheGroup => format!("arn:{p}:elasticache:{region}:{account}:replicationgroup:{id}"),
        Resource::Alarm => format!("arn:{p}:cloudwatch:{region}:{account}:alarm:{id}"),
    }
}

/// Percent-encode what a URL fragment cannot hold as it is (alarm names may hold spaces).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The AWS console page of the resource, in its region. `None` where the console has no
/// page of its own (a rule opens its group's page instead, by the caller).
/// The console's address in `region`, by partition.
fn host(region: &str) -> String {
    match partition(region) {
        "aws-cn" => format!("https://{region}.console.amazonaws.cn"),
        "aws-us-gov" => format!("https://{region}.console.amazonaws-us-gov.com"),
        _ => format!("https://{region}.console.aws.amazon.com"),
    }
}

pub fn console_url(kind: Resource, id: &str, region: &str) -> Option<String> {
    let host = host(region);
    let vpc = |frag: String| format!("{host}/vpcconsole/home?region={region}#{frag}");
    Some(match kind {
        Resource::Vpc => vpc(format!("VpcDetails:VpcId={id}")),
        Resource::Subnet => vpc(format!("SubnetDetails:subnetId={id}")),
        Resource::RouteTable => vpc(format!("RouteTableDetails:RouteTableId={id}")),
        Resource::SecurityGroup => format!("{host}/ec2/home?region={region}#SecurityGroup:groupId={id}"),
        Resource::NetworkAcl => vpc(format!("NetworkAclDetails:networkAclId={id}")),
        Resource::Peering => vpc(format!("PeeringConnectionDetails:VpcPeeringConnectionId={id}")),
        Resource::Endpoint => vpc(format!("EndpointDetails:vpcEndpointId={id}")),
        Resource::DbInstance => format!("{host}/rds/home?region={region}#database:id={id};is-cluster=false"),
        Resource::DbCluster => format!("{host}/rds/home?region={region}#database:id={id};is-cluster=true"),
        Resource::CacheGroup => format!("{host}/elasticache/home?region={region}#/redis/{id}"),
        Resource::Alarm => format!("{host}/cloudwatch/home?region={region}#alarmsV2:alarm/{}", encode(id)),
        Resource::SecurityGroupRule => return None,
    })
}

impl App {
    /// The id the selected row is about: a finding's resource, a row's subject (an alarm
    /// or Timeline line), else the row's first cell (a VPC, table, route, group, rule...).
    fn selected_id(&self) -> Option<String> {
        if let Some(event) = super::rows::selected_event(self) {
            return Some(event);
        }
        let finding = matches!(self.pane, Pane::Findings | Pane::Reach).then(|| selected_finding(self)).flatten();
        finding
            .map(|f| f.resource.to_string())
            .or_else(|| selected_subject(self))
            .or_else(|| selected_ids(self).next())
            .filter(|id| !id.is_empty())
    }

    /// `y` (`arn` false) and `Y` (true): copy the selected row's id or ARN.
    pub(super) fn copy_selected(&mut self, arn: bool) -> Option<Effect> {
        let Some(id) = self.selected_id() else {
            self.message = Some("nothing selected to copy".into());
            return None;
        };
        let text = if arn {
            let env = self.env();
            let Some(kind) = Resource::of(&id, &env.snapshot) else {
                self.message = Some(format!("{id} has no ARN driftdeck knows; `y` copies the id"));
                return None;
            };
            let Some(account) = env.snapshot.account.clone() else {
                self.message = Some(format!("the ARN of {id} needs the account, not known yet"));
                return None;
            };
            self::arn(kind, &id, &env.snapshot.region, &account)
        } else {
            id
        };
        self.message = Some(format!("copied {text}"));
        Some(Effect::Copy(text))
    }

    /// `o`: show the selected resource's AWS console address, and copy it.
    pub(super) fn open_selected(&mut self) -> Option<Effect> {
        let Some(id) = self.selected_id() else {
            self.message = Some("nothing selected to open".into());
            return None;
        };
        let env = self.env();
        let url = match super::rows::selected_event(self) {
            // A CloudTrail line: the event in the CloudTrail console's event history.
            Some(event) => Some(format!(
                "{}/cloudtrailv2/home?region={r}#/events/{event}",
                host(&env.snapshot.region),
                r = env.snapshot.region
            )),
            None => Resource::of(&id, &env.snapshot).and_then(|kind| console_url(kind, &id, &env.snapshot.region)),
        };
        match url {
            Some(url) => {
                // "copied" first: a long address is cut at the right edge of the status line.
                self.message = Some(format!("copied {url}"));
                Some(Effect::Copy(url))
            }
            None => {
                self.message = Some(format!("{id} has no AWS console page driftdeck knows"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_follow_each_services_format_and_partition() {
        let a = |k, id| arn(k, id, "eu-west-2", "123456789012");
        assert_eq!(a(Resource::SecurityGroup, "sg-1"), "arn:aws:ec2:eu-west-2:123456789012:security-group/sg-1");
        assert_eq!(a(Resource::RouteTable, "rtb-1"), "arn:aws:ec2:eu-west-2:123456789012:route-table/rtb-1");
        assert_eq!(a(Resource::DbInstance, "db-1"), "arn:aws:rds:eu-west-2:123456789012:db:db-1");
        assert_eq!(a(Resource::DbCluster, "c-1"), "arn:aws:rds:eu-west-2:123456789012:cluster:c-1");
        assert_eq!(
            a(Resource::CacheGroup, "sessions"),
            "arn:aws:elasticache:eu-west-2:123456789012:replicationgroup:sessions"
        );
        assert_eq!(a(Resource::Alarm, "cpu high"), "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:cpu high");
        assert_eq!(arn(Resource::Vpc, "vpc-1", "cn-north-1", "1"), "arn:aws-cn:ec2:cn-north-1:1:vpc/vpc-1");
    }

    #[test]
    fn console_addresses_are_in_the_resources_region() {
        let u = |k, id| console_url(k, id, "eu-west-2").expect("a page");
        assert_eq!(
            u(Resource::SecurityGroup, "sg-1"),
            "https://eu-west-2.console.aws.amazon.com/ec2/home?region=eu-west-2#SecurityGroup:groupId=sg-1"
        );
        assert!(u(Resource::RouteTable, "rtb-1").ends_with("#RouteTableDetails:RouteTableId=rtb-1"));
        assert!(u(Resource::DbCluster, "c-1").ends_with("#database:id=c-1;is-cluster=true"));
        assert!(u(Resource::Alarm, "cpu high/5xx").ends_with("#alarmsV2:alarm/cpu%20high%2F5xx"));
        assert!(u(Resource::Vpc, "vpc-1").starts_with("https://eu-west-2.console.aws.amazon.com/vpcconsole/"));
        assert_eq!(console_url(Resource::SecurityGroupRule, "sgr-1", "eu-west-2"), None);
    }
}
