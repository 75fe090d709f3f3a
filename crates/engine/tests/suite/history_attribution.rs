//! Attribution over parsed CloudTrail records (issue 19, items 8-12): a change explains a
//! finding only if what it asked touches what the finding reads.
//!
//! Records follow "CloudTrail record contents" (AWS CloudTrail User Guide); request
//! parameters are those of each API reference as CloudTrail logs them (lower camel case:
//! RDS `ModifyDBInstance` / `ModifyDBCluster`, ElastiCache `ModifyReplicationGroup`,
//! CloudWatch `PutMetricAlarm` / `SetAlarmState` / `DisableAlarmActions`, EC2's flat
//! form and its wrapped `…Request` form with `content`/`tag` values).

use engine::drift::{Finding, FindingBuilder, Severity};
use engine::formats::history as fmt;
use engine::history::{Attr, Attribution, ChangeEvent, History, attribute, parse_record, touched};
use jiff::Timestamp;

const START: &str = "2026-11-22T12:00:00Z";
const SEEN: &str = "2026-11-23T12:00:00Z";

fn t(s: &str) -> Timestamp {
    s.parse().expect("ts")
}

/// One record as CloudTrail writes it, made by an IAM user at `at`.
fn record(at: &str, source: &str, name: &str, params: &str, response: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/dba","accountId":"123456789012","userName":"dba"}},
        "eventTime":"{at}","eventSource":"{source}","eventName":"{name}","awsRegion":"eu-west-2","sourceIPAddress":"203.0.113.10",
        "userAgent":"aws-cli/2.22.3","requestParameters":{params},"responseElements":{response},
        "requestID":"r-1","eventID":"e-{name}","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,
        "recipientAccountId":"123456789012","eventCategory":"Management"}}"#
    )
}

fn event(source: &str, name: &str, params: &str, response: &str) -> ChangeEvent {
    parse_record(&record("2026-11-23T09:00:00Z", source, name, params, response), &[]).expect(name)
}

fn finding(rule: &'static str, kind: &'static str, resource: &str) -> Finding {
    let b = FindingBuilder::new(rule, Severity::High, kind, resource);
    match rule {
        "sg.admin-port-open" => b.evidence("protocol", "tcp").evidence("ports", "22").evidence("source", "0.0.0.0/0"),
        "route.internet-missing" => b.evidence("destination", "0.0.0.0/0"),
        "route.peering-forbidden" => b.evidence("destination", "10.50.0.0/16").evidence("target", "pcx-1"),
        "nacl.admin-port-open" => {
            b.evidence("rule_number", "100").evidence("port", "22").evidence("source", "0.0.0.0/0")
        }
        _ => b,
    }
    .message("finding")
}

#[derive(Debug, PartialEq)]
enum Want {
    /// Explained; `true` when a parameter named what the rule reads.
    Explains(bool),
    NoMatch,
}
use Want::*;

const RDS: &str = "rds.amazonaws.com";
const CACHE: &str = "elasticache.amazonaws.com";
const CW: &str = "monitoring.amazonaws.com";
const EC2: &str = "ec2.amazonaws.com";

/// (event source, name, request parameters, response, finding's rule, kind, resource, expected).
type Row = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, Want);

// One row a line: the table reads as the rules it states.
#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let public = r#"{"dBInstanceIdentifier":"db-1","publiclyAccessible":true,"applyImmediately":true}"#;
    let retention = r#"{"dBClusterIdentifier":"c-1","backupRetentionPeriod":1,"applyImmediately":true}"#;
    let create_db = r#"{"dBInstanceIdentifier":"db-1","dBInstanceClass":"db.t3.micro","engine":"postgres","allocatedStorage":20,"masterUsername":"admin","masterUserPassword":"HIDDEN_DUE_TO_SECURITY_REASONS","storageEncrypted":false}"#;
    let member = r#"{"dBInstanceIdentifier":"c-1-b","dBClusterIdentifier":"c-1","dBInstanceClass":"db.r6g.large","engine":"aurora-postgresql","availabilityZone":"eu-west-2b"}"#;
    let create_rg = r#"{"replicationGroupId":"redis-1","replicationGroupDescription":"cache","engine":"redis","cacheNodeType":"cache.t3.micro","numCacheClusters":2}"#;
    let acl_entry = r#"{"networkAclId":"acl-1","ruleNumber":100,"egress":false,"ruleAction":"allow","protocol":"6","portRange":{"from":22,"to":22},"cidrBlock":"0.0.0.0/0"}"#;
    let put_alarm = r#"{"alarmName":"a-1","metricName":"CPUUtilization","namespace":"AWS/RDS","statistic":"Average","period":300,"evaluationPeriods":1,"threshold":80.0,"comparisonOperator":"GreaterThanThreshold","actionsEnabled":false}"#;
    let flow_logs = r#"{"CreateFlowLogsRequest":{"ResourceId":{"content":"vpc-1","tag":1},"ResourceType":"VPC","TrafficType":"REJECT","LogDestinationType":"cloud-watch-logs","LogGroupName":"flow","DeliverLogsPermissionArn":"arn:aws:iam::123456789012:role/flow"}}"#;
    let ssh = r#"{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#;
    let new_sg = r#"{"groupName":"scratch","groupDescription":"tmp","vpcId":"vpc-1"}"#;
    let none = "null";
    let (db, cl, rg, al, acl, vpc, rtb, sg) = ("db_instance", "db_cluster", "cache_replication_group", "alarm", "network_acl", "vpc", "route_table", "security_group");
    vec![
        // ModifyDBInstance that asked only publiclyAccessible=true.
        (RDS, "ModifyDBInstance", public, none, "rds.public", db, "db-1", Explains(true)),
        (RDS, "ModifyDBInstance", public, none, "rds.encryption", db, "db-1", NoMatch),
        (RDS, "ModifyDBInstance", public, none, "rds.multi-az", db, "db-1", NoMatch),
        (RDS, "ModifyDBInstance", public, none, "rds.backup-retention", db, "db-1", NoMatch),
        (RDS, "ModifyDBInstance", public, none, "rds.deletion-protection", db, "db-1", NoMatch),
        (RDS, "ModifyDBInstance", public, none, "rds.instance-class", db, "db-1", NoMatch),
        // Each parameter explains its own attribute.
        (RDS, "ModifyDBInstance", r#"{"dBInstanceIdentifier":"db-1","multiAZ":false}"#, none, "rds.multi-az", db, "db-1", Explains(true)),
        (RDS, "ModifyDBInstance", r#"{"dBInstanceIdentifier":"db-1","backupRetentionPeriod":0}"#, none, "rds.backup-retention", db, "db-1", Explains(true)),
        (RDS, "ModifyDBInstance", r#"{"dBInstanceIdentifier":"db-1","deletionProtection":false}"#, none, "rds.deletion-protection", db, "db-1", Explains(true)),
        (RDS, "ModifyDBInstance", r#"{"dBInstanceIdentifier":"db-1","dBInstanceClass":"db.t3.micro"}"#, none, "rds.instance-class", db, "db-1", Explains(true)),
        // ModifyDBCluster that asked only backupRetentionPeriod.
        (RDS, "ModifyDBCluster", retention, none, "rds.backup-retention", cl, "c-1", Explains(true)),
        (RDS, "ModifyDBCluster", retention, none, "rds.multi-az", cl, "c-1", NoMatch),
        (RDS, "ModifyDBCluster", retention, none, "rds.encryption", cl, "c-1", NoMatch),
        (RDS, "ModifyDBCluster", r#"{"dBClusterIdentifier":"c-1","deletionProtection":false}"#, none, "rds.deletion-protection", cl, "c-1", Explains(true)),
        // Create* explains every attribute it set: named, or by default.
        (RDS, "CreateDBInstance", create_db, none, "rds.encryption", db, "db-1", Explains(true)),
        (RDS, "CreateDBInstance", create_db, none, "rds.multi-az", db, "db-1", Explains(false)),
        (RDS, "CreateDBCluster", r#"{"dBClusterIdentifier":"c-1","engine":"aurora-postgresql","storageEncrypted":false}"#, none, "rds.encryption", cl, "c-1", Explains(true)),
        // A new member joins its cluster: its zones, nothing else of the cluster.
        (RDS, "CreateDBInstance", member, none, "rds.multi-az", cl, "c-1", Explains(true)),
        (RDS, "CreateDBInstance", member, none, "rds.encryption", cl, "c-1", NoMatch),
        // ElastiCache
        (CACHE, "ModifyReplicationGroup", r#"{"replicationGroupId":"redis-1","multiAZEnabled":false,"applyImmediately":true}"#, none, "cache.multi-az", rg, "redis-1", Explains(true)),
        (CACHE, "ModifyReplicationGroup", r#"{"replicationGroupId":"redis-1","multiAZEnabled":false}"#, none, "cache.encryption", rg, "redis-1", NoMatch),
        (CACHE, "ModifyReplicationGroup", r#"{"replicationGroupId":"redis-1","automaticFailoverEnabled":false}"#, none, "cache.automatic-failover", rg, "redis-1", Explains(true)),
        (CACHE, "ModifyReplicationGroup", r#"{"replicationGroupId":"redis-1","transitEncryptionEnabled":false}"#, none, "cache.encryption", rg, "redis-1", Explains(true)),
        (CACHE, "ModifyReplicationGroup", r#"{"replicationGroupId":"redis-1","cacheNodeType":"cache.t3.small"}"#, none, "cache.multi-az", rg, "redis-1", NoMatch),
        (CACHE, "CreateReplicationGroup", create_rg, none, "cache.encryption", rg, "redis-1", Explains(false)),
        // CloudWatch
        (CW, "DisableAlarmActions", r#"{"alarmNames":["a-1"]}"#, none, "alarm.actions-disabled", al, "a-1", Explains(true)),
        (CW, "DisableAlarmActions", r#"{"alarmNames":["a-1"]}"#, none, "alarm.firing", al, "a-1", NoMatch),
        (CW, "SetAlarmState", r#"{"alarmName":"a-1","stateValue":"ALARM","stateReason":"test"}"#, none, "alarm.firing", al, "a-1", Explains(true)),
        (CW, "SetAlarmState", r#"{"alarmName":"a-1","stateValue":"ALARM","stateReason":"test"}"#, none, "alarm.actions-disabled", al, "a-1", NoMatch),
        (CW, "PutMetricAlarm", put_alarm, none, "alarm.actions-disabled", al, "a-1", Explains(true)),
        (CW, "PutMetricAlarm", put_alarm, none, "alarm.insufficient-data", al, "a-1", Explains(false)),
        // EC2: network ACLs and their entries (the reported entry is ingress rule 100).
        (EC2, "CreateNetworkAclEntry", acl_entry, none, "nacl.admin-port-open", acl, "acl-1", Explains(true)),
        (EC2, "ReplaceNetworkAclAssociation", r#"{"associationId":"aclassoc-1","networkAclId":"acl-1"}"#, none, "nacl.admin-port-open", acl, "acl-1", Explains(true)),
        (EC2, "CreateNetworkAcl", r#"{"vpcId":"vpc-1"}"#, r#"{"networkAcl":{"networkAclId":"acl-1","vpcId":"vpc-1","isDefault":false}}"#, "nacl.admin-port-open", acl, "acl-1", NoMatch),
        (EC2, "CreateNetworkAclEntry", r#"{"networkAclId":"acl-1","ruleNumber":100,"egress":true,"ruleAction":"allow","protocol":"-1","cidrBlock":"0.0.0.0/0"}"#, none, "nacl.admin-port-open", acl, "acl-1", NoMatch),
        (EC2, "CreateNetworkAclEntry", r#"{"networkAclId":"acl-1","ruleNumber":200,"egress":false,"ruleAction":"allow","protocol":"6","portRange":{"from":443,"to":443},"cidrBlock":"0.0.0.0/0"}"#, none, "nacl.admin-port-open", acl, "acl-1", NoMatch),
        (EC2, "ReplaceNetworkAclEntry", r#"{"networkAclId":"acl-1","ruleNumber":90,"egress":false,"ruleAction":"allow","protocol":"6","portRange":{"from":80,"to":80},"cidrBlock":"0.0.0.0/0"}"#, none, "nacl.admin-port-open", acl, "acl-1", Explains(true)),
        (EC2, "DeleteNetworkAclEntry", r#"{"networkAclId":"acl-1","ruleNumber":50,"egress":false}"#, none, "nacl.admin-port-open", acl, "acl-1", Explains(true)),
        (EC2, "DeleteNetworkAclEntry", r#"{"networkAclId":"acl-1","ruleNumber":150,"egress":false}"#, none, "nacl.admin-port-open", acl, "acl-1", NoMatch),
        // EC2: flow logs (the wrapped form)
        (EC2, "CreateFlowLogs", flow_logs, none, "network.flow-logs-missing", vpc, "vpc-1", Explains(true)),
        (EC2, "CreateFlowLogs", flow_logs, none, "network.endpoint-missing", vpc, "vpc-1", NoMatch),
        // EC2: routes, route tables and their associations; a deletion only makes a route missing.
        (EC2, "AssociateRouteTable", r#"{"routeTableId":"rtb-1","subnetId":"subnet-1"}"#, none, "route.internet-missing", rtb, "rtb-1", Explains(true)),
        (EC2, "AssociateRouteTable", r#"{"routeTableId":"rtb-1","subnetId":"subnet-1"}"#, none, "route.peering-forbidden", rtb, "rtb-1", NoMatch),
        (EC2, "CreateRoute", r#"{"routeTableId":"rtb-1","destinationCidrBlock":"10.50.0.0/16","vpcPeeringConnectionId":"pcx-1"}"#, none, "route.peering-forbidden", rtb, "rtb-1", Explains(true)),
        (EC2, "DeleteRoute", r#"{"routeTableId":"rtb-1","destinationCidrBlock":"10.50.0.0/16"}"#, none, "route.peering-forbidden", rtb, "rtb-1", NoMatch),
        (EC2, "DeleteRoute", r#"{"routeTableId":"rtb-1","destinationCidrBlock":"0.0.0.0/0"}"#, none, "route.internet-missing", rtb, "rtb-1", Explains(true)),
        // EC2: security groups and their rules; revoking opens nothing.
        (EC2, "AuthorizeSecurityGroupIngress", ssh, none, "sg.admin-port-open", sg, "sg-1", Explains(true)),
        (EC2, "AuthorizeSecurityGroupIngress", ssh, none, "sg.unclassified", sg, "sg-1", NoMatch),
        (EC2, "RevokeSecurityGroupIngress", ssh, none, "sg.admin-port-open", sg, "sg-1", NoMatch),
        (EC2, "CreateSecurityGroup", new_sg, r#"{"groupId":"sg-1"}"#, "sg.unclassified", sg, "sg-1", Explains(true)),
        (EC2, "CreateSecurityGroup", new_sg, r#"{"groupId":"sg-1"}"#, "sg.admin-port-open", sg, "sg-1", NoMatch),
    ]
}

/// Issue 19 item 8, one row per event and rule: explained only where the request
/// touched what the rule reads; otherwise "no matching change", never the write itself.
#[test]
fn a_change_explains_only_what_it_asked_for() {
    let mut wrong = Vec::new();
    for (source, name, params, response, rule, kind, resource, want) in rows() {
        let e = event(source, name, params, response);
        assert!(e.touches(resource), "{name} must touch {resource}: {:?}", e.resources);
        let got = match attribute(&finding(rule, kind, resource), &[e], t(SEEN), t(START)) {
            Attribution::Changed { exact, .. } => Explains(exact),
            Attribution::NoMatchingChange { other_changes: 1, .. } => NoMatch,
            other => panic!("{name} / {rule}: {other:?}"),
        };
        if got != want {
            wrong.push(format!("{name} {params} / {rule}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The later change that asked for the attribute wins over the creation's default; a
/// later write that asked for something else does not.
#[test]
fn the_latest_change_that_touched_the_attribute_is_blamed() {
    let at =
        |when: &str, name: &str, params: &str| parse_record(&record(when, RDS, name, params, "null"), &[]).expect(name);
    let events = vec![
        at(
            "2026-11-23T08:00:00Z",
            "CreateDBInstance",
            r#"{"dBInstanceIdentifier":"db-1","dBInstanceClass":"db.t3.micro","engine":"postgres"}"#,
        ),
        at("2026-11-23T09:00:00Z", "ModifyDBInstance", r#"{"dBInstanceIdentifier":"db-1","multiAZ":false}"#),
        at("2026-11-23T10:00:00Z", "ModifyDBInstance", r#"{"dBInstanceIdentifier":"db-1","publiclyAccessible":true}"#),
    ];
    let blame = |rule| match attribute(&finding(rule, "db_instance", "db-1"), &events, t(SEEN), t(START)) {
        Attribution::Changed { event, exact } => (event.time.to_string(), exact),
        other => panic!("{rule}: {other:?}"),
    };
    assert_eq!(blame("rds.multi-az"), ("2026-11-23T09:00:00Z".into(), true));
    assert_eq!(blame("rds.encryption"), ("2026-11-23T08:00:00Z".into(), false), "set by the creation's default");
    let by_default = attribute(&finding("rds.encryption", "db_instance", "db-1"), &events, t(SEEN), t(START));
    assert_eq!(
        fmt::changed_by_json(&by_default)["how"],
        "it created the resource, whose default set what this finding reads"
    );
    assert_eq!(blame("rds.public"), ("2026-11-23T10:00:00Z".into(), true));
    // Only the window's unrelated writes: the honest answer.
    let later = &events[2..];
    assert!(matches!(
        attribute(&finding("rds.encryption", "db_instance", "db-1"), later, t(SEEN), t(START)),
        Attribution::NoMatchingChange { other_changes: 1, .. }
    ));
    assert!(matches!(
        attribute(&finding("rds.encryption", "db_instance", "db-2"), &events, t(SEEN), t(START)),
        Attribution::OlderThanWindow { .. }
    ));
}

/// The table itself, for calls whose resource is not a finding's (endpoints and flow
/// logs are named by their own ids): what each touches.
#[test]
fn calls_on_endpoints_and_flow_logs_touch_their_attribute() {
    let cases = [
        (
            "DeleteVpcEndpoints",
            r#"{"DeleteVpcEndpointsRequest":{"VpcEndpointId":{"content":"vpce-1","tag":1}}}"#,
            Attr::Endpoints,
        ),
        (
            "ModifyVpcEndpoint",
            r#"{"ModifyVpcEndpointRequest":{"VpcEndpointId":"vpce-1","ResetPolicy":true}}"#,
            Attr::Endpoints,
        ),
        ("DeleteFlowLogs", r#"{"DeleteFlowLogsRequest":{"FlowLogId":{"content":"fl-1","tag":1}}}"#, Attr::FlowLogs),
        (
            "ReplaceRouteTableAssociation",
            r#"{"associationId":"rtbassoc-1","routeTableId":"rtb-1"}"#,
            Attr::RouteAssociation,
        ),
        ("DeleteNetworkAclEntry", r#"{"networkAclId":"acl-1","ruleNumber":100,"egress":false}"#, Attr::AclEntries),
        ("EnableAlarmActions", r#"{"alarmNames":["a-1"]}"#, Attr::AlarmActions),
        ("DeleteAlarms", r#"{"alarmNames":["a-1"]}"#, Attr::AlarmExists),
    ];
    for (name, params, attr) in cases {
        let e = event(EC2, name, params, "null");
        let got: Vec<Attr> = touched(&e, "any").into_iter().map(|t| t.attr).collect();
        assert_eq!(got, vec![attr], "{name}");
    }
    let reboot = event(RDS, "RebootDBInstance", r#"{"dBInstanceIdentifier":"db-1","forceFailover":true}"#, "null");
    assert!(touched(&reboot, "db_instance").is_empty(), "a reboot changes no attribute");
}

/// Issue 19 item 9 through attribution: a cluster's change does not land on a member.
#[test]
fn a_cluster_change_is_not_blamed_on_its_members() {
    let e = event(
        RDS,
        "ModifyDBCluster",
        r#"{"dBClusterIdentifier":"c-1","backupRetentionPeriod":1}"#,
        r#"{"dBClusterIdentifier":"c-1","backupRetentionPeriod":1,"dBClusterMembers":[{"dBInstanceIdentifier":"c-1-a","isClusterWriter":true}]}"#,
    );
    let f = finding("rds.backup-retention", "db_instance", "c-1-a");
    assert!(matches!(attribute(&f, &[e], t(SEEN), t(START)), Attribution::OlderThanWindow { .. }));
}

/// Issue 19 item 11: `changed_by` names the person behind the role ("CloudTrail
/// userIdentity element", `sessionContext.sourceIdentity`).
#[test]
fn changed_by_names_the_person_behind_the_role() {
    let json = record("2026-11-23T09:00:00Z", RDS, "ModifyDBInstance", r#"{"dBInstanceIdentifier":"db-1","publiclyAccessible":true}"#, "null")
        .replace(
            r#"{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/dba","accountId":"123456789012","userName":"dba"}"#,
            r#"{"type":"AssumedRole","principalId":"AROAEXAMPLE:ci-run-42","arn":"arn:aws:sts::123456789012:assumed-role/platform-deploy/ci-run-42","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::123456789012:role/platform-deploy","accountId":"123456789012","userName":"platform-deploy"},"attributes":{"creationDate":"2026-11-23T08:00:00Z","mfaAuthenticated":"false"},"sourceIdentity":"alice"}}"#,
        );
    let e = parse_record(&json, &[]).expect("parse");
    let a = attribute(&finding("rds.public", "db_instance", "db-1"), &[e], t(SEEN), t(START));
    assert_eq!(fmt::changed_by_json(&a)["actor"], "alice via platform-deploy/ci-run-42");
}

fn history_with_skips() -> History {
    let mut h = History { window_start: Some(t(START)), ..Default::default() };
    h.skip("CloudTrail record is not JSON: EOF while parsing");
    h.skip("CloudTrail record without eventName");
    h
}

/// Issue 19 item 12: unreadable records are said in `history`'s table and JSON, and in
/// `check`'s JSON, where an unexplained finding carries them as a caveat.
#[test]
fn unreadable_records_are_counted_in_every_output() {
    let h = history_with_skips();
    let table = fmt::to_table(&h, &fmt::lines(&h, None), t(SEEN));
    assert!(
        table.contains("cloudtrail-records: 2 records unreadable (first: CloudTrail record is not JSON"),
        "{table}"
    );
    assert!(!table.contains("nothing changed"), "with unreadable records that would be a guess: {table}");
    let json = fmt::to_json(&h, &fmt::lines(&h, None));
    assert_eq!(json["history"]["skipped"], 2);
    assert_eq!(
        json["history"]["problems"]["cloudtrail-records"].as_str().map(|s| s.starts_with("2 records unreadable")),
        Some(true)
    );

    let f = finding("rds.public", "db_instance", "db-1");
    let report = engine::drift::Report {
        environment: "prod".into(),
        account: None,
        region: "eu-west-2".into(),
        generated_at: Some(t(SEEN)),
        inventory: Default::default(),
        findings: vec![std::sync::Arc::new(f)],
        muted: vec![],
        unavailable: vec![],
    };
    let mut doc = serde_json::json!({"findings": [{"rule": "rds.public", "resource": "db-1", "message": "finding"}]});
    fmt::annotate(&mut doc, &report, &h);
    assert_eq!(doc["findings"][0]["changed_by"]["status"], "older_than_window");
    assert_eq!(doc["findings"][0]["changed_by"]["caveat"], "2 records unreadable");
    assert_eq!(doc["history"]["skipped"], 2);
}

/// Issue 19 item 12: `changed_by.asked` is bounded like the timeline's line.
#[test]
fn changed_by_asked_is_bounded() {
    let ranges: Vec<String> = (0..6000).map(|i| format!(r#"{{"cidrIp":"10.{}.{}.0/24"}}"#, i / 256, i % 256)).collect();
    let params = format!(
        r#"{{"groupId":"sg-1","ipPermissions":{{"items":[{{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{{"items":[{}]}}}}]}}}}"#,
        ranges.join(",")
    );
    let e = parse_record(&record("2026-11-23T09:00:00Z", EC2, "AuthorizeSecurityGroupIngress", &params, "null"), &[])
        .expect("parse");
    let f = FindingBuilder::new("sg.public-ingress", Severity::High, "security_group", "sg-1")
        .evidence("protocol", "tcp")
        .evidence("ports", "22")
        .evidence("source", "10.23.111.0/24")
        .message("x");
    let a = attribute(&f, &[e], t(SEEN), t(START));
    let asked = fmt::changed_by_json(&a)["asked"].as_array().cloned().expect("asked");
    assert_eq!(asked.len(), 9, "eight shown, then the count");
    assert_eq!(asked[8], "… 5992 more");
}
