//! Incremental evaluation equals a full evaluation: starting from a fixture, apply a
//! random sequence of single-kind changes (the kind's items replaced by another
//! fixture's, or its fetch marked failed / stale / ok) and after every one compare
//! `Evaluator::update` + `report` with `evaluate` of the same snapshot.

use testkit::fixtures;

use engine::drift::{Context, Evaluator, Finding, Index, evaluate};
use fixtures::*;
use model::*;
use proptest::prelude::*;

/// client-a with drift in every kind the rules read.
fn drifted() -> Snapshot {
    let mut s = client_a();
    rt_mut(&mut s, "rtb-data").routes.push(route("10.50.0.0/16", TargetKind::VpcPeering, Some("pcx-shared")));
    if let Some(g) = s.security_groups.first_mut() {
        g.ingress.push(rule("tcp", 22, 22, cidr("0.0.0.0/0")));
        g.ingress.push(rule("tcp", 9000, 9000, cidr("10.9.0.0/16")));
    }
    s.nat_gateways.clear();
    s.subnets.retain(|x| !x.id.ends_with('c'));
    for d in &mut s.db_instances {
        d.multi_az = false;
        d.backup_retention_days = 1;
    }
    for a in &mut s.alarms {
        a.state = AlarmState::Alarm;
    }
    s.alarms.truncate(1);
    for g in &mut s.cache_replication_groups {
        g.multi_az = Some("disabled".into());
    }
    s.vpcs.iter_mut().for_each(|v| v.cidrs = vec!["10.1.0.0/16".into()]);
    controls(&mut s);
    s
}

/// Account controls the shipped designs judge, each drifted: a key that does not rotate,
/// GuardDuty off, a trail not logging, an API-mode cluster with an undeclared admin and a
/// viewer without view access, a launch template allowing IMDSv1.
fn controls(s: &mut Snapshot) {
    s.kms_keys.push(KmsKey {
        id: "k-1".into(),
        arn: "arn:aws:kms:us-east-1:111111111111:key/k-1".into(),
        aliases: vec!["alias/nc-dp-data-prod".into()],
        state: "Enabled".into(),
        deletion_date: None,
        rotation_enabled: Some(false),
        rotation_period_days: None,
        manager: "CUSTOMER".into(),
        key_spec: None,
        rotation_error: None,
    });
    s.detectors.push(Detector {
        service: DetectorService::GuardDuty,
        id: "d".into(),
        status: "DISABLED".into(),
        error: None,
    });
    s.trails.push(Trail {
        name: "t".into(),
        arn: "arn:aws:cloudtrail:us-east-1:111111111111:trail/t".into(),
        home_region: None,
        multi_region: true,
        log_file_validation: true,
        is_logging: Some(false),
        status_error: None,
    });
    s.eks_clusters.push(EksCluster {
        name: "c".into(),
        arn: "arn:aws:eks:us-east-1:111111111111:cluster/c".into(),
        status: None,
        vpc_id: None,
        endpoint_public_access: true,
        public_access_cidrs: vec![],
        endpoint_private_access: false,
        authentication_mode: Some("API".into()),
        bootstrap_cluster_creator_admin: None,
    });
    s.eks_access_entries.push(EksAccessEntry {
        cluster: "c".into(),
        principal_arn: "arn:aws:iam::111111111111:role/ci".into(),
        entry_type: None,
        username: None,
        kubernetes_groups: Some(vec![]),
        policies: vec![EksAccessPolicy {
            policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy".into(),
            scope: "cluster".into(),
            namespaces: vec![],
        }],
    });
    s.launch_templates.push(LaunchTemplate {
        id: "lt-1".into(),
        name: "lt".into(),
        default_version: 1,
        latest_version: 1,
        versions: vec![LaunchTemplateVersion { number: 1, metadata: MetadataOptions::default() }],
        tags: Tags::new(),
    });
}

fn demo(n: &str) -> Snapshot {
    let path = format!("{}/assets/demo/{n}.json", testkit::ROOT);
    Snapshot::from_json(&std::fs::read_to_string(path).expect("demo snapshot")).expect("valid demo snapshot")
}

fn donors() -> Vec<Snapshot> {
    let mut v = vec![client_a(), drifted(), Snapshot::new("eu-west-2")];
    for n in ["00-base", "02-ssh-open", "04-data-peering"] {
        v.push(demo(n));
    }
    v
}

#[derive(Debug, Clone, Copy)]
enum Change {
    /// Replace the kind's items with the donor's, fetched ok.
    Data(usize),
    /// The fetch failed (stale if there was earlier data, else failed).
    Fail,
    /// A failed kind recovers with its current items.
    Recover,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![4 => (0usize..6).prop_map(Change::Data), 1 => Just(Change::Fail), 1 => Just(Change::Recover)]
}

fn apply(s: &mut Snapshot, donors: &[Snapshot], kind: Kind, c: Change) {
    let ts = s.taken_at.unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    match c {
        Change::Data(i) => {
            let mut one = donors[i % donors.len()].only(kind);
            s.take_kind_from(kind, &mut one);
            let n = s.len_of(kind);
            s.inventory.insert(kind, KindStatus::ok(ts, n));
        }
        Change::Fail => s.mark_failed(kind, "throttled".into()),
        Change::Recover => {
            let n = s.len_of(kind);
            s.inventory.insert(kind, KindStatus::ok(ts, n));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn incremental_equals_full_after_every_single_kind_change(
        start in 0usize..6,
        design_name in prop::sample::select(vec!["client-a-prod", "production", "production-pci", "neurocipher-prod"]),
        steps in prop::collection::vec((0usize..Kind::ALL.len(), change()), 1..24),
    ) {
        let donors = donors();
        let d = design(design_name);
        let mut snap = donors[start].clone();
        let mut ev = Evaluator::new(&d, &snap);
        prop_assert_eq!(ev.report(&d, &snap), evaluate(&d, &snap));
        for (k, c) in steps {
            let kind = Kind::ALL[k];
            apply(&mut snap, &donors, kind, c);
            ev.update(&d, &snap, kind);
            let report = evaluate(&d, &snap);
            prop_assert_eq!(ev.report(&d, &snap), report.clone(), "after {:?} {:?}", kind, c);
            // Reports are assembled from per-rule runs without a global sort: the result
            // must still be strictly in report order (sorted, no duplicates).
            for pair in report.findings.windows(2).chain(report.muted.windows(2)) {
                prop_assert_ne!(Finding::order(&pair[0], &pair[1]), std::cmp::Ordering::Greater, "{:?}", pair);
                prop_assert_ne!(&pair[0], &pair[1]);
            }
            // The cached index gives panes the same context a fresh one would.
            let cached = Context::with_index(&d, &snap, ev.index());
            let fresh = Context::new(&d, &snap);
            prop_assert_eq!(&cached.vpcs, &fresh.vpcs);
            prop_assert_eq!(&cached.sg_role, &fresh.sg_role);
            prop_assert_eq!(&cached.served, &fresh.served);
        }
    }
}

#[test]
fn update_reruns_only_rules_reading_the_kind() {
    // An alarm change must not touch the network findings already held: prove it by
    // changing route tables behind the evaluator's back, then updating alarms only.
    let d = design("client-a-prod");
    let mut snap = client_a();
    let mut ev = Evaluator::new(&d, &snap);
    rt_mut(&mut snap, "rtb-data").routes.push(route("10.50.0.0/16", TargetKind::VpcPeering, Some("pcx-x")));
    ev.update(&d, &snap, Kind::Alarms);
    assert!(ev.report(&d, &snap).findings.iter().all(|f| f.rule != "route.peering-forbidden"));
    ev.update(&d, &snap, Kind::RouteTables);
    assert_eq!(ev.report(&d, &snap), evaluate(&d, &snap));
    assert!(ev.report(&d, &snap).findings.iter().any(|f| f.rule == "route.peering-forbidden"));
}

use testkit::large;

/// On a large account the rules run on two threads: the report, and every incremental
/// update after it, must be exactly what one thread gives (same findings, same order).
#[test]
fn rules_on_two_threads_equal_one_thread_on_a_large_account() {
    let design = fixtures::design("client-a-prod");
    let mut snap = large::big_snapshot();
    // The index built on two threads is the one built on one.
    let (a, b) = (Index::new(&design, &snap), Index::new_on_two_threads(&design, &snap));
    assert_eq!((&a.vpcs, &a.subnet_tier, &a.served, &a.sg_role), (&b.vpcs, &b.subnet_tier, &b.served, &b.sg_role));
    assert_eq!(a.sg_role.len(), 2_000);
    let mut one = Evaluator::with_threads(&design, &snap, 1);
    let mut two = Evaluator::with_threads(&design, &snap, 2);
    let first = one.report(&design, &snap);
    assert!(first.findings.len() > 10_000, "the large account drifts a lot: {}", first.findings.len());
    assert_eq!(two.report(&design, &snap), first);
    assert_eq!(evaluate(&design, &snap), first);
    // A change to security groups re-runs their rules (the threaded ones).
    snap.security_groups.truncate(1_500);
    one.update(&design, &snap, Kind::SecurityGroups);
    two.update(&design, &snap, Kind::SecurityGroups);
    let after = one.report(&design, &snap);
    assert!(after.findings.len() < first.findings.len());
    assert_eq!(two.report(&design, &snap), after);
    assert_eq!(evaluate(&design, &snap), after);
    // Rules out of order within each group: each part of the split rule sorts its own.
    for g in &mut snap.security_groups {
        g.ingress.reverse();
    }
    one.update(&design, &snap, Kind::SecurityGroups);
    two.update(&design, &snap, Kind::SecurityGroups);
    assert_eq!(two.report(&design, &snap), one.report(&design, &snap));
    assert_eq!(evaluate(&design, &snap), one.report(&design, &snap));
}

/// A rule that splits makes, part after part, exactly the findings it makes whole: same
/// findings, same order, however many parts (the evaluator joins them in part order).
#[test]
fn a_split_rule_makes_in_parts_what_it_makes_whole() {
    use engine::drift::Findings;
    use engine::drift::rules::{Part, catalogue};
    let cases =
        [(fixtures::design("client-a-prod"), client_a()), (fixtures::design("client-a-prod"), large::big_snapshot())];
    let split: Vec<_> = catalogue().iter().filter(|r| r.splits()).collect();
    let ids: Vec<&str> = split.iter().map(|r| r.id()).collect();
    assert_eq!(ids, ["route.peering-forbidden", "sg.flow-undeclared"]);
    let mut judged = 0;
    for (design, snap) in &cases {
        let cx = Context::new(design, snap);
        for rule in &split {
            let mut whole = Findings::default();
            rule.check(&cx, &mut whole);
            let whole = whole.into_vec();
            judged += whole.len();
            for of in [2, 3, 7] {
                let mut parts = Vec::new();
                for index in 0..of {
                    let mut out = Findings::default();
                    rule.check_part(&cx, Part { index, of }, &mut out);
                    parts.extend(out.into_vec());
                }
                assert!(parts == whole, "{} in {of} parts", rule.id());
            }
        }
    }
    assert!(judged > 15_000, "both rules found drift to split: {judged}");
}

/// The route rules read each table's tiers from the index; the Network pane builds them
/// per table. Both must agree, table for table, tier for tier, subnet for subnet.
#[test]
fn the_index_gives_each_route_table_the_tiers_the_network_view_builds() {
    let cases = [
        (fixtures::design("client-a-prod"), client_a()),
        // Its VPC is out of scope: no table at all.
        (fixtures::design("client-a-prod"), drifted()),
        (fixtures::design("client-a-prod"), large::big_snapshot()),
    ];
    let mut served = 0;
    for (design, snap) in &cases {
        let cx = Context::new(design, snap);
        let mut built = cx.route_tables_by_tier();
        built.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let read: Vec<_> = cx.route_tables_by_tier_sorted().collect();
        assert_eq!(read.len(), built.len());
        served += built.iter().filter(|(_, tiers)| !tiers.is_empty()).count();
        for ((rt, tiers), (want_rt, want)) in read.iter().zip(&built) {
            assert_eq!(rt.id, want_rt.id);
            let got: Vec<(&str, Vec<&str>)> =
                tiers.iter().map(|(t, s)| (t.name.as_str(), s.iter().map(|s| s.id.as_str()).collect())).collect();
            let want: Vec<(&str, Vec<&str>)> =
                want.iter().map(|(t, s)| (t.name.as_str(), s.iter().map(|s| s.id.as_str()).collect())).collect();
            assert_eq!(got, want, "{}", rt.id);
        }
    }
    assert!(served > 500, "tables serving tiers were compared: {served}");
}

/// The drifted donor does exercise the control rules of the shipped designs, so the
/// property above covers their incremental re-runs.
#[test]
fn the_drifted_donor_drifts_the_controls() {
    let rules = |name: &str| -> Vec<String> {
        let mut v: Vec<String> =
            evaluate(&design(name), &drifted()).findings.iter().map(|f| f.rule.to_string()).collect();
        v.dedup();
        v
    };
    let nc = rules("neurocipher-prod");
    for r in ["kms.rotation-disabled", "detector.guardduty-off", "detector.securityhub-off", "trail.not-logging"] {
        assert!(nc.iter().any(|x| x == r), "{r}: {nc:?}");
    }
    let prod = rules("production");
    for r in ["eks.admin-undeclared", "eks.viewer-missing"] {
        assert!(prod.iter().any(|x| x == r), "{r}: {prod:?}");
    }
}
