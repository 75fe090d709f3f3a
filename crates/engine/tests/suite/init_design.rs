//! `driftdeck init` as a pure function over the client-a fixture: the starter design
//! parses, reads tiers from tags or route-table shape, roles from the Role tag, flows
//! from group references, and `check` with it reports exactly the leftovers it lists.

use testkit::fixtures;

use engine::design::Design;
use engine::drift::evaluate;
use engine::init::{InitOptions, LEFTOVERS_HEADING, generate};
use fixtures::*;
use model::*;

fn gen_for(s: &Snapshot) -> (String, Design, Vec<(String, String)>) {
    let g = generate(s, &InitOptions { source: "a test fixture".into(), ..Default::default() }).expect("generated");
    let d = Design::parse("generated.toml", &g.text).unwrap_or_else(|e| panic!("{e}\n{}", g.text));
    let mut listed: Vec<(String, String)> =
        g.leftovers.iter().map(|f| (f.rule.to_string(), f.resource.to_string())).collect();
    listed.sort();
    listed.dedup();
    (g.text, d, listed)
}

/// The leftovers as written in the file's closing comments: `# SEVERITY RULE RESOURCE: ...`.
fn listed_in_text(text: &str) -> Vec<(String, String)> {
    let tail = text.split(LEFTOVERS_HEADING).nth(1).expect("leftovers block");
    let mut v: Vec<(String, String)> = tail
        .lines()
        .skip(3)
        .filter_map(|l| {
            let mut w = l.strip_prefix("# ")?.split_whitespace();
            let (_sev, rule, res) = (w.next()?, w.next()?, w.next()?);
            Some((rule.to_string(), res.trim_end_matches(':').to_string()))
        })
        .filter(|(r, _)| r != "(none)")
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn tiers_come_from_the_tier_tag_and_roles_from_the_role_tag() {
    let (text, d, _) = gen_for(&client_a());
    let mut tiers: Vec<&str> = d.tiers.iter().map(|t| t.name.as_str()).collect();
    tiers.sort();
    assert_eq!(tiers, vec!["app", "cache", "data", "public"]);
    assert_eq!(d.environment.name, "client-a-prod", "from the VPC's Name tag");
    assert_eq!(d.scope.vpc_cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>(), vec!["10.0.0.0/16"]);
    let app = d.tiers.iter().find(|t| t.name == "app").expect("app");
    assert_eq!(app.nat, engine::design::NatRequirement::RequiredSameAz);
    assert_eq!(app.internet, engine::design::Requirement::Forbidden);
    let public = d.tiers.iter().find(|t| t.name == "public").expect("public");
    assert_eq!(public.internet, engine::design::Requirement::Required);
    assert!(text.contains("# review: tag Tier=app"), "{text}");
    let mut roles: Vec<&str> = d.security.roles.iter().map(|r| r.name.as_str()).collect();
    roles.sort();
    for r in ["alb", "app", "bastion", "cache", "db"] {
        assert!(roles.contains(&r), "{roles:?}");
    }
    // Today's group references become flows: app -> db on 5432.
    assert!(
        d.security.flows.iter().any(|f| f.to == "db"
            && matches!(&f.from, engine::design::FlowSource::Role(r) if r == "app")
            && f.ports.iter().any(|p| p.from <= 5432 && 5432 <= p.to)),
        "{text}"
    );
}

#[test]
fn without_tags_tiers_follow_the_route_table_shape() {
    let mut s = client_a();
    for sub in &mut s.subnets {
        sub.tags.remove("Tier");
    }
    let (_, d, _) = gen_for(&s);
    let cidrs = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = d
            .tiers
            .iter()
            .find(|x| x.name == t)
            .map(|x| x.subnet_cidrs.iter().map(|c| c.to_string()).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    assert_eq!(cidrs("public"), vec!["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"], "igw -> public");
    assert_eq!(cidrs("app"), vec!["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"], "nat -> app");
    // Neither: the data and the cache subnets both read as data.
    assert_eq!(cidrs("data").len(), 6);
}

#[test]
fn check_with_the_generated_design_reports_exactly_the_listed_leftovers() {
    let mut s = client_a();
    // Drift the generator must not write down as intent: SSH open to the world.
    sg_mut(&mut s, "sg-app").ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
    s.db_instances[0].multi_az = false;
    let (text, d, listed) = gen_for(&s);
    assert_eq!(listed_in_text(&text), listed, "{text}");
    assert_eq!(pairs(&evaluate(&d, &s)), listed);
    assert!(listed.contains(&p("sg.admin-port-open", "sg-app")), "{listed:?}");
    // Single-AZ is what exists, so the generated design says so (a guess to review).
    assert!(text.contains("multi_az = false  # review"), "{text}");
}

#[test]
fn an_admin_source_becomes_the_admin_cidr_set() {
    let (text, d, _) = gen_for(&client_a());
    // sg-bastion allows 22 from the devops ranges today.
    let admin = d.cidr_sets.get("admin").unwrap_or_else(|| panic!("{text}"));
    assert!(admin.iter().any(|n| n.to_string() == "203.0.113.0/24"), "{admin:?}");
    assert_eq!(d.security.admin_from, vec!["admin".to_string()]);
}

#[test]
fn no_vpc_is_a_clear_error() {
    let e = generate(&Snapshot::new("eu-west-2"), &InitOptions::default()).unwrap_err();
    assert!(e.contains("no VPC"), "{e}");
    let e = generate(&client_a(), &InitOptions { vpc: Some("vpc-nope".into()), ..Default::default() }).unwrap_err();
    assert!(e.contains("vpc-nope"), "{e}");
}
