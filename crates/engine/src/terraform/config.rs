//! The plan's `configuration`: what each resource block sets and what its expressions
//! reference, with references through module inputs (`var.NAME`) and outputs
//! (`module.NAME.OUTPUT`) followed to the resources behind them, so that a `vpc_id`
//! handed from a VPC module to another module resolves like a direct reference.

use serde_json::Value;
use std::collections::BTreeMap;

/// Attribute -> referenced addresses (as written, relative to the block's module).
pub(super) type Exprs = BTreeMap<String, Vec<String>>;

/// How deep a reference is followed through modules (a cycle cannot be configured, but a
/// malformed plan could describe one).
const MAX_HOPS: usize = 16;

#[derive(Default)]
pub(super) struct Config {
    /// Block address (module path without instance keys + `type.name`) -> its expressions.
    pub blocks: BTreeMap<String, Exprs>,
    /// Module path (`module.a.module.b.`) -> input variable -> references in its caller.
    inputs: BTreeMap<String, Exprs>,
    /// Module path -> output -> references inside that module.
    outputs: BTreeMap<String, Exprs>,
}

fn refs_of(e: &Value) -> Vec<String> {
    e.get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn exprs_of(v: Option<&Value>) -> Exprs {
    v.and_then(Value::as_object).into_iter().flatten().map(|(k, e)| (k.clone(), refs_of(e))).collect()
}

impl Config {
    pub fn parse(configuration: &Value) -> Config {
        let mut out = Config::default();
        let mut stack: Vec<(&Value, String)> = Vec::new();
        if let Some(root) = configuration.get("root_module") {
            stack.push((root, String::new()));
        }
        while let Some((module, path)) = stack.pop() {
            for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
                let Some(addr) = r.get("address").and_then(Value::as_str) else { continue };
                out.blocks.insert(format!("{path}{addr}"), exprs_of(r.get("expressions")));
            }
            let outputs: Exprs = module
                .get("outputs")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, o)| (name.clone(), o.get("expression").map(refs_of).unwrap_or_default()))
                .collect();
            out.outputs.insert(path.clone(), outputs);
            for (name, call) in module.get("module_calls").and_then(Value::as_object).into_iter().flatten() {
                let child = format!("{path}module.{name}.");
                out.inputs.insert(child.clone(), exprs_of(call.get("expressions")));
                if let Some(m) = call.get("module") {
                    stack.push((m, child));
                }
            }
        }
        out
    }

    /// The absolute addresses a reference written in the module at `path` (no instance
    /// keys) names; `instance` is that module's address with its keys, used for a
    /// reference that stays in the module. A module input or output is followed to
    /// what it is set from; one the configuration does not describe stays as written
    /// (and then resolves to nothing, which the caller reports as unknown).
    pub fn absolute(&self, path: &str, instance: &str, r: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.follow(path, instance, r, 0, &mut out);
        if out.is_empty() {
            out.push(format!("{instance}{r}"));
        }
        out
    }

    fn follow(&self, path: &str, instance: &str, r: &str, hops: usize, out: &mut Vec<String>) {
        if hops > MAX_HOPS {
            return;
        }
        let first = |s: &str| s.split(['.', '[']).next().unwrap_or_default().to_string();
        if let Some(var) = r.strip_prefix("var.") {
            let Some(refs) = self.inputs.get(path).and_then(|i| i.get(&first(var))) else { return };
            let parent = parent_of(path);
            for r2 in refs {
                self.follow(&parent, &parent, r2, hops + 1, out);
            }
        } else if let Some(rest) = r.strip_prefix("module.") {
            // `module.M.OUT` (or `module.M[0].OUT`); `module.M` alone names no value.
            let Some((m, tail)) = rest.split_once('.') else { return };
            let child = format!("{path}module.{}.", first(m));
            let Some(refs) = self.outputs.get(&child).and_then(|o| o.get(&first(tail))) else { return };
            for r2 in refs {
                self.follow(&child, &child, r2, hops + 1, out);
            }
        } else if !r.starts_with("local.")
            && !r.starts_with("data.")
            && !r.starts_with("each.")
            && !r.starts_with("count.")
        {
            let abs = format!("{instance}{r}");
            if !out.contains(&abs) {
                out.push(abs);
            }
        }
    }
}

/// `module.a.module.b.` -> `module.a.`; `module.a.` -> ``.
fn parent_of(path: &str) -> String {
    let trimmed = path.strip_suffix('.').unwrap_or(path);
    match trimmed.rfind(".module.") {
        Some(i) => format!("{}.", &trimmed[..i]),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents() {
        assert_eq!(parent_of("module.a.module.b."), "module.a.");
        assert_eq!(parent_of("module.a."), "");
    }
}
