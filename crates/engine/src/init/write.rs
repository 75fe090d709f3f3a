//! Writing the starter design as TOML, every guess followed by a `# review:` comment that
//! says what it was read from.

use super::infer::{self, ADMIN_SET, port_text, unanimous};
use model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A TOML basic string (JSON's escapes are TOML's).
pub(super) fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

pub(super) fn list<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    let v: Vec<String> = items.into_iter().map(|s| q(s)).collect();
    format!("[{}]", v.join(", "))
}

fn ports(ranges: &BTreeSet<(i32, i32)>) -> String {
    let v: Vec<String> = ranges.iter().map(|(a, b)| port_text(*a, *b)).collect();
    format!("[{}]", v.join(", "))
}

/// The whole design text (without the leftovers block) for `vpc`.
pub fn design(snap: &Snapshot, vpc: &Vpc, name: &str, source: &str) -> String {
    let mut o = String::new();
    let w = &mut o;
    let _ = writeln!(w, "# Starter design written by `driftdeck init` from {source}.");
    let _ = writeln!(w, "# It describes the environment as it is today: every `# review:` line is a guess");
    let _ = writeln!(w, "# to confirm or correct against the documented design before relying on it.");
    let _ = writeln!(w);
    let _ = writeln!(w, "[environment]");
    let _ = writeln!(w, "name = {}", q(name));
    let _ = writeln!(w, "region = {}", q(&snap.region));
    if let Some(acct) = &snap.account {
        let _ = writeln!(w, "account_id = {}  # review: the account the inventory was read from", q(acct));
    }
    let _ = writeln!(w, "criticality = \"prod\"  # review: prod or non-prod");
    let _ = writeln!(w);
    let _ = writeln!(w, "[scope]");
    let _ = writeln!(w, "vpc_cidrs = {}  # review: the CIDRs of {}", list(&vpc.cidrs), vpc.id);

    let subnets: Vec<&Subnet> = snap.subnets.iter().filter(|s| s.vpc_id == vpc.id).collect();
    let tiers = infer::tiers(snap, &subnets);
    let groups: Vec<&SecurityGroup> =
        snap.security_groups.iter().filter(|g| g.vpc_id.as_deref() == Some(vpc.id.as_str())).collect();
    let roles = infer::roles(&groups, "Role");
    let admin_ports = [22u16, 3389];
    let rules = infer::rules(&groups, &roles, &admin_ports);

    if !rules.admin_cidrs.is_empty() {
        let _ = writeln!(w);
        let _ = writeln!(w, "[cidr_sets]");
        let _ =
            writeln!(w, "{ADMIN_SET} = {}  # review: today's sources of admin-port rules", list(&rules.admin_cidrs));
    }
    write_tiers(w, snap, &subnets, &tiers);
    write_security(w, &groups, &roles, &rules, &admin_ports);
    write_network(w, snap, vpc);
    write_databases(w, snap, vpc);
    write_alarms(w, snap);
    super::controls::write_controls(w, snap, vpc);
    o
}

fn write_tiers(w: &mut String, snap: &Snapshot, subnets: &[&Subnet], tiers: &BTreeMap<String, infer::TierGuess>) {
    let names: BTreeSet<&str> = tiers.values().map(|t| t.tier.as_str()).collect();
    for tier in names {
        let members: Vec<&&Subnet> = subnets.iter().filter(|s| tiers[&s.id].tier == tier).collect();
        let tables: Vec<Option<&RouteTable>> = members.iter().map(|s| infer::table_of(snap, s)).collect();
        let defaults: Vec<Option<TargetKind>> = tables.iter().map(|t| t.and_then(infer::default_target)).collect();
        let _ = writeln!(w);
        let _ = writeln!(w, "[tiers.{tier}]");
        let mut cidrs: Vec<String> = members.iter().map(|s| s.cidr.clone()).collect();
        cidrs.sort();
        let why: BTreeSet<&str> = members.iter().map(|s| tiers[&s.id].why.as_str()).collect();
        let why: Vec<&str> = why.into_iter().collect();
        let _ = writeln!(w, "subnet_cidrs = {}  # review: {}", list(&cidrs), why.join("; "));
        let igw = defaults.iter().filter(|d| **d == Some(TargetKind::InternetGateway)).count();
        let internet = match igw {
            0 => "forbidden",
            n if n == defaults.len() => "required",
            _ => "any",
        };
        let _ = writeln!(
            w,
            "internet = {}  # review: {igw} of {} subnets route to the internet today",
            q(internet),
            defaults.len()
        );
        let nat: Vec<Option<&NatGateway>> = tables
            .iter()
            .map(|t| {
                let id = (*t)?
                    .routes
                    .iter()
                    .find(|r| r.destination == "0.0.0.0/0" && r.target_kind == TargetKind::NatGateway)?;
                snap.nat_gateways.iter().find(|n| Some(&n.id) == id.target_id.as_ref())
            })
            .collect();
        if !nat.is_empty() && nat.iter().all(Option::is_some) {
            let same_az = members.iter().zip(&nat).all(|(s, n)| {
                n.and_then(|n| snap.subnets.iter().find(|x| x.id == n.subnet_id)).is_some_and(|x| x.az == s.az)
            });
            let v = if same_az { "required-same-az" } else { "required" };
            let _ = writeln!(w, "nat = {}  # review: every subnet routes through a NAT gateway today", q(v));
        }
        let peering = tables.iter().flatten().any(|t| t.routes.iter().any(|r| r.target_kind == TargetKind::VpcPeering));
        let v = if peering { "allowed" } else { "forbidden" };
        let _ = writeln!(
            w,
            "peering = {}  # review: {} today",
            q(v),
            if peering { "peering routes exist" } else { "no peering route" }
        );
    }
}

fn write_security(
    w: &mut String,
    groups: &[&SecurityGroup],
    roles: &BTreeMap<String, (String, bool)>,
    rules: &infer::Rules,
    admin_ports: &[u16],
) {
    let _ = writeln!(w);
    let _ = writeln!(w, "[security]");
    let _ = writeln!(w, "role_tag = \"Role\"");
    let admin: Vec<String> = admin_ports.iter().map(u16::to_string).collect();
    let _ = writeln!(w, "admin_ports = [{}]", admin.join(", "));
    if !rules.admin_cidrs.is_empty() {
        let _ = writeln!(w, "admin_from = [{}]", q(ADMIN_SET));
    }
    // role -> (tag values, group names without the tag)
    let mut by_role: BTreeMap<&str, (BTreeSet<String>, BTreeSet<&str>)> = BTreeMap::new();
    for g in groups {
        let Some((role, tagged)) = roles.get(&g.id) else { continue };
        let e = by_role.entry(role.as_str()).or_default();
        match (tagged, g.tags.get("Role")) {
            (true, Some(v)) => {
                e.0.insert(v.clone());
            }
            _ => {
                e.1.insert(g.name.as_str());
            }
        }
    }
    for (role, (tags, names)) in &by_role {
        let _ = writeln!(w);
        let _ = writeln!(w, "[security.roles.{}]", q(role));
        if !tags.is_empty() {
            let _ = writeln!(w, "tag = {}  # review: from the Role tag", list(tags.iter()));
        }
        if !names.is_empty() {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let _ = writeln!(w, "names = {}  # review: no Role tag, named after the group", list(&names));
        }
    }
    for ((role, proto), ranges) in &rules.public {
        let _ = writeln!(w);
        let _ = writeln!(w, "[[security.public]]  # review: open to the world today");
        let _ = writeln!(w, "role = {}", q(role));
        let _ = writeln!(w, "ports = {}", ports(ranges));
        let _ = writeln!(w, "protocol = {}", q(proto));
    }
    for ((from, to, proto), ranges) in &rules.flows {
        let _ = writeln!(w);
        let _ = writeln!(w, "[[security.flows]]  # review: a rule allows it today");
        let _ = writeln!(w, "from = {}", q(from));
        let _ = writeln!(w, "to = {}", q(to));
        let _ = writeln!(w, "ports = {}", ports(ranges));
        let _ = writeln!(w, "protocol = {}", q(proto));
    }
    for ((to, proto), ranges) in &rules.admin_flows {
        let _ = writeln!(w);
        let _ = writeln!(w, "[[security.flows]]  # review: admin access allowed today");
        let _ = writeln!(w, "from = {}", q(ADMIN_SET));
        let _ = writeln!(w, "to = {}", q(to));
        let _ = writeln!(w, "ports = {}", ports(ranges));
        let _ = writeln!(w, "protocol = {}", q(proto));
    }
}

fn write_network(w: &mut String, snap: &Snapshot, vpc: &Vpc) {
    let endpoints: BTreeSet<String> = snap
        .vpc_endpoints
        .iter()
        .filter(|e| e.vpc_id == vpc.id && e.state.eq_ignore_ascii_case("available"))
        .map(|e| e.short_service().to_string())
        .collect();
    let flow = snap
        .flow_logs
        .iter()
        .filter(|f| f.resource_id == vpc.id && f.status.as_deref() == Some("ACTIVE"))
        .find_map(|f| f.traffic_type.clone());
    if endpoints.is_empty() && flow.is_none() {
        return;
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "[network]");
    if !endpoints.is_empty() {
        let _ = writeln!(w, "required_endpoints = {}  # review: the available endpoints today", list(endpoints.iter()));
    }
    if let Some(t) = flow {
        let _ = writeln!(w, "flow_logs = {{ traffic = {} }}  # review: today's VPC flow log", q(&t));
    }
}

fn flag(w: &mut String, key: &str, v: Option<bool>, what: &str) {
    match v {
        Some(b) => {
            let _ = writeln!(w, "{key} = {b}  # review: every {what} today");
        }
        None => {
            let _ = writeln!(w, "# {key}: mixed today, not written (review)");
        }
    }
}

fn write_databases(w: &mut String, snap: &Snapshot, vpc: &Vpc) {
    let here = |v: &Option<String>| v.as_deref().is_none_or(|v| v == vpc.id);
    let dbs: Vec<&DbInstance> =
        snap.db_instances.iter().filter(|d| here(&d.vpc_id) && d.cluster_id.is_none()).collect();
    let clusters: Vec<&DbCluster> = snap.db_clusters.iter().filter(|c| here(&c.vpc_id)).collect();
    if !dbs.is_empty() || !clusters.is_empty() {
        let _ = writeln!(w);
        let _ = writeln!(w, "[rds]");
        let multi = dbs.iter().map(|d| d.multi_az).chain(clusters.iter().map(|c| c.multi_az));
        flag(w, "multi_az", unanimous(multi), "database");
        let enc = dbs.iter().map(|d| d.storage_encrypted).chain(clusters.iter().map(|c| c.storage_encrypted));
        flag(w, "storage_encrypted", unanimous(enc), "database");
        let public = dbs.iter().map(|d| d.publicly_accessible);
        flag(w, "publicly_accessible", unanimous(public), "instance");
        let del = dbs.iter().map(|d| d.deletion_protection).chain(clusters.iter().map(|c| c.deletion_protection));
        flag(w, "deletion_protection", unanimous(del), "database");
        let min =
            dbs.iter().map(|d| d.backup_retention_days).chain(clusters.iter().map(|c| c.backup_retention_days)).min();
        if let Some(m) = min {
            let _ = writeln!(w, "min_backup_retention_days = {m}  # review: the shortest retention today");
        }
        let classes: BTreeSet<&str> = dbs.iter().map(|d| d.class.as_str()).collect();
        let classes: Vec<&str> = classes.into_iter().collect();
        let _ = writeln!(w, "# instance_class: not written; today's classes: {} (review)", classes.join(", "));
    }
    let caches: Vec<&CacheReplicationGroup> =
        snap.cache_replication_groups.iter().filter(|c| here(&c.vpc_id)).collect();
    if !caches.is_empty() {
        let _ = writeln!(w);
        let _ = writeln!(w, "[elasticache]");
        let on = |v: &Option<String>| v.as_deref() == Some("enabled");
        flag(w, "multi_az", unanimous(caches.iter().map(|c| on(&c.multi_az))), "replication group");
        flag(w, "automatic_failover", unanimous(caches.iter().map(|c| on(&c.automatic_failover))), "replication group");
        let rest = caches.iter().map(|c| c.at_rest_encryption == Some(true));
        flag(w, "at_rest_encryption", unanimous(rest), "replication group");
        let transit = caches.iter().map(|c| c.transit_encryption == Some(true));
        flag(w, "transit_encryption", unanimous(transit), "replication group");
    }
}

fn write_alarms(w: &mut String, snap: &Snapshot) {
    if snap.alarms.is_empty() {
        return;
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "[alarms]");
    let names: BTreeSet<String> = snap.alarms.iter().map(|a| a.name.clone()).collect();
    let _ = writeln!(w, "required = {}  # review: every alarm in the region today", list(names.iter()));
    let _ = writeln!(w, "drift_states = [\"ALARM\", \"INSUFFICIENT_DATA\"]");
    let actions = snap.alarms.iter().all(|a| a.actions_enabled && !a.alarm_actions.is_empty());
    let _ = writeln!(
        w,
        "require_actions = {actions}  # review: {}",
        if actions { "every alarm notifies today" } else { "some alarms notify no one today" }
    );
}
