//! Events from the queue (`--events`, issue 21 item 3): SQS message bodies read into
//! change events through the LookupEvents record parser, the kinds each change re-polls,
//! and the dedup of redelivered events.
//!
//! Bodies follow the documented shapes: the EventBridge event envelope ("Amazon
//! EventBridge events", `version`, `id`, `detail-type`, `source`, `account`, `time`,
//! `region`, `resources`, `detail`) with `detail` a CloudTrail record ("CloudTrail record
//! contents"); an SNS notification as SQS receives it without raw delivery (`Type`,
//! `MessageId`, `TopicArn`, `Message`, `Timestamp`, `SignatureVersion`, ...).

use engine::history::{
    Agent, Ask, MessageError, RELEVANT_EVENTS, Repoll, Seen, changing_calls, kinds, parse_message, parse_record, repoll,
};
use model::Kind;

const ACCOUNT: &str = "111122223333";

/// One EventBridge event as an SQS target receives it.
fn bus(detail_type: &str, source: &str, id: &str, detail: &str) -> String {
    format!(
        r#"{{"version":"0","id":"{id}","detail-type":"{detail_type}","source":"{source}","account":"{ACCOUNT}",
        "time":"2026-12-06T10:15:02Z","region":"eu-west-2","resources":[],"detail":{detail}}}"#
    )
}

/// A CloudTrail record of a write call by an assumed-role session, as EventBridge puts in
/// `detail` (the trail's own fields, eventID included).
fn record(source: &str, name: &str, event_id: &str, params: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.10","userIdentity":{{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice",
        "arn":"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/alice","accountId":"{ACCOUNT}","accessKeyId":"ASIAEXAMPLE",
        "sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::{ACCOUNT}:role/deploy",
        "accountId":"{ACCOUNT}","userName":"deploy"}},"attributes":{{"creationDate":"2026-12-06T10:00:00Z","mfaAuthenticated":"false"}}}}}},
        "eventTime":"2026-12-06T10:15:00Z","eventSource":"{source}","eventName":"{name}","awsRegion":"eu-west-2",
        "sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.22.3 md/awscrt#0.23.4 ua/2.0 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6",
        "requestParameters":{params},"responseElements":{{"requestId":"c0ffee00-1111-2222-3333-444455556666","_return":true}},
        "requestID":"c0ffee00-1111-2222-3333-444455556666","eventID":"{event_id}","readOnly":false,"eventType":"AwsApiCall",
        "managementEvent":true,"recipientAccountId":"{ACCOUNT}","eventCategory":"Management"}}"#
    )
}

const SG_PARAMS: &str = r#"{"groupId":"sg-0a1b2c3d4e5f60718","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,
    "groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}"#;

fn sg_message() -> String {
    bus(
        "AWS API Call via CloudTrail",
        "aws.ec2",
        "6f4a0b1c-2d3e-4f50-8a9b-0c1d2e3f4a5b",
        &record(
            "ec2.amazonaws.com",
            "AuthorizeSecurityGroupIngress",
            "e7c1d2a3-0000-4000-8000-000000000001",
            SG_PARAMS,
        ),
    )
}

#[test]
fn an_ingress_rule_from_the_bus_reads_as_lookup_events_reads_it() {
    let m = parse_message(&sg_message()).expect("message");
    assert_eq!(m.key, "e7c1d2a3-0000-4000-8000-000000000001", "the record's eventID, not the envelope's id");
    assert_eq!(m.account.as_deref(), Some(ACCOUNT));
    assert_eq!(m.region.as_deref(), Some("eu-west-2"));
    let e = &m.change;
    assert_eq!(e.name, "AuthorizeSecurityGroupIngress");
    assert_eq!(e.resources, vec!["sg-0a1b2c3d4e5f60718".to_string()]);
    assert_eq!(e.asked, vec![Ask::Rule { protocol: "tcp".into(), ports: "22".into(), source: "0.0.0.0/0".into() }]);
    assert_eq!(e.actor.display(), "deploy/alice");
    assert_eq!(e.agent, Agent::Cli);
    // The same record through the LookupEvents parser gives the same event: one parser.
    let direct = parse_record(
        &record(
            "ec2.amazonaws.com",
            "AuthorizeSecurityGroupIngress",
            "e7c1d2a3-0000-4000-8000-000000000001",
            SG_PARAMS,
        ),
        &[],
    )
    .expect("record");
    assert_eq!(*e, direct);
    assert_eq!(kinds(e), vec![Kind::SecurityGroups]);
}

#[test]
fn a_route_and_a_database_change_re_poll_their_own_kinds() {
    let route = bus(
        "AWS API Call via CloudTrail",
        "aws.ec2",
        "b1",
        &record(
            "ec2.amazonaws.com",
            "CreateRoute",
            "e-route",
            r#"{"routeTableId":"rtb-0123456789abcdef0","destinationCidrBlock":"10.50.0.0/16","vpcPeeringConnectionId":"pcx-0fedcba9876543210"}"#,
        ),
    );
    let m = parse_message(&route).expect("route");
    assert_eq!(m.change.resources, vec!["rtb-0123456789abcdef0".to_string()], "the peering is the target, not changed");
    assert_eq!(kinds(&m.change), vec![Kind::RouteTables]);

    let db = bus(
        "AWS API Call via CloudTrail",
        "aws.rds",
        "b2",
        &record(
            "rds.amazonaws.com",
            "ModifyDBInstance",
            "e-db",
            r#"{"dBInstanceIdentifier":"orders-db","publiclyAccessible":true,"applyImmediately":true}"#,
        ),
    );
    let m = parse_message(&db).expect("db");
    assert_eq!(m.change.resources, vec!["orders-db".to_string()]);
    assert_eq!(m.change.asked, vec![Ask::Set { param: "publiclyAccessible".into(), value: "true".into() }]);
    assert_eq!(kinds(&m.change), vec![Kind::DbInstances]);
}

#[test]
fn a_console_sign_in_is_read_and_touches_nothing() {
    let signin = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
        "arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},
        "eventTime":"2026-12-06T09:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin",
        "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"Mozilla/5.0 (X11; Linux x86_64)",
        "requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},
        "additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"Yes"},
        "eventID":"e-signin","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,
        "recipientAccountId":"111122223333","eventCategory":"Management"}"#;
    let m = parse_message(&bus("AWS Console Sign In via CloudTrail", "aws.signin", "b3", signin)).expect("sign-in");
    assert_eq!(m.change.name, "ConsoleLogin");
    assert_eq!(m.change.actor.name, "alice");
    assert!(kinds(&m.change).is_empty());
}

#[test]
fn sns_wrapped_and_bare_records_read_alike() {
    let event = sg_message();
    let sns = serde_json::json!({
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:eu-west-2:111122223333:driftdeck-events",
        "Message": event,
        "Timestamp": "2026-12-06T10:15:03.000Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
        "SigningCertURL": "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
        "UnsubscribeURL": "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-2:111122223333:driftdeck-events:c9135db0"
    })
    .to_string();
    let direct = parse_message(&event).expect("event");
    assert_eq!(parse_message(&sns).expect("sns"), direct);

    let bare =
        record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "e7c1d2a3-0000-4000-8000-000000000001", SG_PARAMS);
    let m = parse_message(&bare).expect("bare record");
    assert_eq!(m.key, direct.key);
    assert_eq!(m.change, direct.change);
    // Without an envelope, where it happened comes from the record.
    assert_eq!((m.account.as_deref(), m.region.as_deref()), (Some(ACCOUNT), Some("eu-west-2")));
}

#[test]
fn bad_messages_are_typed_errors() {
    let malformed = parse_message("{\"version\":\"0\",\"id\":").expect_err("truncated");
    assert!(matches!(malformed, MessageError::NotJson(_)) && malformed.malformed(), "{malformed}");
    assert!(matches!(parse_message("[1,2]"), Err(MessageError::NotJson(_))));

    let other =
        bus("EC2 Instance State-change Notification", "aws.ec2", "b4", r#"{"instance-id":"i-1","state":"running"}"#);
    let err = parse_message(&other).expect_err("not CloudTrail");
    assert_eq!(err, MessageError::NotCloudTrail("EC2 Instance State-change Notification".into()));
    assert!(!err.malformed());
    assert!(err.to_string().contains("EC2 Instance State-change Notification"), "{err}");

    let no_detail = r#"{"version":"0","id":"b5","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"1","time":"2026-12-06T10:00:00Z","region":"eu-west-2","resources":[]}"#;
    assert_eq!(parse_message(no_detail), Err(MessageError::Missing("detail")));

    let no_name =
        bus("AWS API Call via CloudTrail", "aws.ec2", "b6", r#"{"eventTime":"2026-12-06T10:00:00Z","eventID":"e-6"}"#);
    let err = parse_message(&no_name).expect_err("no eventName");
    assert!(matches!(&err, MessageError::Record(why) if why.contains("eventName")), "{err}");

    let no_time = bus("AWS API Call via CloudTrail", "aws.ec2", "b7", r#"{"eventName":"CreateRoute","eventID":"e-7"}"#);
    assert!(matches!(parse_message(&no_time), Err(MessageError::Record(why)) if why.contains("eventTime")));

    // No eventID and no envelope id: nothing to dedup on, so not applied blind.
    let bare = r#"{"eventVersion":"1.10","eventName":"CreateRoute","eventTime":"2026-12-06T10:00:00Z"}"#;
    assert_eq!(parse_message(bare), Err(MessageError::Missing("eventID")));

    let sns = r#"{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:eu-west-2:1:t"}"#;
    assert_eq!(parse_message(sns), Err(MessageError::Missing("SNS Message")));
    let sns = r#"{"Type":"Notification","MessageId":"m","Message":"not json"}"#;
    assert!(matches!(parse_message(sns), Err(MessageError::NotJson(why)) if why.starts_with("SNS Message")));

    assert!(matches!(parse_message(r#"{"hello":"world"}"#), Err(MessageError::Missing(_))));
}

#[test]
fn no_prefix_of_a_message_panics() {
    let body = sg_message();
    let mut ok = 0;
    for end in (0..=body.len()).filter(|i| body.is_char_boundary(*i)) {
        if parse_message(&body[..end]).is_ok() {
            ok += 1;
        }
    }
    assert_eq!(ok, 1, "only the whole message reads");
}

#[test]
fn an_envelope_id_stands_in_for_a_missing_event_id() {
    let detail = r#"{"eventVersion":"1.10","eventName":"CreateRoute","eventTime":"2026-12-06T10:00:00Z",
        "eventSource":"ec2.amazonaws.com","requestParameters":{"routeTableId":"rtb-1","destinationCidrBlock":"0.0.0.0/0","gatewayId":"igw-1"}}"#;
    let m = parse_message(&bus("AWS API Call via CloudTrail", "aws.ec2", "bus-id-9", detail)).expect("message");
    assert_eq!((m.key.as_str(), m.change.id.as_str()), ("bus-id-9", "bus-id-9"));
}

#[test]
fn reads_and_failed_calls_touch_no_kind() {
    let describe = bus(
        "AWS API Call via CloudTrail",
        "aws.ec2",
        "b8",
        &record("ec2.amazonaws.com", "DescribeSecurityGroups", "e-8", r#"{"groupSet":{}}"#),
    );
    assert!(kinds(&parse_message(&describe).expect("describe").change).is_empty());
    let denied = record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "e-9", SG_PARAMS).replacen(
        "\"eventID\"",
        "\"errorCode\":\"Client.UnauthorizedOperation\",\"errorMessage\":\"You are not authorized\",\"eventID\"",
        1,
    );
    let e = parse_message(&denied).expect("denied").change;
    assert!(e.failed());
    assert!(kinds(&e).is_empty(), "an attempt changes nothing");
    let unknown = record("s3.amazonaws.com", "PutBucketPolicy", "e-10", r#"{"bucketName":"b"}"#);
    assert!(kinds(&parse_message(&unknown).expect("s3").change).is_empty());
}

#[test]
fn every_relevant_call_re_polls_a_kind_and_each_is_listed_once() {
    let calls: Vec<&str> = changing_calls().collect();
    for name in RELEVANT_EVENTS {
        assert!(calls.contains(name), "{name} is relevant to history but re-polls nothing");
    }
    let mut sorted = calls.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), calls.len(), "a call listed twice");
    assert!(calls.iter().all(|c| !["Describe", "List", "Get"].iter().any(|r| c.starts_with(r))));
}

#[test]
fn side_effects_re_poll_the_kinds_they_change() {
    let at = |name: &str| {
        let m = parse_message(&record("ec2.amazonaws.com", name, "e", "{}")).expect(name);
        kinds(&m.change)
    };
    assert_eq!(at("DeleteNatGateway"), vec![Kind::NatGateways, Kind::RouteTables], "its routes blackhole");
    assert_eq!(at("CreateVpcEndpoint"), vec![Kind::VpcEndpoints, Kind::RouteTables]);
    assert_eq!(at("DeleteDBInstance"), vec![Kind::DbInstances, Kind::DbClusters]);
    assert_eq!(at("ModifyReplicationGroup"), vec![Kind::CacheReplicationGroups, Kind::CacheClusters]);
}

#[test]
fn seen_drops_duplicates_in_any_order_and_stays_bounded() {
    let mut seen = Seen::new(3);
    assert!(seen.first("b"));
    assert!(seen.first("a"), "an older event arriving later is still new");
    assert!(!seen.first("b"), "a redelivery is dropped");
    assert!(seen.first("c"));
    assert_eq!(seen.len(), 3);
    assert!(seen.first("d"), "the oldest key, b, is forgotten");
    assert_eq!(seen.len(), 3);
    assert!(!seen.first("a") && !seen.first("c") && !seen.first("d"));
    assert!(seen.first("b"), "forgotten keys read as new: bounded memory, at worst one more re-poll");
    assert!(seen.first("") && seen.first(""), "no key, no dedup: never drop a change");
    assert!(Seen::new(0).first("x"));
}

#[test]
fn a_write_is_routed_to_its_account_and_region() {
    let m = parse_message(&sg_message()).expect("message");
    assert_eq!(
        repoll(&m),
        Some(Repoll { account: ACCOUNT.into(), region: "eu-west-2".into(), kinds: vec![Kind::SecurityGroups] })
    );
    let mut unrouted = m.clone();
    unrouted.account = None;
    assert_eq!(repoll(&unrouted), None, "no account: the polls cover it");
    let signin = r#"{"eventVersion":"1.08","eventTime":"2026-12-06T09:00:00Z","eventSource":"signin.amazonaws.com",
        "eventName":"ConsoleLogin","awsRegion":"us-east-1","eventID":"e-s","recipientAccountId":"111122223333"}"#;
    assert_eq!(repoll(&parse_message(signin).expect("sign-in")), None);
}
