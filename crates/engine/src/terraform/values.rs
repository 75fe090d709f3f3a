//! Reading attribute values out of a plan's `before` / `after` / `after_unknown` JSON.

use serde_json::Value;

/// A known, non-empty string at `key`.
pub fn str_at(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Is the value at `key` (or the whole object) unknown until apply? `after_unknown`
/// mirrors `after` with `true` at unknown leaves, or `true` for a whole unknown block.
pub fn unknown_at(unknown: &Value, key: &str) -> bool {
    match unknown {
        Value::Bool(b) => *b,
        Value::Object(m) => m.get(key).is_some_and(any_unknown),
        _ => false,
    }
}

/// True when anything at or below this mirror node is unknown.
pub fn any_unknown(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(a) => a.iter().any(any_unknown),
        Value::Object(m) => m.values().any(any_unknown),
        _ => false,
    }
}

/// Element `i` of an `after_unknown` list mirror (or the mirror itself when the whole
/// list is unknown).
pub fn unknown_elem(unknown: &Value, key: &str, i: usize) -> Value {
    match unknown {
        Value::Bool(true) => Value::Bool(true),
        Value::Object(m) => match m.get(key) {
            Some(Value::Bool(true)) => Value::Bool(true),
            Some(Value::Array(a)) => a.get(i).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

/// Known strings of a list attribute (unknown elements are skipped; ask `unknown_at`).
pub fn strs_at(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

pub fn bool_at(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

pub fn int_at(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(|x| x.as_i64().or_else(|| x.as_str().and_then(|s| s.parse().ok())))
}

/// A short `key=value` rendering of the attributes a finding's cause should show.
pub fn describe(v: &Value, unknown: &Value, keys: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for k in keys {
        if unknown_at(unknown, k) {
            out.push((k.to_string(), "(known after apply)".into()));
            continue;
        }
        match v.get(*k) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(Value::String(s)) => out.push((k.to_string(), s.clone())),
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(other) => out.push((k.to_string(), other.to_string())),
        }
    }
    out
}
