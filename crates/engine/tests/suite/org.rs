//! `--org`: the file's validation (one line per error, with its position), and matching
//! a discovered organisation: OU globs, OU ids, tags, account ids and name globs, first
//! match wins, excludes, inactive and unmatched accounts, environment names.

use engine::org::{OrgFile, Resolved, SkipReason};
use model::org::{Account, Organization};
use std::path::{Path, PathBuf};

fn account(id: &str, name: &str, ou: &[(&str, &str)], tags: &[(&str, &str)]) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        state: "ACTIVE".into(),
        ou_path: ou.iter().map(|(n, _)| n.to_string()).collect(),
        ou_ids: ou.iter().map(|(_, i)| i.to_string()).collect(),
        tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

const PROD: (&str, &str) = ("Prod", "ou-ab12-prod0001");
const PCI: (&str, &str) = ("PCI", "ou-ab12-pci00001");
const SANDBOX: (&str, &str) = ("Sandbox", "ou-ab12-sand0001");

/// Management at the root, two in Prod, one in Prod/PCI, a sandbox, a suspended one.
fn org() -> Organization {
    let mut closed = account("666666666666", "old-prod", &[PROD], &[]);
    closed.state = "SUSPENDED".into();
    Organization {
        accounts: vec![
            account("111111111111", "management", &[], &[]),
            account("222222222222", "payments", &[PROD], &[("Environment", "prod")]),
            account("333333333333", "cards", &[PROD, PCI], &[("Environment", "pci")]),
            account("444444444444", "web", &[PROD], &[("Environment", "prod"), ("Team", "web")]),
            account("555555555555", "sandbox-alice", &[SANDBOX], &[]),
            closed,
        ],
    }
}

const HEAD: &str = "[organization]\nrole_name = \"driftdeck-readonly\"\nregions = [\"eu-west-2\", \"us-east-1\"]\n";

fn parse(rules: &str) -> OrgFile {
    OrgFile::parse("org.toml", Path::new("conf"), &format!("{HEAD}{rules}")).unwrap_or_else(|e| panic!("{e}"))
}

/// Account id → design file name, for the first region only.
fn chosen(r: &Resolved) -> Vec<(String, String)> {
    r.environments
        .iter()
        .filter(|e| e.region == "eu-west-2")
        .map(|e| {
            (e.account.clone(), e.design.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
        })
        .collect()
}

fn ids(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(a, d)| (a.to_string(), d.to_string())).collect()
}

fn errors(text: &str) -> Vec<String> {
    match OrgFile::parse("org.toml", Path::new(""), text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn ou_is_a_glob_over_the_name_path() {
    // Exactly `Prod`: the accounts directly in it, not those of Prod/PCI.
    let r = parse("[[match]]\nou = \"Prod\"\ndesign = \"prod.toml\"\n").resolve(&org());
    assert_eq!(chosen(&r), ids(&[("222222222222", "prod.toml"), ("444444444444", "prod.toml")]));
    // `Prod/*`: one level below, `*` does not cross a `/`.
    let r = parse("[[match]]\nou = \"Prod/*\"\ndesign = \"pci.toml\"\n").resolve(&org());
    assert_eq!(chosen(&r), ids(&[("333333333333", "pci.toml")]));
    // `**`: every OU, the root included.
    let r = parse("[[match]]\nou = \"**\"\ndesign = \"all.toml\"\n").resolve(&org());
    assert_eq!(r.environments.len(), 5 * 2);
    assert!(r.environments.iter().any(|e| e.account == "111111111111" && e.ou_path.is_empty()));
    // `Prod/**`: anything below Prod, not Prod itself.
    let r = parse("[[match]]\nou = \"Prod/**\"\ndesign = \"below.toml\"\n").resolve(&org());
    assert_eq!(chosen(&r), ids(&[("333333333333", "below.toml")]));
}

#[test]
fn ou_id_selects_the_whole_subtree() {
    let r = parse("[[match]]\nou_id = \"ou-ab12-prod0001\"\ndesign = \"prod.toml\"\n").resolve(&org());
    let got: Vec<String> = chosen(&r).into_iter().map(|(a, _)| a).collect();
    assert_eq!(got, ["333333333333", "222222222222", "444444444444"], "ordered by name: cards, payments, web");
}

#[test]
fn tags_must_all_hold() {
    let r =
        parse("[[match]]\ntags = { Environment = \"prod\", Team = \"web\" }\ndesign = \"web.toml\"\n").resolve(&org());
    assert_eq!(chosen(&r), ids(&[("444444444444", "web.toml")]));
    let r = parse("[[match]]\ntags = { Environment = \"prod\" }\ndesign = \"p.toml\"\n").resolve(&org());
    assert_eq!(chosen(&r), ids(&[("222222222222", "p.toml"), ("444444444444", "p.toml")]));
}

#[test]
fn accounts_are_ids_or_name_globs_and_keys_combine() {
    let r = parse("[[match]]\naccounts = [\"111111111111\", \"sandbox-*\"]\ndesign = \"x.toml\"\n").resolve(&org());
    assert_eq!(chosen(&r), ids(&[("111111111111", "x.toml"), ("555555555555", "x.toml")]));
    // Every key given must hold: in Prod and named w*.
    let r = parse("[[match]]\nou = \"Prod\"\naccounts = [\"w*\"]\ndesign = \"x.toml\"\n").resolve(&org());
    assert_eq!(chosen(&r), ids(&[("444444444444", "x.toml")]));
}

#[test]
fn first_match_wins() {
    let file = "[[match]]\ntags = { Environment = \"pci\" }\ndesign = \"designs/pci.toml\"\n\
                [[match]]\nou = \"Prod/**\"\ndesign = \"designs/prod.toml\"\n\
                [[match]]\nou = \"Prod\"\ndesign = \"designs/prod.toml\"\n";
    let r = parse(file).resolve(&org());
    assert_eq!(
        chosen(&r),
        ids(&[("333333333333", "pci.toml"), ("222222222222", "prod.toml"), ("444444444444", "prod.toml")])
    );
    let cards = &r.environments[0];
    assert_eq!(cards.rule, "org.toml:4", "the [[match]] that chose it");
    assert_eq!(cards.design, PathBuf::from("conf/designs/pci.toml"), "relative to the org file's folder");
}

#[test]
fn environments_are_account_by_region_named_and_guarded() {
    let r = parse("[[match]]\naccounts = [\"payments\"]\ndesign = \"p.toml\"\n").resolve(&org());
    let got: Vec<(&str, &str, &str)> =
        r.environments.iter().map(|e| (e.name.as_str(), e.account.as_str(), e.region.as_str())).collect();
    assert_eq!(
        got,
        [("payments/eu-west-2", "222222222222", "eu-west-2"), ("payments/us-east-1", "222222222222", "us-east-1")]
    );
    assert_eq!(r.environments[0].ou_path, "Prod");
}

#[test]
fn a_shared_account_name_gets_the_id() {
    let mut o = org();
    o.accounts.push(account("777777777777", "web", &[PROD], &[]));
    let r = parse("[[match]]\nou = \"Prod\"\ndesign = \"p.toml\"\n").resolve(&o);
    let names: Vec<&str> = r.environments.iter().filter(|e| e.region == "eu-west-2").map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["payments/eu-west-2", "web (444444444444)/eu-west-2", "web (777777777777)/eu-west-2"]);
    o.accounts.push(account("888888888888", "", &[PROD], &[]));
    let r = parse("[[match]]\naccounts = [\"888888888888\"]\ndesign = \"p.toml\"\n").resolve(&o);
    assert_eq!(r.environments[0].name, "888888888888/eu-west-2", "no name: the id");
}

#[test]
fn excluded_inactive_and_unmatched_accounts_are_skipped_with_why() {
    let file = "[[match]]\nou = \"Prod\"\ndesign = \"p.toml\"\n[[exclude]]\naccounts = [\"444444444444\"]\n";
    let r = parse(file).resolve(&org());
    assert_eq!(chosen(&r), ids(&[("222222222222", "p.toml")]));
    let skipped: Vec<(&str, &SkipReason)> = r.skipped.iter().map(|s| (s.account.as_str(), &s.reason)).collect();
    assert_eq!(
        skipped,
        [
            ("333333333333", &SkipReason::Unmatched),
            ("111111111111", &SkipReason::Unmatched),
            ("666666666666", &SkipReason::Inactive("SUSPENDED".into())),
            ("555555555555", &SkipReason::Unmatched),
            ("444444444444", &SkipReason::Excluded("org.toml:7".into())),
        ]
    );
    let lines: Vec<String> = r.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(lines[2], "skipped account 666666666666 (old-prod, OU Prod): suspended");
    assert_eq!(lines[4], "skipped account 444444444444 (web, OU Prod): excluded by the [[exclude]] at org.toml:7");
    assert_eq!(lines[1], "skipped account 111111111111 (management, OU root): no [[match]] selects it");
}

#[test]
fn an_exclude_beats_every_match_and_an_inactive_account_is_never_matched() {
    let file = "[[match]]\nou = \"**\"\ndesign = \"a.toml\"\n[[exclude]]\nou = \"Sandbox\"\n";
    let r = parse(file).resolve(&org());
    assert!(!r.environments.iter().any(|e| e.account == "555555555555" || e.account == "666666666666"));
    assert_eq!(r.environments.len(), 4 * 2);
}

#[test]
fn the_organization_table_is_kept() {
    let text = "[organization]\nrole_name = \"driftdeck-readonly\"\nexternal_id = \"s3cr3t-id\"\nprofile = \"mgmt\"\n\
                regions = [\"us-east-1\"]\n[[match]]\nou = \"**\"\ndesign = \"/abs/d.toml\"\n";
    let o = OrgFile::parse("org.toml", Path::new("conf"), text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((o.external_id.as_deref(), o.profile.as_deref()), (Some("s3cr3t-id"), Some("mgmt")));
    assert_eq!(o.regions, ["us-east-1"]);
    assert_eq!(o.matches[0].design, PathBuf::from("/abs/d.toml"), "an absolute design path stays");
    assert_eq!(o.role_arn("222222222222"), "arn:aws:iam::222222222222:role/driftdeck-readonly");
}

#[test]
fn bad_files_are_one_line_errors_with_their_position() {
    let cases: &[(&str, &str)] = &[
        ("[organization]\nrole_name = \"r\"\n", "org.toml:1:1: missing field `regions`"),
        (
            "[organization]\nrole_name = \"r\"\nregions = [\"eu-west-2\"]\nrole = 1\n",
            "org.toml:4:1: unknown field `role`",
        ),
        (
            "[organization]\nrole_name = \"read only\"\nregions = [\"eu-west-2\"]\n",
            "org.toml:2:13: organization.role_name: `read only` is not an IAM role name",
        ),
        (
            "[organization]\nrole_name = \"r\"\nregions = [\"eu-west-2\", \"Europe\"]\n",
            "org.toml:3:25: organization.regions: `Europe` is not an AWS region",
        ),
        ("[organization]\nrole_name = \"r\"\nregions = []\n", "org.toml:3:11: organization.regions: none listed"),
        (
            "[organization]\nrole_name = \"r\"\nregions = [\"eu-west-2\", \"eu-west-2\"]\n",
            "org.toml:3:25: organization.regions: `eu-west-2` is listed twice",
        ),
        (
            "[organization]\nrole_name = \"r\"\nexternal_id = \"x\"\nregions = [\"eu-west-2\"]\n",
            "org.toml:3:15: organization.external_id: expected 2 to 1224",
        ),
        (&format!("{HEAD}[[match]]\nou = \"Prod\"\n"), "org.toml:4:1: match: no `design`"),
        (&format!("{HEAD}[[match]]\ndesign = \"d.toml\"\n"), "org.toml:4:1: match: selects nothing"),
        (
            &format!("{HEAD}[[match]]\nou = \"Prod/[\"\ndesign = \"d.toml\"\n"),
            "org.toml:5:6: match.ou: `Prod/[` is not a valid glob",
        ),
        (
            &format!("{HEAD}[[match]]\nou_id = \"prod\"\ndesign = \"d.toml\"\n"),
            "org.toml:5:9: match.ou_id: `prod` is not an OU id",
        ),
        (
            &format!("{HEAD}[[match]]\naccounts = [\"12345\"]\ndesign = \"d.toml\"\n"),
            "org.toml:5:13: match.accounts: `12345` is not an account id (12 digits)",
        ),
        (
            &format!("{HEAD}[[match]]\ntags = {{ Environment = 1 }}\ndesign = \"d.toml\"\n"),
            "org.toml:5:24: invalid type: integer `1`, expected a string",
        ),
        (&format!("{HEAD}[[match]]\nous = \"Prod\"\ndesign = \"d.toml\"\n"), "org.toml:5:1: unknown field `ous`"),
        (
            &format!("{HEAD}[[exclude]]\naccounts = [\"111111111111\"]\ndesign = \"d.toml\"\n"),
            "org.toml:6:10: exclude.design: an excluded account is not checked",
        ),
        ("[organization\n", "org.toml:1:14: "),
    ];
    for (text, want) in cases {
        let errs = errors(text);
        assert!(errs.iter().any(|e| e.starts_with(want)), "{text}\nwanted {want}\ngot {errs:#?}");
        assert!(errs.iter().all(|e| !e.contains('\n')), "one line each: {errs:#?}");
    }
}

#[test]
fn every_error_of_a_file_is_reported() {
    let text = format!(
        "{HEAD}[[match]]\nou_id = \"x\"\ndesign = \"d.toml\"\n[[match]]\naccounts = [\"1\"]\ndesign = \"e.toml\"\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
}

#[test]
fn load_reports_a_missing_design_where_it_is_named() {
    let dir = std::env::temp_dir().join(format!("driftdeck-org-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("designs")).expect("dir");
    std::fs::write(dir.join("designs/prod.toml"), "").expect("design");
    let path = dir.join("org.toml");
    let text = format!(
        "{HEAD}[[match]]\nou = \"Prod\"\ndesign = \"designs/prod.toml\"\n[[match]]\nou = \"Dev\"\ndesign = \"designs/dev.toml\"\n"
    );
    std::fs::write(&path, text).expect("org file");
    let errs: Vec<String> = match OrgFile::load(&path) {
        Ok(_) => panic!("a missing design was accepted"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    };
    let want = format!("{}:9:10: match.design: `{}` not found", path.display(), dir.join("designs/dev.toml").display());
    assert_eq!(errs, [want]);
    std::fs::write(dir.join("designs/dev.toml"), "").expect("design");
    let o = OrgFile::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.matches[1].design, dir.join("designs/dev.toml"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// tests/moto/org/: the org file and its two designs (one extending the other) load, and
/// the organisation `seed.py org` builds resolves to the environments the moto test
/// expects: three members by two regions, the management account excluded, sandbox-alice
/// unmatched, legacy suspended.
#[test]
fn the_moto_fixture_loads_and_resolves_as_the_seed_expects() {
    let path = format!("{}/tests/moto/org/org.toml", testkit::ROOT);
    let file = OrgFile::load(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    for m in &file.matches {
        engine::design::Design::load(&m.design).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut legacy = account("718201039196", "legacy", &[("Prod", "ou-8975-p0ofkdm6")], &[("Environment", "prod")]);
    legacy.state = "SUSPENDED".into();
    let seeded = Organization {
        accounts: vec![
            account("123456789012", "master", &[], &[]),
            account("355624784327", "payments", &[("Prod", "ou-8975-p0ofkdm6")], &[("Environment", "prod")]),
            account(
                "112260810207",
                "web",
                &[("Prod", "ou-8975-p0ofkdm6")],
                &[("Environment", "prod"), ("Team", "web")],
            ),
            legacy,
            account(
                "343912794548",
                "cards",
                &[("Prod", "ou-8975-p0ofkdm6"), ("PCI", "ou-8975-b4oha96y")],
                &[("Environment", "pci")],
            ),
            account("729389521911", "sandbox-alice", &[("Sandbox", "ou-8975-5lwmi3g1")], &[]),
        ],
    };
    let r = file.resolve(&seeded);
    let envs: Vec<(&str, &str)> = r
        .environments
        .iter()
        .map(|e| (e.name.as_str(), e.design.file_name().and_then(|f| f.to_str()).unwrap_or_default()))
        .collect();
    assert_eq!(
        envs,
        [
            ("cards/eu-west-2", "pci.toml"),
            ("cards/us-east-1", "pci.toml"),
            ("payments/eu-west-2", "prod.toml"),
            ("payments/us-east-1", "prod.toml"),
            ("web/eu-west-2", "prod.toml"),
            ("web/us-east-1", "prod.toml"),
        ]
    );
    let skipped: Vec<(&str, &SkipReason)> = r.skipped.iter().map(|s| (s.name.as_str(), &s.reason)).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(matches!(skipped[0], ("legacy", SkipReason::Inactive(_))));
    assert!(matches!(skipped[1], ("master", SkipReason::Excluded(_))));
    assert_eq!(skipped[2], ("sandbox-alice", &SkipReason::Unmatched));
    assert_eq!(file.external_id.as_deref(), Some("driftdeck-moto"));
}
