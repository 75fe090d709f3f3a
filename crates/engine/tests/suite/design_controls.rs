//! `validate` on the control sections: the issue's example parses, each key is optional,
//! and what AWS would refuse (a rotation period outside 90-2560 days, "monthly") or what
//! names nothing (an unknown CIDR set) is a one-line error that says what to write.

use engine::design::Design;

const HEAD: &str = "[environment]\nname = \"t\"\nregion = \"us-east-1\"\ncriticality = \"prod\"\n\n[cidr_sets]\ndevops = [\"203.0.113.0/24\"]\n\n";

fn parse(extra: &str) -> Result<Design, String> {
    Design::parse("t.toml", &format!("{HEAD}{extra}")).map_err(|e| e.to_string())
}

#[test]
fn the_issue_example_parses() {
    let d = parse(
        r#"[kms]
keys = ["alias/nc-dp-data-prod"]
rotation = true
rotation_period_days = 365

[instances]
imdsv2 = "required"
max_hop_limit = 1

[detectors]
guardduty = true
securityhub = true
cloudtrail = { multi_region = true, logging = true, log_file_validation = true }

[eks]
public_endpoint_from = ["devops"]
admins = ["arn:aws:iam::*:role/DevOps*"]
viewers = ["arn:aws:iam::*:role/Developer*"]
"#,
    )
    .expect("valid");
    let kms = d.kms.expect("kms");
    assert_eq!(kms.keys, vec!["alias/nc-dp-data-prod"]);
    assert_eq!(kms.rotation_period_days, Some(365));
    assert_eq!(kms.line, 9);
    let i = d.instances.expect("instances");
    assert!(i.imdsv2_required);
    assert_eq!(i.max_hop_limit, Some(1));
    let t = d.detectors.expect("detectors").cloudtrail.expect("trail");
    assert_eq!((t.multi_region, t.logging, t.log_file_validation), (Some(true), Some(true), Some(true)));
    let e = d.eks.expect("eks");
    assert_eq!(e.public_endpoint_from, Some(vec!["devops".to_string()]));
    assert!(e.admins.expect("admins")[0].1.is_match("arn:aws:iam::111122223333:role/DevOpsAdmin"));
}

#[test]
fn every_key_is_optional() {
    let d = parse("[kms]\n\n[instances]\n\n[detectors]\n\n[eks]\n").expect("valid");
    assert!(d.kms.expect("kms").keys.is_empty());
    assert!(!d.instances.expect("instances").imdsv2_required);
    assert!(d.detectors.expect("detectors").guardduty.is_none());
    let e = d.eks.expect("eks");
    assert!(e.public_endpoint_from.is_none() && e.admins.is_none() && e.viewers.is_empty());
    // And nothing more is then switched on than with no control section.
    let base = engine::needed_kinds(&parse("").expect("valid"));
    assert_eq!(engine::needed_kinds(&parse("[kms]\n[instances]\n[detectors]\n[eks]\n").expect("valid")), base);
}

#[test]
fn a_rotation_period_aws_refuses_says_what_to_write() {
    let e = parse("[kms]\nrotation_period_days = 30\n").expect_err("30 days is refused");
    assert_eq!(e, "t.toml:10:24: kms.rotation_period_days: found 30, expected 90 to 2560 days (AWS's range), e.g. 365");
    assert!(parse("[kms]\nrotation_period_days = 2561\n").is_err());
    assert!(parse("[kms]\nrotation_period_days = 90\n").is_ok());
    assert!(parse("[kms]\nrotation_period_days = 2560\n").is_ok());
    let e = parse("[kms]\nrotation_period_days = \"monthly\"\n").expect_err("monthly is refused");
    assert!(
        e.starts_with(
            "t.toml:10:24: kms.rotation_period_days: found `\"monthly\"`, expected a number of days from 90 to 2560"
        ),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1);
}

#[test]
fn unknown_cidr_sets_choices_and_globs_are_refused() {
    let e = parse("[eks]\npublic_endpoint_from = [\"office\"]\n").expect_err("unknown set");
    assert!(e.contains("eks.public_endpoint_from: unknown cidr set `office`; defined sets: devops"), "{e}");
    let e = parse("[instances]\nimdsv2 = \"sometimes\"\n").expect_err("bad choice");
    assert!(e.contains("instances.imdsv2: found `sometimes`, expected one of `required`, `any`"), "{e}");
    let e = parse("[instances]\nmax_hop_limit = 0\n").expect_err("hop limit");
    assert!(e.contains("expected 1 to 64"), "{e}");
    let e = parse("[eks]\nadmins = [\"arn:aws:iam::*:role/[DevOps\"]\n").expect_err("glob");
    assert!(e.contains("eks.admins: `arn:aws:iam::*:role/[DevOps` is not a valid glob"), "{e}");
    let e = parse("[detectors]\ncloudtrail = { logging = true, immutable = true }\n").expect_err("unknown key");
    assert!(e.contains("immutable"), "{e}");
}

#[test]
fn needed_kinds_follow_the_keys_given() {
    use model::Kind;
    // Beyond what the always-on rules (admin ports) read.
    let base = engine::needed_kinds(&parse("").expect("valid"));
    let kinds = |extra: &str| {
        engine::needed_kinds(&parse(extra).expect("valid")).difference(&base).copied().collect::<Vec<_>>()
    };
    assert_eq!(kinds("[kms]\nkeys = [\"alias/a\"]\n"), vec![Kind::KmsKeys]);
    assert_eq!(kinds("[detectors]\nsecurityhub = true\n"), vec![Kind::Detectors]);
    assert_eq!(kinds("[detectors]\ncloudtrail = { logging = true }\n"), vec![Kind::Trails]);
    assert_eq!(kinds("[instances]\nimdsv2 = \"required\"\n"), vec![Kind::LaunchTemplates, Kind::Instances]);
    assert_eq!(kinds("[eks]\npublic_endpoint_from = []\n"), vec![Kind::EksClusters]);
    assert_eq!(kinds("[eks]\nviewers = [\"arn:*\"]\n"), vec![Kind::EksClusters, Kind::EksAccessEntries]);
}

#[test]
fn shipped_designs_carry_their_seeds_controls() {
    use testkit::fixtures::design;
    let nc = design("neurocipher-prod");
    let kms = nc.kms.expect("neurocipher-prod [kms]");
    assert_eq!((kms.keys.as_slice(), kms.rotation), (&["alias/nc-dp-data-prod".to_string()][..], Some(true)));
    let det = nc.detectors.expect("neurocipher-prod [detectors]");
    assert_eq!((det.guardduty, det.securityhub), (Some(true), Some(true)));
    assert_eq!(det.cloudtrail.expect("trail").logging, Some(true));
    // client-a's README names no alias: no [kms] is written (an empty list would check
    // nothing yet read "as designed" on the Overview), so the demo reads no keys.
    let ca = design("client-a-prod");
    assert!(ca.kms.is_none());
    assert!(!engine::needed_kinds(&ca).contains(&model::Kind::KmsKeys));
    for name in ["production", "production-pci"] {
        let eks = design(name).eks.unwrap_or_else(|| panic!("{name} [eks]"));
        assert!(eks.admins.expect("admins")[0].1.is_match("arn:aws:iam::111111111111:role/DevOpsAdmin"), "{name}");
        assert!(eks.viewers[0].1.is_match("arn:aws:iam::111111111111:role/DeveloperReadOnly"), "{name}");
        assert!(eks.public_endpoint_from.is_none(), "{name}: the README leaves the endpoint CIDRs a to-do");
    }
}
