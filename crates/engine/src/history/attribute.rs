//! Attribution: which change introduced a finding. Pure; it never guesses: when no
//! event in the window explains a finding it says so.

use super::touches::{self, touched};
use super::{Ask, ChangeEvent};
use crate::drift::Finding;
use jiff::Timestamp;
use serde::Serialize;

/// How a finding came to be, as far as the window's history can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Attribution {
    /// The change that introduced it. `exact` when the request matched the finding's
    /// rule or route or named a parameter its rule reads; not exact when the resource's
    /// creation set the attribute by default.
    Changed { event: Box<ChangeEvent>, exact: bool },
    /// Nothing in the window touched the resource: the change predates `since`.
    OlderThanWindow { since: Timestamp },
    /// The resource was changed in the window, but no change asked for this rule or
    /// route: the cause is older, or came another way.
    NoMatchingChange { since: Timestamp, other_changes: usize },
    /// History could not be read: unknown, never "nothing changed".
    Unavailable { reason: String },
}

impl Attribution {
    /// Why a change is blamed, for a detail view and `changed_by.how`: it asked for what
    /// the finding reads, or it created the resource and the default set it.
    pub fn how(&self) -> Option<&'static str> {
        match self {
            Attribution::Changed { exact: true, .. } => Some("the request asked for what this finding reads"),
            Attribution::Changed { exact: false, .. } => {
                Some("it created the resource, whose default set what this finding reads")
            }
            _ => None,
        }
    }

    /// Short cell for a table: `platform-deploy/alice 3h ago`, `older than 24h window`.
    pub fn short(&self, now: Timestamp) -> String {
        match self {
            Attribution::Changed { event, .. } => format!("{} {}", event.actor.display(), super::age(event.time, now)),
            Attribution::OlderThanWindow { .. } => "older than the window".into(),
            Attribution::NoMatchingChange { .. } => "no matching change".into(),
            Attribution::Unavailable { .. } => "history unavailable".into(),
        }
    }
}

/// What a finding's evidence says the offending request would have asked for.
fn wanted(f: &Finding) -> Option<Ask> {
    let ev = |k: &str| f.evidence.get(k).map(|v| v.to_string());
    match f.resource_kind.as_str() {
        "security_group" => Some(Ask::Rule { protocol: ev("protocol")?, ports: ev("ports")?, source: ev("source")? }),
        // A missing route is explained by whatever removed or replaced that destination,
        // so only the destination has to match.
        "route_table" => Some(Ask::Route { destination: ev("destination")?, target: None }),
        _ => None,
    }
}

fn matches(want: &Ask, got: &Ask) -> bool {
    match (want, got) {
        (Ask::Rule { .. }, Ask::Rule { .. }) => want == got,
        (Ask::Route { destination: a, .. }, Ask::Route { destination: b, .. }) => a == b,
        _ => false,
    }
}

/// Whether `e` explains `f`, and how exactly: `Some(true)` when the request asked for
/// the finding's rule or route, or named a parameter the rule reads; `Some(false)` when
/// it created the resource and set that attribute by default; `None` when it touched
/// nothing the finding reads.
fn explains(f: &Finding, e: &ChangeEvent) -> Option<bool> {
    if cannot_cause(f, e) {
        return None;
    }
    if let Some(want) = wanted(f)
        && e.asked.iter().any(|a| matches(&want, a))
    {
        return Some(true);
    }
    let reads = touches::reads(&f.rule);
    touched(e, &f.resource_kind).into_iter().filter(|t| reads.contains(&t.attr)).map(|t| t.explicit).max()
}

/// Calls on the very rule, route or entry that still cannot have brought the finding
/// about: revoking a rule opens nothing, deleting a route cannot add one (it can only
/// make one missing), and an ACL entry matters only for the entry reported or one
/// evaluated before it.
fn cannot_cause(f: &Finding, e: &ChangeEvent) -> bool {
    let name = e.name.as_str();
    match f.resource_kind.as_str() {
        "security_group" => name.starts_with("Revoke"),
        "route_table" => name == "DeleteRoute" && !touches::judges_absence(&f.rule),
        "network_acl" if name.ends_with("NetworkAclEntry") => !acl_entry_may_cause(f, e),
        _ => false,
    }
}

/// The finding reports the first ingress entry that lets the port in. An entry call on
/// that entry can have made it so, and so can replacing an entry evaluated before it (it
/// may have been the deny that stopped it) or deleting one; an egress entry cannot.
fn acl_entry_may_cause(f: &Finding, e: &ChangeEvent) -> bool {
    let set = |p: &str| {
        e.asked.iter().find_map(|a| match a {
            Ask::Set { param, value } if param == p => Some(value.as_str()),
            _ => None,
        })
    };
    if set("egress") == Some("true") {
        return false;
    }
    let asked = set("ruleNumber").and_then(|v| v.parse::<u32>().ok());
    // `*` is the default entry, evaluated last.
    let reported =
        f.evidence.get("rule_number").and_then(|r| if r == "*" { Some(32767) } else { r.parse::<u32>().ok() });
    let (Some(n), Some(r)) = (asked, reported) else { return true };
    match e.name.as_str() {
        "CreateNetworkAclEntry" => n == r,
        "ReplaceNetworkAclEntry" => n <= r,
        "DeleteNetworkAclEntry" => n < r,
        _ => true,
    }
}

/// The latest successful change on the finding's resource, at or before `first_seen`,
/// that touched what the finding reads: for a security-group rule or a route the very
/// rule or route, for anything else an attribute its rule reads (see `touches`). Never
/// merely the latest write: a change that asked for something else does not explain.
/// `events` need not be sorted. `window_start` is the oldest instant history covers.
pub fn attribute(f: &Finding, events: &[ChangeEvent], first_seen: Timestamp, window_start: Timestamp) -> Attribution {
    let on_resource: Vec<&ChangeEvent> = events
        .iter()
        .filter(|e| !e.failed() && e.touches(&f.resource) && e.time <= first_seen && e.time >= window_start)
        .collect();
    let found = on_resource
        .iter()
        .filter_map(|e| explains(f, e).map(|exact| (*e, exact)))
        .max_by_key(|(e, _)| (e.time, e.id.clone()))
        .map(|(e, exact)| (e.clone(), exact));
    match found {
        Some((event, exact)) => Attribution::Changed { event: Box::new(event), exact },
        None if on_resource.is_empty() => Attribution::OlderThanWindow { since: window_start },
        None => Attribution::NoMatchingChange { since: window_start, other_changes: on_resource.len() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::{FindingBuilder, Severity};
    use crate::history::{Actor, ActorKind, Agent};

    fn t(s: &str) -> Timestamp {
        s.parse().expect("ts")
    }

    fn ev(id: &str, at: &str, name: &str, resource: &str, asked: Vec<Ask>, who: &str) -> ChangeEvent {
        ChangeEvent {
            id: id.into(),
            time: t(at),
            name: name.into(),
            source: "ec2.amazonaws.com".into(),
            actor: Actor { kind: ActorKind::AssumedRole, name: who.into(), arn: None },
            source_ip: None,
            user_agent: None,
            agent: Agent::Cli,
            resources: vec![resource.into()],
            asked,
            error: None,
        }
    }

    fn rule(proto: &str, ports: &str, source: &str) -> Ask {
        Ask::Rule { protocol: proto.into(), ports: ports.into(), source: source.into() }
    }

    fn ssh_finding() -> Finding {
        FindingBuilder::new("sg.admin-port-open", Severity::Critical, "security_group", "sg-1")
            .evidence("protocol", "tcp")
            .evidence("ports", "22")
            .evidence("source", "0.0.0.0/0")
            .message("ssh open")
    }

    const START: &str = "2026-11-22T12:00:00Z";
    const SEEN: &str = "2026-11-23T12:00:00Z";

    #[test]
    fn rule_level_match_beats_a_later_change_to_the_same_group() {
        let events = vec![
            ev(
                "1",
                "2026-11-23T09:00:00Z",
                "AuthorizeSecurityGroupIngress",
                "sg-1",
                vec![rule("tcp", "22", "0.0.0.0/0")],
                "ops/alice",
            ),
            ev(
                "2",
                "2026-11-23T10:00:00Z",
                "AuthorizeSecurityGroupIngress",
                "sg-1",
                vec![rule("tcp", "443", "10.0.0.0/8")],
                "ops/bob",
            ),
        ];
        match attribute(&ssh_finding(), &events, t(SEEN), t(START)) {
            Attribution::Changed { event, exact } => {
                assert_eq!((event.actor.name.as_str(), exact), ("ops/alice", true))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn failed_attempts_and_later_events_never_explain() {
        let mut failed = ev(
            "1",
            "2026-11-23T09:00:00Z",
            "AuthorizeSecurityGroupIngress",
            "sg-1",
            vec![rule("tcp", "22", "0.0.0.0/0")],
            "ops/mallory",
        );
        failed.error = Some("Client.UnauthorizedOperation".into());
        let later = ev(
            "2",
            "2026-11-23T13:00:00Z",
            "AuthorizeSecurityGroupIngress",
            "sg-1",
            vec![rule("tcp", "22", "0.0.0.0/0")],
            "ops/carol",
        );
        assert_eq!(
            attribute(&ssh_finding(), &[failed, later], t(SEEN), t(START)),
            Attribution::OlderThanWindow { since: t(START) }
        );
    }

    #[test]
    fn other_changes_to_the_group_are_not_a_guess() {
        let events = vec![ev(
            "2",
            "2026-11-23T10:00:00Z",
            "AuthorizeSecurityGroupIngress",
            "sg-1",
            vec![rule("tcp", "443", "10.0.0.0/8")],
            "ops/bob",
        )];
        assert_eq!(
            attribute(&ssh_finding(), &events, t(SEEN), t(START)),
            Attribution::NoMatchingChange { since: t(START), other_changes: 1 }
        );
    }

    #[test]
    fn events_before_the_window_are_ignored() {
        let events = vec![ev(
            "1",
            "2026-11-20T09:00:00Z",
            "AuthorizeSecurityGroupIngress",
            "sg-1",
            vec![rule("tcp", "22", "0.0.0.0/0")],
            "ops/alice",
        )];
        assert!(matches!(attribute(&ssh_finding(), &events, t(SEEN), t(START)), Attribution::OlderThanWindow { .. }));
    }

    #[test]
    fn routes_match_on_destination() {
        let f = FindingBuilder::new("route.peering-forbidden", Severity::Critical, "route_table", "rtb-1")
            .evidence("destination", "10.50.0.0/16")
            .evidence("target", "pcx-1")
            .message("peering");
        let route = |d: &str| vec![Ask::Route { destination: d.into(), target: Some("pcx-1".into()) }];
        let events = vec![
            ev("1", "2026-11-23T08:00:00Z", "CreateRoute", "rtb-1", route("10.50.0.0/16"), "net/dave"),
            ev("2", "2026-11-23T11:00:00Z", "CreateRoute", "rtb-1", route("10.60.0.0/16"), "net/erin"),
            ev("3", "2026-11-23T11:30:00Z", "AssociateRouteTable", "rtb-1", vec![], "net/erin"),
        ];
        match attribute(&f, &events, t(SEEN), t(START)) {
            Attribution::Changed { event, exact } => assert_eq!((event.id.as_str(), exact), ("1", true)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_write_that_asked_for_nothing_the_rule_reads_is_not_a_guess() {
        // Before issue 19 the latest write on the resource was blamed, whatever it asked.
        let f = FindingBuilder::new("rds.multi-az", Severity::High, "db_instance", "db-1").message("single az");
        let events = vec![
            ev("1", "2026-11-23T08:00:00Z", "ModifyDBInstance", "db-1", vec![], "dba/frank"),
            ev("2", "2026-11-23T09:00:00Z", "RebootDBInstance", "db-1", vec![], "dba/grace"),
            ev("3", "2026-11-23T09:30:00Z", "ModifyDBInstance", "db-2", vec![], "dba/heidi"),
        ];
        let a = attribute(&f, &events, t(SEEN), t(START));
        assert_eq!(a, Attribution::NoMatchingChange { since: t(START), other_changes: 2 });
        assert_eq!(a.short(t(SEEN)), "no matching change");
    }
}
