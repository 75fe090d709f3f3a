//! Parsing of CloudTrail records (the `CloudTrailEvent` JSON string LookupEvents returns)
//! and of CloudWatch alarm-history `HistoryData`: pure code, no SDK.

use super::{Actor, ActorKind, Agent, AlarmTransition, Ask, ChangeEvent, VALUE_MAX, clip};
use crate::{RulePeer, SgRule};
use jiff::Timestamp;
use serde_json::Value;

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).filter(|x| !x.is_empty()).map(str::to_string)
}

/// The last `/`-separated part of an ARN (`.../assumed-role/Role/session` -> `session`).
fn arn_parts(arn: &str) -> Vec<&str> {
    arn.split_once(':').map_or(vec![], |_| arn.rsplit(':').next().unwrap_or("").split('/').collect())
}

/// `userIdentity` -> actor, for every type AWS documents.
pub fn actor(id: &Value) -> Actor {
    let kind = s(id, "type").unwrap_or_default();
    let arn = s(id, "arn");
    let issuer = id.pointer("/sessionContext/sessionIssuer");
    let (kind, name) = match kind.as_str() {
        "IAMUser" => (
            ActorKind::IamUser,
            s(id, "userName").or_else(|| arn.as_deref().and_then(|a| arn_parts(a).last().map(|x| x.to_string()))),
        ),
        "AssumedRole" => {
            // arn:aws:sts::ACC:assumed-role/ROLE/SESSION
            let parts = arn.as_deref().map(arn_parts).unwrap_or_default();
            let role = issuer.and_then(|i| s(i, "userName")).or_else(|| parts.get(1).map(|x| x.to_string()));
            let session = parts.get(2).map(|x| x.to_string());
            match (role, session) {
                // Identity Center sessions: the role is AWSReservedSSO_<PermissionSet>_<hash>
                // and the session name is the user.
                (Some(r), Some(user)) if r.starts_with("AWSReservedSSO_") => {
                    let set = r.trim_start_matches("AWSReservedSSO_");
                    let set = set.rsplit_once('_').map_or(set, |(p, _)| p);
                    (ActorKind::SsoUser, Some(format!("{user} (SSO {set})")))
                }
                (Some(r), Some(session)) => (ActorKind::AssumedRole, Some(format!("{r}/{session}"))),
                (Some(r), None) => (ActorKind::AssumedRole, Some(r)),
                (None, _) => (ActorKind::AssumedRole, s(id, "principalId")),
            }
        }
        "IdentityCenterUser" => (
            ActorKind::SsoUser,
            s(id, "userName")
                .or_else(|| id.pointer("/onBehalfOf/userId").and_then(Value::as_str).map(|u| format!("{u} (SSO)"))),
        ),
        "AWSService" => (ActorKind::AwsService, s(id, "invokedBy")),
        "Root" => (ActorKind::Root, Some("root".to_string())),
        "FederatedUser" => {
            // arn:aws:sts::ACC:federated-user/NAME
            let name = arn.as_deref().and_then(|a| arn_parts(a).get(1).map(|x| x.to_string()));
            (ActorKind::FederatedUser, name.or_else(|| s(id, "principalId")).map(|n| format!("{n} (federated)")))
        }
        "SAMLUser" | "WebIdentityUser" => (
            ActorKind::FederatedUser,
            s(id, "userName").or_else(|| s(id, "principalId")).map(|n| format!("{n} (federated)")),
        ),
        "AWSAccount" => (ActorKind::AwsAccount, s(id, "accountId").map(|a| format!("account {a}"))),
        other => (ActorKind::Unknown, Some(if other.is_empty() { "unknown".to_string() } else { other.to_string() })),
    };
    let name = name.unwrap_or_else(|| "unknown".to_string());
    let name = match human_behind(id) {
        Some(human) => format!("{human} via {name}"),
        None => name,
    };
    Actor { kind, name, arn }
}

/// The person behind a shared role, when the record names one: the STS source identity
/// (`sessionContext.sourceIdentity`, set at AssumeRole and kept through role chaining), or
/// the Identity Center user of an identity-enhanced session (`onBehalfOf.userId`, with
/// the identity store it belongs to). An `IdentityCenterUser` already names that user.
fn human_behind(id: &Value) -> Option<String> {
    if let Some(source) = id.pointer("/sessionContext/sourceIdentity").and_then(Value::as_str).filter(|x| !x.is_empty())
    {
        return Some(source.to_string());
    }
    if s(id, "type").as_deref() == Some("IdentityCenterUser") {
        return None;
    }
    let behalf = id.get("onBehalfOf")?;
    let user = s(behalf, "userId")?;
    // arn:aws:identitystore::ACC:identitystore/d-1234567890 -> d-1234567890
    let store = s(behalf, "identityStoreArn").and_then(|a| a.rsplit('/').next().map(str::to_string));
    Some(match store {
        Some(store) => format!("{user} (Identity Center {store})"),
        None => format!("{user} (Identity Center)"),
    })
}

/// The tool behind a call. Console calls come from `console.amazonaws.com` or
/// `console.<service>.amazonaws.com`; services call as `<service>.amazonaws.com`.
pub fn agent(user_agent: &str) -> Agent {
    let ua = user_agent.to_ascii_lowercase();
    if ua.contains("terraform") || ua.contains("opentofu") {
        Agent::Terraform
    } else if ua.contains("cloudformation") {
        Agent::CloudFormation
    } else if ua.starts_with("aws-cli/") {
        Agent::Cli
    } else if ua.contains("console.") || ua.starts_with("signin.amazonaws.com") || ua == "aws internal" {
        Agent::Console
    } else if ua.contains("aws-sdk-") || ua.contains("boto3/") || ua.contains("botocore/") || ua.contains("aws-sdk") {
        Agent::Sdk
    } else if ua.ends_with(".amazonaws.com") {
        Agent::Service
    } else {
        Agent::Other
    }
}

/// Request-parameter keys that name a resource, as the flat form spells them (the
/// wrapped form is brought to it first, see `flatten`).
const ID_KEYS: &[&str] = &[
    "groupId",
    "routeTableId",
    "dBInstanceIdentifier",
    "dBClusterIdentifier",
    "replicationGroupId",
    "alarmName",
    "alarmNames",
    "networkAclId",
    "prefixListId",
    "vpcPeeringConnectionId",
    "subnetId",
    "natGatewayId",
    "internetGatewayId",
    "egressOnlyInternetGatewayId",
    "flowLogId",
    "resourceId",
    "vpcEndpointId",
];

/// Keys under which ids also appear but that describe a rule's peer, not the resource.
const PEER_CONTAINERS: &[&str] = &[
    "ipPermissions",
    "groups",
    "userIdGroupPairs",
    "prefixListIds",
    "referencedGroupId",
    "referencedGroupInfo",
    // ModifySecurityGroupRules' new rule: its peer, not the group changed.
    "securityGroupRule",
];

/// Keys of a response that list other resources than the one the call changed: a
/// cluster's answer lists its member instances, which the call did not touch.
const MEMBER_CONTAINERS: &[&str] = &["dBClusterMembers", "readReplicaDBInstanceIdentifiers", "memberClusters"];

/// Request parameters that say how to call, not what to change.
const NOISE: &[&str] = &["applyImmediately", "clientToken", "dryRun"];

/// `FlowLogId` -> `flowLogId`: the wrapped form capitalises what the flat form does not.
fn flat_key(k: &str) -> String {
    let mut c = k.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Bring EC2's wrapped request form to the flat form, for every API alike:
/// `{"DeleteFlowLogsRequest":{"FlowLogId":{"content":"fl-1","tag":1}}}` becomes
/// `{"flowLogId":"fl-1"}`. The one `…Request` key is opened, each `{content, tag}` is
/// its content, and keys lose their capital. A `…Response` wrapper is opened alike.
fn flatten(params: &Value) -> Value {
    let inner = match params {
        Value::Object(m) if m.len() == 1 => match m.iter().next() {
            Some((k, v)) if (k.ends_with("Request") || k.ends_with("Response")) && v.is_object() => v,
            _ => params,
        },
        _ => params,
    };
    unwrap_values(inner)
}

fn unwrap_values(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            if let Some(content) = m.get("content")
                && m.keys().all(|k| k == "content" || k == "tag")
            {
                return unwrap_values(content);
            }
            Value::Object(m.iter().map(|(k, x)| (flat_key(k), unwrap_values(x))).collect())
        }
        Value::Array(xs) => Value::Array(xs.iter().map(unwrap_values).collect()),
        other => other.clone(),
    }
}

fn collect_ids(v: &Value, skip: &[&str], out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                if PEER_CONTAINERS.contains(&k.as_str()) || skip.contains(&k.as_str()) {
                    continue;
                }
                if ID_KEYS.contains(&k.as_str()) {
                    match val {
                        Value::String(x) if !x.is_empty() => out.push(x.clone()),
                        Value::Array(xs) => out.extend(xs.iter().filter_map(Value::as_str).map(str::to_string)),
                        other => collect_ids(other, skip, out),
                    }
                } else {
                    collect_ids(val, skip, out);
                }
            }
        }
        Value::Array(xs) => xs.iter().for_each(|x| collect_ids(x, skip, out)),
        _ => {}
    }
}

/// EC2 query lists come as `{"items": [...]}`; plain arrays are accepted too.
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(xs)) => xs.iter().collect(),
        Some(Value::Object(m)) => match m.get("items") {
            Some(Value::Array(xs)) => xs.iter().collect(),
            _ => vec![],
        },
        _ => vec![],
    }
}

fn int(v: Option<&Value>) -> Option<i32> {
    match v? {
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Normalise one permission through the model's own `SgRule`, so the labels are the
/// very strings the rules put in a finding's evidence.
fn rule_asks(protocol: &str, from: Option<i32>, to: Option<i32>, peers: Vec<RulePeer>, out: &mut Vec<Ask>) {
    for peer in peers {
        let r = SgRule {
            rule_id: None,
            protocol: protocol.to_string(),
            from_port: from,
            to_port: to,
            peer,
            description: None,
        };
        out.push(Ask::Rule {
            protocol: r.protocol_name().to_string(),
            ports: r.ports_label(),
            source: r.peer.describe(),
        });
    }
}

fn permission_peers(p: &Value) -> Vec<RulePeer> {
    let mut peers = Vec::new();
    for r in items(p.get("ipRanges")) {
        peers.extend(s(r, "cidrIp").map(RulePeer::Cidr4));
    }
    for r in items(p.get("ipv6Ranges")) {
        peers.extend(s(r, "cidrIpv6").map(RulePeer::Cidr6));
    }
    for r in items(p.get("prefixListIds")) {
        peers.extend(s(r, "prefixListId").map(RulePeer::PrefixList));
    }
    for r in items(p.get("groups")) {
        peers.extend(s(r, "groupId").map(RulePeer::Group));
    }
    peers
}

fn asks(event_name: &str, p: &Value) -> Vec<Ask> {
    let mut out = Vec::new();
    if event_name.contains("SecurityGroupIngress") || event_name.contains("SecurityGroupEgress") {
        for perm in items(p.get("ipPermissions")) {
            let proto = s(perm, "ipProtocol").unwrap_or_else(|| "-1".into());
            rule_asks(&proto, int(perm.get("fromPort")), int(perm.get("toPort")), permission_peers(perm), &mut out);
        }
        // The flat (legacy) form: cidrIp + ipProtocol + ports at the top level.
        if let Some(cidr) = s(p, "cidrIp") {
            let proto = s(p, "ipProtocol").unwrap_or_else(|| "-1".into());
            rule_asks(&proto, int(p.get("fromPort")), int(p.get("toPort")), vec![RulePeer::Cidr4(cidr)], &mut out);
        }
    } else if event_name == "ModifySecurityGroupRules" {
        // Flattened already: the wrapped form's `SecurityGroupRule` is `securityGroupRule`.
        for item in items(p.get("securityGroupRule"))
            .into_iter()
            .chain(p.get("securityGroupRule").filter(|v| v.is_object() && v.get("items").is_none()))
        {
            let rule = item.get("securityGroupRule").unwrap_or(item);
            let proto = s(rule, "ipProtocol").unwrap_or_else(|| "-1".into());
            let mut peers = Vec::new();
            peers.extend(s(rule, "cidrIpv4").map(RulePeer::Cidr4));
            peers.extend(s(rule, "cidrIpv6").map(RulePeer::Cidr6));
            peers.extend(s(rule, "prefixListId").map(RulePeer::PrefixList));
            peers.extend(s(rule, "referencedGroupId").map(RulePeer::Group));
            rule_asks(&proto, int(rule.get("fromPort")), int(rule.get("toPort")), peers, &mut out);
        }
    } else if matches!(event_name, "CreateRoute" | "ReplaceRoute" | "DeleteRoute") {
        let destination = ["destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"]
            .iter()
            .find_map(|k| s(p, k));
        let target = [
            "gatewayId",
            "natGatewayId",
            "vpcPeeringConnectionId",
            "transitGatewayId",
            "egressOnlyInternetGatewayId",
            "networkInterfaceId",
            "instanceId",
            "vpcEndpointId",
            "localGatewayId",
            "carrierGatewayId",
            "coreNetworkArn",
        ]
        .iter()
        .find_map(|k| s(p, k));
        if let Some(destination) = destination {
            out.push(Ask::Route { destination, target });
        }
    } else if let Value::Object(m) = p {
        // Any other call: what it set, parameter by parameter, for the engine to map to
        // the attributes each touches. Ids name the resource (in `resources`), not a change.
        for (k, v) in m.iter().filter(|(k, _)| !NOISE.contains(&k.as_str()) && !ID_KEYS.contains(&k.as_str())) {
            out.push(Ask::Set { param: k.clone(), value: show_value(v) });
        }
    }
    out
}

/// A parameter's value as shown: scalars as they are, lists and objects as compact JSON,
/// bounded either way.
fn show_value(v: &Value) -> String {
    let text = match v {
        Value::String(x) => x.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    };
    clip(&text, VALUE_MAX)
}

/// Calls whose resource's id may be known only from the response.
fn creates(event_name: &str) -> bool {
    ["Create", "Restore", "Copy"].iter().any(|p| event_name.starts_with(p))
}

/// What LookupEvents says about an event beside its record: `Resources[].ResourceName`,
/// `EventName` and `EventTime`. A trail file's record has none of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Envelope<'a> {
    pub resources: &'a [String],
    pub event_name: Option<&'a str>,
    pub event_time: Option<Timestamp>,
}

/// Parse one CloudTrail record. `api_resources` are the `Resources[].ResourceName` the
/// LookupEvents answer listed; when empty, ids come from the request parameters.
pub fn parse_record(json: &str, api_resources: &[String]) -> Result<ChangeEvent, String> {
    parse_lookup_event(json, &Envelope { resources: api_resources, ..Envelope::default() })
}

/// Parse one record as LookupEvents returns it: the envelope's name and time stand in
/// when the record lacks its own, so such a record is read rather than skipped.
pub fn parse_lookup_event(json: &str, envelope: &Envelope<'_>) -> Result<ChangeEvent, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| format!("CloudTrail record is not JSON: {e}"))?;
    let name = s(&v, "eventName")
        .or_else(|| envelope.event_name.filter(|n| !n.is_empty()).map(str::to_string))
        .ok_or("CloudTrail record without eventName")?;
    let time: Timestamp = match (s(&v, "eventTime"), envelope.event_time) {
        (Some(t), _) => t.parse().map_err(|e| format!("CloudTrail eventTime: {e}"))?,
        (None, Some(t)) => t,
        (None, None) => return Err("CloudTrail record without eventTime".into()),
    };
    let params = flatten(v.get("requestParameters").unwrap_or(&Value::Null));
    let mut resources: Vec<String> = envelope.resources.iter().filter(|r| !r.is_empty()).cloned().collect();
    // Resources[] names the group or table, but not always; the request always does.
    if matches!(name.as_str(), "CreateRoute" | "ReplaceRoute" | "DeleteRoute") {
        // A route's target (pcx-, nat-, igw-) is named in the request but not changed.
        resources.extend(s(&params, "routeTableId"));
    } else {
        collect_ids(&params, &[], &mut resources);
    }
    // A created resource's id is only in the response (CreateSecurityGroup's groupId).
    // Other answers describe the resource's surroundings too (a modified member names its
    // cluster), which the call did not change.
    if creates(&name)
        && let Some(resp) = v.get("responseElements")
    {
        let mut created = Vec::new();
        collect_ids(&flatten(resp), MEMBER_CONTAINERS, &mut created);
        resources.extend(created);
    }
    let mut seen = std::collections::BTreeSet::new();
    resources.retain(|r| seen.insert(r.clone()));
    let user_agent = s(&v, "userAgent");
    let id = v.get("userIdentity").cloned().unwrap_or(Value::Null);
    let mut agent = user_agent.as_deref().map_or(Agent::Other, agent);
    if s(&id, "invokedBy").is_some_and(|i| i.contains("cloudformation")) {
        agent = Agent::CloudFormation;
    }
    let error = s(&v, "errorCode").map(|code| match s(&v, "errorMessage") {
        Some(m) => format!("{code}: {m}"),
        None => code,
    });
    Ok(ChangeEvent {
        id: s(&v, "eventID").unwrap_or_default(),
        asked: asks(&name, &params),
        time,
        source: s(&v, "eventSource").unwrap_or_default(),
        actor: actor(&id),
        source_ip: s(&v, "sourceIPAddress"),
        user_agent,
        agent,
        resources,
        error,
        name,
    })
}

/// A StateUpdate item's `HistoryData`: `{"oldState": {"stateValue", "stateReason"}, "newState": ...}`.
pub fn parse_alarm_history_data(alarm: &str, time: Timestamp, data: &str) -> Result<AlarmTransition, String> {
    let v: Value = serde_json::from_str(data).map_err(|e| format!("alarm history of {alarm} is not JSON: {e}"))?;
    let state = |which: &str| v.get(which).and_then(|x| s(x, "stateValue"));
    Ok(AlarmTransition {
        time,
        alarm: alarm.to_string(),
        old_state: state("oldState").unwrap_or_else(|| "?".into()),
        new_state: state("newState").ok_or_else(|| format!("alarm history of {alarm} has no newState"))?,
        reason: v.get("newState").and_then(|x| s(x, "stateReason")),
    })
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
