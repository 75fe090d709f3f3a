//! `extends`: a design merged with its bases. Merge semantics per kind of value, chains,
//! errors located in the base that wrote the value, cycles, missing files, the
//! `--explain` text, and the shipped designs loading as before.

use engine::design::{Design, DesignError, explain};
use std::collections::BTreeMap;
use std::path::Path;

/// Files in memory, read through the engine's reader hook.
struct Files(BTreeMap<String, String>);

impl Files {
    fn new(files: &[(&str, &str)]) -> Self {
        Files(files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect())
    }

    fn read(&self, p: &Path) -> Result<String, String> {
        self.0.get(&p.display().to_string()).cloned().ok_or_else(|| "No such file or directory (os error 2)".into())
    }

    fn load(&self, path: &str) -> Result<Design, Vec<DesignError>> {
        Design::load_with(Path::new(path), &|p| self.read(p)).map_err(|e| e.0)
    }

    fn explain(&self, path: &str) -> String {
        explain(Path::new(path), &|p| self.read(p)).unwrap_or_else(|e| panic!("{e}"))
    }
}

const BASE: &str = r#"# A baseline: tags only.
[scope]
vpc_tags = { Environment = "prod" }

[cidr_sets]
devops = ["203.0.113.0/24", "198.51.100.0/24"]

[tiers.public]
subnet_tags = { Tier = "public" }
internet = "required"

[tiers.app]
subnet_tags = { Tier = "app" }
internet = "forbidden"
nat = "required"

[security]
admin_ports = [22, 3389]
admin_from = ["devops"]

[security.roles]
alb = { tiers = ["public"] }
app = { tiers = ["app"] }

[[security.flows]]
from = "alb"
to = "app"
ports = [8080]

[[reach]]
from = "internet"
to = "app"
ports = [8080]
expect = "denied"
"#;

const PROD: &str = r#"extends = ["baseline.toml"]

[environment]
name = "prod-a"
region = "eu-west-2"
criticality = "prod"

[scope]
vpc_tags = { Project = "shop" }

[cidr_sets]
devops = ["192.0.2.0/24"]

[tiers.app]
nat = "required-same-az"

[security]
admin_ports = [22]

[security.roles]
db = { tiers = ["app"] }

[[security.flows]]
from = "app"
to = "db"
ports = [5432]

[[reach]]
from = "alb"
to = "app"
ports = [8080]
expect = "allowed"
"#;

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn tables_merge_key_by_key_and_the_extending_design_wins() {
    let d = Files::new(&[("designs/baseline.toml", BASE), ("designs/prod.toml", PROD)])
        .load("designs/prod.toml")
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d.source, "designs/prod.toml");
    assert_eq!(d.environment.name, "prod-a");
    // An inline table is a table: its keys merge too.
    assert_eq!(d.scope.vpc_tags, tags(&[("Environment", "prod"), ("Project", "shop")]));
    // [tiers.app]: the base's tags and internet stay, nat is the extending design's.
    let app = d.tier("app").expect("app tier");
    assert_eq!(app.subnet_tags, tags(&[("Tier", "app")]));
    assert_eq!(app.internet, engine::design::Requirement::Forbidden);
    assert_eq!(app.nat, engine::design::NatRequirement::RequiredSameAz);
    assert!(d.tier("public").is_some());
    // Roles: a table of tables, merged by name.
    let roles: Vec<&str> = d.security.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(roles, ["alb", "app", "db"]);
}

#[test]
fn scalars_and_plain_arrays_are_replaced_whole() {
    let d = Files::new(&[("designs/baseline.toml", BASE), ("designs/prod.toml", PROD)])
        .load("designs/prod.toml")
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d.security.admin_ports, [22], "a plain array replaces, it does not append");
    let devops: Vec<String> = d.cidr_sets["devops"].iter().map(|n| n.to_string()).collect();
    assert_eq!(devops, ["192.0.2.0/24"]);
    assert_eq!(d.security.admin_from, ["devops"], "untouched keys stay the base's");
}

#[test]
fn arrays_of_tables_append_bases_first() {
    let d = Files::new(&[("designs/baseline.toml", BASE), ("designs/prod.toml", PROD)])
        .load("designs/prod.toml")
        .unwrap_or_else(|e| panic!("{e:?}"));
    let flows: Vec<(String, &str)> = d.security.flows.iter().map(|f| (f.from.to_string(), f.to.as_str())).collect();
    assert_eq!(flows, [("role alb".to_string(), "app"), ("role app".to_string(), "db")]);
    let reach: Vec<(&str, &str)> = d.reach.iter().map(|r| (r.from.as_str(), r.expect.as_str())).collect();
    assert_eq!(reach, [("internet", "denied"), ("alb", "allowed")]);
    // Lines are those of the file that wrote each entry.
    assert_eq!(d.reach[0].line, 30, "the base's [[reach]] header");
    assert_eq!(d.reach[1].line, 28, "the extending design's [[reach]] header");
}

#[test]
fn an_empty_array_replaces_an_inherited_array_of_tables() {
    let child = r#"extends = ["baseline.toml"]
reach = []
[environment]
name = "prod-a"
region = "eu-west-2"
criticality = "prod"
"#;
    let d = Files::new(&[("baseline.toml", BASE), ("prod.toml", child)])
        .load("prod.toml")
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(d.reach.is_empty(), "{:?}", d.reach);
    assert_eq!(d.security.flows.len(), 1, "other arrays of tables are still inherited");
}

#[test]
fn three_levels_and_later_bases_win_over_earlier_ones() {
    let org = r#"
[security]
admin_ports = [22, 3389, 5985]
role_tag = "Role"

[[mutes]]
rule = "sg.unclassified"
resource = "sg-legacy*"
reason = "org-wide legacy groups, removal tracked in OPS-1"
"#;
    let a = r#"extends = ["../org.toml"]
[security]
role_tag = "Function"
[tiers.app]
subnet_tags = { Tier = "app" }
internet = "forbidden"
"#;
    let b = r#"extends = ["../org.toml"]
[security]
role_tag = "Purpose"
[[mutes]]
rule = "sg.public-ingress"
resource = "sg-web"
reason = "the public web tier"
"#;
    let top = r#"extends = ["a.toml", "b.toml"]
[environment]
name = "three"
region = "eu-west-2"
criticality = "non-prod"
"#;
    let files = Files::new(&[("org.toml", org), ("base/a.toml", a), ("base/b.toml", b), ("base/top.toml", top)]);
    let d = files.load("base/top.toml").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d.security.role_tag, "Purpose", "b is listed after a: b wins");
    assert_eq!(d.security.admin_ports, [22, 3389, 5985], "from the grandparent");
    assert!(d.tier("app").is_some(), "from a");
    // org.toml is reached through a and b: merged once, so its mute is not doubled.
    let mutes: Vec<&str> = d.mutes.iter().map(|m| m.rule.as_str()).collect();
    assert_eq!(mutes, ["sg.unclassified", "sg.public-ingress"]);
}

fn one_error(files: &Files, path: &str) -> DesignError {
    let errs = files.load(path).expect_err("refused");
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs.into_iter().next().expect("one")
}

#[test]
fn a_bad_value_in_a_base_is_located_in_the_base() {
    // A value the extending design replaces is never validated: it is not in the design.
    let base = BASE.replace("\"198.51.100.0/24\"", "\"198.51.100.1/24\"");
    let files = Files::new(&[("designs/baseline.toml", &base), ("designs/prod.toml", PROD)]);
    assert!(files.load("designs/prod.toml").is_ok());
    // One that survives the merge is located where it was written.
    let base = BASE.replace("internet = \"required\"", "internet = \"sometimes\"");
    let e =
        one_error(&Files::new(&[("designs/baseline.toml", &base), ("designs/prod.toml", PROD)]), "designs/prod.toml");
    assert_eq!(
        e.to_string(),
        "designs/baseline.toml:10:12: tiers.public.internet: found `sometimes`, expected one of `required`, `forbidden`, `any`"
    );
}

#[test]
fn an_unknown_key_in_a_base_is_located_in_the_base() {
    let base = BASE.replace("nat = \"required\"", "nat = \"required\"\ncolour = \"blue\"");
    let e =
        one_error(&Files::new(&[("designs/baseline.toml", &base), ("designs/prod.toml", PROD)]), "designs/prod.toml");
    assert_eq!(e.file, "designs/baseline.toml");
    assert_eq!((e.line, e.column), (16, 1), "{e}");
    assert!(e.message.starts_with("unknown field `colour`"), "{e}");
}

#[test]
fn a_bad_array_element_in_a_base_is_located_at_the_element() {
    let base = BASE.replace("ports = [8080]\n\n[[reach]]", "ports = [8080, \"90-80\"]\n\n[[reach]]");
    let e =
        one_error(&Files::new(&[("b.toml", &base), ("d.toml", &PROD.replace("baseline.toml", "b.toml"))]), "d.toml");
    assert_eq!(e.file, "b.toml");
    assert_eq!(e.line, 28, "{e}");
    assert!(e.message.contains("port range `90-80` is invalid"), "{e}");
}

#[test]
fn a_missing_key_is_located_at_the_table_the_extending_design_wrote() {
    let child = r#"extends = ["baseline.toml"]
[environment]
name = "prod-a"
criticality = "prod"
"#;
    let e = one_error(&Files::new(&[("baseline.toml", BASE), ("prod.toml", child)]), "prod.toml");
    assert_eq!(e.to_string(), "prod.toml:2:1: missing field `region`");
}

#[test]
fn a_syntax_error_in_a_base_is_located_in_the_base() {
    let base = BASE.replace("[tiers.app]", "[tiers.app\n");
    let e =
        one_error(&Files::new(&[("designs/baseline.toml", &base), ("designs/prod.toml", PROD)]), "designs/prod.toml");
    assert_eq!(e.file, "designs/baseline.toml", "{e}");
    assert_eq!(e.to_string(), "designs/baseline.toml:12:11: unclosed table, expected `]`");
}

#[test]
fn a_cycle_is_one_line_naming_the_chain() {
    let files = Files::new(&[
        ("d/a.toml", "extends = [\"b.toml\"]\n"),
        ("d/b.toml", "# b\nextends = [\"./c.toml\"]\n"),
        ("d/c.toml", "extends = [\"x/../a.toml\"]\n"),
    ]);
    let e = one_error(&files, "d/a.toml");
    assert_eq!(
        e.to_string(),
        "d/c.toml:1:12: extends: a cycle: d/a.toml extends d/b.toml extends d/c.toml extends d/a.toml"
    );
    // A design that lists itself.
    // Named as given, compared as paths.
    let e = one_error(&Files::new(&[("./self.toml", "extends = [\"self.toml\"]\n")]), "./self.toml");
    assert_eq!(e.to_string(), "./self.toml:1:12: extends: a cycle: self.toml extends self.toml");
}

#[test]
fn a_missing_base_is_one_line_naming_it_and_the_design_that_asked() {
    let child = "# prod\nextends = [\"common.toml\", \"nowhere.toml\"]\n";
    let e = one_error(&Files::new(&[("designs/common.toml", BASE), ("designs/prod.toml", child)]), "designs/prod.toml");
    assert_eq!(
        e.to_string(),
        "designs/prod.toml:2:27: extends: cannot read the base `designs/nowhere.toml`: No such file or directory (os error 2)"
    );
}

#[test]
fn extends_must_list_files() {
    for (value, found) in [("\"base.toml\"", "a string"), ("[1]", "a integer"), ("[\"\"]", "an empty path")] {
        let e = one_error(&Files::new(&[("d.toml", &format!("extends = {value}\n"))]), "d.toml");
        assert_eq!(e.file, "d.toml");
        assert!(e.message.starts_with("extends: expected a list of design files"), "{e}");
        assert!(e.message.ends_with(&format!("found {found}")), "{e}");
    }
}

#[test]
fn parsing_text_with_bases_is_refused_with_the_reason() {
    let e = Design::parse("inline", PROD).expect_err("no file to resolve bases against");
    assert_eq!(e.0.len(), 1);
    assert_eq!((e.0[0].line, e.0[0].column), (1, 1));
    assert!(e.0[0].message.starts_with("extends: a design with bases is loaded from its file"), "{e}");
}

#[test]
fn explain_prints_each_value_with_the_file_and_line_it_came_from() {
    let files = Files::new(&[("designs/baseline.toml", BASE), ("designs/prod.toml", PROD)]);
    let text = files.explain("designs/prod.toml");
    insta::assert_snapshot!(text);
    // The explanation is itself a design without bases, equal to the merged one.
    let flat = Design::parse("flat.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let merged = files.load("designs/prod.toml").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(without_lines(&flat), without_lines(&merged));
    assert!(without_lines(&flat).contains("Project"), "the comparison sees the values");
}

/// A design's debug text without its source and line numbers (which differ between the
/// merged files and one flat file).
fn without_lines(d: &Design) -> String {
    let text = format!("{:?}", Design { source: String::new(), ..d.clone() });
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("line: ") {
        out.push_str(&rest[..i]);
        rest = rest[i + 6..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

#[test]
fn the_shipped_designs_load_as_they_did() {
    let dir = format!("{}/config/designs", testkit::ROOT);
    let mut seen = 0;
    for name in ["client-a-prod", "neurocipher-prod", "production", "production-pci"] {
        let path = format!("{dir}/{name}.toml");
        let text = std::fs::read_to_string(&path).expect("shipped design");
        let loaded = Design::load(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
        let parsed = Design::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{loaded:?}"), format!("{parsed:?}"), "{name}");
        // A design without bases explains as itself: every value written back reads the same.
        let explained = Design::explain(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
        let flat = Design::parse("flat.toml", &explained).unwrap_or_else(|e| panic!("{e}\n{explained}"));
        assert_eq!(without_lines(&flat), without_lines(&loaded), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 4);
    // The tag baseline is not a design by itself: the design extending it names the
    // environment.
    let base = format!("{dir}/baselines/tags.toml");
    let e = Design::load(Path::new(&base)).expect_err("a baseline without [environment]");
    assert_eq!(e.to_string(), format!("{base}:1:1: missing field `environment`"));
    assert_eq!(tag_design().environment.name, "client-a-prod-tags");
    let explained = Design::explain(Path::new(&format!("{dir}/client-a-prod-tags.toml"))).expect("explained");
    assert!(explained.contains("[tiers.data.subnet_tags]  # from "), "{explained}");
    assert!(explained.contains("baselines/tags.toml:31\n"), "{explained}");
}

/// The shipped tag baseline, through the shipped design that extends it.
fn tag_design() -> Design {
    let path = format!("{}/config/designs/client-a-prod-tags.toml", testkit::ROOT);
    Design::load(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"))
}

/// Client A's fixture with drift in three places: an admin port open to the world on the
/// database group, an internet route in the data tier, a flow nobody designed.
fn drifted(vpc_tagged: bool) -> model::Snapshot {
    use testkit::fixtures::*;
    let mut s = client_a();
    if vpc_tagged {
        s.vpcs[0].tags.insert("Environment".into(), "prod".into());
    }
    sg_mut(&mut s, "sg-db").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    sg_mut(&mut s, "sg-cache").ingress.push(rule("tcp", 6379, 6379, group("sg-alb")));
    rt_mut(&mut s, "rtb-data").routes.push(route("0.0.0.0/0", model::TargetKind::InternetGateway, Some("igw-1")));
    restamp(&mut s);
    s
}

#[test]
fn a_tag_only_baseline_finds_what_the_cidr_design_finds() {
    use testkit::fixtures::{design, pairs};
    let by_tags = engine::drift::evaluate(&tag_design(), &drifted(true));
    let by_cidrs = engine::drift::evaluate(&design("client-a-prod"), &drifted(true));
    assert_eq!(pairs(&by_tags), pairs(&by_cidrs));
    let rules: Vec<String> = pairs(&by_tags).into_iter().map(|(r, _)| r).collect();
    for rule in ["sg.admin-port-open", "route.internet-forbidden", "sg.flow-undeclared"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} in {rules:?}");
    }
    // Tiers by subnet tag, roles by group tag.
    let tiers: Vec<Option<String>> = by_tags.findings.iter().map(|f| f.tier.as_ref().map(|t| t.to_string())).collect();
    assert!(tiers.contains(&Some("data".into())), "{tiers:?}");
    let roles: Vec<Option<String>> = by_tags.findings.iter().map(|f| f.role.as_ref().map(|t| t.to_string())).collect();
    assert!(roles.contains(&Some("db".into())), "{roles:?}");
}

#[test]
fn a_vpc_without_the_scope_tag_is_not_judged_by_the_tag_baseline() {
    let untagged = engine::drift::evaluate(&tag_design(), &drifted(false));
    let tagged = engine::drift::evaluate(&tag_design(), &drifted(true));
    let judged = |r: &engine::drift::Report| {
        r.findings.iter().any(|f| f.rule == "route.internet-forbidden" || f.rule == "sg.admin-port-open")
    };
    assert!(judged(&tagged));
    assert!(!judged(&untagged), "{:#?}", untagged.findings);
}

#[test]
fn a_base_nested_too_deep_is_refused_where_it_nests() {
    let deep = format!("# deep\nx = {}1{}\n", "[".repeat(40), "]".repeat(40));
    let e = one_error(&Files::new(&[("deep.toml", &deep), ("d.toml", "extends = [\"deep.toml\"]\n")]), "d.toml");
    assert_eq!(e.to_string(), "deep.toml:2:37: nested deeper than 32 levels; a design needs 3");
}

#[test]
fn a_wide_table_merges_every_key() {
    // Thousands of CIDR sets in the base, a third of them replaced by the design.
    let mut base = String::from("[cidr_sets]\n");
    let mut top = String::from(
        "extends = [\"b.toml\"]\n[environment]\nname = \"w\"\nregion = \"eu-west-2\"\ncriticality = \"prod\"\n[cidr_sets]\n",
    );
    for i in 0..6_000 {
        base.push_str(&format!("s{i} = [\"10.{}.{}.0/24\"]\n", i / 256, i % 256));
        if i % 3 == 0 {
            top.push_str(&format!("s{i} = [\"192.168.0.0/16\"]\n"));
        }
    }
    let d = Files::new(&[("b.toml", &base), ("t.toml", &top)]).load("t.toml").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d.cidr_sets.len(), 6_000);
    let replaced = d.cidr_sets.values().filter(|v| v[0].to_string() == "192.168.0.0/16").count();
    assert_eq!(replaced, 2_000);
    assert_eq!(d.cidr_sets["s1"][0].to_string(), "10.0.1.0/24");
}
