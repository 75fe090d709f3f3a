//! The documented design of one environment: what the live state must look like.
//!
//! Loaded from TOML (`file/` holds the on-disk shape, `extends/` the merge of a design
//! with its bases) and validated strictly into the types below, which the drift engine
//! reads. Every validation error names `file:line:column` (in the file that wrote the
//! value, base or not), what was found and what is expected.

mod extends;
mod file;

pub use extends::{MAX_DESIGN_FILES, Read, explain};

use globset::GlobMatcher;
use ipnet::{IpNet, Ipv4Net};
use jiff::civil::Date;
use regex::Regex;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::catalogue::Severity;

/// One validation problem, located in the design file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// All the problems found in one file (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignErrors(pub Vec<DesignError>);

impl fmt::Display for DesignErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DesignErrors {}

/// Whether a text has the shape of an AWS region name (`eu-west-2`); not whether the
/// region exists, which changes as AWS adds regions.
pub(crate) fn is_region(region: &str) -> bool {
    !region.is_empty()
        && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && region.contains('-')
}

/// Line and column (1-based, in characters) of a byte offset of a text.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Reads a design file or a base, capped at the design size limit.
pub fn read_design_file(path: &Path) -> Result<String, String> {
    model::limits::read_capped(path, "design file", model::limits::MAX_DESIGN_BYTES)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criticality {
    Prod,
    NonProd,
}

impl Criticality {
    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::Prod => "prod",
            Criticality::NonProd => "non-prod",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    pub region: String,
    pub account_id: Option<String>,
    pub profile: Option<String>,
    pub criticality: Criticality,
    /// Set for an environment of an organisation (`--org`), never by a design file: the
    /// role assumed in `account_id`, and where the account sits under the root.
    pub org: Option<OrgPlace>,
}

/// An environment's place in an organisation (`--org`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPlace {
    /// The role assumed in the environment's account (`arn:aws:iam::ACCOUNT:role/ROLE`).
    pub role_name: String,
    pub external_id: Option<String>,
    /// OU names from under the root, `/`-joined; `""` at the root.
    pub ou_path: String,
    /// `FILE:LINE` of the `[[match]]` that chose the design.
    pub rule: String,
}

/// Which VPCs the design covers. A VPC is in scope when it matches any listed id, CIDR or tag.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub vpc_ids: Vec<String>,
    pub vpc_cidrs: Vec<IpNet>,
    pub vpc_tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peering {
    Allowed,
    Forbidden,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Required,
    Forbidden,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatRequirement {
    /// A default route through some NAT gateway.
    Required,
    /// A default route through a NAT gateway in the subnet's own AZ (one NAT per AZ).
    RequiredSameAz,
    Any,
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub name: String,
    pub subnet_cidrs: Vec<Ipv4Net>,
    pub subnet_tags: BTreeMap<String, String>,
    pub peering: Peering,
    /// With peering allowed: the peer CIDRs routes may point at (empty: any).
    pub peer_cidrs: Vec<IpNet>,
    /// Routes to a transit gateway: allowed or forbidden, as for peering (`transit`).
    pub transit: Peering,
    /// With transit allowed: the destinations routes to a transit gateway may cover
    /// (CIDRs and cidr sets resolved; empty: any).
    pub transit_cidrs: Vec<IpNet>,
    /// `transit_cidrs` as written, for messages.
    pub transit_cidrs_text: Vec<String>,
    pub internet: Requirement,
    pub nat: NatRequirement,
    /// What the tier's network ACL must let in and keep out (`[tiers.NAME.nacl]`).
    pub nacl: Option<NaclExpectation>,
    /// Line of the `[tiers.NAME]` table, for "the design clause" in explanations.
    pub line: usize,
}

/// `[tiers.NAME.nacl]`: what the network ACL of the tier's subnets must do to inbound traffic.
#[derive(Debug, Clone)]
pub struct NaclExpectation {
    /// CIDR set names admin ports (`security.admin_ports`) may be let in from; `None`
    /// leaves admin ports unchecked at the ACL, `Some([])` means from nowhere.
    pub admin_ports_from: Option<Vec<String>>,
    /// Sources (CIDR sets resolved, CIDRs) from which `deny_ports` must be denied.
    pub deny_from: Vec<IpNet>,
    /// `deny_from` as written, for messages.
    pub deny_from_text: Vec<String>,
    pub deny_ports: Vec<PortRange>,
    /// Line of the `[tiers.NAME.nacl]` table.
    pub line: usize,
}

/// Which flow-log traffic type the design asks for. `All` covers both others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowTraffic {
    All,
    Accept,
    Reject,
}

impl FlowTraffic {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowTraffic::All => "ALL",
            FlowTraffic::Accept => "ACCEPT",
            FlowTraffic::Reject => "REJECT",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FlowLogPolicy {
    pub traffic: FlowTraffic,
    pub line: usize,
}

/// `[network]`: VPC-wide expectations.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// Service short names (`s3`, `dynamodb`, `kms`, `ecr.dkr`) each in-scope VPC needs an endpoint for.
    pub required_endpoints: Vec<String>,
    /// Flow logs every in-scope VPC must have; `None` leaves flow logs unchecked.
    pub flow_logs: Option<FlowLogPolicy>,
    /// How many tunnels of each VPN connection must be up; `None` leaves VPN unchecked.
    pub vpn: Option<VpnPolicy>,
}

/// `[network] vpn = { tunnels_up = N }`.
#[derive(Debug, Clone)]
pub struct VpnPolicy {
    /// 1 or 2: a Site-to-Site VPN connection has two tunnels.
    pub tunnels_up: usize,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    /// Values of the role tag that select this role (default: the role's own name).
    pub tag_values: Vec<String>,
    /// Security group name globs that also select this role.
    pub names: Vec<GlobMatcher>,
    /// Tiers the role lives in (`tiers = ["data"]`): where reachability places the role
    /// when no live member (network interface, RDS instance) carries its groups.
    pub tiers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to { write!(f, "{}", self.from) } else { write!(f, "{}-{}", self.from, self.to) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowSource {
    Role(String),
    CidrSet(String),
    Cidr(IpNet),
}

impl fmt::Display for FlowSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowSource::Role(r) => write!(f, "role {r}"),
            FlowSource::CidrSet(s) => write!(f, "cidr set {s}"),
            FlowSource::Cidr(c) => write!(f, "{c}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub from: FlowSource,
    pub to: String,
    pub protocol: String,
    pub ports: Vec<PortRange>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct PublicPort {
    pub role: String,
    pub protocol: String,
    pub ports: Vec<PortRange>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Security {
    pub role_tag: String,
    pub admin_ports: Vec<u16>,
    /// Names of CIDR sets admin ports may be opened to.
    pub admin_from: Vec<String>,
    pub roles: Vec<Role>,
    pub public: Vec<PublicPort>,
    pub flows: Vec<Flow>,
}

/// The RDS checks; `None` leaves a property unchecked.
#[derive(Debug, Clone, Default)]
pub struct RdsChecks {
    pub multi_az: Option<bool>,
    pub storage_encrypted: Option<bool>,
    pub publicly_accessible: Option<bool>,
    pub min_backup_retention_days: Option<i32>,
    pub deletion_protection: Option<bool>,
    /// Shared, not cloned: a cloned `Regex` gets its own empty match cache, and
    /// `checks_for` runs per database per rule (rebuilding caches was 4% of evaluation).
    pub instance_class: Option<std::sync::Arc<Regex>>,
}

#[derive(Debug, Clone)]
pub struct RdsOverride {
    pub identifier: GlobMatcher,
    pub checks: RdsChecks,
}

#[derive(Debug, Clone, Default)]
pub struct RdsPolicy {
    pub checks: RdsChecks,
    pub overrides: Vec<RdsOverride>,
}

impl RdsPolicy {
    /// The checks that apply to one identifier: the first matching override's fields win.
    pub fn checks_for(&self, identifier: &str) -> RdsChecks {
        let mut c = self.checks.clone();
        if let Some(o) = self.overrides.iter().find(|o| o.identifier.is_match(identifier)) {
            let oc = &o.checks;
            c.multi_az = oc.multi_az.or(c.multi_az);
            c.storage_encrypted = oc.storage_encrypted.or(c.storage_encrypted);
            c.publicly_accessible = oc.publicly_accessible.or(c.publicly_accessible);
            c.min_backup_retention_days = oc.min_backup_retention_days.or(c.min_backup_retention_days);
            c.deletion_protection = oc.deletion_protection.or(c.deletion_protection);
            if oc.instance_class.is_some() {
                c.instance_class = oc.instance_class.clone();
            }
        }
        c
    }
}

#[derive(Debug, Clone, Default)]
pub struct CachePolicy {
    pub multi_az: Option<bool>,
    pub automatic_failover: Option<bool>,
    pub at_rest_encryption: Option<bool>,
    pub transit_encryption: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct AlarmPolicy {
    pub prefix: Option<String>,
    /// Required alarm names or globs, with the text as written.
    pub required: Vec<(String, GlobMatcher)>,
    pub firing_is_drift: bool,
    pub insufficient_data_is_drift: bool,
    pub require_actions: bool,
}

/// `[kms]`: keys (aliases, key ids or ARNs) that must exist, be enabled and rotate.
#[derive(Debug, Clone)]
pub struct KmsPolicy {
    pub keys: Vec<String>,
    /// `Some(true)`: each listed key must rotate automatically. `false` or absent: not checked.
    pub rotation: Option<bool>,
    /// The rotation period each listed key must have (90 to 2560 days).
    pub rotation_period_days: Option<i32>,
    pub line: usize,
}

impl KmsPolicy {
    /// Whether `kms.rotation-disabled` has anything to check.
    pub fn checks_rotation(&self) -> bool {
        self.rotation == Some(true) || self.rotation_period_days.is_some()
    }
}

/// `[instances]`: instance metadata on launch templates and running instances.
#[derive(Debug, Clone)]
pub struct InstancePolicy {
    /// IMDSv2 (`HttpTokens = required`) is required.
    pub imdsv2_required: bool,
    pub max_hop_limit: Option<i32>,
    pub line: usize,
}

/// `[detectors].cloudtrail`: what one trail must do; `None` fields are not checked.
#[derive(Debug, Clone, Default)]
pub struct TrailPolicy {
    pub multi_region: Option<bool>,
    pub logging: Option<bool>,
    pub log_file_validation: Option<bool>,
    pub line: usize,
}

/// `[detectors]`: GuardDuty, Security Hub and the trail. `Some(true)` asks for it on.
#[derive(Debug, Clone, Default)]
pub struct DetectorPolicy {
    pub guardduty: Option<bool>,
    pub securityhub: Option<bool>,
    pub cloudtrail: Option<TrailPolicy>,
    pub line: usize,
}

/// `[eks]`: the endpoint and who holds access to the in-scope clusters.
#[derive(Debug, Clone)]
pub struct EksPolicy {
    /// CIDR sets the public endpoint may be open to; `Some([])` means private only.
    pub public_endpoint_from: Option<Vec<String>>,
    /// The only principals (ARN globs, with the text) that may hold cluster-admin access.
    pub admins: Option<Vec<(String, GlobMatcher)>>,
    /// Principals (ARN globs) that must hold view access.
    pub viewers: Vec<(String, GlobMatcher)>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Mute {
    pub rule: String,
    /// Resource id or glob.
    pub resource: GlobMatcher,
    pub resource_text: String,
    pub reason: String,
    pub expires: Option<Date>,
}

/// A validated design.
#[derive(Debug, Clone)]
pub struct Design {
    /// File it was loaded from, as given.
    pub source: String,
    pub environment: Environment,
    pub scope: Scope,
    pub cidr_sets: BTreeMap<String, Vec<IpNet>>,
    pub tiers: Vec<Tier>,
    pub security: Security,
    pub network: Network,
    pub rds: Option<RdsPolicy>,
    pub elasticache: Option<CachePolicy>,
    pub alarms: Option<AlarmPolicy>,
    pub kms: Option<KmsPolicy>,
    pub instances: Option<InstancePolicy>,
    pub detectors: Option<DetectorPolicy>,
    pub eks: Option<EksPolicy>,
    pub severity: BTreeMap<String, Severity>,
    pub mutes: Vec<Mute>,
    /// `[[reach]]` assertions: paths that must exist or must not.
    pub reach: Vec<ReachAssertion>,
}

/// Whether a `[[reach]]` path must exist or must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Allowed,
    Denied,
}

impl Expect {
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Allowed => "allowed",
            Expect::Denied => "denied",
        }
    }
}

/// One `[[reach]]` assertion; endpoints are kept as written (`app`, `tier:data`,
/// `production-pci:alb`, `devops`, `internet`, a CIDR) and resolved by `reach`.
#[derive(Debug, Clone)]
pub struct ReachAssertion {
    pub from: String,
    pub to: String,
    pub protocol: String,
    pub ports: Vec<PortRange>,
    pub expect: Expect,
    pub line: usize,
}

/// Messages quote the file's values, which may hold a newline: kept one line each.
fn one_line(r: Result<Design, DesignErrors>) -> Result<Design, DesignErrors> {
    r.map_err(|mut errs| {
        for e in &mut errs.0 {
            e.message = model::limits::one_line(std::mem::take(&mut e.message));
        }
        errs
    })
}

impl Design {
    /// Read and validate a design file, with its bases (`extends`) read from disk.
    pub fn load(path: &Path) -> Result<Design, DesignErrors> {
        Self::load_with(path, &read_design_file)
    }

    /// As `load`, reading the design and its bases through `read` (tests, other stores).
    pub fn load_with(path: &Path, read: Read<'_>) -> Result<Design, DesignErrors> {
        let name = path.display().to_string();
        let text = read(path)
            .map_err(|e| DesignErrors(vec![DesignError { file: name.clone(), line: 0, column: 0, message: e }]))?;
        if extends::bases_key(&text).is_none() {
            return Self::parse(&name, &text);
        }
        let merged = extends::merge(path, text, read)?;
        one_line(file::parse_merged(&name, &merged))
    }

    /// The design at `path` merged with its bases, read from disk, as annotated TOML
    /// (`validate --explain`; see `explain`). Not validated: `load` says what is wrong.
    pub fn explain(path: &Path) -> Result<String, DesignErrors> {
        explain(path, &read_design_file)
    }

    /// Validate design text; `name` is used in error locations. Text that declares bases
    /// (`extends`) is refused: its bases are found relative to its file (`load`).
    pub fn parse(name: &str, text: &str) -> Result<Design, DesignErrors> {
        if let Some(span) = extends::bases_key(text) {
            let (line, column) = line_col(text, span.start);
            let message = "extends: a design with bases is loaded from its file, whose folder its bases are \
                           relative to"
                .to_string();
            return Err(DesignErrors(vec![DesignError { file: name.to_string(), line, column, message }]));
        }
        one_line(file::parse(name, text))
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.security.roles.iter().find(|r| r.name == name)
    }

    pub fn tier(&self, name: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.name == name)
    }
}
