//! Which AWS region a planned resource lands in, read from the plan's `configuration`:
//! each resource names its provider configuration (`provider_config_key`), whose
//! `region` is a constant or known only at apply.
//!
//! Since Terraform 1.1 (hashicorp/terraform#30138) the key is the resolved one, an entry
//! of `provider_config` even through aliases and modules. Older plans write a module's
//! local key (`net:aws`, `module.net:aws.second`); those are followed through the
//! module call's `providers` mapping when the plan has one, else through implicit
//! inheritance of the default `aws` configuration.

use serde_json::Value;
use std::collections::BTreeMap;

/// Configuration block address (`module.net.aws_vpc.main`, no instance keys) -> the
/// region of its provider configuration, for the blocks where it is a constant.
pub(super) fn resource_regions(configuration: &Value) -> BTreeMap<String, String> {
    let configs = configuration.get("provider_config").and_then(Value::as_object);
    let region_of = |key: &str| -> Option<String> {
        let pc = configs?.get(key)?;
        let name = pc.get("name").and_then(Value::as_str).unwrap_or_default();
        if name != "aws" {
            return None;
        }
        pc.pointer("/expressions/region/constant_value").and_then(Value::as_str).map(str::to_string)
    };
    let known = |key: &str| configs.is_some_and(|c| c.contains_key(key));
    let mut out = BTreeMap::new();
    // (module, path prefix, local provider key -> resolved key)
    let mut stack: Vec<(&Value, String, BTreeMap<String, String>)> = Vec::new();
    if let Some(root) = configuration.get("root_module") {
        stack.push((root, String::new(), BTreeMap::new()));
    }
    while let Some((module, path, inherit)) = stack.pop() {
        let resolve = |local: &str| -> String {
            // A module's own provider block, else what its caller passed or it inherited.
            let own = format!("{path}:{local}").replacen(".:", ":", 1);
            if known(&own) { own } else { inherit.get(local).cloned().unwrap_or_else(|| local.to_string()) }
        };
        for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
            let (Some(addr), Some(key)) =
                (r.get("address").and_then(Value::as_str), r.get("provider_config_key").and_then(Value::as_str))
            else {
                continue;
            };
            let resolved = if known(key) {
                key.to_string()
            } else {
                // `net:aws.second` / `module.net:aws.second`: the part after the colon is local.
                resolve(key.rsplit_once(':').map_or(key, |(_, local)| local))
            };
            if let Some(region) = region_of(&resolved) {
                out.insert(format!("{path}{addr}"), region);
            }
        }
        for (name, call) in module.get("module_calls").and_then(Value::as_object).into_iter().flatten() {
            let Some(child) = call.get("module") else { continue };
            let child_path = format!("{path}module.{name}.");
            let mut map = BTreeMap::new();
            // Explicit `providers = { aws = aws.west }`, where the plan records it.
            for (local, parent) in call.get("providers").and_then(Value::as_object).into_iter().flatten() {
                if let Some(parent) = parent.as_str() {
                    map.insert(local.clone(), resolve(parent));
                }
            }
            // Implicit inheritance passes only the default (unaliased) configuration.
            map.entry("aws".to_string()).or_insert_with(|| resolve("aws"));
            stack.push((child, child_path, map));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `provider_config` as the "JSON Output Format" documents it (keys `aws`,
    /// `aws.ALIAS`, `module.NAME:aws`), with the older module-local keys of
    /// hashicorp/terraform#30113 and a module call's `providers` mapping.
    #[test]
    fn aliases_modules_and_older_keys_resolve_to_a_region() {
        let pc = |region: &str| json!({"name": "aws", "expressions": {"region": {"constant_value": region}}});
        let res = |addr: &str, key: &str| json!({"address": addr, "provider_config_key": key});
        let configuration = json!({
            "provider_config": {
                "aws": pc("eu-west-2"),
                "aws.west": pc("us-west-2"),
                "aws.var": {"name": "aws", "alias": "var", "expressions": {"region": {"references": ["var.region"]}}},
            },
            "root_module": {
                "resources": [res("aws_vpc.a", "aws"), res("aws_vpc.b", "aws.west"), res("aws_vpc.c", "aws.var")],
                "module_calls": {
                    "net": {
                        "providers": {"aws.second": "aws.west"},
                        "module": {"resources": [res("aws_subnet.x", "net:aws.second"), res("aws_subnet.y", "net:aws")],
                                   "module_calls": {"deep": {"module": {"resources": [res("aws_route.z", "module.net.module.deep:aws")]}}}}
                    }
                }
            }
        });
        let r = resource_regions(&configuration);
        assert_eq!(r.get("aws_vpc.a").map(String::as_str), Some("eu-west-2"));
        assert_eq!(r.get("aws_vpc.b").map(String::as_str), Some("us-west-2"));
        assert_eq!(r.get("aws_vpc.c"), None, "a region from a variable is not known");
        assert_eq!(r.get("module.net.aws_subnet.x").map(String::as_str), Some("us-west-2"));
        assert_eq!(r.get("module.net.aws_subnet.y").map(String::as_str), Some("eu-west-2"));
        assert_eq!(r.get("module.net.module.deep.aws_route.z").map(String::as_str), Some("eu-west-2"));
    }
}
