//! Parse tests over CloudTrail records shaped as the CloudTrail User Guide documents
//! them ("CloudTrail userIdentity element" and the EC2/RDS/CloudWatch record examples).

use super::*;

fn record(identity: &str, name: &str, params: &str, extra: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.11","userIdentity":{identity},"eventTime":"2026-11-23T09:14:02Z",
        "eventSource":"ec2.amazonaws.com","eventName":"{name}","awsRegion":"eu-west-2",
        "sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.22.3 md/awscrt#0.23.4 ua/2.1 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#ec2.authorize-security-group-ingress",
        "requestParameters":{params},"responseElements":{{"requestId":"7d1b0e6a-1111-2222-3333-444455556666","_return":true}},
        "requestID":"7d1b0e6a-1111-2222-3333-444455556666","eventID":"3e1a2b3c-aaaa-bbbb-cccc-ddddeeeeffff",
        "readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012",
        "eventCategory":"Management"{extra}}}"#
    )
}

const SSH_OPEN: &str = r#"{"groupId":"sg-0a1b2c3d4e5f60718","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"temp"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}"#;

fn parse(identity: &str) -> ChangeEvent {
    parse_record(&record(identity, "AuthorizeSecurityGroupIngress", SSH_OPEN, ""), &[]).expect("parse")
}

#[test]
fn iam_user() {
    let e = parse(
        r#"{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::123456789012:user/Alice","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"Alice"}"#,
    );
    assert_eq!((e.actor.kind, e.actor.name.as_str()), (ActorKind::IamUser, "Alice"));
    assert_eq!(e.actor.arn.as_deref(), Some("arn:aws:iam::123456789012:user/Alice"));
}

#[test]
fn assumed_role_reads_role_slash_session() {
    let e = parse(
        r#"{"type":"AssumedRole","principalId":"AROAIDPPEZS35WEXAMPLE:deploy-alice","arn":"arn:aws:sts::123456789012:assumed-role/platform-deploy/deploy-alice","accountId":"123456789012","accessKeyId":"ASIAIOSFODNN7EXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAIDPPEZS35WEXAMPLE","arn":"arn:aws:iam::123456789012:role/platform-deploy","accountId":"123456789012","userName":"platform-deploy"},"webIdFederationData":{},"attributes":{"creationDate":"2026-11-23T08:58:12Z","mfaAuthenticated":"false"}}}"#,
    );
    assert_eq!((e.actor.kind, e.actor.name.as_str()), (ActorKind::AssumedRole, "platform-deploy/deploy-alice"));
}

#[test]
fn identity_center_session_as_assumed_role_names_the_user() {
    let e = parse(
        r#"{"type":"AssumedRole","principalId":"AROAEXAMPLEID:bob@example.com","arn":"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/bob@example.com","accountId":"123456789012","accessKeyId":"ASIAEXAMPLEKEY","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_AdministratorAccess_0123456789abcdef","accountId":"123456789012","userName":"AWSReservedSSO_AdministratorAccess_0123456789abcdef"},"attributes":{"creationDate":"2026-11-23T08:00:00Z","mfaAuthenticated":"false"}}}"#,
    );
    assert_eq!(
        (e.actor.kind, e.actor.name.as_str()),
        (ActorKind::SsoUser, "bob@example.com (SSO AdministratorAccess)")
    );
}

#[test]
fn identity_center_user() {
    let e = parse(
        r#"{"type":"IdentityCenterUser","accountId":"123456789012","onBehalfOf":{"userId":"544894e8-80c1-707f-60e3-3ba6510dfac1","identityStoreArn":"arn:aws:identitystore::123456789012:identitystore/d-9067642ac7"},"credentialId":"EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"}"#,
    );
    assert_eq!(e.actor.kind, ActorKind::SsoUser);
    assert_eq!(e.actor.name, "544894e8-80c1-707f-60e3-3ba6510dfac1 (SSO)");
}

#[test]
fn aws_service() {
    let e = parse(r#"{"type":"AWSService","invokedBy":"autoscaling.amazonaws.com"}"#);
    assert_eq!((e.actor.kind, e.actor.name.as_str()), (ActorKind::AwsService, "autoscaling.amazonaws.com"));
}

#[test]
fn root_is_flagged() {
    let e = parse(
        r#"{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE","sessionContext":{"attributes":{"creationDate":"2026-11-23T08:00:00Z","mfaAuthenticated":"true"}}}"#,
    );
    assert_eq!(e.actor.kind, ActorKind::Root);
    assert_eq!(e.actor.display(), "root (ROOT)");
}

#[test]
fn federated_user() {
    let e = parse(
        r#"{"type":"FederatedUser","principalId":"123456789012:Carol","arn":"arn:aws:sts::123456789012:federated-user/Carol","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/broker","accountId":"123456789012","userName":"broker"},"attributes":{"creationDate":"2026-11-23T08:00:00Z","mfaAuthenticated":"false"}}}"#,
    );
    assert_eq!((e.actor.kind, e.actor.name.as_str()), (ActorKind::FederatedUser, "Carol (federated)"));
}

#[test]
fn saml_and_web_identity_users_are_federated() {
    let e = parse(
        r#"{"type":"SAMLUser","principalId":"SampleUkh1i4+ExamplexL/jEvs=:SamlExample","userName":"SamlExample","identityProvider":"bdGOnTesti4+ExamplexL/jEvs="}"#,
    );
    assert_eq!((e.actor.kind, e.actor.name.as_str()), (ActorKind::FederatedUser, "SamlExample (federated)"));
}

#[test]
fn aws_account() {
    let e = parse(r#"{"type":"AWSAccount","principalId":"AIDAEXAMPLE","accountId":"111122223333"}"#);
    assert_eq!((e.actor.kind, e.actor.name.as_str()), (ActorKind::AwsAccount, "account 111122223333"));
}

#[test]
fn unknown_identity_types_keep_their_type_name() {
    let e = parse(r#"{"type":"Unknown","principalId":"x"}"#);
    assert_eq!((e.actor.kind, e.actor.name.as_str()), (ActorKind::Unknown, "Unknown"));
}

#[test]
fn the_rule_asked_for_and_the_group_from_request_parameters() {
    let e = parse(r#"{"type":"IAMUser","userName":"Alice","arn":"arn:aws:iam::123456789012:user/Alice"}"#);
    assert_eq!(e.resources, vec!["sg-0a1b2c3d4e5f60718".to_string()]);
    assert_eq!(e.asked, vec![Ask::Rule { protocol: "tcp".into(), ports: "22".into(), source: "0.0.0.0/0".into() }]);
    assert_eq!(e.time.to_string(), "2026-11-23T09:14:02Z");
    assert_eq!((e.agent, e.source_ip.as_deref()), (Agent::Cli, Some("203.0.113.10")));
    assert!(!e.failed());
    assert!(e.summary().contains("tcp 22 from 0.0.0.0/0"), "{}", e.summary());
}

#[test]
fn peer_groups_are_not_touched_resources() {
    let params = r#"{"groupId":"sg-app","ipPermissions":{"items":[{"ipProtocol":"-1","groups":{"items":[{"groupId":"sg-alb"}]}}]}}"#;
    let e =
        parse_record(&record(r#"{"type":"Root"}"#, "AuthorizeSecurityGroupIngress", params, ""), &[]).expect("parse");
    assert_eq!(e.resources, vec!["sg-app".to_string()]);
    assert_eq!(e.asked, vec![Ask::Rule { protocol: "all".into(), ports: "all".into(), source: "sg-alb".into() }]);
}

#[test]
fn routes_record_destination_and_target() {
    let params =
        r#"{"routeTableId":"rtb-0123","destinationCidrBlock":"10.50.0.0/16","vpcPeeringConnectionId":"pcx-0456"}"#;
    let e = parse_record(&record(r#"{"type":"Root"}"#, "CreateRoute", params, ""), &["rtb-0123".to_string()])
        .expect("parse");
    assert_eq!(e.resources, vec!["rtb-0123".to_string()]);
    assert_eq!(e.asked, vec![Ask::Route { destination: "10.50.0.0/16".into(), target: Some("pcx-0456".into()) }]);
}

#[test]
fn failed_calls_carry_their_error() {
    let extra = r#","errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation.""#;
    let e = parse_record(&record(r#"{"type":"Root"}"#, "AuthorizeSecurityGroupIngress", SSH_OPEN, extra), &[])
        .expect("parse");
    assert!(e.failed());
    assert!(e.summary().contains("FAILED Client.UnauthorizedOperation"), "{}", e.summary());
}

#[test]
fn rds_and_alarm_ids_in_their_own_casing() {
    let e = parse_record(
        &record(
            r#"{"type":"Root"}"#,
            "ModifyDBInstance",
            r#"{"dBInstanceIdentifier":"client-a-prod-reporting","multiAZ":false,"applyImmediately":true}"#,
            "",
        ),
        &[],
    )
    .expect("parse");
    assert_eq!(e.resources, vec!["client-a-prod-reporting".to_string()]);
    let e = parse_record(&record(r#"{"type":"Root"}"#, "DeleteAlarms", r#"{"alarmNames":["a-1","a-2"]}"#, ""), &[])
        .expect("parse");
    assert_eq!(e.resources, vec!["a-1".to_string(), "a-2".to_string()]);
}

#[test]
fn modify_security_group_rules_reads_the_new_rule() {
    let params = r#"{"ModifySecurityGroupRulesRequest":{"GroupId":"sg-1","SecurityGroupRule":{"SecurityGroupRuleId":"sgr-1","SecurityGroupRule":{"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"CidrIpv4":"0.0.0.0/0"},"tag":1}}}"#;
    let e = parse_record(&record(r#"{"type":"Root"}"#, "ModifySecurityGroupRules", params, ""), &[]).expect("parse");
    assert_eq!(e.resources, vec!["sg-1".to_string()]);
    assert_eq!(e.asked, vec![Ask::Rule { protocol: "tcp".into(), ports: "3389".into(), source: "0.0.0.0/0".into() }]);
}

#[test]
fn user_agents_are_classified() {
    assert_eq!(agent("console.ec2.amazonaws.com"), Agent::Console);
    assert_eq!(
        agent("APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0"),
        Agent::Terraform
    );
    assert_eq!(agent("cloudformation.amazonaws.com"), Agent::CloudFormation);
    assert_eq!(agent("aws-cli/2.22.3 md/awscrt#0.23.4"), Agent::Cli);
    assert_eq!(agent("Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux"), Agent::Sdk);
    assert_eq!(agent("aws-sdk-rust/1.3.9 os/linux lang/rust/1.95.0"), Agent::Sdk);
    assert_eq!(agent("autoscaling.amazonaws.com"), Agent::Service);
    assert_eq!(agent("curl/8.5.0"), Agent::Other);
}

#[test]
fn alarm_history_data() {
    let t: Timestamp = "2026-11-23T09:20:00Z".parse().expect("ts");
    let data = r#"{"version":"1.0","oldState":{"stateValue":"OK","stateReason":"Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (5.0)."},"newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed: 1 datapoint [12.0 (23/11/26 09:19:00)] was greater than the threshold (5.0).","stateReasonData":{"version":"1.0"}}}"#;
    let tr = parse_alarm_history_data("client-a-prod-alb-5xx", t, data).expect("parse");
    assert_eq!((tr.old_state.as_str(), tr.new_state.as_str()), ("OK", "ALARM"));
    assert!(tr.reason.as_deref().is_some_and(|r| r.contains("12.0")));
    assert!(parse_alarm_history_data("a", t, "{}").is_err());
}

#[test]
fn garbage_is_an_error_not_an_event() {
    assert!(parse_record("not json", &[]).is_err());
    assert!(parse_record(r#"{"eventTime":"2026-11-23T09:14:02Z"}"#, &[]).is_err());
}

/// Issue 19 item 9. ModifyDBCluster's response is the whole `DBCluster`, members
/// included (RDS API Reference, "DBCluster" data type: `DBClusterMembers[]` with
/// `DBInstanceIdentifier`; CloudTrail logs it camel-cased as `dBClusterMembers`).
#[test]
fn a_cluster_change_touches_the_cluster_not_its_members() {
    let params = r#"{"dBClusterIdentifier":"client-a-prod-aurora","backupRetentionPeriod":14,"applyImmediately":true}"#;
    let response = r#"{"dBClusterIdentifier":"client-a-prod-aurora","backupRetentionPeriod":14,"multiAZ":true,"storageEncrypted":true,"dBClusterMembers":[{"dBInstanceIdentifier":"client-a-prod-aurora-1","isClusterWriter":true,"promotionTier":1},{"dBInstanceIdentifier":"client-a-prod-aurora-2","isClusterWriter":false,"promotionTier":1}]}"#;
    let json = record(r#"{"type":"Root"}"#, "ModifyDBCluster", params, "").replace(
        r#""responseElements":{"requestId":"7d1b0e6a-1111-2222-3333-444455556666","_return":true}"#,
        &format!(r#""responseElements":{response}"#),
    );
    assert!(json.contains("dBClusterMembers"), "the fixture carries the member list");
    let e = parse_record(&json, &[]).expect("parse");
    assert_eq!(e.resources, vec!["client-a-prod-aurora".to_string()]);
    // What it asked: the retention only (how to apply it is not a change).
    assert_eq!(e.asked, vec![Ask::Set { param: "backupRetentionPeriod".into(), value: "14".into() }]);
}

/// A created cluster's members in the answer are not created by the call either.
#[test]
fn a_created_cluster_does_not_collect_its_members() {
    let params = r#"{"dBClusterIdentifier":"c-1","engine":"aurora-postgresql","storageEncrypted":true}"#;
    let json = record(r#"{"type":"Root"}"#, "CreateDBCluster", params, "").replace(
        r#""responseElements":{"requestId":"7d1b0e6a-1111-2222-3333-444455556666","_return":true}"#,
        r#""responseElements":{"dBClusterIdentifier":"c-1","dBClusterMembers":[{"dBInstanceIdentifier":"c-1-a"}]}"#,
    );
    assert_eq!(parse_record(&json, &[]).expect("parse").resources, vec!["c-1".to_string()]);
}

/// Issue 19 item 10. Newer EC2 APIs log the wrapped request form, each value as
/// `{"content": ..., "tag": n}` (CloudTrail User Guide, "Amazon EC2 API" examples of
/// `DeleteFlowLogs` and `CreateFlowLogs`; EC2 API Reference for the parameter names).
#[test]
fn the_wrapped_request_form_names_its_resource_like_the_flat_form() {
    let cases = [
        (
            "DeleteFlowLogs",
            r#"{"DeleteFlowLogsRequest":{"FlowLogId":{"content":"fl-0123456789abcdef0","tag":1}}}"#,
            vec!["fl-0123456789abcdef0"],
        ),
        (
            "CreateFlowLogs",
            r#"{"CreateFlowLogsRequest":{"ResourceId":{"content":"vpc-0a1b2c3d","tag":1},"ResourceType":"VPC","TrafficType":"REJECT","LogDestinationType":"cloud-watch-logs","LogGroupName":"vpc-flow"}}"#,
            vec!["vpc-0a1b2c3d"],
        ),
        (
            "DeleteVpcEndpoints",
            r#"{"DeleteVpcEndpointsRequest":{"VpcEndpointId":[{"content":"vpce-1","tag":1},{"content":"vpce-2","tag":2}]}}"#,
            vec!["vpce-1", "vpce-2"],
        ),
    ];
    for (name, params, want) in &cases {
        let e = parse_record(&record(r#"{"type":"Root"}"#, name, params, ""), &[]).expect(name);
        assert_eq!(e.resources, want.iter().map(|x| x.to_string()).collect::<Vec<_>>(), "{name}");
    }
    let e = parse_record(&record(r#"{"type":"Root"}"#, "CreateFlowLogs", cases[1].1, ""), &[]).expect("parse");
    assert!(e.asked.contains(&Ask::Set { param: "trafficType".into(), value: "REJECT".into() }), "{:?}", e.asked);
}

/// Issue 19 item 11. "CloudTrail userIdentity element": `sessionContext.sourceIdentity`
/// ("AWS STS source identity") names who assumed the shared role.
#[test]
fn the_source_identity_is_the_person_behind_the_role() {
    let e = parse(
        r#"{"type":"AssumedRole","principalId":"AROAIDPPEZS35WEXAMPLE:ci-run-42","arn":"arn:aws:sts::123456789012:assumed-role/platform-deploy/ci-run-42","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAIDPPEZS35WEXAMPLE","arn":"arn:aws:iam::123456789012:role/platform-deploy","accountId":"123456789012","userName":"platform-deploy"},"attributes":{"creationDate":"2026-11-23T08:58:12Z","mfaAuthenticated":"false"},"sourceIdentity":"alice@example.com"}}"#,
    );
    assert_eq!(e.actor.kind, ActorKind::AssumedRole);
    assert_eq!(e.actor.name, "alice@example.com via platform-deploy/ci-run-42");
}

/// Identity-enhanced role sessions log the Identity Center user in `onBehalfOf`
/// (IAM Identity Center User Guide, "Identity-enhanced IAM role session logging").
#[test]
fn identity_center_on_behalf_of_is_the_person_behind_the_role() {
    let e = parse(
        r#"{"type":"AssumedRole","principalId":"AROAEXAMPLE:app-session","arn":"arn:aws:sts::123456789012:assumed-role/analytics-app/app-session","accountId":"123456789012","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::123456789012:role/analytics-app","accountId":"123456789012","userName":"analytics-app"},"attributes":{"creationDate":"2026-11-23T08:58:12Z","mfaAuthenticated":"false"}},"onBehalfOf":{"userId":"544894e8-80c1-707f-60e3-3ba6510dfac1","identityStoreArn":"arn:aws:identitystore::123456789012:identitystore/d-9067642ac7"}}"#,
    );
    assert_eq!(
        e.actor.name,
        "544894e8-80c1-707f-60e3-3ba6510dfac1 (Identity Center d-9067642ac7) via analytics-app/app-session"
    );
}

/// Issue 19 item 12. LookupEvents returns `EventName` and `EventTime` beside the record
/// (CloudTrail API Reference, "Event" data type); they stand in when the record lacks them.
#[test]
fn the_envelope_names_and_times_a_record_that_lacks_them() {
    let json = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"Alice"},"eventSource":"rds.amazonaws.com","requestParameters":{"dBInstanceIdentifier":"db-1","publiclyAccessible":true},"eventID":"e-9"}"#;
    assert!(parse_record(json, &[]).is_err(), "a trail record without them is unreadable");
    let at: Timestamp = "2026-11-23T09:14:02Z".parse().expect("ts");
    let env = Envelope { resources: &[], event_name: Some("ModifyDBInstance"), event_time: Some(at) };
    let e = parse_lookup_event(json, &env).expect("read through the envelope");
    assert_eq!(
        (e.name.as_str(), e.time, e.resources.as_slice()),
        ("ModifyDBInstance", at, ["db-1".to_string()].as_slice())
    );
}

/// One real record asked for thousands of entries and made a 181 KB line: the line is
/// bounded and says how many entries it left out.
#[test]
fn a_huge_request_renders_to_a_bounded_line() {
    let ranges: Vec<String> = (0..6000).map(|i| format!(r#"{{"cidrIp":"10.{}.{}.0/24"}}"#, i / 256, i % 256)).collect();
    let params = format!(
        r#"{{"groupId":"sg-1","ipPermissions":{{"items":[{{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{{"items":[{}]}}}}]}}}}"#,
        ranges.join(",")
    );
    let e =
        parse_record(&record(r#"{"type":"Root"}"#, "AuthorizeSecurityGroupIngress", &params, ""), &[]).expect("parse");
    assert_eq!(e.asked.len(), 6000, "every entry is kept for attribution");
    let line = e.summary();
    assert!(line.len() < 2_000, "{} bytes", line.len());
    assert!(line.contains("… 5992 more"), "{line}");
    let long =
        format!(r#"{{"dBInstanceIdentifier":"db-1","tags":[{}]}}"#, vec![r#"{"key":"k","value":"v"}"#; 3000].join(","));
    let e = parse_record(&record(r#"{"type":"Root"}"#, "CreateDBInstance", &long, ""), &[]).expect("parse");
    assert!(e.summary().len() < 1_000, "{}", e.summary().len());
}

#[test]
fn skipped_records_are_counted_with_the_first_reason() {
    let mut h = crate::history::History::default();
    assert_eq!(h.skipped_label(), None);
    h.skip("CloudTrail record is not JSON: EOF");
    h.skip("CloudTrail record without eventName");
    assert_eq!(h.skipped_label().as_deref(), Some("2 records unreadable"));
    assert_eq!(
        h.skipped_problem().as_deref(),
        Some("2 records unreadable (first: CloudTrail record is not JSON: EOF)")
    );
}
