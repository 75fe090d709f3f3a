//! `--org` against moto: an organisation of 3 matched member accounts × 2 regions (OUs,
//! tags, one unmatched, one suspended), each reached by assuming its role; and snapshots
//! written to S3 by `snapshot --out s3://` and read back by `check --snapshots s3://`.

use crate::harness as common;

/// (environment, account, region, rules) of each environment of a `check --format json`.
fn environments(v: &serde_json::Value) -> Vec<(String, String, String, Vec<String>)> {
    let envs = v["environments"].as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
    envs.iter()
        .map(|e| {
            let rules = e["findings"]
                .as_array()
                .map(|f| f.iter().map(|f| format!("{} {}", f["rule"], f["resource"])).collect())
                .unwrap_or_default();
            (
                e["environment"].as_str().unwrap_or_default().to_string(),
                e["account"].as_str().unwrap_or_default().to_string(),
                e["region"].as_str().unwrap_or_default().to_string(),
                rules,
            )
        })
        .collect()
}

#[test]
fn check_with_an_org_reaches_every_matched_account_and_region_through_its_role() {
    let (moto, _g) = common::Moto::shared();
    moto.reset();
    let ids = moto.seed("org", true);
    let cards = ids["account_cards"].as_str().expect("cards").to_string();
    let out = moto
        .driftdeck()
        .args(["check", "--org", "tests/moto/org/org.toml", "--format", "json", "--no-history"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let envs = environments(&v);
    let mut names: Vec<&str> = envs.iter().map(|e| e.0.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "cards/eu-west-2",
            "cards/us-east-1",
            "payments/eu-west-2",
            "payments/us-east-1",
            "web/eu-west-2",
            "web/us-east-1"
        ],
        "{stderr}"
    );
    for (name, account, region, _) in &envs {
        assert!(name.ends_with(region.as_str()), "{name} reports its region: {region}");
        assert_eq!(account.len(), 12, "{name} reports its account: {account}");
        assert_ne!(account, "123456789012", "{name} is a member account, reached by its role");
    }
    // Each account left out is said once, with why.
    for (who, why) in [("sandbox-alice", "no [[match]]"), ("legacy", "SUSPENDED"), ("123456789012", "excluded")] {
        let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(who) && l.contains("skipped")).collect();
        assert_eq!(lines.len(), 1, "{who} said once: {stderr}");
        assert!(lines[0].to_lowercase().contains(&why.to_lowercase()), "{who}: {} ({why})", lines[0]);
    }
    // The drift planted in cards' eu-west-2 app group, and only there.
    let drifted: Vec<&String> =
        envs.iter().filter(|e| e.3.iter().any(|r| r.contains("sg.admin-port-open"))).map(|e| &e.0).collect();
    assert_eq!(drifted, [&"cards/eu-west-2".to_string()], "{v}");
    let cards_env = envs.iter().find(|e| e.0 == "cards/eu-west-2").expect("cards");
    assert_eq!(cards_env.1, cards);
    assert_eq!(out.status.code(), Some(1), "drift: exit 1 ({stderr})");
}

#[test]
fn snapshots_go_to_s3_per_account_and_one_gate_reads_them() {
    let (moto, _g) = common::Moto::shared();
    moto.reset();
    moto.seed("org", true);
    let mut mk = std::process::Command::new(common::python());
    mk.arg("-c")
        .arg("import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing').create_bucket(Bucket='snaps')")
        .arg(&moto.endpoint);
    assert!(mk.status().expect("python").success());
    let out = moto
        .driftdeck()
        .args(["snapshot", "--org", "tests/moto/org/org.toml", "--out", "s3://snaps/estate/"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let written = stderr.lines().filter(|l| l.contains("wrote s3://snaps/estate/")).count();
    assert_eq!(written, 6, "one object per account and region: {stderr}");
    // One gate reads them all back: the same answer as live.
    let out = moto
        .driftdeck()
        .args(["check", "--org", "tests/moto/org/org.toml", "--snapshots", "s3://snaps/estate/"])
        .args(["--format", "json"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let envs = environments(&v);
    assert_eq!(envs.len(), 6, "{stderr}");
    assert_eq!(stderr.matches(", taken ").count(), 6, "each environment says its snapshot's age: {stderr}");
    let drifted: Vec<&String> =
        envs.iter().filter(|e| e.3.iter().any(|r| r.contains("sg.admin-port-open"))).map(|e| &e.0).collect();
    assert_eq!(drifted, [&"cards/eu-west-2".to_string()]);
    // `watch` reads the same bucket as its source: the baseline is the snapshots' findings.
    let common::Running { child: mut w, lines: rx, .. } = moto.spawn(&[
        "watch",
        "--org",
        "tests/moto/org/org.toml",
        "--snapshots",
        "s3://snaps/estate/",
        "--interval",
        "600",
        "--no-history",
    ]);
    let line = loop {
        let v = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("a baseline line from the bucket");
        if v["rule"] == "sg.admin-port-open" {
            break v;
        }
    };
    assert_eq!(line["environment"], "cards/eu-west-2", "{line}");
    assert_eq!(line["event"], "finding_appeared");
    let _ = w.kill();
    let _ = w.wait();
    // A prefix with nothing in it: each environment fails, none reads as clean.
    let out = moto
        .driftdeck()
        .args(["check", "--org", "tests/moto/org/org.toml", "--snapshots", "s3://snaps/nothing/"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no snapshot at s3://snaps/nothing/"));
}

/// The end to end: an organisation of 3 member accounts × 2 regions, two designs
/// matched by OU and tag (one extends the other), one unmatched and one suspended account;
/// `watch --org --events` with every interval at 600 s sees a change made in a member
/// account through the API within 5 s, with its actor. The harness puts each recorded
/// write on the queue as an EventBridge event (built from the real calls, in the account
/// the call was made in).
#[test]
fn watch_over_an_organisation_sees_a_member_accounts_change_within_seconds() {
    let (moto, _g) = common::Moto::shared();
    moto.reset();
    let ids = moto.seed("org", false);
    let cards = ids["account_cards"].as_str().expect("cards").to_string();
    let group = ids["cards_eu-west-2_sg_app"].as_str().expect("group").to_string();
    let py = |code: &str, args: &[&str]| {
        let out = std::process::Command::new(common::python()).arg("-c").arg(code).args(args).output().expect("python");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let queue = moto.events_queue("org-events");
    let common::Running { child: mut w, lines: rx, said: erx } =
        moto.spawn(&["watch", "--org", "tests/moto/org/org.toml", "--events", &queue, "--interval", "600"]);
    // Every environment's baseline (6), the skipped accounts said once.
    let mut baselines = 0;
    let mut said = Vec::new();
    while baselines < 6 {
        let line = erx.recv_timeout(std::time::Duration::from_secs(90)).expect("six baselines");
        if line.contains("baseline of") {
            baselines += 1;
        }
        said.push(line);
    }
    assert!(said.iter().any(|l| l.contains("sandbox-alice") && l.contains("skipped")), "{said:#?}");
    // The change, made in cards' account by assuming its role.
    let opened = std::time::Instant::now();
    py(
        "import boto3,sys; e,acct,g=sys.argv[1:4]; s=boto3.client('sts', endpoint_url=e, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing'); c=s.assume_role(RoleArn=f'arn:aws:iam::{acct}:role/OrganizationAccountAccessRole', RoleSessionName='oncall')['Credentials']; boto3.client('ec2', endpoint_url=e, region_name='eu-west-2', aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken']).authorize_security_group_ingress(GroupId=g, IpPermissions=[{'IpProtocol':'tcp','FromPort':22,'ToPort':22,'IpRanges':[{'CidrIp':'0.0.0.0/0'}]}])",
        &[&moto.endpoint, &cards, &group],
    );
    let line = loop {
        let v = rx.recv_timeout(std::time::Duration::from_secs(30)).expect("the change appears");
        if v["rule"] == "sg.admin-port-open" {
            break v;
        }
    };
    assert!(opened.elapsed() < std::time::Duration::from_secs(5), "seen in {:?}", opened.elapsed());
    assert_eq!(line["environment"], "cards/eu-west-2", "{line}");
    assert_eq!(line["account"], cards.as_str());
    assert_eq!(line["changed_by"]["status"], "changed", "{line}");
    assert_eq!(line["changed_by"]["event"], "AuthorizeSecurityGroupIngress");
    moto.http("DELETE", "/_driftdeck/events", "").expect("events off");
    let _ = w.kill();
    let _ = w.wait();
}
