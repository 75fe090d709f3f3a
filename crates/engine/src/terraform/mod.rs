//! Terraform / OpenTofu plan and state JSON (`terraform show -json`): the only code that
//! knows Terraform's resource types, as `aws/` is the only code that knows the SDK.
//!
//! `parse_plan` reads the document into `PlannedChange`s (root and child modules,
//! `count`/`for_each` addresses kept whole); `apply` replays them onto a `Snapshot`.
//! Values Terraform only knows after apply (`after_unknown`) are never guessed: `apply`
//! takes a `Variant` that fills each unknown value at one extreme, and records which
//! judged attribute was unknown, so the caller can tell "would drift", "would not" and
//! "unknown until apply" apart.

mod apply;
mod config;
mod decode;
mod region;
mod state_diff;
mod values;

pub use apply::{Applied, UNKNOWN_VPC, Unknown, Variant, apply, apply_in};
pub use decode::decode;
pub use state_diff::{Differs, LiveOnly, MissingLive, StateDiff, compare_state};
pub use values::describe as describe_values;

use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Resource types replayed onto the inventory; every other managed type is listed as
/// "not judged" in the output, never silently dropped.
pub const MAPPED_TYPES: &[&str] = &[
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_peering_connection",
    "aws_subnet",
    "aws_nat_gateway",
    "aws_internet_gateway",
    "aws_egress_only_internet_gateway",
    "aws_vpc_peering_connection_accepter",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_vpc_endpoint",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_elasticache_replication_group",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_composite_alarm",
    "aws_kms_key",
    "aws_kms_alias",
    "aws_launch_template",
    "aws_instance",
    "aws_guardduty_detector",
    "aws_securityhub_account",
    "aws_cloudtrail",
    "aws_eks_cluster",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_vpn_gateway_route_propagation",
    "aws_vpn_connection",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
    /// `["delete","create"]` or `["create","delete"]`.
    Replace,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Replace => "replace",
        }
    }

    pub fn sign(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Delete => "-",
            Action::Replace => "-/+",
        }
    }

    fn parse(actions: &[String]) -> Option<Action> {
        let a: Vec<&str> = actions.iter().map(String::as_str).collect();
        match a.as_slice() {
            ["create"] => Some(Action::Create),
            ["update"] => Some(Action::Update),
            ["delete"] => Some(Action::Delete),
            ["delete", "create"] | ["create", "delete"] => Some(Action::Replace),
            _ => None,
        }
    }
}

/// One managed resource the plan changes.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChange {
    /// Full address: `module.vpc.aws_route.data_peering[0]`.
    pub address: String,
    /// `module.vpc` (with its own index), empty for the root module.
    pub module_address: String,
    pub rtype: String,
    pub action: Action,
    pub before: Value,
    pub after: Value,
    pub after_unknown: Value,
    /// Attribute -> addresses its configuration expression references, made absolute
    /// (prefixed with the module address).
    pub references: BTreeMap<String, Vec<String>>,
    /// Attributes the configuration sets at all (constant or expression); an unknown
    /// computed attribute the user never set (e.g. `route` of a table whose routes are
    /// separate `aws_route` resources) is then known to be the provider's default.
    /// `None` when the plan has no configuration for it: then nothing is assumed.
    pub configured: Option<BTreeSet<String>>,
    /// The AWS region it is planned in: the resource's own `region` (AWS provider 6),
    /// else its provider configuration's constant `region`; `None` when the plan does not
    /// say (a variable, the environment), and then it is judged as in the design's.
    pub region: Option<String>,
}

impl PlannedChange {
    pub fn mapped(&self) -> bool {
        MAPPED_TYPES.contains(&self.rtype.as_str())
    }
}

/// A parsed plan: the changes, and the address -> id table used to resolve references.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub format_version: String,
    pub terraform_version: Option<String>,
    pub changes: Vec<PlannedChange>,
    /// Every managed resource address the plan knows (changed or not) -> its id: the
    /// live id when known, else the address itself as a placeholder.
    pub ids: BTreeMap<String, String>,
}

impl Plan {
    pub fn not_judged(&self) -> impl Iterator<Item = &PlannedChange> {
        self.changes.iter().filter(|c| !c.mapped())
    }
}

#[derive(Deserialize)]
struct RawPlan {
    format_version: Option<String>,
    terraform_version: Option<String>,
    #[serde(default)]
    resource_changes: Vec<RawChange>,
    #[serde(default)]
    configuration: Value,
    #[serde(default)]
    prior_state: Value,
}

#[derive(Deserialize)]
struct RawChange {
    address: String,
    #[serde(default)]
    module_address: Option<String>,
    mode: String,
    #[serde(rename = "type")]
    rtype: String,
    change: RawInner,
}

#[derive(Deserialize)]
struct RawInner {
    actions: Vec<String>,
    #[serde(default)]
    before: Value,
    #[serde(default)]
    after: Value,
    #[serde(default)]
    after_unknown: Value,
}

/// Accept `format_version` major 1 (any minor): the documented compatibility promise.
fn check_version(v: Option<&str>, what: &str) -> Result<String, String> {
    let v = v.ok_or_else(|| format!("not a {what}: no \"format_version\" (use `terraform show -json`)"))?;
    match v.split('.').next() {
        Some("1") => Ok(v.to_string()),
        _ => Err(format!("{what} format_version {v} is not supported (this driftdeck reads major version 1)")),
    }
}

/// Parse `terraform show -json PLANFILE` output.
pub fn parse_plan(text: &str) -> Result<Plan, String> {
    let raw: RawPlan = serde_json::from_str(text).map_err(|e| format!("not a Terraform plan JSON: {e}"))?;
    let format_version = check_version(raw.format_version.as_deref(), "plan")?;
    if raw.resource_changes.is_empty() && raw.configuration.is_null() {
        return Err("not a Terraform plan JSON: no resource_changes (for a state file use --state)".into());
    }
    let config = config::Config::parse(&raw.configuration);
    let regions = region::resource_regions(&raw.configuration);
    let mut ids = BTreeMap::new();
    collect_state_ids(raw.prior_state.get("values").and_then(|v| v.get("root_module")), &mut ids);
    let mut changes = Vec::new();
    for rc in raw.resource_changes {
        if rc.mode != "managed" {
            continue; // data sources are read, never changed
        }
        let known_id = values::str_at(&rc.change.before, "id").or_else(|| values::str_at(&rc.change.after, "id"));
        ids.insert(rc.address.clone(), known_id.unwrap_or_else(|| rc.address.clone()));
        if rc.rtype == "aws_vpc" {
            // `aws_vpc.x.main_route_table_id` and the like name the parts AWS creates
            // with the VPC; `apply` gives them these ids.
            for part in apply::DEFAULT_PARTS {
                let id = values::str_at(&rc.change.after, part).or_else(|| values::str_at(&rc.change.before, part));
                ids.insert(format!("{}.{part}", rc.address), id.unwrap_or_else(|| format!("{}.{part}", rc.address)));
            }
        }
        let Some(action) = Action::parse(&rc.change.actions) else {
            continue; // no-op and read
        };
        let module_address = rc.module_address.unwrap_or_default();
        let config_key = strip_indexes(&format!("{}{}", prefix(&module_address), local_name(&rc.address)));
        let module_path = strip_indexes(&prefix(&module_address));
        let exprs = config.blocks.get(&config_key);
        let configured = exprs.map(|e| e.keys().cloned().collect());
        let references = exprs
            .map(|exprs| {
                exprs
                    .iter()
                    .filter(|(_, refs)| !refs.is_empty())
                    .map(|(attr, refs)| {
                        let abs = refs
                            .iter()
                            .flat_map(|r| config.absolute(&module_path, &prefix(&module_address), r))
                            .collect();
                        (attr.clone(), abs)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let region = values::str_at(&rc.change.after, "region")
            .or_else(|| values::str_at(&rc.change.before, "region"))
            .or_else(|| regions.get(&config_key).cloned());
        changes.push(PlannedChange {
            address: rc.address,
            module_address,
            rtype: rc.rtype,
            action,
            before: rc.change.before,
            after: rc.change.after,
            after_unknown: rc.change.after_unknown,
            references,
            configured,
            region,
        });
    }
    Ok(Plan { format_version, terraform_version: raw.terraform_version, changes, ids })
}

/// Parse `terraform show -json` of a state: every managed resource becomes a `create`
/// of what Terraform believes exists, so the same replay can compare it with live.
pub fn parse_state(text: &str) -> Result<Plan, String> {
    let raw: Value = serde_json::from_str(text).map_err(|e| format!("not a Terraform state JSON: {e}"))?;
    let format_version = check_version(raw.get("format_version").and_then(Value::as_str), "state")?;
    if raw.get("resource_changes").is_some() || raw.get("planned_values").is_some() {
        return Err("this is a Terraform plan, not a state (for a plan use --plan)".into());
    }
    // With no state at all `terraform show -json` prints only `{"format_version":"1.0"}`:
    // an empty state (nothing managed), not an error.
    let Some(values) = raw.get("values") else {
        return Ok(Plan {
            format_version,
            terraform_version: raw.get("terraform_version").and_then(Value::as_str).map(str::to_string),
            ..Plan::default()
        });
    };
    let root = values.get("root_module").ok_or("not a Terraform state JSON: no values.root_module")?;
    let mut ids = BTreeMap::new();
    collect_state_ids(Some(root), &mut ids);
    let mut changes = Vec::new();
    walk_state(root, &mut |r| {
        if r.get("mode").and_then(Value::as_str) != Some("managed") {
            return;
        }
        let (Some(address), Some(rtype)) =
            (r.get("address").and_then(Value::as_str), r.get("type").and_then(Value::as_str))
        else {
            return;
        };
        let module_address = address.rsplit_once(".aws_").map(|(m, _)| m.to_string()).unwrap_or_default();
        let after = r.get("values").cloned().unwrap_or(Value::Null);
        changes.push(PlannedChange {
            address: address.to_string(),
            module_address,
            rtype: rtype.to_string(),
            action: Action::Create,
            before: Value::Null,
            // A state carries no configuration: only a resource's own `region` says.
            region: values::str_at(&after, "region"),
            after,
            after_unknown: Value::Null,
            references: BTreeMap::new(),
            configured: None,
        });
    });
    Ok(Plan {
        format_version,
        terraform_version: raw.get("terraform_version").and_then(Value::as_str).map(str::to_string),
        changes,
        ids,
    })
}

fn prefix(module_address: &str) -> String {
    if module_address.is_empty() { String::new() } else { format!("{module_address}.") }
}

/// `module.vpc.aws_route.x[0]` -> `aws_route.x[0]`.
fn local_name(address: &str) -> &str {
    let mut rest = address;
    while let Some(r) = rest.strip_prefix("module.") {
        // skip `NAME` (and an index) then the dot
        match split_segment(r) {
            Some((_, tail)) => rest = tail,
            None => break,
        }
    }
    rest
}

/// Split `name[idx].rest` into (`name[idx]`, `rest`), respecting quoted keys.
fn split_segment(s: &str) -> Option<(&str, &str)> {
    let mut in_brackets = false;
    for (i, c) in s.char_indices() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            '.' if !in_brackets => return Some((&s[..i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Drop `[0]` / `["key"]` instance keys: configuration is per resource block.
fn strip_indexes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn walk_state(module: &Value, f: &mut dyn FnMut(&Value)) {
    for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
        f(r);
    }
    for child in module.get("child_modules").and_then(Value::as_array).into_iter().flatten() {
        walk_state(child, f);
    }
}

fn collect_state_ids(root: Option<&Value>, ids: &mut BTreeMap<String, String>) {
    if let Some(root) = root {
        walk_state(root, &mut |r| {
            let id = r.pointer("/values/id").and_then(Value::as_str);
            if let (Some(a), Some(id)) = (r.get("address").and_then(Value::as_str), id) {
                ids.insert(a.to_string(), id.to_string());
                for part in apply::DEFAULT_PARTS {
                    if let Some(p) = r.get("values").and_then(|v| values::str_at(v, part)) {
                        ids.insert(format!("{a}.{part}"), p);
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(local_name("module.vpc.aws_route.x[0]"), "aws_route.x[0]");
        assert_eq!(local_name("module.a[\"k.1\"].module.b.aws_route.x"), "aws_route.x");
        assert_eq!(strip_indexes("module.a[\"k\"].aws_route.x[0]"), "module.a.aws_route.x");
    }

    #[test]
    fn versions() {
        assert!(check_version(Some("1.2"), "plan").is_ok());
        assert!(check_version(Some("1.9"), "plan").is_ok());
        let e = check_version(Some("2.0"), "plan").unwrap_err();
        assert!(e.contains("2.0") && e.contains("major version 1"), "{e}");
        assert!(check_version(None, "plan").is_err());
    }
}
