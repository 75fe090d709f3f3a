//! On-disk TOML shape of a design and its conversion into validated `Design` types.

mod controls;
mod network;
mod reach;
mod security;

use super::extends::Merged;
use super::*;
use globset::Glob;
use network::{NaclFile, NetworkFile, convert_nacl, convert_network};
use security::{PortFile, SecurityFile, convert_security};
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DesignFile {
    environment: EnvFile,
    #[serde(default)]
    scope: ScopeFile,
    #[serde(default)]
    cidr_sets: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    tiers: BTreeMap<String, Spanned<TierFile>>,
    #[serde(default)]
    security: Option<SecurityFile>,
    #[serde(default)]
    network: Option<NetworkFile>,
    #[serde(default)]
    rds: Option<RdsFile>,
    #[serde(default)]
    elasticache: Option<CacheFile>,
    #[serde(default)]
    alarms: Option<AlarmsFile>,
    #[serde(default)]
    kms: Option<Spanned<controls::KmsFile>>,
    #[serde(default)]
    instances: Option<Spanned<controls::InstancesFile>>,
    #[serde(default)]
    detectors: Option<Spanned<controls::DetectorsFile>>,
    #[serde(default)]
    eks: Option<Spanned<controls::EksFile>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
    #[serde(default)]
    mutes: Vec<MuteFile>,
    #[serde(default)]
    reach: Vec<Spanned<reach::ReachFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvFile {
    name: String,
    region: Spanned<String>,
    account_id: Option<Spanned<String>>,
    profile: Option<String>,
    criticality: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ScopeFile {
    #[serde(default)]
    vpc_ids: Vec<String>,
    #[serde(default)]
    vpc_cidrs: Vec<Spanned<String>>,
    #[serde(default)]
    vpc_tags: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TierFile {
    #[serde(default)]
    subnet_cidrs: Vec<Spanned<String>>,
    #[serde(default)]
    subnet_tags: BTreeMap<String, String>,
    peering: Option<Spanned<String>>,
    #[serde(default)]
    peer_cidrs: Vec<Spanned<String>>,
    transit: Option<Spanned<String>>,
    #[serde(default)]
    transit_cidrs: Vec<Spanned<String>>,
    internet: Option<Spanned<String>>,
    nat: Option<Spanned<String>>,
    nacl: Option<Spanned<NaclFile>>,
}

/// The RDS checks as written; shared by `[rds]` and each `[[rds.overrides]]`.
/// (Not `#[serde(flatten)]`: flattening loses spans and unknown-key checks.)
struct RdsChecksFile<'a> {
    multi_az: Option<bool>,
    storage_encrypted: Option<bool>,
    publicly_accessible: Option<bool>,
    min_backup_retention_days: Option<&'a Spanned<i32>>,
    deletion_protection: Option<bool>,
    instance_class: Option<&'a Spanned<String>>,
}

macro_rules! rds_checks_of {
    ($f:expr) => {
        RdsChecksFile {
            multi_az: $f.multi_az,
            storage_encrypted: $f.storage_encrypted,
            publicly_accessible: $f.publicly_accessible,
            min_backup_retention_days: $f.min_backup_retention_days.as_ref(),
            deletion_protection: $f.deletion_protection,
            instance_class: $f.instance_class.as_ref(),
        }
    };
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RdsFile {
    multi_az: Option<bool>,
    storage_encrypted: Option<bool>,
    publicly_accessible: Option<bool>,
    min_backup_retention_days: Option<Spanned<i32>>,
    deletion_protection: Option<bool>,
    instance_class: Option<Spanned<String>>,
    #[serde(default)]
    overrides: Vec<RdsOverrideFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RdsOverrideFile {
    identifier: Spanned<String>,
    multi_az: Option<bool>,
    storage_encrypted: Option<bool>,
    publicly_accessible: Option<bool>,
    min_backup_retention_days: Option<Spanned<i32>>,
    deletion_protection: Option<bool>,
    instance_class: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CacheFile {
    multi_az: Option<bool>,
    automatic_failover: Option<bool>,
    at_rest_encryption: Option<bool>,
    transit_encryption: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlarmsFile {
    prefix: Option<String>,
    #[serde(default)]
    required: Vec<Spanned<String>>,
    drift_states: Option<Vec<Spanned<String>>>,
    require_actions: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MuteFile {
    rule: Spanned<String>,
    resource: Spanned<String>,
    reason: Spanned<String>,
    expires: Option<Spanned<toml::value::Datetime>>,
}

/// Collects located errors while converting.
struct Ctx<'a> {
    name: &'a str,
    text: &'a str,
    /// For a design with bases, `text` is the merged document and this says which file,
    /// line and column each part of it came from.
    merged: Option<&'a Merged>,
    errors: Vec<DesignError>,
}

impl Ctx<'_> {
    /// File, line and column of an offset of the text being converted.
    fn place(&self, offset: usize) -> (&str, usize, usize) {
        match self.merged {
            Some(m) => m.place(offset),
            None => {
                let (line, column) = line_col(self.text, offset);
                (self.name, line, column)
            }
        }
    }

    fn err(&mut self, span: std::ops::Range<usize>, message: String) {
        let (file, line, column) = self.place(span.start);
        self.errors.push(DesignError { file: file.to_string(), line, column, message });
    }

    fn line_of(&self, span: &std::ops::Range<usize>) -> usize {
        self.place(span.start).1
    }

    fn net(&mut self, s: &Spanned<String>, what: &str) -> Option<IpNet> {
        match s.get_ref().parse::<IpNet>() {
            Ok(n) if n.trunc() == n => Some(n),
            Ok(n) => {
                self.err(
                    s.span(),
                    format!(
                        "{what}: `{}` has host bits set; expected a network address such as `{}`",
                        s.get_ref(),
                        n.trunc()
                    ),
                );
                None
            }
            Err(_) => {
                self.err(s.span(), format!("{what}: `{}` is not a CIDR; expected e.g. `10.0.1.0/24`", s.get_ref()));
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, s: &Spanned<String>, what: &str, options: &[(&str, T)]) -> Option<T> {
        if let Some((_, v)) = options.iter().find(|(k, _)| *k == s.get_ref()) {
            return Some(*v);
        }
        let expected: Vec<String> = options.iter().map(|(k, _)| format!("`{k}`")).collect();
        self.err(s.span(), format!("{what}: found `{}`, expected one of {}", s.get_ref(), expected.join(", ")));
        None
    }

    fn glob(&mut self, s: &Spanned<String>, what: &str) -> Option<GlobMatcher> {
        match Glob::new(s.get_ref()) {
            Ok(g) => Some(g.compile_matcher()),
            Err(e) => {
                self.err(s.span(), format!("{what}: `{}` is not a valid glob: {e}", s.get_ref()));
                None
            }
        }
    }

    fn ports(&mut self, ports: &Spanned<Vec<PortFile>>, what: &str) -> Vec<PortRange> {
        if ports.get_ref().is_empty() {
            self.err(ports.span(), format!("{what}: no ports listed; expected e.g. `[443]` or `[\"8000-8100\"]`"));
        }
        let mut out = Vec::new();
        for p in ports.get_ref() {
            match p {
                PortFile::One(n) => out.push(PortRange { from: *n, to: *n }),
                PortFile::Range(s) => {
                    let parsed = s
                        .split_once('-')
                        .and_then(|(a, b)| Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?)));
                    match parsed {
                        Some((a, b)) if a <= b => out.push(PortRange { from: a, to: b }),
                        _ => self.err(
                            ports.span(),
                            format!("{what}: port range `{s}` is invalid; expected `FROM-TO` with FROM <= TO"),
                        ),
                    }
                }
            }
        }
        out
    }

    fn protocol(&mut self, p: &Option<Spanned<String>>, what: &str) -> String {
        match p {
            None => "tcp".into(),
            Some(s) => self.choice(s, what, &[("tcp", "tcp"), ("udp", "udp")]).unwrap_or("tcp").to_string(),
        }
    }

    fn rds_checks(&mut self, f: RdsChecksFile<'_>) -> RdsChecks {
        let instance_class = f.instance_class.and_then(|s| match Regex::new(s.get_ref()) {
            Ok(r) => Some(std::sync::Arc::new(r)),
            Err(e) => {
                let msg = e.to_string().lines().last().unwrap_or_default().trim().to_string();
                self.err(s.span(), format!("rds.instance_class: not a valid regular expression: {msg}"));
                None
            }
        });
        if let Some(d) = f.min_backup_retention_days
            && !(0..=35).contains(d.get_ref())
        {
            self.err(
                d.span(),
                format!("rds.min_backup_retention_days: found {}, expected 0 to 35 (the RDS limit)", d.get_ref()),
            );
        }
        RdsChecks {
            multi_az: f.multi_az,
            storage_encrypted: f.storage_encrypted,
            publicly_accessible: f.publicly_accessible,
            min_backup_retention_days: f.min_backup_retention_days.map(|d| *d.get_ref()),
            deletion_protection: f.deletion_protection,
            instance_class,
        }
    }
}

pub(super) fn parse(name: &str, text: &str) -> Result<Design, DesignErrors> {
    parse_in(Ctx { name, text, merged: None, errors: Vec::new() })
}

/// Validate a design merged with its bases; errors name the file each value came from.
pub(super) fn parse_merged(name: &str, merged: &Merged) -> Result<Design, DesignErrors> {
    parse_in(Ctx { name, text: &merged.text, merged: Some(merged), errors: Vec::new() })
}

fn parse_in(mut cx: Ctx<'_>) -> Result<Design, DesignErrors> {
    let text = cx.text;
    if let Some(at) = model::limits::toml_too_deep(text, model::limits::MAX_TOML_DEPTH) {
        let limit = model::limits::MAX_TOML_DEPTH;
        cx.err(at..at, format!("nested deeper than {limit} levels; a design needs 3"));
        return Err(DesignErrors(cx.errors));
    }
    let file: DesignFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().replace('\n', " ");
            cx.err(span, message);
            return Err(DesignErrors(cx.errors));
        }
    };
    let design = convert(&mut cx, file);
    if cx.errors.is_empty() { Ok(design) } else { Err(DesignErrors(cx.errors)) }
}

fn convert(cx: &mut Ctx<'_>, f: DesignFile) -> Design {
    let env = &f.environment;
    let region = env.region.get_ref().clone();
    if !is_region(&region) {
        cx.err(
            env.region.span(),
            format!("environment.region: `{region}` is not an AWS region; expected e.g. `eu-west-2`"),
        );
    }
    if let Some(acct) = &env.account_id
        && (acct.get_ref().len() != 12 || !acct.get_ref().chars().all(|c| c.is_ascii_digit()))
    {
        cx.err(acct.span(), format!("environment.account_id: `{}` is not a 12-digit AWS account id", acct.get_ref()));
    }
    let criticality = cx
        .choice(
            &env.criticality,
            "environment.criticality",
            &[("prod", Criticality::Prod), ("non-prod", Criticality::NonProd)],
        )
        .unwrap_or(Criticality::Prod);

    let scope = Scope {
        vpc_ids: f.scope.vpc_ids.clone(),
        vpc_cidrs: f.scope.vpc_cidrs.iter().filter_map(|c| cx.net(c, "scope.vpc_cidrs")).collect(),
        vpc_tags: f.scope.vpc_tags.clone(),
    };

    let mut cidr_sets = BTreeMap::new();
    for (set, cidrs) in &f.cidr_sets {
        let nets = cidrs.iter().filter_map(|c| cx.net(c, &format!("cidr_sets.{set}"))).collect();
        cidr_sets.insert(set.clone(), nets);
    }

    let mut tiers = Vec::new();
    for (tname, t) in &f.tiers {
        let line = cx.line_of(&t.span());
        let t = t.get_ref();
        let what = format!("tiers.{tname}");
        if t.subnet_cidrs.is_empty() && t.subnet_tags.is_empty() {
            let span = f.tiers[tname].span();
            cx.err(span, format!("{what}: matches no subnet; expected `subnet_cidrs` or `subnet_tags`"));
        }
        let subnet_cidrs = t
            .subnet_cidrs
            .iter()
            .filter_map(|c| match cx.net(c, &format!("{what}.subnet_cidrs"))? {
                IpNet::V4(n) => Some(n),
                IpNet::V6(_) => {
                    cx.err(
                        c.span(),
                        format!(
                            "{what}.subnet_cidrs: `{}` is IPv6; subnets are matched by their IPv4 CIDR",
                            c.get_ref()
                        ),
                    );
                    None
                }
            })
            .collect();
        let peering = match &t.peering {
            Some(s) => cx
                .choice(
                    s,
                    &format!("{what}.peering"),
                    &[("allowed", Peering::Allowed), ("forbidden", Peering::Forbidden)],
                )
                .unwrap_or(Peering::Forbidden),
            None => Peering::Allowed,
        };
        let peer_cidrs: Vec<IpNet> =
            t.peer_cidrs.iter().filter_map(|c| cx.net(c, &format!("{what}.peer_cidrs"))).collect();
        if peering == Peering::Forbidden
            && let Some(first) = t.peer_cidrs.first()
        {
            cx.err(first.span(), format!("{what}.peer_cidrs: listed, but peering is `forbidden`; expected `peering = \"allowed\"` or no peer_cidrs"));
        }
        let transit = match &t.transit {
            Some(s) => cx
                .choice(
                    s,
                    &format!("{what}.transit"),
                    &[("allowed", Peering::Allowed), ("forbidden", Peering::Forbidden)],
                )
                .unwrap_or(Peering::Forbidden),
            None => Peering::Allowed,
        };
        let mut transit_cidrs: Vec<IpNet> = Vec::new();
        for c in &t.transit_cidrs {
            transit_cidrs.extend(network::source(cx, c, &format!("{what}.transit_cidrs"), &cidr_sets));
        }
        if transit == Peering::Forbidden
            && let Some(first) = t.transit_cidrs.first()
        {
            cx.err(first.span(), format!("{what}.transit_cidrs: listed, but transit is `forbidden`; expected `transit = \"allowed\"` or no transit_cidrs"));
        }
        let req =
            [("required", Requirement::Required), ("forbidden", Requirement::Forbidden), ("any", Requirement::Any)];
        let internet = match &t.internet {
            Some(s) => cx.choice(s, &format!("{what}.internet"), &req).unwrap_or(Requirement::Any),
            None => Requirement::Any,
        };
        let nat = match &t.nat {
            Some(s) => cx
                .choice(
                    s,
                    &format!("{what}.nat"),
                    &[
                        ("required", NatRequirement::Required),
                        ("required-same-az", NatRequirement::RequiredSameAz),
                        ("any", NatRequirement::Any),
                    ],
                )
                .unwrap_or(NatRequirement::Any),
            None => NatRequirement::Any,
        };
        let nacl = t.nacl.as_ref().and_then(|n| convert_nacl(cx, tname, n, &cidr_sets));
        tiers.push(Tier {
            name: tname.clone(),
            subnet_cidrs,
            subnet_tags: t.subnet_tags.clone(),
            peering,
            peer_cidrs,
            transit,
            transit_cidrs,
            transit_cidrs_text: t.transit_cidrs.iter().map(|c| c.get_ref().clone()).collect(),
            internet,
            nat,
            nacl,
            line,
        });
    }

    let tier_names: Vec<String> = tiers.iter().map(|t| t.name.clone()).collect();
    let security = convert_security(cx, f.security.as_ref(), &cidr_sets, &tier_names);
    let reach = reach::convert_reach(cx, &f.reach, &cidr_sets, &tier_names, &security);

    let network = convert_network(cx, f.network.as_ref());

    let rds = f.rds.as_ref().map(|r| RdsPolicy {
        checks: cx.rds_checks(rds_checks_of!(r)),
        overrides: r
            .overrides
            .iter()
            .filter_map(|o| {
                let identifier = cx.glob(&o.identifier, "rds.overrides.identifier")?;
                Some(RdsOverride { identifier, checks: cx.rds_checks(rds_checks_of!(o)) })
            })
            .collect(),
    });

    let elasticache = f.elasticache.as_ref().map(|c| CachePolicy {
        multi_az: c.multi_az,
        automatic_failover: c.automatic_failover,
        at_rest_encryption: c.at_rest_encryption,
        transit_encryption: c.transit_encryption,
    });

    let alarms = f.alarms.as_ref().map(|a| {
        let required =
            a.required.iter().filter_map(|r| Some((r.get_ref().clone(), cx.glob(r, "alarms.required")?))).collect();
        let (mut firing, mut insufficient) = (true, false);
        if let Some(states) = &a.drift_states {
            firing = false;
            for s in states {
                match cx.choice(s, "alarms.drift_states", &[("ALARM", 0), ("INSUFFICIENT_DATA", 1)]) {
                    Some(0) => firing = true,
                    Some(_) => insufficient = true,
                    None => {}
                }
            }
        }
        AlarmPolicy {
            prefix: a.prefix.clone(),
            required,
            firing_is_drift: firing,
            insufficient_data_is_drift: insufficient,
            require_actions: a.require_actions.unwrap_or(true),
        }
    });

    let kms = f.kms.as_ref().map(|k| controls::convert_kms(cx, k));
    let instances = f.instances.as_ref().and_then(|i| controls::convert_instances(cx, i));
    let detectors = f.detectors.as_ref().map(|d| controls::convert_detectors(cx, d));
    let eks = f.eks.as_ref().map(|e| controls::convert_eks(cx, e, &cidr_sets));

    let mut severity = BTreeMap::new();
    for (rule, sev) in &f.severity {
        if crate::catalogue::RULE_IDS.contains(&rule.get_ref().as_str()) {
            severity.insert(rule.get_ref().clone(), *sev);
        } else {
            cx.err(
                rule.span(),
                format!("severity: unknown rule `{}`; expected a rule id such as `sg.admin-port-open`", rule.get_ref()),
            );
        }
    }

    let mut mutes = Vec::new();
    for m in &f.mutes {
        if !crate::catalogue::RULE_IDS.contains(&m.rule.get_ref().as_str()) {
            cx.err(
                m.rule.span(),
                format!(
                    "mutes.rule: unknown rule `{}`; expected a rule id such as `sg.public-ingress`",
                    m.rule.get_ref()
                ),
            );
        }
        if m.reason.get_ref().trim().is_empty() {
            cx.err(m.reason.span(), "mutes.reason: empty; say why the finding is muted".into());
        }
        let expires = m.expires.as_ref().and_then(|d| match d.get_ref().date {
            Some(date) if d.get_ref().time.is_none() => {
                Date::new(date.year as i16, date.month as i8, date.day as i8).ok()
            }
            _ => {
                cx.err(d.span(), format!("mutes.expires: found `{}`, expected a date such as 2026-12-31", d.get_ref()));
                None
            }
        });
        if let Some(resource) = cx.glob(&m.resource, "mutes.resource") {
            mutes.push(Mute {
                rule: m.rule.get_ref().clone(),
                resource,
                resource_text: m.resource.get_ref().clone(),
                reason: m.reason.get_ref().clone(),
                expires,
            });
        }
    }

    Design {
        source: cx.name.to_string(),
        environment: Environment {
            name: env.name.clone(),
            region,
            account_id: env.account_id.as_ref().map(|a| a.get_ref().clone()),
            profile: env.profile.clone(),
            criticality,
            org: None,
        },
        scope,
        cidr_sets,
        tiers,
        security,
        network,
        rds,
        elasticache,
        alarms,
        kms,
        instances,
        detectors,
        eks,
        severity,
        mutes,
        reach,
    }
}
